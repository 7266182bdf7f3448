"""Green Optimizer: measure a workload across settings, Pareto frontier, weighted pick."""

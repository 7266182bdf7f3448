"""Carbon-aware scheduling of deferrable jobs on a grid-intensity forecast."""

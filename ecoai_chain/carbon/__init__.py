"""Carbon: grid-intensity data and providers (bundled, live, on-chain). The carbon arithmetic
itself (the one floor rule, Eco Score, reward) is `ecoai_chain.core.units`."""

"""Carbon: grid-intensity data and providers (bundled, live, on-chain) and carbon accounting."""

"""`ecoai up`: a full local network (chain, contracts, attestors, indexer, API) in one command."""

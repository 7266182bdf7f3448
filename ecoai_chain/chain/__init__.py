"""Chain adapters: local devnet, compiled artifacts, deployment and the contract client."""

"""The relayer: attestors post signed certificates and proofs, it lands them in batches."""

"""Zero-knowledge core of EcoAI Chain (circuit: circuits/green_proof.circom).

Public API:
* `ecoai_chain.zk.witness`: `EpochInput` (.public_values(), .public_signals(), .circuit_input(),
  .slot_opening(i), .root, .to_json()/.from_json()), `SlotOpening` (.verify(root)),
  `seed_field`, `slot_salt`, `slot_leaf`, `N_SLOTS`.
* `ecoai_chain.zk.poseidon`: `poseidon(inputs)` (circomlib-identical, arities 1-4 and 8).
* `ecoai_chain.zk.merkle`: `MerkleTree`, `MerkleProof`, `verify_merkle_proof(root, leaf, proof)`.
* `ecoai_chain.zk.bundle`: `ProofBundle` (.solidity_calldata(), .to_json()/.from_json()); pure.
* `ecoai_chain.zk.prover`: `Prover` (.prove(epoch) -> `ProofBundle`), `snarkjs_verify`.
* `ecoai_chain.zk.verifier`: `load_vkey`, `verify_groth16`, `verify_batch`, `check_combination`.
* `ecoai_chain.zk.batch`: `verify_batch_fiat_shamir`, `batch_seed`, `batch_coefficients`,
  `rerandomize` (mirror of contracts/Groth16BatchVerifier.sol).
* `ecoai_chain.zk.artifacts`: `zk_artifacts()` (committed zkey, wasm, vkey, manifest).
* `ecoai_chain.zk.setup`: `run_setup` (`ecoai zk setup`).
"""

pragma circom 2.1.0;

// Test-only main for tests/zk/test_zk_poseidon_circuit.py: Poseidon(8) against a vector.
include "circuits/test/poseidon_vector.circom";

component main {public [out]} = PoseidonVector(8);

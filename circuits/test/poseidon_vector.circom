pragma circom 2.1.0;

// Test-only circuit: circomlib's Poseidon(n) -- the template green_proof.circom uses for leaves
// (n = 3) and Merkle nodes (n = 8) -- constrained to equal a given output, so that
// tests/zk/test_zk_poseidon_circuit.py can run tests/vectors/poseidon.json (circomlibjs) through
// the real witness calculator and R1CS. Public signal: out. Nothing here is used in production.
include "circomlib/circuits/poseidon.circom";

template PoseidonVector(n) {
    signal input in[n];
    signal input out;
    component h = Poseidon(n);
    for (var i = 0; i < n; i++) {
        h.inputs[i] <== in[i];
    }
    out === h.out;
}

pragma circom 2.1.0;

// The production instance: N = 64 slots (sixty 60-second windows plus zero padding).
// Circuit v2: three public inputs, the words of ecoai_chain/core/public_signals.json in order
// (root; header = node/epoch/window/slots/intensity/power; totals = energy/work/carbon).
include "circuits/green_proof.circom";

component main {public [root, header, totals]} = GreenProof(64);

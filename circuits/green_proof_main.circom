pragma circom 2.1.0;

// The production instance: N = 64 slots (sixty 60-second windows plus zero padding).
// Public inputs in the order of ecoai_chain/core/public_signals.json.
include "circuits/green_proof.circom";

component main {public [root, node_id, epoch_start_s, window_s, slot_count,
                        total_energy_mj, total_work, carbon_mg, intensity_mg_per_kwh,
                        max_power_mw]} = GreenProof(64);

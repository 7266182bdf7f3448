pragma circom 2.1.0;

// GreenProof(N): one epoch of N metered slots -> Groth16 statement about its totals.
//
// PUBLIC INPUTS (circuit v2), in this exact order (`words` of ecoai_chain/core/public_signals.json;
// snarkjs publicSignals index = position): three field elements packing the ten proved fields,
// word = sum field * 2^offset, low field first (offsets from the table's bits, generated into
// circuits/public_signals.circom with their bit ranges):
//   0 root    Poseidon Merkle root of the N slot leaves (8-ary, see TREE below)
//   1 header  node_id, epoch_start_s, window_s, slot_count, intensity_mg_per_kwh, max_power_mw
//   2 totals  total_energy_mj, total_work, carbon_mg
// The proved fields (private inputs, bound to the words by PublicWords), each range-checked here
// to its table width, which is what makes the packing injective (no field spills into the next,
// no word reaches the modulus):
//   node_id               < 2^64   (rNode)
//   epoch_start_s         < 2^64   (rStart)
//   window_s              < 2^16   (rWindow)
//   slot_count            1..N     (sum of the boolean prefix mask m: <= 64 < 2^7)
//   total_energy_mj       = sum energy_i, each < 2^48, so < 2^54 by construction
//   total_work            = sum work_i, each < 2^64, so < 2^70 by construction
//   carbon_mg             = floor(total_energy_mj * intensity / 3_600_000_000), < 2^64 (rCarbon)
//   intensity_mg_per_kwh  < 2^32   (rIntensity)
//   max_power_mw          < 2^32   (rPower)
//
// PRIVATE INPUTS: the nine proved fields other than root (above); energy[N] (mJ), work[N],
// salt[N] (field elements).
//
// WHAT THE CIRCUIT ENFORCES
//   * leaf_i = Poseidon(energy_i, work_i, salt_i)   (circomlib Poseidon, 3 inputs)
//   * root = 8-ary Poseidon tree over leaf_0..leaf_{N-1}: node = Poseidon(c_0..c_7)
//     (circomlib Poseidon, 8 inputs); N = 64 gives depth 2 (8 nodes + the root).
//   * energy_i < 2^48, work_i < 2^64 (ENERGY_SLOT_BITS / WORK_SLOT_BITS in core/units.py)
//   * energy_i <= max_power_mw * window_s   (mW * s = mJ, exact), and = 0 for i >= slot_count
//   * work_i = 0 for i >= slot_count; slot_count in [1, N]
//   * totals are the sums; carbon by quotient/remainder: E * I == carbon * 3.6e9 + rem,
//     0 <= rem < 3.6e9, carbon < 2^64. Widths make every sum/product < 2^97 << p: no wrap.
//
// ENFORCED OUTSIDE THE CIRCUIT (GreenProof contract / off-chain tooling):
//   * epoch alignment: epoch_start_s % epochLengthS == 0, window_s * slot_count == epochLengthS,
//     epoch strictly after the node's last certified epoch, epoch ended before block.timestamp;
//   * intensity_mg_per_kwh == the on-chain region table at epoch_start_s;
//   * max_power_mw == the node's registered max power; node registered and Active;
//   * the attestor's EIP-712 signature over the certificate (binds root, node_id, epoch, totals);
//   * every public input < the BN254 scalar field modulus (the generated verifier checks it);
//     every certificate field < 2^bits before packing (PublicSignals.toArray reverts
//     GreenProofFieldTooWide naming it), so the contract's words are the circuit's words.
//   * salt_i = Poseidon(seed_field, node_id, epoch_start_s, i) is how the attestor derives salts
//     (ecoai_chain/zk/witness.py). The circuit does NOT recompute it: salts only provide hiding,
//     any salt gives the same guarantees about the public totals, and recomputing 64 salts costs
//     64 x ~300 = 19k constraints, which breaks the 2^15 budget.
//
// DESIGN CHOICES (budget <= 32,768 constraints at N = 64, i.e. a 2^15 powers-of-tau):
//   * TREE: an 8-ary tree costs 9 Poseidon(8) (~3.6k constraints) against 63 Poseidon(2)
//     (~15.1k) for a binary tree; 64 Poseidon(3) leaves (~16.7k) are the floor. A slot opening
//     is then 2 levels x 7 siblings (see ecoai_chain/zk/merkle.py).
//   * The prefix mask m_i = [i < slot_count] is a witness-computed 0/1 vector constrained to be
//     non-increasing with m_0 = 1 and sum m_i = slot_count: 2 constraints a slot instead of a
//     comparator per slot.
//   * PACKING: 3 public inputs instead of 10 (each costs ~7k gas in the verifier's MSM); the
//     words are linear in the fields, so they add no constraint beyond the range checks the
//     fields needed anyway.
//   * energy_i <= cap * m_i is ONE 48-bit range check of (cap * m_i - energy_i): it gives both the
//     power bound and "zero beyond slot_count" for energy.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circuits/public_signals.circom";

// in < 2^n (n constraints). Sound while the honest value range is far below the field.
template RangeCheck(n) {
    signal input in;
    component bits = Num2Bits(n);
    bits.in <== in;
}

template GreenProof(N) {
    var ENERGY_BITS = 48;
    var WORK_BITS = 64;
    var MJ_PER_KWH = 3600000000;
    var ARITY = 8;

    // public inputs (the packed words)
    signal input root;
    signal input header;
    signal input totals;

    // the proved fields other than root (private; bound to header/totals in Stage 7)
    signal input node_id;
    signal input epoch_start_s;
    signal input window_s;
    signal input slot_count;
    signal input total_energy_mj;
    signal input total_work;
    signal input carbon_mg;
    signal input intensity_mg_per_kwh;
    signal input max_power_mw;

    signal input energy[N];
    signal input work[N];
    signal input salt[N];

    // ---- Stage 1: widths of the proved scalars (bits from public_signals.json) ----
    // slot_count, total_energy_mj and total_work are bounded by Stages 2 and 4.
    component rNode = RangeCheck(64);      rNode.in <== node_id;
    component rStart = RangeCheck(64);     rStart.in <== epoch_start_s;
    component rWindow = RangeCheck(16);    rWindow.in <== window_s;
    component rPower = RangeCheck(32);     rPower.in <== max_power_mw;
    component rIntensity = RangeCheck(32); rIntensity.in <== intensity_mg_per_kwh;
    component rCarbon = RangeCheck(64);    rCarbon.in <== carbon_mg;

    // Per-slot energy cap in mJ: mW * s = mJ. < 2^48 since power < 2^32 and window < 2^16.
    signal cap;
    cap <== max_power_mw * window_s;

    // ---- Stage 2: prefix mask m_i = [i < slot_count] ----
    signal m[N];
    var maskSum = 0;
    for (var i = 0; i < N; i++) {
        m[i] <-- (i < slot_count) ? 1 : 0;
        m[i] * (m[i] - 1) === 0;                 // boolean
        if (i == 0) {
            m[0] === 1;                          // at least one slot in use
        } else {
            m[i] * (1 - m[i - 1]) === 0;         // non-increasing: 1...1 0...0
        }
        maskSum += m[i];
    }
    maskSum === slot_count;                      // so slot_count in [1, N] and m is its prefix

    // ---- Stage 3: per-slot range, power bound, zero padding, leaf ----
    component rEnergy[N];
    component rWork[N];
    component rHeadroom[N];
    component leaf[N];
    signal capOn[N];
    var sumEnergy = 0;
    var sumWork = 0;
    for (var i = 0; i < N; i++) {
        rEnergy[i] = RangeCheck(ENERGY_BITS);    // 0 <= energy_i < 2^48
        rEnergy[i].in <== energy[i];
        rWork[i] = RangeCheck(WORK_BITS);        // 0 <= work_i < 2^64
        rWork[i].in <== work[i];

        // energy_i <= cap * m_i: headroom in [0, 2^48). cap*m_i < 2^48 and energy_i < 2^48, so a
        // "negative" headroom would be a field element near p and fail the range check.
        capOn[i] <== cap * m[i];
        rHeadroom[i] = RangeCheck(ENERGY_BITS);
        rHeadroom[i].in <== capOn[i] - energy[i];

        work[i] * (1 - m[i]) === 0;              // no work claimed beyond slot_count

        leaf[i] = Poseidon(3);
        leaf[i].inputs[0] <== energy[i];
        leaf[i].inputs[1] <== work[i];
        leaf[i].inputs[2] <== salt[i];

        sumEnergy += energy[i];
        sumWork += work[i];
    }

    // ---- Stage 4: totals (exact integer sums: 64 * 2^48 < 2^54, 64 * 2^64 < 2^70) ----
    total_energy_mj === sumEnergy;
    total_work === sumWork;

    // ---- Stage 5: carbon = floor(E * I / 3.6e9) by quotient and remainder ----
    // E < 2^54, I < 2^32: E*I < 2^86; carbon < 2^64: carbon*3.6e9 + rem < 2^97. No wrap, so the
    // field equation is the integer equation and (carbon, rem) is the unique floor division.
    signal product;
    product <== total_energy_mj * intensity_mg_per_kwh;
    signal rem;
    rem <-- product % MJ_PER_KWH;
    product === carbon_mg * MJ_PER_KWH + rem;
    component rRem = RangeCheck(32);             // rem >= 0
    rRem.in <== rem;
    component rRemMax = RangeCheck(32);          // rem < 3.6e9  <=>  rem + 2^32 - 3.6e9 < 2^32
    rRemMax.in <== rem + (4294967296 - MJ_PER_KWH);

    // ---- Stage 6: 8-ary Poseidon Merkle tree over the leaves ----
    // tree[] holds level 0 (the N leaves), then level 1 (N/8 nodes), ..., the root last.
    var total = 0;
    var nHashers = 0;
    var levelSize = N;
    while (levelSize > 1) {
        assert(levelSize % ARITY == 0);          // N must be a power of 8
        total += levelSize;
        levelSize = levelSize \ ARITY;
        nHashers += levelSize;
    }
    total += 1;
    signal tree[total];
    for (var i = 0; i < N; i++) {
        tree[i] <== leaf[i].out;
    }
    component hashers[nHashers];
    var levelStart = 0;
    var h = 0;
    levelSize = N;
    while (levelSize > 1) {
        var nextStart = levelStart + levelSize;
        for (var j = 0; j < levelSize \ ARITY; j++) {
            hashers[h] = Poseidon(ARITY);
            for (var k = 0; k < ARITY; k++) {
                hashers[h].inputs[k] <== tree[levelStart + j * ARITY + k];
            }
            tree[nextStart + j] <== hashers[h].out;
            h++;
        }
        levelStart = nextStart;
        levelSize = levelSize \ ARITY;
    }
    // ---- Stage 7: the public inputs are the packed fields (all range-checked above) ----
    component words = PublicWords();
    words.root <== tree[total - 1];
    words.node_id <== node_id;
    words.epoch_start_s <== epoch_start_s;
    words.window_s <== window_s;
    words.slot_count <== slot_count;
    words.total_energy_mj <== total_energy_mj;
    words.total_work <== total_work;
    words.carbon_mg <== carbon_mg;
    words.intensity_mg_per_kwh <== intensity_mg_per_kwh;
    words.max_power_mw <== max_power_mw;
    root === words.out[0];
    header === words.out[1];
    totals === words.out[2];
}

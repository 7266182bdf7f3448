// Groth16BatchVerifier against the generated single verifier, on real proofs
// (tests/vectors/contract_proofs.json): every batch's verdict and every item's verdict are
// compared with Groth16Verifier.verifyProof; the Fiat-Shamir coefficients with the shared vector
// tests/vectors/groth16_batch.json (scripts/gen_batch_verifier.py, also asserted in Python).
import { expect } from "chai";
import { network } from "hardhat";
import { readFileSync } from "node:fs";
import { FIELD, VECTORS } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create();
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const BATCH = JSON.parse(readFileSync(new URL("../vectors/groth16_batch.json", import.meta.url), "utf8"));

// 15 distinct real proofs: the certificates and the ceiling cases, each with its own inputs.
const ITEMS = [...VECTORS.certificates, ...Object.values(VECTORS.ceiling_cases)].map((v) => ({
  proof: { a: v.proof.a.map(BigInt), b: v.proof.b.map((row) => row.map(BigInt)), c: v.proof.c.map(BigInt) },
  inputs: v.public_signals.map(BigInt),
}));
const take = (n) => ITEMS.slice(0, n);
/** The proof with A negated: still a curve point, no longer a valid proof. */
const negateA = ({ proof, inputs }) => ({ proof: { ...proof, a: [proof.a[0], Q - proof.a[1]] }, inputs });
/** B with y_re + 1 or - 1: off the twist, so ecPairing refuses it. */
const offTwist = ({ proof, inputs }) => ({ proof: { ...proof, b: [proof.b[0], [proof.b[1][0], proof.b[1][1] ^ 1n]] }, inputs });
/** verifyBatch / verifyEach arguments: (proofs, inputs). */
const argsOf = (items) => [items.map((x) => x.proof), items.map((x) => x.inputs)];
/** Affine G1 addition on y^2 = x^3 + 3 (distinct, non-opposite points). */
function g1Add([x1, y1], [x2, y2]) {
  const mod = (v) => ((v % Q) + Q) % Q;
  const inv = (v) => { let [r, b, e] = [1n, mod(v), Q - 2n]; for (; e > 0n; e >>= 1n, b = (b * b) % Q) if (e & 1n) r = (r * b) % Q; return r; };
  const l = mod((y2 - y1) * inv(x2 - x1));
  const x3 = mod(l * l - x1 - x2);
  return [x3, mod(l * (x1 - x3) - y1)];
}
const wordsOf = (p) => [p.a[0], p.a[1], p.b[0][0], p.b[0][1], p.b[1][0], p.b[1][1], p.c[0], p.c[1]];

describe("Groth16BatchVerifier", function () {
  async function fixture() {
    const batch = await ethers.deployContract("Groth16BatchVerifier");
    const single = await ethers.deployContract("Groth16Verifier");
    return { batch, single };
  }

  /** Per item, the single verifier's verdict. */
  async function singleVerdicts(single, items) {
    const out = [];
    for (const { proof, inputs } of items) out.push(await single.verifyProof(proof.a, proof.b, proof.c, inputs));
    return out;
  }

  /** verifyBatch, verifyEach and the single verifier on `items`; checks that they agree. */
  async function verdicts(items) {
    const { batch, single } = await networkHelpers.loadFixture(fixture);
    const args = argsOf(items);
    const each = await batch.verifyEach(...args);
    expect(each).to.deep.equal(await singleVerdicts(single, items));
    const all = await batch.verifyBatch(...args);
    expect(all).to.equal(each.every(Boolean));
    return { all, each };
  }

  describe("# batchCoefficients", function () {
    it("Should derive the shared vector's seed and coefficients (r_0 = 1) from its batch", async function () {
      const { batch } = await networkHelpers.loadFixture(fixture);
      expect(await batch.verifyingKeyHash()).to.equal(BATCH.vk_hash);
      const proofs = BATCH.proofs.map((w) => ({ a: [w[0], w[1]], b: [[w[2], w[3]], [w[4], w[5]]], c: [w[6], w[7]] }));
      const [seed, coefficients] = await batch.batchCoefficients(proofs, BATCH.inputs);
      expect(seed).to.equal(BATCH.seed);
      expect(coefficients.map(String)).to.deep.equal(BATCH.coefficients);
      expect(coefficients[0]).to.equal(1n);
      // the vector's batch is certificates 0..3 in calldata order
      expect(BATCH.proofs).to.deep.equal(take(4).map((x) => wordsOf(x.proof).map(String)));
    });

    it("Should change every coefficient when one word of one item changes", async function () {
      const { batch } = await networkHelpers.loadFixture(fixture);
      const items = take(4);
      const [seed, rs] = await batch.batchCoefficients(...argsOf(items));
      const changed = items.map((x) => x.inputs.slice());
      changed[3][changed[3].length - 1] += 1n; // the last input (v2: the totals word)
      const [seed2, rs2] = await batch.batchCoefficients(items.map((x) => x.proof), changed);
      expect(seed2).to.not.equal(seed);
      for (let i = 1; i < 4; i++) expect(rs2[i]).to.not.equal(rs[i]);
    });
  });

  describe("# verifyBatch", function () {
    for (const n of [1, 2, 8]) {
      it(`Should accept a batch of ${n} valid proofs, as the single verifier does each`, async function () {
        const { all, each } = await verdicts(take(n));
        expect(all).to.equal(true);
        expect(each).to.deep.equal(Array(n).fill(true));
      });
    }

    for (const [where, bad] of [["first", 0], ["middle", 4], ["last", 7]]) {
      it(`Should not accept a batch of 8 with one bad proof ${where}; verifyEach names it`, async function () {
        const items = take(8);
        items[bad] = negateA(items[bad]);
        const { all, each } = await verdicts(items);
        expect(all).to.equal(false);
        expect(each.map((ok, i) => (ok ? -1 : i)).filter((i) => i >= 0)).to.deep.equal([bad]);
      });
    }

    it("Should accept the same valid proof twice (two true statements; duplicates are the caller's to refuse)", async function () {
      const { all } = await verdicts([ITEMS[2], ITEMS[2], ITEMS[5]]);
      expect(all).to.equal(true);
    });

    it("Should not accept proofs valid for other inputs (inputs swapped between two items)", async function () {
      const [x, y, z] = take(3);
      const { all, each } = await verdicts([{ proof: x.proof, inputs: y.inputs }, { proof: y.proof, inputs: x.inputs }, z]);
      expect(all).to.equal(false);
      expect(each).to.deep.equal([false, false, true]);
    });

    it("Should not accept two bad proofs whose errors cancel in a plain sum (C_0 + C_1, C_1 = O)", async function () {
      // With every coefficient 1 the sum of the C points is unchanged and the check would pass:
      // the coefficients must be unpredictable (ecoai_chain/zk/batch.py's test shows the plain sum
      // accepting this very batch).
      const [x, y] = take(2);
      const moved = [
        { proof: { ...x.proof, c: g1Add(x.proof.c, y.proof.c) }, inputs: x.inputs },
        { proof: { ...y.proof, c: [0n, 0n] }, inputs: y.inputs },
      ];
      const { all, each } = await verdicts(moved);
      expect([all, ...each]).to.deep.equal([false, false, false]);
    });

    it("Should revert naming the item, signal and value of an input of r or more", async function () {
      const { batch, single } = await networkHelpers.loadFixture(fixture);
      const items = take(3);
      items[1] = { proof: items[1].proof, inputs: items[1].inputs.map((v, j) => (j === 1 ? v + FIELD : v)) };
      const args = argsOf(items);
      await expect(batch.verifyBatch(...args))
        .to.be.revertedWithCustomError(batch, "Groth16BatchInputNotInField").withArgs(1n, 1n, items[1].inputs[1]);
      await expect(batch.batchCoefficients(...args))
        .to.be.revertedWithCustomError(batch, "Groth16BatchInputNotInField").withArgs(1n, 1n, items[1].inputs[1]);
      expect(await batch.verifyEach(...args)).to.deep.equal([true, false, true]);
      expect(await singleVerdicts(single, items)).to.deep.equal([true, false, true]);
    });

    it("Should accept an input of r - 1 in range (and then reject the proof, not the call)", async function () {
      const items = take(2);
      items[0] = { proof: items[0].proof, inputs: items[0].inputs.map((v, j) => (j === 0 ? FIELD - 1n : v)) };
      const { all, each } = await verdicts(items);
      expect([all, ...each]).to.deep.equal([false, false, true]);
    });

    it("Should revert naming the item and word of a coordinate of q or more", async function () {
      const { batch } = await networkHelpers.loadFixture(fixture);
      const items = take(2);
      const p = items[1].proof;
      items[1] = { proof: { ...p, c: [p.c[0], p.c[1] + Q] }, inputs: items[1].inputs };
      const args = argsOf(items);
      await expect(batch.verifyBatch(...args))
        .to.be.revertedWithCustomError(batch, "Groth16BatchCoordinateNotInField").withArgs(1n, 7n, p.c[1] + Q);
      expect(await batch.verifyEach(...args)).to.deep.equal([true, false]);
    });

    it("Should revert naming a point A or C off the curve", async function () {
      const { batch, single } = await networkHelpers.loadFixture(fixture);
      const items = take(2);
      const p = items[0].proof;
      items[0] = { proof: { ...p, a: [p.a[0], p.a[1] ^ 1n] }, inputs: items[0].inputs };
      const args = argsOf(items);
      await expect(batch.verifyBatch(...args))
        .to.be.revertedWithCustomError(batch, "Groth16BatchPointNotOnCurve").withArgs(0n, 0n);
      expect(await batch.verifyEach(...args)).to.deep.equal([false, true]);
      expect(await singleVerdicts(single, items)).to.deep.equal([false, true]);
    });

    it("Should revert when the pairing precompile refuses a B off the twist; verifyEach names it", async function () {
      const { batch } = await networkHelpers.loadFixture(fixture);
      const items = take(3);
      items[2] = offTwist(items[2]);
      const args = argsOf(items);
      await expect(batch.verifyBatch(...args)).to.be.revertedWithCustomError(batch, "Groth16BatchPairingRefused");
      expect(await batch.verifyEach(...args)).to.deep.equal([true, true, false]);
    });

    it("Should check every item after a refused B: the failed pairing burns only its own gas", async function () {
      // A failed precompile call consumes all the gas it was given; forwarding everything would
      // leave 1/64 for the items after it and the call would run out of gas.
      const { batch } = await networkHelpers.loadFixture(fixture);
      const items = take(8);
      items[0] = offTwist(items[0]);
      const args = argsOf(items);
      expect(await batch.verifyEach(...args, { gasLimit: 6_000_000n })).to.deep.equal([false, ...Array(7).fill(true)]);
    });

    it("Should revert for want of gas, never answer false (an estimate finds the real need)", async function () {
      const { batch } = await networkHelpers.loadFixture(fixture);
      const items = take(8);
      const args = argsOf(items);
      await expect(batch.verifyBatch(...args, { gasLimit: 400_000n }))
        .to.be.revertedWithCustomError(batch, "Groth16BatchOutOfGas").withArgs(8n);
      const needed = await batch.verifyBatch.estimateGas(...args);
      expect(await batch.verifyBatch(...args, { gasLimit: needed })).to.equal(true);
    });

    it("Should not accept an empty batch or proofs and inputs of different lengths", async function () {
      const { batch } = await networkHelpers.loadFixture(fixture);
      await expect(batch.verifyBatch([], [])).to.be.revertedWithCustomError(batch, "Groth16BatchEmpty");
      const items = take(2);
      await expect(batch.verifyBatch(items.map((x) => x.proof), [items[0].inputs]))
        .to.be.revertedWithCustomError(batch, "Groth16BatchLengthMismatch").withArgs(2n, 1n);
      await expect(batch.verifyEach(items.map((x) => x.proof), [items[0].inputs]))
        .to.be.revertedWithCustomError(batch, "Groth16BatchLengthMismatch").withArgs(2n, 1n);
    });
  });
});

// submitCertificates: per-item checks, one batch proof check (Groth16BatchVerifier), bad,
// duplicated and front-run items skipped and named (BatchItemSkipped(index, custom error)),
// never sinking the others; with the real proofs of tests/vectors/contract_proofs.json.
import { expect } from "chai";
import { network } from "hardhat";
import { CEILING, CHAIN, VECTORS, certRecord, escrowedOf, makeFixtures, recordsIn, score, vectorCert, vectorIndex, vectorProof, withRecords } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { readyFixture, signedVector, signCert } = makeFixtures(ethers, networkHelpers);
const BASELINE = BigInt(VECTORS.baseline_ng_per_work);
const CLS = VECTORS.workload_class_bytes32;
const rewardOf = (i) => score(BASELINE, vectorCert(i).work, vectorCert(i).carbonMg).rewardUnits;
const anyValue = () => true;
const bumpEnergy = (c) => ({ ...c, energyMj: c.energyMj + 1n }); // re-signed: only the proof is wrong

async function batchArgs(f, indices, mutate = {}) {
  const items = [];
  for (const [k, i] of indices.entries()) items.push(await signedVector(f, i, mutate[k]));
  return [items.map((x) => x[0]), items.map((x) => x[1]), items.map((x) => x[2])];
}

/** The BatchItemSkipped events of a mined batch, as [index, decoded error name, args]. */
async function skipped(gp, tx) {
  const receipt = await (await tx).wait();
  return receipt.logs
    .map((l) => { try { return gp.interface.parseLog(l); } catch { return null; } })
    .filter((e) => e?.name === "BatchItemSkipped")
    .map((e) => {
      const err = gp.interface.parseError(e.args.reason);
      return [e.args.index, err.name, [...err.args]];
    });
}

describe("GreenProof batches (submitCertificates)", function () {
  const node1 = [0, 1, 2].map((k) => vectorIndex(1, k));

  it("Should record every certificate of a batch, across nodes, in order, skipping none", async function () {
    const f = await readyFixture();
    const { gp, operator, operator2 } = f;
    const idx = [vectorIndex(1, 0), vectorIndex(2, 0), vectorIndex(1, 1)];
    const args = await batchArgs(f, idx);
    expect(await gp.submitCertificates.staticCall(...args)).to.deep.equal([1n, 2n, 3n]);
    const tx = gp.submitCertificates(...args);
    await expect(tx).to.emit(gp, "CertificateSubmitted").withArgs(3n, 1n, args[0][2].epochStart, anyValue, anyValue, anyValue, anyValue);
    await expect(tx).to.not.emit(gp, "BatchItemSkipped");
    expect(await gp.certificateCount()).to.equal(3n);
    expect(await escrowedOf(gp, operator.address)).to.equal(rewardOf(idx[0]) + rewardOf(idx[2]));
    expect(await escrowedOf(gp, operator2.address)).to.equal(rewardOf(idx[1]));
  });

  for (const [where, bad] of [["first", 0], ["middle", 1], ["last", 2]]) {
    it(`Should skip a forged proof in ${where} position, name it, and land the others`, async function () {
      const f = await readyFixture();
      const { gp } = f;
      const args = await batchArgs(f, node1, { [bad]: bumpEnergy });
      const good = [0, 1, 2].filter((k) => k !== bad);
      const ids = await gp.submitCertificates.staticCall(...args);
      expect(ids[bad]).to.equal(0n);
      expect(good.map((k) => ids[k])).to.deep.equal([1n, 2n]);
      expect(await skipped(gp, gp.submitCertificates(...args))).to.deep.equal([[BigInt(bad), "GreenProofInvalidProof", []]]);
      expect(await gp.certificateCount()).to.equal(2n);
      expect(await gp.certificateOf(1n, args[0][bad].epochStart)).to.equal(0n);
      for (const [k, id] of good.map((k, j) => [k, BigInt(j + 1)])) {
        expect(await gp.certificateOf(1n, args[0][k].epochStart)).to.equal(id);
      }
    });
  }

  it("Should skip a proof that is not even a curve point (the batch check reverts) and land the others", async function () {
    const f = await readyFixture();
    const { gp } = f;
    const args = await batchArgs(f, node1);
    args[1][1] = { ...args[1][1], a: [args[1][1].a[0], args[1][1].a[1] + 1n] }; // A off the curve
    expect(await skipped(gp, gp.submitCertificates(...args))).to.deep.equal([[1n, "GreenProofInvalidProof", []]]);
    expect(await gp.certificateCount()).to.equal(2n);
  });

  it("Should certify the same item twice in one batch once, skipping the copy with the epoch's id", async function () {
    const f = await readyFixture();
    const { gp, operator } = f;
    const [c, p, s] = await signedVector(f, node1[0]);
    expect(await gp.submitCertificates.staticCall([c, c], [p, p], [s, s])).to.deep.equal([1n, 0n]);
    expect(await skipped(gp, gp.submitCertificates([c, c], [p, p], [s, s])))
      .to.deep.equal([[1n, "GreenProofEpochAlreadyCertified", [1n, c.epochStart, 1n]]]);
    expect(await gp.certificateCount()).to.equal(1n);
    expect(await escrowedOf(gp, operator.address)).to.equal(rewardOf(node1[0]));
  });

  it("Should name a copy with a forged proof for its taken epoch, as a single submission would", async function () {
    const f = await readyFixture();
    const { gp } = f;
    const [c, p, s] = await signedVector(f, node1[0]);
    const [c2, , s2] = await signedVector(f, node1[0], bumpEnergy); // same epoch, proof wrong for it
    const args = [[c, c2], [p, p], [s, s2]];
    expect(await skipped(gp, gp.submitCertificates(...args)))
      .to.deep.equal([[1n, "GreenProofEpochAlreadyCertified", [1n, c.epochStart, 1n]]]);
    // What submitCertificate says of that copy once the first landed: the epoch, before the proof.
    await expect(gp.submitCertificate(c2, p, s2))
      .to.be.revertedWithCustomError(gp, "GreenProofEpochAlreadyCertified").withArgs(1n, c.epochStart, 1n);
  });

  it("Should skip an item a stranger front-ran with a single submission and still certify the others", async function () {
    const f = await readyFixture();
    const { gp, stranger } = f;
    const args = await batchArgs(f, node1);
    // The stranger copies item 1 from the mempool and lands it first.
    await gp.connect(stranger).submitCertificate(args[0][1], args[1][1], args[2][1]);
    expect(await gp.submitCertificates.staticCall(...args)).to.deep.equal([2n, 0n, 3n]);
    expect(await skipped(gp, gp.submitCertificates(...args)))
      .to.deep.equal([[1n, "GreenProofEpochAlreadyCertified", [1n, args[0][1].epochStart, 1n]]]);
    for (const [k, id] of [[0, 2n], [1, 1n], [2, 3n]]) {
      expect(await gp.certificateOf(1n, args[0][k].epochStart)).to.equal(id);
    }
    // The whole batch again: every item landed already; nothing changes, nothing reverts.
    expect((await skipped(gp, gp.submitCertificates(...args))).map((e) => e[0])).to.deep.equal([0n, 1n, 2n]);
    expect(await gp.certificateCount()).to.equal(3n);
  });

  it("Should skip an item whose epoch landed with other fields, naming the landed id", async function () {
    const f = await readyFixture();
    const { gp } = f;
    await gp.submitCertificate(...(await signedVector(f, node1[0])));
    const args = await batchArgs(f, [node1[0], node1[1]], { 0: bumpEnergy });
    expect(await skipped(gp, gp.submitCertificates(...args)))
      .to.deep.equal([[0n, "GreenProofEpochAlreadyCertified", [1n, args[0][0].epochStart, 1n]]]);
    expect(await gp.certificateOf(1n, args[0][1].epochStart)).to.equal(2n);
  });

  it("Should skip an item signed by another key, naming both keys, and land the others", async function () {
    const f = await readyFixture();
    const { gp, stranger, attestor } = f;
    const args = await batchArgs(f, node1);
    args[2][1] = await signCert(stranger, gp, args[0][1]);
    expect(await skipped(gp, gp.submitCertificates(...args)))
      .to.deep.equal([[1n, "GreenProofBadSignature", [stranger.address, attestor.address]]]);
    expect(await gp.certificateCount()).to.equal(2n);
  });

  it("Should skip the forged zero-energy epoch with the ceiling error, as a single submission refuses it", async function () {
    const f = await readyFixture();
    const { gp } = f;
    const forged = vectorCert("forged");
    const args = await batchArgs(f, ["forged", node1[0]]);
    expect(await skipped(gp, gp.submitCertificates(...args)))
      .to.deep.equal([[0n, "GreenProofAboveEfficiencyCeiling", [CLS, forged.work, 0n, CEILING]]]);
    expect(await gp.certificateCount()).to.equal(1n);
  });

  it("Should land nothing from an all-bad batch, name every item, and not revert", async function () {
    const f = await readyFixture();
    const { gp, operator, stranger } = f;
    const args = await batchArgs(f, ["forged", ...node1], { 1: bumpEnergy, 2: bumpEnergy });
    args[2][3] = await signCert(stranger, gp, args[0][3]);
    expect(await gp.submitCertificates.staticCall(...args)).to.deep.equal([0n, 0n, 0n, 0n]);
    expect((await skipped(gp, gp.submitCertificates(...args))).map(([i, name]) => [i, name])).to.deep.equal([
      [0n, "GreenProofAboveEfficiencyCeiling"],
      [3n, "GreenProofBadSignature"],
      [1n, "GreenProofInvalidProof"],
      [2n, "GreenProofInvalidProof"],
    ]);
    expect(await gp.certificateCount()).to.equal(0n);
    expect(await gp.nextEpochStart(1n)).to.equal(0n);
    expect(await escrowedOf(gp, operator.address)).to.equal(0n);
  });

  it("Should revert a malformed call only: arrays of different lengths, an empty batch, paused", async function () {
    const f = await readyFixture();
    const [c, p, s] = await batchArgs(f, [node1[0]]);
    await expect(f.gp.submitCertificates(c, p, [])).to.be.revertedWithCustomError(f.gp, "GreenProofBatchLengthMismatch").withArgs(1n, 1n, 0n);
    await expect(f.gp.submitCertificates([], [], [])).to.be.revertedWithCustomError(f.gp, "GreenProofBatchLengthMismatch").withArgs(0n, 0n, 0n);
    await f.gp.pause();
    await expect(f.gp.submitCertificates(c, p, s)).to.be.revertedWithCustomError(f.gp, "EnforcedPause");
  });

  it("Should never skip an item for want of gas: at any gas limit, all land or the call reverts", async function () {
    const f = await readyFixture();
    const args = await batchArgs(f, node1);
    // The property a gas-capped inner call would break. The checks run inline (no inner call:
    // running out of gas in them is the whole call's); the one inner call of the batch path,
    // the batch verifier's, leaves 1/64 of its gas when it runs out (EIP-150), too little to
    // finish the batch, and GreenProofBatchOutOfGas (it reverted without data) is the guard.
    const need = await f.gp.submitCertificates.estimateGas(...args);
    let reverted = 0;
    for (let k = 1n; k <= 24n; ++k) {
      const gasLimit = (need * k) / 24n; // 1/24 .. all of it: every phase runs out somewhere
      try {
        expect(await f.gp.submitCertificates.staticCall(...args, { gasLimit })).to.deep.equal([1n, 2n, 3n]);
      } catch (e) {
        if (e.name === "AssertionError") throw e;
        ++reverted;
      }
    }
    expect(reverted).to.be.greaterThan(0);
    expect(reverted).to.be.lessThan(24);
  });

  it("Should never skip a good item for want of gas in the checks either (one bad signature)", async function () {
    // A skip in pass 1 is only ever a check's own error: a gas limit that runs out there
    // reverts the call, never turning a good item into a skip or a bad one into a landing.
    const f = await readyFixture();
    const args = await batchArgs(f, node1);
    args[2][1] = await signCert(f.stranger, f.gp, args[0][1]);
    const need = await f.gp.submitCertificates.estimateGas(...args);
    let reverted = 0;
    for (let k = 1n; k <= 24n; ++k) {
      const gasLimit = (need * k) / 24n;
      try {
        expect(await f.gp.submitCertificates.staticCall(...args, { gasLimit })).to.deep.equal([1n, 0n, 2n]);
      } catch (e) {
        if (e.name === "AssertionError") throw e;
        ++reverted;
      }
    }
    expect(reverted).to.be.greaterThan(0);
    expect(reverted).to.be.lessThan(24);
  });

  it("Should never skip a good item for want of gas on the verifyEach path either (one forged proof)", async function () {
    // The attacker (whoever sends the batch) picks the gas limit: with a forged item the
    // batch check fails and verifyEach runs; no gas limit may turn a good item into a skip.
    const f = await readyFixture();
    const args = await batchArgs(f, node1, { 1: bumpEnergy });
    const need = await f.gp.submitCertificates.estimateGas(...args);
    let reverted = 0;
    for (let k = 1n; k <= 32n; ++k) {
      const gasLimit = (need * k) / 32n;
      try {
        expect(await f.gp.submitCertificates.staticCall(...args, { gasLimit })).to.deep.equal([1n, 0n, 2n]);
      } catch (e) {
        if (e.name === "AssertionError") throw e;
        ++reverted;
      }
    }
    expect(reverted).to.be.greaterThan(0);
    expect(reverted).to.be.lessThan(32);
  });

  it("Should check an item without its proof exactly as submitCertificate does (checkCertificate)", async function () {
    const f = await readyFixture();
    const { gp, stranger, attestor } = f;
    const [c, , s] = await signedVector(f, node1[0]);
    expect(await gp.checkCertificate(c, s)).to.equal(BASELINE);
    const bad = await signCert(stranger, gp, c);
    await expect(gp.checkCertificate(c, bad)).to.be.revertedWithCustomError(gp, "GreenProofBadSignature").withArgs(stranger.address, attestor.address);
    await gp.submitCertificate(c, vectorProof(node1[0]), s);
    await expect(gp.checkCertificate(c, s)).to.be.revertedWithCustomError(gp, "GreenProofEpochAlreadyCertified").withArgs(1n, c.epochStart, 1n);
  });
  // Attacks by a dishonest operator on the batch proof check (one verifyBatch over the items).
  const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
  const neg = (y) => (Q - y) % Q;
  // (-A, -B, C): other bytes, the same statement (e(-A, -B) = e(A, B)), a valid proof.
  const rerandomised = (p) => ({ a: [p.a[0], neg(p.a[1])], b: [p.b[0], p.b[1].map(neg)], c: p.c });

  it("Should land neither of two items whose valid proofs were swapped (each proof binds its own item)", async function () {
    const f = await readyFixture();
    const { gp } = f;
    const args = await batchArgs(f, node1);
    [args[1][0], args[1][2]] = [args[1][2], args[1][0]];
    expect(await skipped(gp, gp.submitCertificates(...args))).to.deep.equal([
      [0n, "GreenProofInvalidProof", []], [2n, "GreenProofInvalidProof", []],
    ]);
    expect(await gp.certificateCount()).to.equal(1n);
    expect(await gp.certificateOf(1n, args[0][1].epochStart)).to.equal(1n);
    for (const k of [0, 2]) expect(await gp.certificateOf(1n, args[0][k].epochStart)).to.equal(0n);
  });

  it("Should not land a second epoch (or another node's) with the first item's proof reused", async function () {
    const f = await readyFixture();
    const { gp, operator2 } = f;
    const idx = [node1[0], node1[1], vectorIndex(2, 0)];
    const args = await batchArgs(f, idx);
    args[1][1] = args[1][0];
    args[1][2] = args[1][0];
    expect(await skipped(gp, gp.submitCertificates(...args))).to.deep.equal([
      [1n, "GreenProofInvalidProof", []], [2n, "GreenProofInvalidProof", []],
    ]);
    expect(await gp.certificateCount()).to.equal(1n);
    expect(await escrowedOf(gp, operator2.address)).to.equal(0n);
  });

  it("Should count a re-randomised copy of a proof as the same epoch: skipped in the batch, refused singly", async function () {
    const f = await readyFixture();
    const { gp, operator } = f;
    const [c, p, s] = await signedVector(f, node1[0]);
    const p2 = rerandomised(p);
    expect(p2).to.not.deep.equal(p);
    // the copy is a valid proof on its own (so only the epoch key can refuse it)
    expect(await gp.submitCertificate.staticCall(c, p2, s)).to.equal(1n);
    expect(await skipped(gp, gp.submitCertificates([c, c], [p, p2], [s, s])))
      .to.deep.equal([[1n, "GreenProofEpochAlreadyCertified", [1n, c.epochStart, 1n]]]);
    await expect(gp.submitCertificate(c, p2, s))
      .to.be.revertedWithCustomError(gp, "GreenProofEpochAlreadyCertified").withArgs(1n, c.epochStart, 1n);
    expect(await gp.certificateCount()).to.equal(1n);
    expect(await escrowedOf(gp, operator.address)).to.equal(rewardOf(node1[0]));
  });

  it("Should release an id only once even when one call lists it twice between other operators' ids", async function () {
    const f = await readyFixture();
    const { gp, eco, operator, operator2 } = f;
    const idx = [node1[0], vectorIndex(2, 0), node1[1]];
    await gp.submitCertificates(...(await batchArgs(f, idx)));
    await networkHelpers.time.setNextBlockTimestamp((await certRecord(gp, 3n)).releaseAt);
    for (const ids of [[1n, 2n, 1n], [1n, 1n], [3n, 2n, 3n]]) {
      await expect(gp.releaseRewards(...(await withRecords(gp, ids)))).to.be.revertedWithCustomError(gp, "GreenProofAlreadyReleased").withArgs(ids.at(-1));
    }
    expect(await eco.totalSupply()).to.equal(0n);
    // runs op1, op2, op1: each operator gets exactly its escrow, no more
    await gp.releaseRewards(...(await withRecords(gp, [1n, 2n, 3n])));
    expect(await eco.balanceOf(operator.address)).to.equal(rewardOf(idx[0]) + rewardOf(idx[2]));
    expect(await eco.balanceOf(operator2.address)).to.equal(rewardOf(idx[1]));
    expect(await eco.totalSupply()).to.equal(rewardOf(idx[0]) + rewardOf(idx[1]) + rewardOf(idx[2]));
    expect(await escrowedOf(gp, operator.address)).to.equal(0n);
    await expect(gp.releaseRewards(...(await withRecords(gp, [2n])))).to.be.revertedWithCustomError(gp, "GreenProofAlreadyReleased").withArgs(2n);
  });

  // Attack review of stage F: each item's memory is handed to the next one (the free memory
  // pointer moved back after its checks and after its record). A long junk signature, a
  // longer skip reason before a shorter one and skipped items between landed ones must leave
  // every landed record whole (its event hashes to its word) and every reason exact.
  it("Should keep every landed record and skip reason exact while items reuse each other's memory", async function () {
    const f = await readyFixture();
    const { gp, attestor } = f;
    const idx = [vectorIndex(1, 0), vectorIndex(1, 1), vectorIndex(2, 0), vectorIndex(1, 2), vectorIndex(1, 0), vectorIndex(2, 1)];
    const args = await batchArgs(f, idx, { 3: bumpEnergy });
    args[2][1] = "0x" + "ab".repeat(4096); // 4 KiB of junk: no signer
    args[0][4] = { ...args[0][4], maxPowerMw: args[0][4].maxPowerMw + 1n }; // a 3-word reason over the 2-word one
    const receipt = await (await gp.submitCertificates(...args)).wait();
    const skips = receipt.logs.map((l) => { try { return gp.interface.parseLog(l); } catch { return null; } })
      .filter((e) => e?.name === "BatchItemSkipped")
      .map((e) => [e.args.index, gp.interface.parseError(e.args.reason).name, [...gp.interface.parseError(e.args.reason).args]]);
    expect(skips).to.deep.equal([
      [1n, "GreenProofBadSignature", [ethers.ZeroAddress, attestor.address]],
      [4n, "GreenProofMaxPowerMismatch", [1n, args[0][4].maxPowerMw - 1n, args[0][4].maxPowerMw]],
      [3n, "GreenProofInvalidProof", []],
    ]);
    const records = recordsIn(gp, receipt);
    expect([...records.keys()]).to.deep.equal([1n, 2n, 3n]);
    for (const [k, [id, record]] of [0, 2, 5].map((k, j) => [k, [...records.entries()][j]])) {
      expect(await gp.checkRecord(id, record)).to.deep.equal([false, false]); // the word's hash is the event's
      expect([record.nodeId, record.epochStart, record.rewardUnits])
        .to.deep.equal([BigInt(vectorCert(idx[k]).nodeId), vectorCert(idx[k]).epochStart, rewardOf(idx[k])]);
    }
  });
});

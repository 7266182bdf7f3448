// A batch names a failing item by exactly the revert data a single submission gives for it:
// for every check of submitCertificate, the BatchItemSkipped reason of that item (at any
// position in the batch) is byte for byte what submitCertificate and checkCertificate revert
// with (same selector, same arguments, same order of checks), and the good items land.
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, FIELD, VECTORS, makeFixtures, vectorCert, vectorIndex } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { region, readyFixture, signedVector, signCert } = makeFixtures(ethers, networkHelpers);
const { time } = networkHelpers;
const EPOCH = BigInt(VECTORS.epoch_length_s);
const name = ethers.encodeBytes32String;
const n1 = (k) => vectorIndex(1, k);
const n2 = (k) => vectorIndex(2, k);
const LANDED = n1(9); // landed before the batch; the earlier epochs of node 1 then break the order rule
const NC = name("no-ceiling"); // a class with a baseline from epoch `late` on, never a ceiling

/** The revert data of `call` (hex), failing the test if it does not revert. */
async function revertData(call) {
  try {
    await call;
  } catch (e) {
    if (typeof e.data !== "string") throw e;
    return e.data;
  }
  throw new Error("expected a revert");
}

/** Nodes 3 (registered, never activated) and 4 (active, in a region without an intensity);
 *  node 1's last vector epoch landed, then the epoch length set again (same length: node 1's
 *  older epochs now break the order rule); class NC with a baseline from epoch `late`. */
async function reasonsFixture() {
  const f = await readyFixture();
  const { gp, operator, attestor } = f;
  const power = BigInt(VECTORS.nodes[0].max_power_mw);
  await gp.connect(operator).registerNode(attestor.address, region("KR"), power, "", { value: await gp.bondFor(power) });
  await gp.connect(operator).registerNode(attestor.address, region("ZZ"), power, "", { value: await gp.bondFor(power) });
  await gp.activateNode(4n);
  await gp.submitCertificate(...(await signedVector(f, LANDED)));
  await gp.setEpochLength(EPOCH);
  const late = (BigInt(await time.latest()) / EPOCH + 2n) * EPOCH;
  await gp.setBaseline(NC, 1n, late);
  await time.increaseTo(late + 2n * EPOCH);
  return { ...f, late };
}

/** Per failing check: its error, the vector, a mutation of its certificate (re-signed by the
 *  node's attestor, or by `signer`); `late`: at an epoch past the vectors (the intensity in
 *  effect there is put in); `now`: the error's last argument is the block's time. */
function cases(f) {
  const far = vectorCert(n1(0)).epochStart - 30n * 86_400n; // aligned, its deadline long passed
  return [
    { error: "GreenProofInputOutOfField", i: n1(0), mutate: (c) => ({ ...c, root: FIELD }) },
    { error: "GreenProofFieldTooWide", i: n1(0), mutate: (c) => ({ ...c, nodeId: 1n << 64n }) },
    { error: "GreenProofFieldTooWide", i: n1(0), mutate: (c) => ({ ...c, windowS: 1n << 16n, maxPowerMw: 1n << 32n }) },
    { error: "GreenProofFieldTooWide", i: n1(0), mutate: (c) => ({ ...c, work: 1n << 70n, carbonMg: 1n << 64n }) },
    { error: "GreenProofUnknownNode", i: n1(0), mutate: (c) => ({ ...c, nodeId: 5n }) },
    { error: "GreenProofNodeNotActive", i: n1(0), mutate: (c) => ({ ...c, nodeId: 3n }) },
    { error: "GreenProofEpochLengthMismatch", i: n1(0), mutate: (c) => ({ ...c, windowS: c.windowS + 1n }) },
    { error: "GreenProofEpochMisaligned", i: n1(0), mutate: (c) => ({ ...c, epochStart: c.epochStart + 1n }) },
    { error: "GreenProofEpochNotFinished", i: n1(0), mutate: (c) => ({ ...c, epochStart: f.late + 1000n * EPOCH }), now: true },
    { error: "GreenProofSubmissionDeadlinePassed", i: n1(0), mutate: (c) => ({ ...c, epochStart: far }), now: true },
    { error: "GreenProofEpochAlreadyCertified", i: LANDED },
    { error: "GreenProofEpochNotAfterLast", i: n1(0) },
    { error: "GreenProofMaxPowerMismatch", i: n2(0), mutate: (c) => ({ ...c, maxPowerMw: c.maxPowerMw + 1n }) },
    { error: "GreenProofEnergyAboveMaxPower", i: n2(0), mutate: (c) => ({ ...c, energyMj: c.maxPowerMw * EPOCH + 1n }) },
    { error: "GreenProofIntensityUnset", i: n1(1), mutate: (c) => ({ ...c, nodeId: 4n }) },
    { error: "GreenProofIntensityMismatch", i: n2(0), mutate: (c) => ({ ...c, intensityMgPerKwh: c.intensityMgPerKwh + 1n }) },
    { error: "GreenProofUnknownWorkloadClass", i: n2(0), mutate: (c) => ({ ...c, workloadClass: name("nope") }) },
    { error: "GreenProofNoEfficiencyCeiling", i: n2(0), mutate: (c) => ({ ...c, workloadClass: NC, epochStart: f.late }), late: true },
    { error: "GreenProofAboveEfficiencyCeiling", i: "forged" },
    { error: "GreenProofBadSignature", i: n2(0), signer: f.stranger },
    // The next epoch, which no good item takes (an item whose epoch an earlier item took is
    // named for that first, as submitCertificate would: GreenProof.batch.test.js).
    { error: "GreenProofInvalidProof", i: n2(1), mutate: (c) => ({ ...c, epochStart: c.epochStart + EPOCH }) },
  ];
}

async function itemOf(f, { i, mutate, signer, late }) {
  let [c, p, s] = await signedVector(f, i, mutate);
  if (late) {
    const node = VECTORS.nodes.find((n) => BigInt(n.node_id) === c.nodeId);
    c = { ...c, intensityMgPerKwh: await f.gp.regionIntensityAt(region(node.region), c.epochStart) };
    s = await signCert(c.nodeId === 2n ? f.attestor2 : f.attestor, f.gp, c);
  }
  return [c, p, signer ? await signCert(signer, f.gp, c) : s];
}

describe("GreenProof batch skip reasons", function () {
  for (const order of ["in order", "reversed"]) {
    it(`Should name every failing check with the single submission's exact revert data (batch ${order})`, async function () {
      const f = await networkHelpers.loadFixture(reasonsFixture);
      const { gp } = f;
      const bad = cases(f);
      const badItems = [];
      for (const k of bad) badItems.push(await itemOf(f, k));
      const good = [await signedVector(f, n2(0)), await signedVector(f, n2(1)), await signedVector(f, "at_ceiling")];
      // The single submission's revert data, before the batch, per failing item; where the
      // last argument is the block's time (an eth_call's is not the batch's), all but it.
      const expected = [];
      const cut = (k, data) => (bad[k].now ? data.slice(0, -64) : data);
      for (const [k, [c, p, s]] of badItems.entries()) {
        const data = await revertData(gp.submitCertificate.staticCall(c, p, s));
        expect(gp.interface.parseError(data).name, `case ${k}`).to.equal(bad[k].error);
        if (bad[k].error !== "GreenProofInvalidProof") {
          expect(cut(k, await revertData(gp.checkCertificate(c, s))), `case ${k}`).to.equal(cut(k, data));
        }
        expected.push(cut(k, data));
      }
      // Bad items first and last, the good ones between them (or the reverse order).
      const b = badItems.map((x, k) => ({ x, k }));
      const g = good.map((x) => ({ x }));
      const items = [b[0], g[0], ...b.slice(1, 10), g[1], ...b.slice(10, -1), g[2], b.at(-1)];
      if (order === "reversed") items.reverse();
      const args = [0, 1, 2].map((j) => items.map(({ x }) => x[j]));
      const ids = await gp.submitCertificates.staticCall(...args);
      const receipt = await (await gp.submitCertificates(...args)).wait();
      const skipped = receipt.logs.map((l) => gp.interface.parseLog(l)).filter((e) => e?.name === "BatchItemSkipped")
        .map((e) => [e.args.index, e.args.reason]);
      const want = items.map(({ k }, i) => [BigInt(i), k]).filter(([, k]) => k !== undefined);
      // Every check's skip in pass 1 (batch order), then the invalid proof's (pass 3).
      expect(skipped.map(([i]) => i).sort((a, b) => Number(a - b))).to.deep.equal(want.map(([i]) => i));
      const now = ethers.toBeHex((await receipt.getBlock()).timestamp, 32).slice(2);
      for (const [i, reason] of skipped) {
        const k = items[Number(i)].k;
        expect(reason, `item ${i}`).to.equal(bad[k].now ? expected[k] + now : expected[k]);
      }
      expect(ids.filter((id) => id !== 0n)).to.have.length(good.length);
      expect(await gp.certificateCount()).to.equal(1n + BigInt(good.length));
    });
  }
});

// The reads every submission makes (issue 16, stage E part B): a parameter lookup at or after
// the schedule's latest entry reads ONE storage slot (ParamSchedule's head), an older time
// binary-searches the earlier entries; the node and certificate counts, the epoch length and
// the time it was set, the pause flag and the longest challenge window share one slot (stage
// F), read once by a submission. Checked on the storage itself: the SLOADs of a traced call
// (Hardhat's network) and eth_getStorageAt.
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, PARAM, makeFixtures, vectorIndex } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { bareFixture, readyFixture, signedVector } = makeFixtures(ethers, networkHelpers);
const { time } = networkHelpers;
const KR = ethers.encodeBytes32String("KR");
const DEFAULT_WINDOW_S = 7n * 24n * 3600n;

/** The storage keys GreenProof reads (SLOAD at depth 1) in an eth_call of `data`. */
async function sloads(gp, data) {
  const trace = await ethers.provider.send("debug_traceCall", [{ to: gp.target, data }, "latest", {}]);
  expect(trace.failed, "the traced call reverted").to.equal(false);
  return trace.structLogs.filter((l) => l.op === "SLOAD" && l.depth === 1).map((l) => BigInt(l.stack.at(-1)));
}

const lookup = (gp, param, key, t) => gp.interface.encodeFunctionData("parameterAt", [param, key, t]);

/** The hot globals' slot, low bits first: nodeCount 64 | certificateCount 64 | epochLengthS 32
 *  | epochLengthSetAt 40 | paused 8 | maxChallengeWindowS 32 (GreenProofParams.HotGlobals). */
const HOT = { certificateCount: 64n, epochLengthS: 128n, setAt: 160n, paused: 200n, maxWindow: 208n };

/** The slot whose low 200 bits are (nodeCount, certificateCount, epochLengthS, the time it was
 *  set), or without `setAt` its low 160 bits the first three. */
async function hotSlot(gp, setAt = undefined) {
  const expected = BigInt(await gp.nodeCount()) | (BigInt(await gp.certificateCount()) << HOT.certificateCount)
    | (BigInt(await gp.epochLengthS()) << HOT.epochLengthS) | ((setAt ?? 0n) << HOT.setAt);
  const mask = (1n << (setAt === undefined ? HOT.setAt : HOT.paused)) - 1n;
  for (let p = 0n; p < 64n; p++) {
    if ((BigInt(await ethers.provider.getStorage(gp.target, p)) & mask) === expected) return p;
  }
  throw new Error("hot globals' slot not found in slots 0..63");
}

/** The storage keys GreenProof read (SLOAD at depth 1) in a mined transaction, in order. */
async function sloadsOf(receipt) {
  const trace = await ethers.provider.send("debug_traceTransaction", [receipt.hash, {}]);
  return trace.structLogs.filter((l) => l.op === "SLOAD" && l.depth === 1).map((l) => BigInt(l.stack.at(-1)));
}

describe("GreenProof hot slots", function () {
  describe("# parameterAt", function () {
    it("Should read one slot at or after the latest entry, whatever the schedule's length", async function () {
      const { gp } = await bareFixture();
      const now = BigInt(await time.latest());
      const froms = [now + 10n, now + 20n, now + 30n, now + 40n, now + 50n, now + 60n, now + 70n];
      for (const [i, from] of froms.entries()) await gp.setRegionIntensity(KR, 100n + BigInt(i), from);
      const last = froms.at(-1);
      for (const t of [last, last + 1n, 2n ** 64n - 1n]) {
        expect(await sloads(gp, lookup(gp, PARAM.RegionIntensity, KR, t))).to.have.length(1);
        expect(await gp.parameterAt(PARAM.RegionIntensity, KR, t)).to.deep.equal([true, 106n]);
      }
      // Unset keys and the constructor's defaults: one slot too.
      const other = ethers.encodeBytes32String("XX");
      expect(await sloads(gp, lookup(gp, PARAM.RegionIntensity, other, now))).to.have.length(1);
      expect(await gp.parameterAt(PARAM.RegionIntensity, other, now)).to.deep.equal([false, 0n]);
      expect(await sloads(gp, lookup(gp, PARAM.SubmissionDeadline, ethers.ZeroHash, now))).to.have.length(1);
      expect(await gp.parameterAt(PARAM.SubmissionDeadline, ethers.ZeroHash, now)).to.deep.equal([true, DEFAULT_WINDOW_S]);
    });

    it("Should binary-search the earlier entries for an older time", async function () {
      const { gp } = await bareFixture();
      const now = BigInt(await time.latest());
      const froms = [now + 10n, now + 20n, now + 30n, now + 40n, now + 50n, now + 60n, now + 70n];
      for (const [i, from] of froms.entries()) await gp.setRegionIntensity(KR, 100n + BigInt(i), from);
      for (const [i, from] of froms.entries()) {
        expect(await gp.parameterAt(PARAM.RegionIntensity, KR, from)).to.deep.equal([true, 100n + BigInt(i)]);
        expect(await gp.parameterAt(PARAM.RegionIntensity, KR, from + 9n)).to.deep.equal([true, 100n + BigInt(i)]);
      }
      expect(await gp.parameterAt(PARAM.RegionIntensity, KR, froms[0] - 1n)).to.deep.equal([false, 0n]);
      // head, the earlier entries' length, then at most ceil(log2(6)) + 1 of them
      const reads = await sloads(gp, lookup(gp, PARAM.RegionIntensity, KR, froms[2]));
      expect(reads.length).to.be.within(3, 6);
    });

    it("Should replace the value of an entry scheduled again at the same time", async function () {
      const { gp } = await bareFixture();
      const from = BigInt(await time.latest()) + 100n;
      await gp.setRegionIntensity(KR, 1n, from);
      await gp.setRegionIntensity(KR, 2n, from + 50n);
      await gp.setRegionIntensity(KR, 3n, from + 50n);
      expect(await gp.parameterAt(PARAM.RegionIntensity, KR, from + 49n)).to.deep.equal([true, 1n]);
      expect(await gp.parameterAt(PARAM.RegionIntensity, KR, from + 50n)).to.deep.equal([true, 3n]);
      await expect(gp.setRegionIntensity(KR, 4n, from + 49n))
        .to.be.revertedWithCustomError(gp, "GreenProofEffectiveNotAfterLast")
        .withArgs(PARAM.RegionIntensity, KR, from + 49n, from + 50n);
    });
  });

  describe("# the hot globals' slot", function () {
    it("Should keep the pause flag and the longest window beside the counts and the epoch length", async function () {
      const { gp } = await bareFixture();
      await gp.setEpochLength(await gp.epochLengthS());
      const p = await hotSlot(gp, BigInt(await time.latest()));
      const slot = async () => BigInt(await ethers.provider.getStorage(gp.target, p));
      const pausedBit = async () => ((await slot()) >> HOT.paused) & 0xffn;
      const maxWindow = async () => ((await slot()) >> HOT.maxWindow) & 0xffffffffn;
      expect(await pausedBit()).to.equal(0n);
      expect(await maxWindow()).to.equal(DEFAULT_WINDOW_S);
      await gp.pause();
      expect(await pausedBit()).to.equal(1n);
      expect(await gp.paused()).to.equal(true);
      await gp.unpause();
      expect(await pausedBit()).to.equal(0n);
      const now = BigInt(await time.latest());
      await gp.setChallengeWindow(DEFAULT_WINDOW_S * 2n, now + 1000n);
      expect(await maxWindow()).to.equal(DEFAULT_WINDOW_S * 2n); // scheduled, not yet in effect
      await gp.setChallengeWindow(60n, now + 2000n);
      expect(await maxWindow()).to.equal(DEFAULT_WINDOW_S * 2n); // it only grows
      await gp.setChallengeWindow(2n ** 32n - 1n, now + 2000n);
      expect(await maxWindow()).to.equal(2n ** 32n - 1n);
      expect((await slot()) >> 240n).to.equal(0n); // nothing above the window
    });

    it("Should read no other slot than the hot one for paused(), nodeCount(), certificateCount() and epochLengthS()", async function () {
      const { gp } = await bareFixture();
      await gp.setEpochLength(await gp.epochLengthS());
      const p = await hotSlot(gp, BigInt(await time.latest()));
      for (const view of ["paused", "nodeCount", "certificateCount", "epochLengthS"]) {
        expect(await sloads(gp, gp.interface.encodeFunctionData(view)), view).to.deep.equal([p]);
      }
    });

    it("Should have a submission read the counts, the epoch length, its time and the pause flag from that one slot", async function () {
      const f = await readyFixture();
      const { gp } = f;
      const receipt = await (await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))))).wait();
      expect([await gp.nodeCount(), await gp.certificateCount()]).to.deep.equal([2n, 1n]);
      const p = await hotSlot(gp);
      // Of the contract's plain slots (every other key is a mapping's or an array's hash), a
      // submission reads only the hot one: no second slot for the epoch length, pause or counts.
      const plain = (await sloadsOf(receipt)).filter((k) => k < 64n);
      expect(plain.length).to.be.greaterThan(0);
      expect([...new Set(plain)]).to.deep.equal([p]);
    });
  });
});

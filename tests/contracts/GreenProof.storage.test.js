// GreenProof's storage per certificate (issue 16, stage D): one word, at (nodeId, epochStart),
// holding the flags, the id and the record's hash; it is also the duplicate index. Checked on
// the storage itself: eth_getStorageAt before and after, and the SSTOREs of the transaction's
// debug trace (Hardhat's network), with the real proofs of tests/vectors/contract_proofs.json.
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, EPOCH, WINDOW, WORD, makeFixtures, recordWord, recordsIn, vectorIndex } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { readyFixture, signedVector } = makeFixtures(ethers, networkHelpers);
const coder = ethers.AbiCoder.defaultAbiCoder();
const word = (x) => BigInt(x);

/** Slot of `mapping(uint64 => mapping(uint64 => uint256))` at base slot `p`, keys (a, b). */
function nestedSlot(p, a, b) {
  const inner = ethers.keccak256(coder.encode(["uint64", "uint256"], [a, p]));
  return BigInt(ethers.keccak256(coder.encode(["uint64", "bytes32"], [b, inner])));
}

/** Base slot of the records mapping: the p whose (node, epoch) word is certificate `id`'s. */
async function recordsBase(gp, id, record) {
  const expected = recordWord(ethers, id, record);
  for (let p = 0n; p < 64n; p++) {
    if (word(await ethers.provider.getStorage(gp.target, nestedSlot(p, record.nodeId, record.epochStart))) === expected) return p;
  }
  throw new Error("records mapping not found in slots 0..63");
}

/** The slot holding the node count (low 64 bits) and the certificate count (the next 64; the
 *  hot globals' slot, GreenProofParams.HotGlobals: the epoch length and more above them). */
async function countsSlot(gp) {
  const expected = BigInt(await gp.nodeCount()) | (BigInt(await gp.certificateCount()) << 64n);
  const mask = (1n << 128n) - 1n;
  for (let p = 0n; p < 64n; p++) if ((word(await ethers.provider.getStorage(gp.target, p)) & mask) === expected) return p;
  throw new Error("counts slot not found in slots 0..63");
}

/** Every storage key GreenProof wrote in a mined transaction (debug trace: the SSTOREs at depth
 *  1, GreenProof being the called contract), with its value before the transaction and after
 *  it. `alone`: GreenProof is the only contract that writes (a submission: the verifiers
 *  write nothing); a release or revocation also writes EcoCredit's. */
async function writesOf(gp, receipt, { alone = true } = {}) {
  const trace = await ethers.provider.send("debug_traceTransaction", [receipt.hash, {}]);
  const keys = new Set();
  for (const log of trace.structLogs) {
    if (log.op !== "SSTORE") continue;
    if (log.depth === 1) keys.add(BigInt(log.stack.at(-1)));
    else expect(alone, `an SSTORE at depth ${log.depth}`).to.equal(false);
  }
  const out = new Map();
  for (const k of keys) {
    const before = word(await ethers.provider.getStorage(gp.target, k, receipt.blockNumber - 1));
    const after = word(await ethers.provider.getStorage(gp.target, k, receipt.blockNumber));
    out.set(k, { before, after });
  }
  return out;
}

/** Every storage key GreenProof read (SLOAD at depth 1) in a mined transaction. */
async function sloadsOf(receipt) {
  const trace = await ethers.provider.send("debug_traceTransaction", [receipt.hash, {}]);
  return new Set(trace.structLogs.filter((l) => l.op === "SLOAD" && l.depth === 1).map((l) => BigInt(l.stack.at(-1))));
}

/** Whether `slot` is the first slot of node `nodeId` in a `mapping(uint64 => StoredNode)` at some base p < 64. */
function nodeBase(nodeId, slot) {
  for (let p = 0n; p < 64n; p++) if (BigInt(ethers.keccak256(coder.encode(["uint64", "uint256"], [nodeId, p]))) === slot) return true;
  return false;
}

/** The keys that went from zero to non-zero (fresh slots: 20k gas each). */
const fresh = (writes) => [...writes].filter(([, v]) => v.before === 0n && v.after !== 0n).map(([k]) => k);

describe("GreenProof storage per certificate", function () {
  describe("# submitCertificate", function () {
    it("Should write one fresh slot, the certificate's word at its node and epoch, and update only slots already set", async function () {
      const f = await readyFixture();
      const { gp } = f;
      // Even the node's first certificate writes no other fresh slot: no per-operator escrow,
      // no release time in the node (its epoch bounds share the attestor's slot, set already).
      const first = await (await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))))).wait();
      const record1 = recordsIn(gp, first).get(1n);
      const p = await recordsBase(gp, 1n, record1);
      const firstWrites = await writesOf(gp, first);
      expect(fresh(firstWrites)).to.deep.equal([nestedSlot(p, record1.nodeId, record1.epochStart)]);
      expect(firstWrites.size).to.equal(3);

      const receipt = await (await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 1))))).wait();
      const record = recordsIn(gp, receipt).get(2n);
      const slot = nestedSlot(p, record.nodeId, record.epochStart);
      const writes = await writesOf(gp, receipt);
      expect(fresh(writes)).to.deep.equal([slot]);
      expect(writes.get(slot).after).to.equal(recordWord(ethers, 2n, record));
      const countsSlot0 = await countsSlot(gp);
      // The others: the counts and the node's one hot slot (attestor, status, max power, last
      // epoch end and length; stage E). Three writes in all, none to a slot of the stage C
      // layout (by id).
      expect(writes.size).to.equal(3);
      expect((writes.get(countsSlot0).after >> 64n) & (2n ** 64n - 1n)).to.equal(2n);
      const hot = [...writes.keys()].find((k) => k !== slot && k !== countsSlot0);
      const hotWord = writes.get(hot).after;
      const node = await gp.getNode(1n);
      expect(hotWord & (2n ** 160n - 1n)).to.equal(BigInt(node.attestor));
      expect((hotWord >> 160n) & 0xffn).to.equal(node.status);
      expect((hotWord >> 168n) & (2n ** 32n - 1n)).to.equal(node.maxPowerMw);
      expect((hotWord >> 200n) & (2n ** 32n - 1n)).to.equal(record.epochStart + EPOCH);
      expect(hotWord >> 232n).to.equal(EPOCH);
      // And it reads of the node only that slot and the next (its region): not the operator,
      // bond, nonce or metadata slots after them (StoredNode).
      const nodeSlots = [0n, 1n, 2n, 3n, 4n].map((k) => hot + k);
      const read = await sloadsOf(receipt);
      expect(nodeSlots.filter((k) => read.has(k))).to.deep.equal([hot, hot + 1n]);
      expect(nodeBase(1n, hot)).to.equal(true);
      for (const [k, v] of writes) if (k !== slot) expect(v.before, `slot ${k}`).to.not.equal(0n);
      // The word decodes as recordOf reads it.
      const w = writes.get(slot).after;
      expect(await gp.recordOf(record.nodeId, record.epochStart)).to.deep.equal([
        (w >> WORD.idShift) & (2n ** 64n - 1n), ethers.toBeHex(w & ~WORD.lowBits, 32), false, false,
      ]);
      expect(await gp.certificateOf(record.nodeId, record.epochStart)).to.equal(2n);
    });

    it("Should set the flags in that word, and nothing else in it, on release and revocation", async function () {
      const f = await readyFixture();
      const { gp } = f;
      const receipt = await (await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))))).wait();
      const record = recordsIn(gp, receipt).get(1n);
      const slot = nestedSlot(await recordsBase(gp, 1n, record), record.nodeId, record.epochStart);
      const stored = recordWord(ethers, 1n, record);
      await networkHelpers.time.increase(WINDOW);
      const released = await (await gp.releaseRewards([1n], [record])).wait();
      expect((await writesOf(gp, released, { alone: false })).get(slot)).to.deep.equal({ before: stored, after: stored | WORD.released });
      const revoked = await (await gp.revokeCertificate(1n, record, "audit")).wait();
      expect((await writesOf(gp, revoked, { alone: false })).get(slot))
        .to.deep.equal({ before: stored | WORD.released, after: stored | WORD.released | WORD.revoked });
    });
  });

  describe("# submitCertificates", function () {
    it("Should write one fresh slot per landed certificate", async function () {
      const f = await readyFixture();
      const { gp } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(2, 0)))); // both operators hold escrow
      const items = [];
      for (const i of [vectorIndex(1, 1), vectorIndex(2, 1), vectorIndex(1, 2)]) items.push(await signedVector(f, i));
      const receipt = await (await gp.submitCertificates(...[0, 1, 2].map((k) => items.map((x) => x[k])))).wait();
      const records = recordsIn(gp, receipt);
      expect([...records.keys()]).to.deep.equal([3n, 4n, 5n]);
      const p = await recordsBase(gp, 3n, records.get(3n));
      const writes = await writesOf(gp, receipt);
      const expected = [...records].map(([, r]) => nestedSlot(p, r.nodeId, r.epochStart));
      expect(fresh(writes).sort()).to.deep.equal(expected.sort());
      for (const [id, r] of records) {
        expect(writes.get(nestedSlot(p, r.nodeId, r.epochStart)).after).to.equal(recordWord(ethers, id, r));
      }
    });
  });

  describe("# certificate ids", function () {
    it("Should keep ids up to 2^64 - 1 in the word and refuse the next with GreenProofCertificateIdOverflow", async function () {
      const f = await readyFixture();
      const { gp } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      const counts = await countsSlot(gp);
      // Only the certificate count's bits: the node count and the epoch length beside it stay.
      const others = word(await ethers.provider.getStorage(gp.target, counts)) & ~((2n ** 64n - 1n) << 64n);
      const setCount = (n) => networkHelpers.setStorageAt(gp.target, counts, others | (n << 64n));
      const last = 2n ** 64n - 1n;
      await setCount(last - 1n);
      const receipt = await (await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 1))))).wait();
      const record = recordsIn(gp, receipt).get(last);
      expect(record, "certificate 2^64 - 1 landed").to.not.equal(undefined);
      expect(await gp.certificateOf(record.nodeId, record.epochStart)).to.equal(last);
      expect(await gp.checkRecord(last, record)).to.deep.equal([false, false]);
      await expect(gp.checkRecord(last + 1n, record)).to.be.revertedWithCustomError(gp, "GreenProofUnknownCertificate").withArgs(last + 1n);
      await expect(gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 2)))))
        .to.be.revertedWithCustomError(gp, "GreenProofCertificateIdOverflow").withArgs(2n ** 64n);
    });
  });
});

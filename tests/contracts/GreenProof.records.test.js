// One storage slot per certificate (issue 16, stages C and D): the slot, at the certificate's
// (nodeId, epochStart), holds the revoked / released flags, the id and keccak256(abi.encode(record))
// above them; the record itself is in the CertificateSubmitted event, and every function that
// needs its fields takes (id, record) as calldata and refuses a record that is not the id's.
// Real proofs, real GreenProof, ChallengeManager and CertificateClaims. The storage itself:
// GreenProof.storage.test.js.
import { expect } from "chai";
import { network } from "hardhat";
import {
  CHAIN, RECORD_FIELDS, WINDOW, certRecord, eventWords, packRecord, recordHash, recordOfEvent, recordsIn, vectorIndex,
} from "./helpers/greenproof.js";
import { DEPOSIT, makeChallengeFixtures } from "./helpers/challenge.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { challengeFixture, readyFixture, signedVector } = makeChallengeFixtures(ethers, networkHelpers);
const { time, loadFixture } = networkHelpers;

/** The record with field `name` changed in its lowest bit (in range for its type). */
function changed(record, name) {
  const v = record[name];
  const next = typeof v === "string" ? ethers.toBeHex(BigInt(v) ^ 1n, 32) : v ^ 1n;
  return { ...record, [name]: next };
}
const FIELD_NAMES = RECORD_FIELDS.map(([name]) => name);

/** Certificate 1 (vector 0, node 1) in its window, ChallengeManager and CertificateClaims deployed,
 *  and a second certificate (id 2, node 2) whose record is another certificate's. `admin` holds
 *  CHALLENGE_ROLE too, to call setReleaseHold and revokeByChallenge directly. */
async function recordsFixture() {
  const f = await loadFixture(challengeFixture);
  const { gp, admin } = f;
  const claims = await ethers.deployContract("CertificateClaims", [await gp.getAddress()]);
  await gp.submitCertificate(...(await signedVector(f, vectorIndex(2, 0))));
  await gp.grantRole(await gp.CHALLENGE_ROLE(), admin.address);
  return { ...f, claims, other: await certRecord(gp, 2n) };
}

describe("GreenProof certificate records (one slot per certificate)", function () {
  describe("# a record with any one field changed", function () {
    it("Should be refused with GreenProofRecordMismatch by every function that takes one, while the vesting one works", async function () {
      const { gp, cm, admin, challenger, certificateId: id, record } = await recordsFixture();
      expect(id).to.equal(1n);
      for (const name of FIELD_NAMES) {
        const bad = changed(record, name);
        expect(bad[name], name).to.not.equal(record[name]);
        const mismatch = (p) => expect(p, name).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
        await mismatch(gp.checkRecord(id, bad));
        await mismatch(gp.revokeCertificate(id, bad, "fraud"));
        await mismatch(gp.revokeByChallenge(id, bad, 1n));
        await mismatch(gp.setReleaseHold(id, bad, true));
        await mismatch(cm.connect(challenger).challenge(id, bad, { value: DEPOSIT }));
      }
      // The unchanged record passes each of them (a hold and a challenge, then the revocation).
      expect(await gp.checkRecord(id, record)).to.deep.equal([false, false]);
      await expect(gp.setReleaseHold(id, record, true)).to.emit(gp, "ReleaseHeld").withArgs(id, 1n);
      for (const name of FIELD_NAMES) {
        await expect(gp.setReleaseHold(id, changed(record, name), false), name)
          .to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
      }
      await expect(gp.setReleaseHold(id, record, false)).to.emit(gp, "ReleaseHoldLifted").withArgs(id, 1n);
      await expect(cm.connect(challenger).challenge(id, record, { value: DEPOSIT })).to.emit(cm, "ChallengeOpened");
      await expect(gp.connect(admin).revokeCertificate(id, record, "fraud")).to.emit(gp, "CertificateRevoked");
    });

    it("Should be refused by releaseRewards and claimCertificate(Part) past the window, while the record works", async function () {
      const { gp, claims, operator, operator2, certificateId: id, record } = await recordsFixture();
      await time.increase(WINDOW);
      for (const name of FIELD_NAMES) {
        const bad = changed(record, name);
        await expect(gp.releaseRewards([id], [bad]), name).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
      }
      await expect(gp.releaseRewards([id], [record])).to.emit(gp, "RewardReleased");
      for (const name of FIELD_NAMES) {
        const bad = changed(record, name);
        await expect(claims.connect(operator).claimCertificate(id, bad, operator2.address, "scope 2"), name)
          .to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
        await expect(claims.connect(operator).claimCertificatePart(id, bad, 1n, operator2.address, "scope 2"), name)
          .to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
      }
      await expect(claims.connect(operator).claimCertificate(id, record, operator2.address, "scope 2"))
        .to.emit(claims, "CertificateClaimed").withArgs(1n, id, operator2.address, operator.address, record.energyMj, record.carbonMg, true, "scope 2");
    });

    it("Should refuse another certificate's record, whole, for this one", async function () {
      const { gp, cm, claims, operator, operator2, challenger, certificateId: id, other } = await recordsFixture();
      await expect(gp.checkRecord(id, other)).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
      await expect(cm.connect(challenger).challenge(id, other, { value: DEPOSIT }))
        .to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
      await expect(gp.revokeCertificate(id, other, "x")).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
      await time.increase(WINDOW);
      await expect(gp.releaseRewards([id, 2n], [other, other])).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
      await gp.releaseRewards([2n, id], [other, await certRecord(gp, id)]);
      await expect(claims.connect(operator).claimCertificate(id, other, operator2.address, ""))
        .to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
    });

    it("Should refuse certificate 1's record under id 2 and 2's under id 1, in every function", async function () {
      const { gp, cm, claims, operator, operator2, challenger, record, other } = await recordsFixture();
      for (const [id, wrong] of [[2n, record], [1n, other]]) {
        const mismatch = (p) => expect(p, `id ${id}`).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
        await mismatch(gp.checkRecord(id, wrong));
        await mismatch(gp.revokeCertificate(id, wrong, "x"));
        await mismatch(gp.revokeByChallenge(id, wrong, 1n));
        await mismatch(gp.setReleaseHold(id, wrong, true));
        await mismatch(cm.connect(challenger).challenge(id, wrong, { value: DEPOSIT }));
      }
      await time.increase(WINDOW);
      await expect(gp.releaseRewards([2n], [record])).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(2n);
      await gp.releaseRewards([1n, 2n], [record, other]);
      for (const [id, wrong, by] of [[2n, record, operator2], [1n, other, operator]]) {
        await expect(claims.connect(by).claimCertificate(id, wrong, by.address, ""))
          .to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
        await expect(claims.connect(by).claimCertificatePart(id, wrong, 1n, by.address, ""))
          .to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
      }
    });

    it("Should need one record per id in releaseRewards", async function () {
      const { gp, certificateId: id, record, other } = await recordsFixture();
      await time.increase(WINDOW);
      await expect(gp.releaseRewards([id], [])).to.be.revertedWithCustomError(gp, "GreenProofRecordsLengthMismatch").withArgs(1n, 0n);
      await expect(gp.releaseRewards([id, 2n], [record])).to.be.revertedWithCustomError(gp, "GreenProofRecordsLengthMismatch").withArgs(2n, 1n);
      await expect(gp.releaseRewards([id], [record, other])).to.be.revertedWithCustomError(gp, "GreenProofRecordsLengthMismatch").withArgs(1n, 2n);
      expect(await gp.releaseRewards.staticCall([], [])).to.equal(0n);
    });
  });

  describe("# an unknown certificate id", function () {
    it("Should be refused with GreenProofUnknownCertificate by every function, whatever the record", async function () {
      const { gp, cm, claims, operator, operator2, challenger, record } = await recordsFixture();
      const uncertified = { ...record, epochStart: record.epochStart + 7n * 86_400n };
      // 2^64 + 1 is id 1 plus 2^64: the word keeps 64 bits of id, and is compared in full.
      for (const id of [0n, 3n, 2n ** 64n, 2n ** 64n + 1n]) {
        for (const r of [record, uncertified]) {
          const unknown = (p) => expect(p, `id ${id}`).to.be.revertedWithCustomError(gp, "GreenProofUnknownCertificate").withArgs(id);
          await unknown(gp.checkRecord(id, r));
          await unknown(gp.releaseRewards([id], [r]));
          await unknown(gp.revokeCertificate(id, r, "x"));
          await unknown(gp.revokeByChallenge(id, r, 1n));
          await unknown(gp.setReleaseHold(id, r, true));
          await unknown(gp.setReleaseHold(id, r, false));
          await unknown(cm.connect(challenger).challenge(id, r, { value: DEPOSIT }));
          await unknown(claims.connect(operator).claimCertificate(id, r, operator2.address, ""));
          await unknown(claims.connect(operator).claimCertificatePart(id, r, 1n, operator2.address, ""));
        }
      }
    });

    it("Should name a known id with a record of an uncertified epoch GreenProofRecordMismatch (the documented order)", async function () {
      const { gp, certificateId: id, record } = await recordsFixture();
      const uncertified = { ...record, epochStart: record.epochStart + 7n * 86_400n };
      expect(await gp.certificateOf(uncertified.nodeId, uncertified.epochStart)).to.equal(0n);
      await expect(gp.checkRecord(id, uncertified)).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
      await expect(gp.checkRecord(2n, uncertified)).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(2n);
      await expect(gp.revokeCertificate(id, uncertified, "x")).to.be.revertedWithCustomError(gp, "GreenProofRecordMismatch").withArgs(id);
    });
  });

  describe("# recordOf", function () {
    it("Should keep the id and the record's hash and set the flags as the certificate is released, then revoked", async function () {
      const { gp, certificateId: id, record, other } = await recordsFixture();
      const hash = recordHash(ethers, record);
      const slot = () => gp.recordOf(record.nodeId, record.epochStart);
      expect(await slot()).to.deep.equal([id, hash, false, false]);
      await time.increase(WINDOW);
      await gp.releaseRewards([id], [record]);
      expect(await slot()).to.deep.equal([id, hash, false, true]);
      expect(await gp.checkRecord(id, record)).to.deep.equal([false, true]);
      await gp.revokeCertificate(id, record, "audit failed");
      expect(await slot()).to.deep.equal([id, hash, true, true]);
      expect(await gp.checkRecord(id, record)).to.deep.equal([true, true]);
      // Certificate 2 is revoked in escrow: revoked, never released.
      await gp.revokeCertificate(2n, other, "fraud");
      expect(await gp.recordOf(other.nodeId, other.epochStart)).to.deep.equal([2n, recordHash(ethers, other), true, false]);
      await expect(gp.releaseRewards([2n], [other])).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked").withArgs(2n);
      await expect(gp.revokeCertificate(id, record, "again")).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked").withArgs(id);
      // The flags leave the id alone: certificateOf still names both.
      expect(await gp.certificateOf(record.nodeId, record.epochStart)).to.equal(id);
      expect(await gp.certificateOf(other.nodeId, other.epochStart)).to.equal(2n);
    });

    it("Should be all zero, without reverting, for an epoch not certified", async function () {
      const { gp, record } = await recordsFixture();
      for (const [node, epoch] of [[record.nodeId, record.epochStart + 3600n], [3n, record.epochStart], [0n, 0n]]) {
        expect(await gp.recordOf(node, epoch)).to.deep.equal([0n, ethers.ZeroHash, false, false]);
        expect(await gp.certificateOf(node, epoch)).to.equal(0n);
      }
    });

    it("Should hold exactly the hash of the record in the event (low 67 bits cleared), per node and epoch", async function () {
      const f = await readyFixture();
      const { gp } = f;
      const items = [];
      for (const i of [vectorIndex(1, 0), vectorIndex(2, 0), vectorIndex(1, 1)]) items.push(await signedVector(f, i));
      const receipt = await (await gp.submitCertificates(...[0, 1, 2].map((k) => items.map((x) => x[k])))).wait();
      const records = recordsIn(gp, receipt);
      expect([...records.keys()]).to.deep.equal([1n, 2n, 3n]);
      const hashes = new Set();
      for (const [id, record] of records) {
        expect(record.nodeId).to.equal(BigInt(items[Number(id) - 1][0].nodeId));
        expect(record.epochStart).to.equal(items[Number(id) - 1][0].epochStart);
        const [slotId, slotHash, revoked, released] = await gp.recordOf(record.nodeId, record.epochStart);
        expect(slotId).to.equal(id);
        expect(slotHash).to.equal(recordHash(ethers, record));
        expect(BigInt(slotHash) & ((1n << 67n) - 1n)).to.equal(0n);
        expect([revoked, released]).to.deep.equal([false, false]);
        hashes.add(slotHash);
      }
      expect(hashes.size).to.equal(3);
    });
  });

  describe("# the duplicate rule (the same word is the index)", function () {
    it("Should refuse a certified epoch again, single and in a batch, whatever its flags, naming the landed id", async function () {
      const f = await readyFixture();
      const { gp } = f;
      const [a, b] = [vectorIndex(1, 0), vectorIndex(1, 1)];
      const argsA = await signedVector(f, a);
      const receipt = await (await gp.submitCertificate(...argsA)).wait();
      const record = recordsIn(gp, receipt).get(1n);
      const already = (p, id) => expect(p).to.be.revertedWithCustomError(gp, "GreenProofEpochAlreadyCertified").withArgs(1n, record.epochStart, id);
      await already(gp.submitCertificate(...argsA), 1n);
      // A batch: the landed epoch, a new one, and the new one again (taken by an earlier item).
      const argsB = await signedVector(f, b);
      const batch = [argsA, argsB, argsB];
      const batchArgs = () => [0, 1, 2].map((k) => batch.map((x) => x[k]));
      const tx = await (await gp.submitCertificates(...batchArgs())).wait();
      const skips = tx.logs.map((l) => gp.interface.parseLog(l)).filter((e) => e?.name === "BatchItemSkipped")
        .map((e) => [e.args.index, gp.interface.parseError(e.args.reason).name, [...gp.interface.parseError(e.args.reason).args]]);
      expect(skips).to.deep.equal([
        [0n, "GreenProofEpochAlreadyCertified", [1n, argsA[0].epochStart, 1n]],
        [2n, "GreenProofEpochAlreadyCertified", [1n, argsB[0].epochStart, 2n]],
      ]);
      // Released, then revoked: the word keeps the id, the epoch stays consumed.
      await time.increase(WINDOW);
      await gp.releaseRewards([1n], [record]);
      await already(gp.submitCertificate(...argsA), 1n);
      await gp.revokeCertificate(1n, record, "audit");
      await already(gp.submitCertificate(...argsA), 1n);
      await already(gp.checkCertificate(argsA[0], argsA[2]), 1n);
      expect(await gp.certificateCount()).to.equal(2n);
    });
  });

  describe("# the indexer tests' HostileEventEmitter", function () {
    it("Should log the real event: the typed record packs as GreenProof packs it, raw words are logged as given", async function () {
      const { gp, certificateId: id, record } = await recordsFixture();
      const emitter = await ethers.deployContract("HostileEventEmitter");
      const typed = (await (await emitter.certificateSubmitted(id, record.nodeId, record.epochStart, record)).wait()).logs[0];
      const raw = (await (await emitter.certificateSubmittedRaw(id, record.nodeId, record.epochStart, ...eventWords(record))).wait()).logs[0];
      const real = (await gp.queryFilter(gp.filters.CertificateSubmitted(id)))[0];
      expect([raw.topics, raw.data]).to.deep.equal([typed.topics, typed.data]);
      expect([raw.topics, raw.data]).to.deep.equal([real.topics, real.data]);
      expect(recordOfEvent(gp.interface.parseLog(raw).args)).to.deep.equal(record);
      // Four data words, not the struct's fourteen.
      expect(real.data).to.have.lengthOf(2 + 64 * 4);
      // Any words are some record's (no spare bit): all ones is every packed member at its maximum.
      const ones = 2n ** 256n - 1n;
      const wide = (await (await emitter.certificateSubmittedRaw(id, 1n, 2n, ones, ones, ones, ethers.ZeroHash)).wait()).logs[0];
      expect(wide.topics[0]).to.equal(real.topics[0]);
      const max = recordOfEvent(gp.interface.parseLog(wide).args);
      expect([max.work, max.rewardUnits, max.releaseAt, max.energyMj]).to.deep.equal([2n ** 80n - 1n, 2n ** 160n - 1n, 2n ** 48n - 1n, 2n ** 64n - 1n]);
    });

    it("Should refuse to pack a member beyond its packed bits rather than truncate it", async function () {
      const { gp, record } = await recordsFixture();
      const emitter = await ethers.deployContract("HostileEventEmitter");
      // GreenProof's ABI names the error (it uses SafeCast itself); RecordWords reverts with it.
      for (const [name, bits] of [["releaseAt", 48n], ["work", 80n], ["rewardUnits", 160n]]) {
        const v = 2n ** bits;
        await expect(emitter.certificateSubmitted(1n, record.nodeId, record.epochStart, { ...record, [name]: v }), name)
          .to.be.revertedWithCustomError(gp, "SafeCastOverflowedUintDowncast").withArgs(bits, v);
        expect(() => packRecord({ ...record, [name]: v }), name).to.throw(RangeError, name);
        const fits = { ...record, [name]: v - 1n };
        const log = (await (await emitter.certificateSubmitted(1n, record.nodeId, record.epochStart, fits)).wait()).logs[0];
        expect(recordOfEvent(emitter.interface.parseLog(log).args), name).to.deep.equal(fits);
      }
    });
  });

  describe("# ChallengeManager.challengedRecord", function () {
    it("Should keep the checked record with the challenge, and name an unknown challenge", async function () {
      const { cm, challenger, certificateId: id, record } = await recordsFixture();
      await expect(cm.challengedRecord(1n)).to.be.revertedWithCustomError(cm, "ChallengeUnknown").withArgs(1n);
      await cm.connect(challenger).challenge(id, record, { value: DEPOSIT });
      expect((await cm.challengedRecord(1n)).toObject()).to.deep.equal(record);
    });
  });
});

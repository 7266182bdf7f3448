// One storage slot per certificate (issue 16, stage C): the slot holds keccak256(abi.encode(record))
// with the revoked / released flags in its two low bits; the record itself is in the
// CertificateSubmitted event, and every function that needs its fields takes it as calldata and
// refuses one that does not hash to the slot. Real proofs, real GreenProof, ChallengeManager and
// CertificateClaims.
import { expect } from "chai";
import { network } from "hardhat";
import {
  CHAIN, RECORD_FIELDS, WINDOW, certRecord, recordHash, recordsIn, vectorIndex,
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
      for (const id of [0n, 3n, 2n ** 64n]) {
        const unknown = (p) => expect(p, `id ${id}`).to.be.revertedWithCustomError(gp, "GreenProofUnknownCertificate").withArgs(id);
        await unknown(gp.recordOf(id));
        await unknown(gp.checkRecord(id, record));
        await unknown(gp.releaseRewards([id], [record]));
        await unknown(gp.revokeCertificate(id, record, "x"));
        await unknown(gp.revokeByChallenge(id, record, 1n));
        await unknown(gp.setReleaseHold(id, record, true));
        await unknown(gp.setReleaseHold(id, record, false));
        await unknown(cm.connect(challenger).challenge(id, record, { value: DEPOSIT }));
        await unknown(claims.connect(operator).claimCertificate(id, record, operator2.address, ""));
        await unknown(claims.connect(operator).claimCertificatePart(id, record, 1n, operator2.address, ""));
      }
    });
  });

  describe("# recordOf", function () {
    it("Should keep the record's hash and set the flags as the certificate is released, then revoked", async function () {
      const { gp, certificateId: id, record, other } = await recordsFixture();
      const hash = recordHash(ethers, record);
      expect(await gp.recordOf(id)).to.deep.equal([hash, false, false]);
      await time.increase(WINDOW);
      await gp.releaseRewards([id], [record]);
      expect(await gp.recordOf(id)).to.deep.equal([hash, false, true]);
      expect(await gp.checkRecord(id, record)).to.deep.equal([false, true]);
      await gp.revokeCertificate(id, record, "audit failed");
      expect(await gp.recordOf(id)).to.deep.equal([hash, true, true]);
      expect(await gp.checkRecord(id, record)).to.deep.equal([true, true]);
      // Certificate 2 is revoked in escrow: revoked, never released.
      await gp.revokeCertificate(2n, other, "fraud");
      expect(await gp.recordOf(2n)).to.deep.equal([recordHash(ethers, other), true, false]);
      await expect(gp.releaseRewards([2n], [other])).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked").withArgs(2n);
      await expect(gp.revokeCertificate(id, record, "again")).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked").withArgs(id);
    });

    it("Should hold exactly the hash of the record in the event (low two bits cleared), in one storage word", async function () {
      const f = await readyFixture();
      const { gp } = f;
      const items = [];
      for (const i of [vectorIndex(1, 0), vectorIndex(2, 0), vectorIndex(1, 1)]) items.push(await signedVector(f, i));
      const receipt = await (await gp.submitCertificates(...[0, 1, 2].map((k) => items.map((x) => x[k])))).wait();
      const records = recordsIn(gp, receipt);
      expect([...records.keys()]).to.deep.equal([1n, 2n, 3n]);
      const hashes = new Set();
      for (const [id, record] of records) {
        const [slotHash, revoked, released] = await gp.recordOf(id);
        expect(slotHash).to.equal(recordHash(ethers, record));
        expect(BigInt(slotHash) & 3n).to.equal(0n);
        expect([revoked, released]).to.deep.equal([false, false]);
        expect(record.nodeId).to.equal(BigInt(items[Number(id) - 1][0].nodeId));
        expect(record.epochStart).to.equal(items[Number(id) - 1][0].epochStart);
        hashes.add(slotHash);
      }
      expect(hashes.size).to.equal(3);
      // In storage: the mapping's word for id 1 is that hash, and the words after it (where a
      // multi-slot struct would continue) are empty. Found by scanning for the mapping's slot.
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const wordAt = async (p, id, k = 0n) =>
        ethers.provider.getStorage(gp.target, BigInt(ethers.keccak256(coder.encode(["uint256", "uint256"], [id, p]))) + k);
      const [hash1] = await gp.recordOf(1n);
      let base = -1n;
      for (let p = 0n; p < 64n && base < 0n; p++) if ((await wordAt(p, 1n)) === hash1) base = p;
      expect(base, "the records mapping's slot").to.be.at.least(0n);
      for (const k of [1n, 2n, 3n, 4n]) expect(await wordAt(base, 1n, k)).to.equal(ethers.ZeroHash);
      await networkHelpers.time.increase(WINDOW);
      await gp.releaseRewards([1n], [records.get(1n)]);
      expect(BigInt(await wordAt(base, 1n))).to.equal(BigInt(hash1) | 2n); // released: bit 1
    });
  });

  describe("# the indexer tests' HostileEventEmitter", function () {
    it("Should log the real event: raw words in range are the typed record's log, and decode as GreenProof's", async function () {
      const { gp, certificateId: id, record } = await recordsFixture();
      const emitter = await ethers.deployContract("HostileEventEmitter");
      const words = FIELD_NAMES.map((n) => BigInt(record[n]));
      const typed = (await (await emitter.certificateSubmitted(id, record.nodeId, record.epochStart, record)).wait()).logs[0];
      const raw = (await (await emitter.certificateSubmittedRaw(id, record.nodeId, record.epochStart, words)).wait()).logs[0];
      const real = (await gp.queryFilter(gp.filters.CertificateSubmitted(id)))[0];
      expect([raw.topics, raw.data]).to.deep.equal([typed.topics, typed.data]);
      expect([raw.topics, raw.data]).to.deep.equal([real.topics, real.data]);
      expect(gp.interface.parseLog(raw).args.record.toObject()).to.deep.equal(record);
      // A word wider than its field is logged as given (a strict decoder, as eth_abi, refuses it).
      const wide = (await (await emitter.certificateSubmittedRaw(id, 1n, 2n, words.map(() => 2n ** 256n - 1n))).wait()).logs[0];
      expect(wide.topics[0]).to.equal(real.topics[0]);
      expect(wide.data).to.equal(`0x${"ff".repeat(32 * 14)}`);
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

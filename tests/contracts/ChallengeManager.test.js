// The challenge game on real GreenProof certificates (real proofs, real bonds): challenge in the
// vesting window, slots drawn from a later block's hash, openings checked with on-chain Poseidon
// against the stored root, answer pays the operator, a missed deadline revokes, slashes and pays.
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, FIELD, escrowedOf } from "./helpers/greenproof.js";
import {
  ANSWER_WINDOW, DEPOSIT, OPENINGS, OPEN_COUNT, SHARE_BPS, SLASH_BPS, STATUS, drawSlotsJs, makeChallengeFixtures, opening,
} from "./helpers/challenge.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { challengeFixture, challengedFixture, pastRandomness } = makeChallengeFixtures(ethers, networkHelpers);
const { time, mine, loadFixture } = networkHelpers;
const SLOTS = OPENINGS.slot_count;

async function answerArgs(cm, challengeId) {
  const slots = await cm.challengeSlots(challengeId);
  return slots.map((s) => opening(s));
}

describe("ChallengeManager", function () {
  describe("# challenge", function () {
    it("Should open a challenge against the deposit, fixing a later randomness block and the deadline", async function () {
      const { cm, gp, certificateId, record, challenger } = await loadFixture(challengeFixture);
      const tx = cm.connect(challenger).challenge(certificateId, record, { value: DEPOSIT });
      await expect(tx).to.changeEtherBalances(ethers, [challenger, cm], [-DEPOSIT, DEPOSIT]);
      const receipt = await (await tx).wait();
      const block = await ethers.provider.getBlock(receipt.blockNumber);
      await expect(tx).to.emit(cm, "ChallengeOpened").withArgs(
        1n, certificateId, 1n, challenger.address, DEPOSIT, BigInt(receipt.blockNumber) + 2n,
        BigInt(block.timestamp) + ANSWER_WINDOW, OPEN_COUNT,
      );
      const c = await cm.getChallenge(1n);
      expect(c.status).to.equal(STATUS.Open);
      expect(c.seed).to.equal(ethers.ZeroHash);
      expect(await cm.openChallengeOf(certificateId)).to.equal(1n);
      expect(record.releaseAt).to.be.greaterThan(c.deadline);
    });

    it("Should not open one with the wrong deposit, a second one, or one on an unknown certificate", async function () {
      const { cm, gp, certificateId, record, challenger } = await challengedFixture();
      await expect(cm.challenge(certificateId, record, { value: DEPOSIT })).to.be.revertedWithCustomError(cm, "ChallengeAlreadyOpen").withArgs(certificateId, 1n);
      await expect(cm.challenge(certificateId, record, { value: DEPOSIT - 1n })).to.be.revertedWithCustomError(cm, "ChallengeWrongDeposit").withArgs(DEPOSIT, DEPOSIT - 1n);
      await expect(cm.connect(challenger).challenge(99n, record, { value: DEPOSIT })).to.be.revertedWithCustomError(gp, "GreenProofUnknownCertificate").withArgs(99n);
    });

    it("Should not open one that could not be answered before the reward vests", async function () {
      const { cm, gp, certificateId, record } = await loadFixture(challengeFixture);
      const { releaseAt } = record;
      await time.setNextBlockTimestamp(releaseAt - ANSWER_WINDOW);
      await expect(cm.challenge(certificateId, record, { value: DEPOSIT }))
        .to.be.revertedWithCustomError(cm, "ChallengeOutsideVesting").withArgs(certificateId, releaseAt, ANSWER_WINDOW, releaseAt - ANSWER_WINDOW);
    });

    it("Should not open one on a revoked certificate", async function () {
      const { cm, gp, certificateId, record } = await loadFixture(challengeFixture);
      await gp.revokeCertificate(certificateId, record, "fraud");
      await expect(cm.challenge(certificateId, record, { value: DEPOSIT })).to.be.revertedWithCustomError(cm, "ChallengeCertificateSettled").withArgs(certificateId, true, false);
    });
  });

  describe("# drawSlots", function () {
    it("Should draw the slots from the committed block's hash, as the JavaScript mirror does", async function () {
      const { cm, challengeId } = await challengedFixture();
      const rb = (await cm.getChallenge(challengeId)).randomnessBlock;
      await expect(cm.drawSlots(challengeId)).to.be.revertedWithCustomError(cm, "ChallengeRandomnessNotReady");
      await pastRandomness(cm, challengeId);
      const hash = (await ethers.provider.getBlock(Number(rb))).hash;
      const seed = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [hash, challengeId]));
      const expected = drawSlotsJs(ethers, seed, SLOTS, Number(OPEN_COUNT));
      expect(new Set(expected).size).to.equal(Number(OPEN_COUNT));
      expect(await cm.challengeSlots(challengeId)).to.deep.equal(expected);
      await expect(cm.drawSlots(challengeId)).to.emit(cm, "ChallengeSlotsDrawn").withArgs(challengeId, seed, expected);
      expect((await cm.getChallenge(challengeId)).seed).to.equal(seed);
      await expect(cm.drawSlots(challengeId)).to.be.revertedWithCustomError(cm, "ChallengeSlotsAlreadyDrawn").withArgs(challengeId);
    });

    it("Should draw distinct slots below the slot count, all of them when asked for more", async function () {
      const { cm } = await loadFixture(challengeFixture);
      for (let k = 0; k < 20; k++) {
        const seed = ethers.keccak256(ethers.toUtf8Bytes(`seed-${k}`));
        const slots = await cm.drawSlotsFrom(seed, 60n, 4n);
        expect(slots).to.deep.equal(drawSlotsJs(ethers, seed, 60, 4));
        expect(new Set(slots).size).to.equal(4);
        expect(slots.every((s) => s < 60n)).to.equal(true);
      }
      const all = await cm.drawSlotsFrom(ethers.ZeroHash, 5n, 9n);
      expect([...all].sort()).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
    });

    it("Should re-anchor to a new future block when the committed hash expired undrawn (the deadline stays)", async function () {
      const { cm, challengeId } = await challengedFixture();
      const before = await cm.getChallenge(challengeId);
      await mine(300);
      await expect(cm.challengeSlots(challengeId)).to.be.revertedWithCustomError(cm, "ChallengeRandomnessExpired");
      await expect(cm.answerChallenge(challengeId, [])).to.be.revertedWithCustomError(cm, "ChallengeRandomnessExpired");
      const tx = await cm.drawSlots(challengeId);
      const next = BigInt(tx.blockNumber) + 2n;
      await expect(tx).to.emit(cm, "ChallengeRandomnessReanchored").withArgs(challengeId, before.randomnessBlock, next);
      const after = await cm.getChallenge(challengeId);
      expect(after.randomnessBlock).to.equal(next);
      expect(after.deadline).to.equal(before.deadline);
      await mine(3);
      await cm.drawSlots(challengeId);
      expect((await cm.getChallenge(challengeId)).seed).to.not.equal(ethers.ZeroHash);
    });
  });

  describe("# answerChallenge", function () {
    it("Should accept the honest openings, emit the opened values and pay the deposit to the operator", async function () {
      const { cm, operator, stranger, challengeId, certificateId } = await challengedFixture();
      await pastRandomness(cm, challengeId);
      const openings = await answerArgs(cm, challengeId);
      const tx = cm.connect(stranger).answerChallenge(challengeId, openings);
      await expect(tx).to.changeEtherBalances(ethers, [operator, cm], [DEPOSIT, -DEPOSIT]);
      for (const o of openings) await expect(tx).to.emit(cm, "SlotOpened").withArgs(challengeId, certificateId, o.slot, o.energyMj, o.work);
      await expect(tx).to.emit(cm, "ChallengeAnswered").withArgs(challengeId, certificateId, stranger.address, operator.address, DEPOSIT);
      await expect(tx).to.emit(cm, "ChallengeSlotsDrawn"); // nobody drew them before: the answer did
      expect((await cm.getChallenge(challengeId)).status).to.equal(STATUS.Answered);
      expect(await cm.openChallengeOf(certificateId)).to.equal(0n);
      await expect(cm.answerChallenge(challengeId, openings)).to.be.revertedWithCustomError(cm, "ChallengeAlreadyAnswered").withArgs(challengeId);
      await time.increase(ANSWER_WINDOW + 1n);
      await expect(cm.finalizeChallenge(challengeId)).to.be.revertedWithCustomError(cm, "ChallengeAlreadyAnswered").withArgs(challengeId);
    });

    it("Should revert with a named error when any field of an opening is off by one or a sibling is wrong", async function () {
      const { cm, challengeId } = await challengedFixture();
      await pastRandomness(cm, challengeId);
      await cm.drawSlots(challengeId);
      const good = await answerArgs(cm, challengeId);
      const root = BigInt(OPENINGS.root);
      const tamper = [
        ["energy + 1", (o) => ({ ...o, energyMj: o.energyMj + 1n })],
        ["energy - 1", (o) => ({ ...o, energyMj: o.energyMj - 1n })],
        ["work + 1", (o) => ({ ...o, work: o.work + 1n })],
        ["salt + 1", (o) => ({ ...o, salt: o.salt + 1n })],
        ["level-0 sibling", (o) => ({ ...o, siblings: [[o.siblings[0][0] + 1n, ...o.siblings[0].slice(1)], o.siblings[1]] })],
        ["level-1 sibling", (o) => ({ ...o, siblings: [o.siblings[0], [...o.siblings[1].slice(0, 6), o.siblings[1][6] + 1n]] })],
        ["siblings swapped", (o) => ({ ...o, siblings: [[o.siblings[0][1], o.siblings[0][0], ...o.siblings[0].slice(2)], o.siblings[1]] })],
      ];
      for (const i of [0, good.length - 1]) {
        for (const [name, f] of tamper) {
          const bad = good.map((o, k) => (k === i ? f(o) : o));
          const computed = await cm.rootOf(bad[i]);
          expect(computed, name).to.not.equal(root);
          await expect(cm.answerChallenge(challengeId, bad), name)
            .to.be.revertedWithCustomError(cm, "ChallengeOpeningMismatch").withArgs(challengeId, i, good[i].slot, computed, root);
        }
      }
      const wrongSlot = good.map((o, k) => (k === 1 ? { ...opening((o.slot + 1n) % BigInt(OPENINGS.slot_count)) } : o));
      await expect(cm.answerChallenge(challengeId, wrongSlot))
        .to.be.revertedWithCustomError(cm, "ChallengeWrongSlot").withArgs(challengeId, 1n, good[1].slot, wrongSlot[1].slot);
      await expect(cm.answerChallenge(challengeId, good.slice(1)))
        .to.be.revertedWithCustomError(cm, "ChallengeOpeningCount").withArgs(challengeId, OPEN_COUNT, OPEN_COUNT - 1n);
      // A value reduced mod p by circomlibjs's contract would hash alike: refused before hashing.
      const aliased = good.map((o, k) => (k === 2 ? { ...o, energyMj: o.energyMj + FIELD } : o));
      await expect(cm.answerChallenge(challengeId, aliased))
        .to.be.revertedWithCustomError(cm, "ChallengeValueOutOfField").withArgs(challengeId, 2n, good[2].energyMj + FIELD);
      await cm.answerChallenge(challengeId, good); // and the honest one still goes through
    });

    it("Should not accept an answer after the deadline", async function () {
      const { cm, challengeId } = await challengedFixture();
      await pastRandomness(cm, challengeId);
      const openings = await answerArgs(cm, challengeId);
      const { deadline } = await cm.getChallenge(challengeId);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(cm.answerChallenge(challengeId, openings))
        .to.be.revertedWithCustomError(cm, "ChallengeDeadlinePassed").withArgs(challengeId, deadline, deadline + 1n);
    });
  });

  describe("# finalizeChallenge", function () {
    it("Should revoke, cancel the escrowed reward, slash the bond and pay the challenger after a missed deadline", async function () {
      const { cm, gp, operator, stranger: treasury, challenger, challengeId, certificateId, record } = await challengedFixture();
      const { deadline } = await cm.getChallenge(challengeId);
      await expect(cm.finalizeChallenge(challengeId)).to.be.revertedWithCustomError(cm, "ChallengeDeadlineNotPassed");
      await time.increaseTo(deadline + 1n);
      const bond = (await gp.getNode(1n)).bondWei;
      const reward = record.rewardUnits;
      expect(bond).to.be.greaterThan(0n);
      expect(await escrowedOf(gp, operator.address)).to.equal(reward);
      const slashed = (bond * SLASH_BPS) / 10_000n;
      const toChallenger = (slashed * SHARE_BPS) / 10_000n;
      const tx = cm.connect(operator).finalizeChallenge(challengeId);
      await expect(tx).to.changeEtherBalances(ethers, [challenger, treasury, cm, gp], [DEPOSIT + toChallenger, slashed - toChallenger, -DEPOSIT, -slashed]);
      await expect(tx).to.emit(gp, "CertificateRevoked");
      await expect(tx).to.emit(gp, "RewardCancelled").withArgs(certificateId, operator.address, reward);
      await expect(tx).to.emit(gp, "BondSlashed").withArgs(1n, certificateId, slashed, await cm.getAddress());
      await expect(tx).to.emit(cm, "ChallengeDefaulted").withArgs(challengeId, certificateId, challenger.address, slashed, toChallenger, slashed - toChallenger);
      expect((await gp.recordOf(record.nodeId, record.epochStart)).revoked).to.equal(true);
      expect(await escrowedOf(gp, operator.address)).to.equal(0n);
      expect((await gp.getNode(1n)).bondWei).to.equal(bond - slashed);
      expect((await cm.getChallenge(challengeId)).status).to.equal(STATUS.Defaulted);
      await expect(cm.finalizeChallenge(challengeId)).to.be.revertedWithCustomError(cm, "ChallengeAlreadyFinalized").withArgs(challengeId, STATUS.Defaulted);
      await expect(cm.answerChallenge(challengeId, [])).to.be.revertedWithCustomError(cm, "ChallengeAlreadyFinalized").withArgs(challengeId, STATUS.Defaulted);
      await expect(gp.releaseRewards([certificateId], [record])).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked");
    });

    it("Should return the deposit and slash nothing when the DAO revoked the certificate meanwhile", async function () {
      const { cm, gp, challenger, challengeId, certificateId, record } = await challengedFixture();
      await gp.revokeCertificate(certificateId, record, "fraud found by the DAO");
      await time.increase(ANSWER_WINDOW + 1n);
      const tx = cm.finalizeChallenge(challengeId);
      await expect(tx).to.changeEtherBalances(ethers, [challenger, cm], [DEPOSIT, -DEPOSIT]);
      await expect(tx).to.emit(cm, "ChallengeVoided").withArgs(challengeId, certificateId, challenger.address);
      expect((await cm.getChallenge(challengeId)).status).to.equal(STATUS.Void);
    });

    it("Should let a certificate be challenged again once a challenge is answered", async function () {
      const { cm, challengeId, certificateId, record } = await challengedFixture();
      await pastRandomness(cm, challengeId);
      await cm.answerChallenge(challengeId, await answerArgs(cm, challengeId));
      await cm.challenge(certificateId, record, { value: DEPOSIT });
      expect(await cm.openChallengeOf(certificateId)).to.equal(2n);
    });
  });

  describe("# parameters and hashing", function () {
    it("Should let only PARAMS_ROLE set the parameters, in range, for later challenges", async function () {
      const { cm, stranger, certificateId, record } = await loadFixture(challengeFixture);
      await expect(cm.connect(stranger).setChallengeParams(1n, 4n, 60n, 0n)).to.be.revertedWithCustomError(cm, "AccessControlUnauthorizedAccount");
      await expect(cm.setChallengeParams(1n, 0n, 60n, 0n)).to.be.revertedWithCustomError(cm, "ChallengeParamOutOfRange").withArgs("openCount", 0n);
      await expect(cm.setChallengeParams(1n, 65n, 60n, 0n)).to.be.revertedWithCustomError(cm, "ChallengeParamOutOfRange").withArgs("openCount", 65n);
      await expect(cm.setChallengeParams(1n, 4n, 0n, 0n)).to.be.revertedWithCustomError(cm, "ChallengeParamOutOfRange").withArgs("answerWindowS", 0n);
      await expect(cm.setChallengeParams(1n, 4n, 60n, 10_001n)).to.be.revertedWithCustomError(cm, "ChallengeParamOutOfRange").withArgs("challengerShareBps", 10_001n);
      await expect(cm.setChallengeParams(7n, 8n, 120n, 100n)).to.emit(cm, "ChallengeParamsSet").withArgs(7n, 8n, 120n, 100n);
      expect(await cm.challengeParams()).to.deep.equal([7n, 8n, 120n, 100n]);
      await cm.challenge(certificateId, record, { value: 7n });
      const c = await cm.getChallenge(1n);
      expect([c.depositWei, c.openCount, c.challengerShareBps]).to.deep.equal([7n, 8n, 100n]);
    });

    it("Should hash leaves as the circuit does and refuse values of p or more", async function () {
      const { cm } = await loadFixture(challengeFixture);
      for (const o of OPENINGS.openings.slice(0, 3)) {
        expect(await cm.hashLeaf(BigInt(o.energy_mj), BigInt(o.work), BigInt(o.salt))).to.equal(BigInt(o.leaf));
      }
      await expect(cm.hashLeaf(FIELD, 0n, 0n)).to.be.revertedWithCustomError(cm, "ChallengeValueOutOfField");
      expect(await cm.rootOf(opening(7))).to.equal(BigInt(OPENINGS.root));
    });
  });
});

// A dishonest operator racing its own challenge: it leaves the challenge unanswered and, the
// moment the answer deadline is past, releases the reward (anyone may) and moves the credits, or
// retires and takes its bond back, before anyone finalizes. A challenge holds the release and
// the bond until it is answered or finalized, so finalizing still cancels the reward in full.
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, STATUS as NODE, VECTORS } from "./helpers/greenproof.js";
import { ANSWER_WINDOW, DEPOSIT, makeChallengeFixtures, opening } from "./helpers/challenge.js";
import { score, vectorCert } from "./helpers/greenproof.js";
import { OPENINGS } from "./helpers/challenge.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { challengeFixture, pastRandomness } = makeChallengeFixtures(ethers, networkHelpers);
const { time, loadFixture } = networkHelpers;
const REWARD = score(BigInt(VECTORS.baseline_ng_per_work), vectorCert(OPENINGS.certificate_index).work,
  vectorCert(OPENINGS.certificate_index).carbonMg).rewardUnits;

/** Challenged as late as allowed: the answer deadline is one second before the release time. */
async function lateChallenge() {
  const f = await loadFixture(challengeFixture);
  const { gp, cm, certificateId, record, challenger } = f;
  const { releaseAt } = record;
  await time.setNextBlockTimestamp(releaseAt - ANSWER_WINDOW - 1n);
  await cm.connect(challenger).challenge(certificateId, record, { value: DEPOSIT });
  const challengeId = await cm.challengeCount();
  expect((await cm.getChallenge(challengeId)).deadline).to.equal(releaseAt - 1n);
  return { ...f, releaseAt, challengeId };
}

describe("ChallengeManager attacks (the challenged operator races)", function () {
  it("Should hold the reward of an unanswered challenge past its release time, then cancel it in full", async function () {
    const { gp, cm, eco, operator, certificateId, record, challengeId, releaseAt } = await lateChallenge();
    await expect(gp.releaseRewards([certificateId], [record])).to.be.revertedWithCustomError(gp, "GreenProofReleaseOnHold").withArgs(certificateId);
    await time.setNextBlockTimestamp(releaseAt); // deadline passed: finalizable, and release time
    await expect(gp.connect(operator).releaseRewards([certificateId], [record]))
      .to.be.revertedWithCustomError(gp, "GreenProofReleaseOnHold").withArgs(certificateId);
    await expect(cm.finalizeChallenge(challengeId))
      .to.emit(gp, "RewardCancelled").withArgs(certificateId, operator.address, REWARD);
    expect(await eco.totalSupply()).to.equal(0n);
    expect(await gp.debtOf(operator.address)).to.equal(0n);
    await expect(gp.releaseRewards([certificateId], [record])).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked").withArgs(certificateId);
  });

  it("Should keep a retired node's bond while one of its certificates is challenged", async function () {
    const { gp, cm, operator, certificateId, challengeId, releaseAt } = await lateChallenge();
    await gp.connect(operator).retireNode(1n, "walk away");
    const { bondUnlockAt } = await gp.getNode(1n);
    expect(bondUnlockAt > releaseAt).to.equal(true);
    await time.setNextBlockTimestamp(bondUnlockAt); // unlocked but for the open challenge
    await expect(gp.withdrawBond(1n)).to.be.revertedWithCustomError(gp, "GreenProofNodeChallenged").withArgs(1n, 1n);
    await cm.finalizeChallenge(challengeId); // slashes its share
    expect((await gp.getNode(1n)).status).to.equal(NODE.Retired);
    await expect(gp.withdrawBond(1n)).to.emit(gp, "BondReturned");
  });

  it("Should release an answered challenge's reward at its release time", async function () {
    const { gp, cm, eco, operator, certificateId, record, challengeId, releaseAt } = await lateChallenge();
    await pastRandomness(cm, challengeId);
    const slots = await cm.challengeSlots(challengeId);
    await cm.connect(operator).answerChallenge(challengeId, slots.map((s) => opening(s)));
    await time.setNextBlockTimestamp(releaseAt);
    await gp.releaseRewards([certificateId], [record]);
    expect(await eco.balanceOf(operator.address)).to.equal(REWARD);
  });

  it("Should refuse holds and lifts from anyone but CHALLENGE_ROLE, and double holds", async function () {
    const { gp, cm, stranger, certificateId, record } = await loadFixture(challengeFixture);
    const role = await gp.CHALLENGE_ROLE();
    await expect(gp.connect(stranger).setReleaseHold(certificateId, record, true))
      .to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
    await expect(gp.connect(stranger).setReleaseHold(certificateId, record, false))
      .to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
    await gp.grantRole(role, stranger.address);
    await expect(gp.connect(stranger).setReleaseHold(certificateId, record, false)).to.be.revertedWithCustomError(gp, "GreenProofNotOnHold").withArgs(certificateId);
    await cm.challenge(certificateId, record, { value: DEPOSIT });
    await expect(gp.connect(stranger).setReleaseHold(certificateId, record, true)).to.be.revertedWithCustomError(gp, "GreenProofReleaseOnHold").withArgs(certificateId);
  });
});

// Attacks on the Eco Credits economics by a dishonest node operator and by a stranger, with
// real transactions and the real proofs of tests/vectors/contract_proofs.json. Each test names
// the attack; the contracts withstand every one of them (the bond ones since the fixes of
// withdrawBond while in debt and of activation below the bond rate).
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, PARAMS_FROM, STATUS, VECTORS, WINDOW, certRecord, escrowedOf, makeFixtures, score, vectorCert, vectorIndex, withRecords } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { bareFixture, bondedFixture: bonded, readyFixture, scheduleVectorParams, signedVector, warpPastVectors } =
  makeFixtures(ethers, networkHelpers);
const { time } = networkHelpers;
const KR = ethers.encodeBytes32String("KR");
const BASELINE = BigInt(VECTORS.baseline_ng_per_work);
const WEI_PER_MW = 10n ** 18n;
const POWER = BigInt(VECTORS.nodes[0].max_power_mw);
const BOND = (WEI_PER_MW * POWER + 10n ** 9n - 1n) / 10n ** 9n;
const HALF = 5_000n;
const rewardOf = (i) => score(BASELINE, vectorCert(i).work, vectorCert(i).carbonMg).rewardUnits;

/** A bond rate and a 50 % slash share from PARAMS_FROM; nodes registered after it (bonded). */
const bondedFixture = () => bonded(WEI_PER_MW, HALF);

/** Node 1's first epoch certified, released, its credits moved away, then revoked: debt. */
async function inDebt(f) {
  const { gp, eco, operator, stranger } = f;
  await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
  await time.increase(WINDOW);
  await gp.releaseRewards(...(await withRecords(gp, [1n])));
  const reward = rewardOf(vectorIndex(1, 0));
  await eco.connect(operator).transfer(stranger.address, reward);
  await gp.revokeCertificate(1n, await certRecord(gp, 1n), "forged meter");
  expect(await gp.debtOf(operator.address)).to.equal(reward);
  return reward;
}

describe("GreenProof attacks (dishonest operator, stranger)", function () {
  describe("# escaping the clawback", function () {
    it("Should keep the rest of the bond while the operator owes debt (retire, then withdraw)", async function () {
      const f = await bondedFixture();
      const { gp, eco, operator, stranger } = f;
      const debt = await inDebt(f);
      expect((await gp.getNode(1n)).bondWei).to.equal(BOND - BOND / 2n); // half slashed
      await gp.connect(operator).retireNode(1n, "walk away");
      await time.increaseTo((await gp.getNode(1n)).bondUnlockAt); // only the debt keeps it now
      await expect(gp.withdrawBond(1n))
        .to.be.revertedWithCustomError(gp, "GreenProofOperatorInDebt").withArgs(operator.address, debt);
      // Repaying (with credits bought back) unlocks it.
      await eco.connect(stranger).transfer(operator.address, debt);
      await gp.connect(operator).repayDebt(operator.address, debt);
      await expect(gp.withdrawBond(1n)).to.changeEtherBalances(ethers, [gp, operator], [-(BOND - BOND / 2n), BOND - BOND / 2n]);
    });

    it("Should not let a stranger's repayDebt burn the operator's credits", async function () {
      const f = await bondedFixture();
      const { gp, eco, operator, stranger } = f;
      const debt = await inDebt(f);
      await eco.connect(stranger).transfer(operator.address, debt); // operator holds credits again, the stranger none
      await expect(gp.connect(stranger).repayDebt(operator.address, debt))
        .to.be.revertedWithCustomError(eco, "ERC20InsufficientBalance").withArgs(stranger.address, 0n, debt);
      expect(await eco.balanceOf(operator.address)).to.equal(debt);
      expect(await gp.debtOf(operator.address)).to.equal(debt);
    });

    it("Should give escrowed credits no votes, and claw back delegated released ones", async function () {
      const f = await readyFixture();
      const { gp, eco, operator, stranger } = f;
      await eco.connect(operator).delegate(stranger.address);
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      expect(await eco.getVotes(stranger.address)).to.equal(0n);
      expect(await eco.totalSupply()).to.equal(0n);
      await time.increase(WINDOW);
      await gp.releaseRewards(...(await withRecords(gp, [1n])));
      const reward = rewardOf(vectorIndex(1, 0));
      expect(await eco.getVotes(stranger.address)).to.equal(reward);
      await gp.revokeCertificate(1n, await certRecord(gp, 1n), "fraud");
      expect(await eco.getVotes(stranger.address)).to.equal(0n);
      expect(await gp.debtOf(operator.address)).to.equal(0n);
    });
  });

  describe("# bond below the rate", function () {
    it("Should not activate a node registered just before a scheduled bond rate applied", async function () {
      const f = await bareFixture();
      const { gp, operator, attestor } = f;
      await gp.setBondPerMw(WEI_PER_MW, PARAMS_FROM); // public through the timelock delay
      await gp.connect(operator).registerNode(attestor.address, KR, POWER, ""); // front-run: bond 0
      await time.increaseTo(PARAMS_FROM);
      await expect(gp.activateNode(1n)).to.be.revertedWithCustomError(gp, "GreenProofBondBelowRate").withArgs(1n, 0n, BOND);
      await expect(gp.connect(operator).topUpBond(1n, { value: BOND - 1n }))
        .to.emit(gp, "BondLocked").withArgs(1n, operator.address, BOND - 1n);
      await expect(gp.activateNode(1n)).to.be.revertedWithCustomError(gp, "GreenProofBondBelowRate").withArgs(1n, BOND - 1n, BOND);
      await gp.connect(operator).topUpBond(1n, { value: 1n });
      await expect(gp.activateNode(1n)).to.emit(gp, "NodeStatusChanged").withArgs(1n, STATUS.Active, "");
      await expect(gp.connect(operator).topUpBond(1n)).to.be.revertedWithCustomError(gp, "GreenProofZeroTopUp").withArgs(1n);
    });

    it("Should not re-activate a slashed node until its bond is topped up", async function () {
      const f = await bondedFixture();
      const { gp, operator, stranger } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await gp.revokeCertificate(1n, await certRecord(gp, 1n), "fraud");
      await gp.suspendNode(1n, "investigated");
      const left = BOND - BOND / 2n;
      await expect(gp.activateNode(1n)).to.be.revertedWithCustomError(gp, "GreenProofBondBelowRate").withArgs(1n, left, BOND);
      await gp.connect(stranger).topUpBond(1n, { value: BOND / 2n }); // anyone may pay it
      await gp.activateNode(1n);
      expect((await gp.getNode(1n)).bondWei).to.equal(BOND);
      await gp.connect(operator).retireNode(1n, "done");
      await expect(gp.topUpBond(1n, { value: 1n }))
        .to.be.revertedWithCustomError(gp, "GreenProofNodeStatusUnchanged").withArgs(1n, STATUS.Retired);
    });
  });

  describe("# a hostile operator contract", function () {
    async function attackerFixture() {
      const f = await bareFixture();
      const { gp, attestor, stranger } = f;
      await gp.setBondPerMw(WEI_PER_MW, PARAMS_FROM);
      await gp.setSlashShare(HALF, PARAMS_FROM);
      await gp.setTreasury(stranger.address);
      await scheduleVectorParams(gp);
      await time.increaseTo(PARAMS_FROM);
      const attacker = await ethers.deployContract("BondAttacker", [await gp.getAddress()]);
      await attacker.register(attestor.address, KR, POWER, { value: BOND });
      await gp.activateNode(1n);
      await warpPastVectors();
      return { ...f, attacker };
    }

    it("Should pay a re-entering operator its bond once", async function () {
      const f = await attackerFixture();
      const { gp, attacker } = f;
      await attacker.retire();
      await time.increaseTo((await gp.getNode(1n)).bondUnlockAt);
      await attacker.setMode(1n); // ReenterWithdraw
      await expect(gp.withdrawBond(1n)).to.changeEtherBalances(ethers, [gp, attacker], [-BOND, BOND]);
      const err = gp.interface.parseError(await attacker.reentryError());
      expect(err.name).to.equal("GreenProofNoBond");
      expect(await attacker.received()).to.equal(BOND);
    });

    it("Should revoke, cancel and slash although the operator refuses every payment", async function () {
      const f = await attackerFixture();
      const { gp, attacker, stranger } = f;
      await attacker.setMode(2n); // Revert
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await expect(gp.revokeCertificate(1n, await certRecord(gp, 1n), "fraud")).to.changeEtherBalances(ethers, [gp, stranger], [-(BOND / 2n), BOND / 2n]);
      expect(await escrowedOf(gp, await attacker.getAddress())).to.equal(0n);
      // Its own bond is all it can block.
      await attacker.retire();
      await time.increaseTo((await gp.getNode(1n)).bondUnlockAt);
      await expect(gp.withdrawBond(1n)).to.be.revertedWith("operator refuses payment");
    });
  });

  describe("# rewards and batches", function () {
    it("Should escrow a batch's duplicated item once", async function () {
      const f = await readyFixture();
      const { gp, operator } = f;
      const [c, p, s] = await signedVector(f, vectorIndex(1, 0));
      const already = gp.interface.encodeErrorResult("GreenProofEpochAlreadyCertified", [1n, c.epochStart, 1n]);
      await expect(gp.submitCertificates([c, c], [p, p], [s, s])).to.emit(gp, "BatchItemSkipped").withArgs(1n, already);
      expect(await gp.certificateCount()).to.equal(1n);
      expect(await escrowedOf(gp, operator.address)).to.equal(rewardOf(vectorIndex(1, 0)));
    });

    it("Should release a reward once, never a revoked one, never before its window", async function () {
      const f = await readyFixture();
      const { gp, eco, operator, stranger } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 1))));
      const { releaseAt } = await certRecord(gp, 1n);
      await time.setNextBlockTimestamp(releaseAt - 1n);
      await expect(gp.connect(stranger).releaseRewards(...(await withRecords(gp, [1n]))))
        .to.be.revertedWithCustomError(gp, "GreenProofStillVesting").withArgs(1n, releaseAt, releaseAt - 1n);
      await gp.revokeCertificate(2n, await certRecord(gp, 2n), "fraud");
      await time.increase(WINDOW);
      await expect(gp.connect(stranger).releaseRewards(...(await withRecords(gp, [1n, 1n]))))
        .to.be.revertedWithCustomError(gp, "GreenProofAlreadyReleased").withArgs(1n);
      await expect(gp.connect(stranger).releaseRewards(...(await withRecords(gp, [2n])))).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked").withArgs(2n);
      await gp.connect(stranger).releaseRewards(...(await withRecords(gp, [1n])));
      expect(await eco.balanceOf(operator.address)).to.equal(rewardOf(vectorIndex(1, 0)));
      expect(await eco.balanceOf(stranger.address)).to.equal(0n);
    });
  });
});

// Vesting and public release (batches: GreenProof.batch.test.js), revocation, and debt that follows the
// operator, with the real proofs of tests/vectors/contract_proofs.json.
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, VECTORS, WINDOW, certRecord, escrowedOf, makeFixtures, score, slotOf, vectorCert, vectorIndex, withRecords } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { readyFixture, sharedOperatorFixture, signedVector } = makeFixtures(ethers, networkHelpers);
const { time } = networkHelpers;
const BASELINE = BigInt(VECTORS.baseline_ng_per_work);
const rewardOf = (i) => score(BASELINE, vectorCert(i).work, vectorCert(i).carbonMg).rewardUnits;

async function batchArgs(f, indices, mutate = {}) {
  const items = [];
  for (const i of indices) items.push(await signedVector(f, i, mutate[i]));
  return [items.map((x) => x[0]), items.map((x) => x[1]), items.map((x) => x[2])];
}

/** Move past the challenge window of everything submitted so far. */
async function passWindow() {
  await time.increase(WINDOW);
}

describe("GreenProof batches, vesting, revocation and debt", function () {
  describe("# releaseRewards", function () {
    it("Should keep a reward in escrow for the window, then let anyone release it to the operator", async function () {
      const f = await readyFixture();
      const { gp, eco, operator, stranger } = f;
      const i = vectorIndex(1, 0);
      await gp.submitCertificate(...(await signedVector(f, i)));
      const { releaseAt } = await certRecord(gp, 1n);
      await time.setNextBlockTimestamp(releaseAt - 1n);
      await expect(gp.connect(stranger).releaseRewards(...(await withRecords(gp, [1n]))))
        .to.be.revertedWithCustomError(gp, "GreenProofStillVesting").withArgs(1n, releaseAt, releaseAt - 1n);
      await expect(eco.connect(operator).transfer(stranger.address, 1n)).to.be.revertedWithCustomError(eco, "ERC20InsufficientBalance");
      await time.setNextBlockTimestamp(releaseAt);
      await expect(gp.connect(stranger).releaseRewards(...(await withRecords(gp, [1n]))))
        .to.emit(gp, "RewardReleased").withArgs(1n, operator.address, rewardOf(i), 0n)
        .and.to.emit(eco, "Transfer").withArgs(ethers.ZeroAddress, operator.address, rewardOf(i));
      expect(await eco.balanceOf(operator.address)).to.equal(rewardOf(i));
      expect(await escrowedOf(gp, operator.address)).to.equal(0n);
      expect((await slotOf(gp, 1n)).released).to.equal(true);
      await expect(gp.releaseRewards(...(await withRecords(gp, [1n])))).to.be.revertedWithCustomError(gp, "GreenProofAlreadyReleased").withArgs(1n);
      await expect(gp.releaseRewards([7n], [await certRecord(gp, 1n)])).to.be.revertedWithCustomError(gp, "GreenProofUnknownCertificate").withArgs(7n);
    });

    it("Should release a set of certificates across operators in one call", async function () {
      const f = await readyFixture();
      const { gp, eco, operator, operator2 } = f;
      const idx = [vectorIndex(1, 0), vectorIndex(2, 0), vectorIndex(1, 1)];
      await gp.submitCertificates(...(await batchArgs(f, idx)));
      await passWindow();
      expect(await gp.releaseRewards.staticCall(...(await withRecords(gp, [1n, 2n, 3n])))).to.equal(rewardOf(idx[0]) + rewardOf(idx[1]) + rewardOf(idx[2]));
      await gp.releaseRewards(...(await withRecords(gp, [1n, 2n, 3n])));
      expect(await eco.balanceOf(operator.address)).to.equal(rewardOf(idx[0]) + rewardOf(idx[2]));
      expect(await eco.balanceOf(operator2.address)).to.equal(rewardOf(idx[1]));
    });

    it("Should mint once per run of one operator's ids: one Transfer, one votes checkpoint, events per certificate", async function () {
      const f = await readyFixture();
      const { gp, eco, operator, operator2 } = f;
      const idx = [vectorIndex(1, 0), vectorIndex(1, 1), vectorIndex(1, 2), vectorIndex(2, 0)];
      await gp.submitCertificates(...(await batchArgs(f, idx)));
      await eco.connect(operator).delegate(operator.address);
      await passWindow();
      const checkpoints = await eco.numCheckpoints(operator.address);
      const receipt = await (await gp.releaseRewards(...(await withRecords(gp, [1n, 2n, 3n, 4n])))).wait();
      const logs = receipt.logs.map((l) => { try { return (l.address === eco.target ? eco : gp).interface.parseLog(l); } catch { return null; } }).filter(Boolean);
      expect(logs.filter((e) => e.name === "RewardReleased").map((e) => [e.args.certificateId, e.args.mintedUnits]))
        .to.deep.equal(idx.map((i, k) => [BigInt(k + 1), rewardOf(i)]));
      const mints = logs.filter((e) => e.name === "Transfer").map((e) => [e.args.from, e.args.to, e.args.value]);
      expect(mints).to.deep.equal([
        [ethers.ZeroAddress, operator.address, rewardOf(idx[0]) + rewardOf(idx[1]) + rewardOf(idx[2])],
        [ethers.ZeroAddress, operator2.address, rewardOf(idx[3])],
      ]);
      expect(await eco.numCheckpoints(operator.address)).to.equal(checkpoints + 1n);
      expect(await eco.getVotes(operator.address)).to.equal(rewardOf(idx[0]) + rewardOf(idx[1]) + rewardOf(idx[2]));
    });

    it("Should mint once per run when operators interleave", async function () {
      const f = await readyFixture();
      const { gp, eco, operator, operator2 } = f;
      const idx = [vectorIndex(1, 0), vectorIndex(2, 0), vectorIndex(1, 1)];
      await gp.submitCertificates(...(await batchArgs(f, idx)));
      await passWindow();
      const tx = gp.releaseRewards(...(await withRecords(gp, [1n, 2n, 3n])));
      await expect(tx).to.emit(eco, "Transfer").withArgs(ethers.ZeroAddress, operator.address, rewardOf(idx[0]));
      await expect(tx).to.emit(eco, "Transfer").withArgs(ethers.ZeroAddress, operator2.address, rewardOf(idx[1]));
      await expect(tx).to.emit(eco, "Transfer").withArgs(ethers.ZeroAddress, operator.address, rewardOf(idx[2]));
      expect(await eco.balanceOf(operator.address)).to.equal(rewardOf(idx[0]) + rewardOf(idx[2]));
    });

    it("Should give votes to released credits only", async function () {
      const f = await readyFixture();
      const { gp, eco, operator } = f;
      await eco.connect(operator).delegate(operator.address);
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      expect(await eco.getVotes(operator.address)).to.equal(0n);
      expect(await eco.totalSupply()).to.equal(0n);
      await passWindow();
      await gp.releaseRewards(...(await withRecords(gp, [1n])));
      expect(await eco.getVotes(operator.address)).to.equal(rewardOf(vectorIndex(1, 0)));
    });

    it("Should use the challenge window in effect at the epoch start", async function () {
      const f = await readyFixture();
      const { gp } = f;
      // A window scheduled now applies to epochs that start from now on, not to the vectors.
      await gp.setChallengeWindow(60n, BigInt(await time.latest()) + 1n);
      expect(WINDOW).to.not.equal(60n);
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      const { releaseAt } = await certRecord(gp, 1n);
      expect(releaseAt).to.equal(BigInt(await time.latest()) + WINDOW);
    });
  });

  describe("# revokeCertificate", function () {
    it("Should cancel an escrowed reward in full though the operator moved every transferable credit away", async function () {
      const f = await readyFixture();
      const { gp, eco, operator, stranger } = f;
      const [a, b] = [vectorIndex(1, 0), vectorIndex(1, 1)];
      await gp.submitCertificate(...(await signedVector(f, a)));
      await passWindow();
      await gp.releaseRewards(...(await withRecords(gp, [1n])));
      await gp.submitCertificate(...(await signedVector(f, b))); // in its window
      await eco.connect(operator).transfer(stranger.address, await eco.balanceOf(operator.address));
      await expect(gp.revokeCertificate(2n, await certRecord(gp, 2n), "fabricated meter data"))
        .to.emit(gp, "RewardCancelled").withArgs(2n, operator.address, rewardOf(b))
        .and.to.emit(gp, "CertificateRevoked").withArgs(2n, 1n, "fabricated meter data", 0n, 0n)
        .and.not.to.emit(eco, "CreditsClawedBack");
      expect(await escrowedOf(gp, operator.address)).to.equal(0n);
      expect(await gp.debtOf(operator.address)).to.equal(0n);
      expect(await eco.totalSupply()).to.equal(rewardOf(a)); // the cancelled reward never existed
      expect(await eco.balanceOf(stranger.address)).to.equal(rewardOf(a)); // third parties keep theirs
      await passWindow();
      await expect(gp.releaseRewards(...(await withRecords(gp, [2n])))).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked").withArgs(2n);
    });

    it("Should claw back a released reward the operator still holds", async function () {
      const f = await readyFixture();
      const { gp, eco, operator } = f;
      const reward = rewardOf(vectorIndex(1, 0));
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await passWindow();
      await gp.releaseRewards(...(await withRecords(gp, [1n])));
      await expect(gp.revokeCertificate(1n, await certRecord(gp, 1n), "fabricated meter data"))
        .to.emit(gp, "CertificateRevoked").withArgs(1n, 1n, "fabricated meter data", reward, 0n)
        .and.to.emit(eco, "CreditsClawedBack").withArgs(operator.address, reward, 1n);
      expect(await eco.balanceOf(operator.address)).to.equal(0n);
      expect((await slotOf(gp, 1n)).revoked).to.equal(true);
      expect(await gp.debtOf(operator.address)).to.equal(0n);
    });

    it("Should keep a revoked epoch consumed", async function () {
      const f = await readyFixture();
      await f.gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await f.gp.revokeCertificate(1n, await certRecord(f.gp, 1n), "x");
      const args = await signedVector(f, vectorIndex(1, 0));
      await expect(f.gp.submitCertificate(...args))
        .to.be.revertedWithCustomError(f.gp, "GreenProofEpochAlreadyCertified").withArgs(1n, args[0].epochStart, 1n);
    });

    it("Should not revoke twice, an unknown certificate, or without REVOKER_ROLE", async function () {
      const f = await readyFixture();
      const { gp, stranger } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await expect(gp.connect(stranger).revokeCertificate(1n, await certRecord(gp, 1n), "x"))
        .to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await gp.REVOKER_ROLE());
      await expect(gp.revokeCertificate(2n, await certRecord(gp, 1n), "x")).to.be.revertedWithCustomError(gp, "GreenProofUnknownCertificate").withArgs(2n);
      await gp.revokeCertificate(1n, await certRecord(gp, 1n), "x");
      await expect(gp.revokeCertificate(1n, await certRecord(gp, 1n), "x")).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked").withArgs(1n);
    });
  });

  describe("# debt (per operator) / repayDebt", function () {
    /** Operator runs nodes 1 and 2; a released node-1 reward is spent, then revoked: debt. */
    async function inDebtFixture() {
      const f = await sharedOperatorFixture();
      const { gp, eco, operator, stranger } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await passWindow();
      await gp.releaseRewards(...(await withRecords(gp, [1n])));
      const reward = rewardOf(vectorIndex(1, 0));
      await eco.connect(operator).transfer(stranger.address, reward - 1n);
      await expect(gp.revokeCertificate(1n, await certRecord(gp, 1n), "fraud")).to.emit(gp, "CertificateRevoked").withArgs(1n, 1n, "fraud", 1n, reward - 1n);
      return { ...f, debt: reward - 1n };
    }

    it("Should record debt on the operator, and refuse its new and re-activated nodes until repaid", async function () {
      const f = await inDebtFixture();
      const { gp, operator, attestor, debt } = f;
      expect(await gp.debtOf(operator.address)).to.equal(debt);
      await expect(gp.connect(operator).registerNode(attestor.address, ethers.encodeBytes32String("KR"), 1n, ""))
        .to.be.revertedWithCustomError(gp, "GreenProofOperatorInDebt").withArgs(operator.address, debt);
      await gp.suspendNode(2n, "audit");
      await expect(gp.activateNode(2n)).to.be.revertedWithCustomError(gp, "GreenProofOperatorInDebt").withArgs(operator.address, debt);
    });

    it("Should withhold the debt from the operator's rewards on any of its nodes", async function () {
      const f = await inDebtFixture();
      const { gp, eco, operator, debt } = f;
      const i = vectorIndex(2, 0); // node 2, same operator
      const r = rewardOf(i);
      await gp.submitCertificate(...(await signedVector(f, i)));
      await passWindow();
      const withheld = r < debt ? r : debt;
      await expect(gp.releaseRewards(...(await withRecords(gp, [2n]))))
        .to.emit(gp, "RewardWithheld").withArgs(2n, 2n, withheld, debt - withheld)
        .and.to.emit(gp, "RewardReleased").withArgs(2n, operator.address, r - withheld, withheld);
      expect(await gp.debtOf(operator.address)).to.equal(debt - withheld);
      expect(await eco.balanceOf(operator.address)).to.equal(r - withheld);
    });

    it("Should let anyone repay an operator's debt by burning Eco Credits, then register again", async function () {
      const f = await inDebtFixture();
      const { gp, eco, operator, attestor, stranger, debt } = f;
      await expect(gp.connect(stranger).repayDebt(operator.address, debt + 1n))
        .to.be.revertedWithCustomError(gp, "GreenProofRepayAboveDebt").withArgs(operator.address, debt + 1n, debt);
      await expect(gp.connect(operator).repayDebt(operator.address, debt))
        .to.be.revertedWithCustomError(eco, "ERC20InsufficientBalance").withArgs(operator.address, 0n, debt);
      await expect(gp.connect(stranger).repayDebt(operator.address, debt))
        .to.emit(gp, "DebtRepaid").withArgs(operator.address, stranger.address, debt, 0n)
        .and.to.emit(eco, "Transfer").withArgs(stranger.address, ethers.ZeroAddress, debt);
      expect(await gp.debtOf(operator.address)).to.equal(0n);
      await expect(gp.connect(operator).registerNode(attestor.address, ethers.encodeBytes32String("KR"), 1n, ""))
        .to.emit(gp, "NodeRegistered");
    });
  });
});

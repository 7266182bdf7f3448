import { expect } from "chai";
import { network } from "hardhat";
import { VECTORS, makeFixtures, score, vectorCert, vectorIndex } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create();
const { readyFixture, signedVector } = makeFixtures(ethers);
const BASELINE = BigInt(VECTORS.baseline_ng_per_work);
const rewardOf = (i) => score(BASELINE, vectorCert(i).work, vectorCert(i).carbonMg).rewardUnits;

async function batchArgs(f, indices, mutate = {}) {
  const items = [];
  for (const i of indices) items.push(await signedVector(f, i, mutate[i]));
  return [items.map((x) => x[0]), items.map((x) => x[1]), items.map((x) => x[2])];
}

describe("GreenProof batches, revocation and debt", function () {
  describe("# submitCertificates", function () {
    it("Should record every certificate of a batch, across nodes, in order", async function () {
      const f = await networkHelpers.loadFixture(readyFixture);
      const { gp, eco, operator, operator2 } = f;
      const idx = [vectorIndex(1, 0), vectorIndex(2, 0), vectorIndex(1, 1)];
      const args = await batchArgs(f, idx);
      expect(await gp.submitCertificates.staticCall(...args)).to.deep.equal([1n, 2n, 3n]);
      const tx = gp.submitCertificates(...args);
      await expect(tx).to.emit(gp, "CertificateSubmitted").withArgs(3n, 1n, args[0][2].epochStart, ...Array(8).fill(anyValue()));
      expect(await gp.certificateCount()).to.equal(3n);
      expect(await eco.balanceOf(operator.address)).to.equal(rewardOf(idx[0]) + rewardOf(idx[2]));
      expect(await eco.balanceOf(operator2.address)).to.equal(rewardOf(idx[1]));
    });

    it("Should revert the whole batch with the failing index and its error, applying nothing", async function () {
      const f = await networkHelpers.loadFixture(readyFixture);
      const { gp, eco, operator } = f;
      const first = vectorIndex(1, 0);
      const args = await batchArgs(f, [first, vectorIndex(1, 1), first]); // item 2 replays item 0
      const inner = gp.interface.encodeErrorResult("GreenProofEpochNotAfterLast", [
        1n, args[0][0].epochStart, args[0][1].epochStart + BigInt(VECTORS.epoch_length_s),
      ]);
      await expect(gp.submitCertificates(...args))
        .to.be.revertedWithCustomError(gp, "GreenProofBatchItemFailed").withArgs(2n, inner);
      expect(await gp.certificateCount()).to.equal(0n);
      expect(await gp.nextEpochStart(1n)).to.equal(0n);
      expect(await eco.balanceOf(operator.address)).to.equal(0n);

      const bad = await batchArgs(f, [first, vectorIndex(1, 1)], { [vectorIndex(1, 1)]: (c) => ({ ...c, energyMj: c.energyMj + 1n }) });
      await expect(gp.submitCertificates(...bad))
        .to.be.revertedWithCustomError(gp, "GreenProofBatchItemFailed")
        .withArgs(1n, gp.interface.encodeErrorResult("GreenProofInvalidProof", []));
    });

    it("Should not accept arrays of different lengths or an empty batch", async function () {
      const f = await networkHelpers.loadFixture(readyFixture);
      const [c, p, s] = await batchArgs(f, [vectorIndex(1, 0)]);
      await expect(f.gp.submitCertificates(c, p, [])).to.be.revertedWithCustomError(f.gp, "GreenProofBatchLengthMismatch").withArgs(1n, 1n, 0n);
      await expect(f.gp.submitCertificates([], [], [])).to.be.revertedWithCustomError(f.gp, "GreenProofBatchLengthMismatch").withArgs(0n, 0n, 0n);
      await f.gp.pause();
      await expect(f.gp.submitCertificates(c, p, s)).to.be.revertedWithCustomError(f.gp, "EnforcedPause");
    });
  });

  describe("# revokeCertificate", function () {
    async function submittedFixture() {
      const f = await readyFixture();
      await f.gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      return f;
    }

    it("Should revoke and claw back the whole reward while the operator still holds it", async function () {
      const { gp, eco, operator } = await networkHelpers.loadFixture(submittedFixture);
      const reward = rewardOf(vectorIndex(1, 0));
      await expect(gp.revokeCertificate(1n, "fabricated meter data"))
        .to.emit(gp, "CertificateRevoked").withArgs(1n, 1n, "fabricated meter data", reward, 0n)
        .and.to.emit(eco, "CreditsClawedBack").withArgs(operator.address, reward, 1n);
      expect(await eco.balanceOf(operator.address)).to.equal(0n);
      expect((await gp.getCertificate(1n)).revoked).to.equal(true);
      expect((await gp.getNode(1n)).debtUnits).to.equal(0n);
    });

    it("Should record what was spent as debt and withhold it from the next rewards", async function () {
      const f = await networkHelpers.loadFixture(submittedFixture);
      const { gp, eco, operator, stranger } = f;
      const reward = rewardOf(vectorIndex(1, 0));
      const spent = (reward * 3n) / 4n;
      await eco.connect(operator).transfer(stranger.address, spent);
      await expect(gp.revokeCertificate(1n, "fraud"))
        .to.emit(gp, "CertificateRevoked").withArgs(1n, 1n, "fraud", reward - spent, spent);
      expect((await gp.getNode(1n)).debtUnits).to.equal(spent);
      expect(await eco.balanceOf(stranger.address)).to.equal(spent); // third parties keep theirs

      // Later rewards pay the debt first; only the rest is minted.
      let debt = spent;
      let minted = 0n;
      for (const k of [1, 2]) {
        const i = vectorIndex(1, k);
        const r = rewardOf(i);
        const withheld = r < debt ? r : debt;
        const tx = gp.submitCertificate(...(await signedVector(f, i)));
        if (withheld > 0n) {
          await expect(tx).to.emit(gp, "RewardWithheld").withArgs(BigInt(k + 1), 1n, withheld, debt - withheld);
        } else {
          await expect(tx).to.not.emit(gp, "RewardWithheld");
        }
        debt -= withheld;
        minted += r - withheld;
        expect((await gp.getNode(1n)).debtUnits).to.equal(debt);
      }
      expect(await eco.balanceOf(operator.address)).to.equal(minted);
    });

    it("Should keep a revoked epoch consumed", async function () {
      const f = await networkHelpers.loadFixture(submittedFixture);
      await f.gp.revokeCertificate(1n, "x");
      const args = await signedVector(f, vectorIndex(1, 0));
      await expect(f.gp.submitCertificate(...args)).to.be.revertedWithCustomError(f.gp, "GreenProofEpochNotAfterLast");
    });

    it("Should not revoke twice, an unknown certificate, or without REVOKER_ROLE", async function () {
      const { gp, stranger } = await networkHelpers.loadFixture(submittedFixture);
      await expect(gp.connect(stranger).revokeCertificate(1n, "x"))
        .to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await gp.REVOKER_ROLE());
      await expect(gp.revokeCertificate(2n, "x")).to.be.revertedWithCustomError(gp, "GreenProofUnknownCertificate").withArgs(2n);
      await gp.revokeCertificate(1n, "x");
      await expect(gp.revokeCertificate(1n, "x")).to.be.revertedWithCustomError(gp, "GreenProofAlreadyRevoked").withArgs(1n);
    });
  });
});

function anyValue() {
  return () => true;
}

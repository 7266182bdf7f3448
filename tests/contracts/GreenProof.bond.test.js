// The slashable bond: locked at registration (per MW of max power), slashed to the treasury by
// a revocation, returned after retirement and the node's last challenge window.
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, PARAMS_FROM, STATUS, VECTORS, WINDOW, certRecord, makeFixtures, vectorIndex } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { bareFixture, bondedFixture: bonded, signedVector } = makeFixtures(ethers, networkHelpers);
const { time } = networkHelpers;
const KR = ethers.encodeBytes32String("KR");
const WEI_PER_MW = 10n ** 18n; // 1 native coin per MW
const POWER = BigInt(VECTORS.nodes[0].max_power_mw); // 700 W
const BOND = (WEI_PER_MW * POWER + 10n ** 9n - 1n) / 10n ** 9n;

/** Bond rate and a 25 % slash share from PARAMS_FROM, nodes registered after it, clock past the epochs. */
const bondedFixture = () => bonded(WEI_PER_MW, 2_500n);

describe("GreenProof bonds", function () {
  describe("# registerNode", function () {
    it("Should lock exactly the bond for the node's max power", async function () {
      const f = await bareFixture();
      const { gp, operator, attestor } = f;
      await gp.setBondPerMw(WEI_PER_MW, PARAMS_FROM);
      expect(await gp.bondFor(POWER)).to.equal(0n); // not in effect yet
      await time.increaseTo(PARAMS_FROM);
      expect(await gp.bondFor(POWER)).to.equal(BOND);
      expect(await gp.bondFor(1n)).to.equal(1_000_000_000n); // 1 mW of 1e18 wei/MW, rounded up
      await expect(gp.connect(operator).registerNode(attestor.address, KR, POWER, "", { value: BOND - 1n }))
        .to.be.revertedWithCustomError(gp, "GreenProofWrongBond").withArgs(BOND, BOND - 1n);
      await expect(gp.connect(operator).registerNode(attestor.address, KR, POWER, ""))
        .to.be.revertedWithCustomError(gp, "GreenProofWrongBond").withArgs(BOND, 0n);
      const tx = gp.connect(operator).registerNode(attestor.address, KR, POWER, "", { value: BOND });
      await expect(tx).to.emit(gp, "BondLocked").withArgs(1n, operator.address, BOND);
      await expect(tx).to.changeEtherBalances(ethers, [operator, gp], [-BOND, BOND]);
      expect((await gp.getNode(1n)).bondWei).to.equal(BOND);
    });

    it("Should register without a bond while the rate is zero (private deployments)", async function () {
      const { gp, operator, attestor } = await bareFixture();
      await expect(gp.connect(operator).registerNode(attestor.address, KR, POWER, "")).to.not.emit(gp, "BondLocked");
      await expect(gp.connect(operator).registerNode(attestor.address, KR, POWER, "", { value: 1n }))
        .to.be.revertedWithCustomError(gp, "GreenProofWrongBond").withArgs(0n, 1n);
    });
  });

  describe("# revokeCertificate", function () {
    it("Should slash the share of the bond to the treasury on every revocation", async function () {
      const f = await bondedFixture();
      const { gp, stranger } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 1))));
      const first = BOND / 4n;
      const tx = gp.revokeCertificate(1n, await certRecord(gp, 1n), "fraud");
      await expect(tx).to.emit(gp, "BondSlashed").withArgs(1n, 1n, first, stranger.address);
      await expect(tx).to.changeEtherBalances(ethers, [gp, stranger], [-first, first]);
      const second = (BOND - first) / 4n;
      await expect(gp.revokeCertificate(2n, await certRecord(gp, 2n), "fraud")).to.emit(gp, "BondSlashed").withArgs(1n, 2n, second, stranger.address);
      expect((await gp.getNode(1n)).bondWei).to.equal(BOND - first - second);
    });
  });

  describe("# retireNode / withdrawBond", function () {
    it("Should return the rest of the bond after retirement and the last challenge window", async function () {
      const f = await bondedFixture();
      const { gp, operator, stranger } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      const { releaseAt } = await certRecord(gp, 1n);
      expect((await gp.getNode(1n)).lastReleaseAt).to.equal(releaseAt);
      await expect(gp.withdrawBond(1n)).to.be.revertedWithCustomError(gp, "GreenProofNodeNotRetired").withArgs(1n, STATUS.Active);
      await expect(gp.connect(stranger).retireNode(1n, "done"))
        .to.be.revertedWithCustomError(gp, "GreenProofNotOperator").withArgs(1n, stranger.address, operator.address);
      await expect(gp.connect(operator).retireNode(1n, "decommissioned"))
        .to.emit(gp, "NodeStatusChanged").withArgs(1n, STATUS.Retired, "decommissioned");
      await expect(gp.activateNode(1n)).to.be.revertedWithCustomError(gp, "GreenProofNodeStatusUnchanged").withArgs(1n, STATUS.Retired);
      await expect(gp.connect(operator).retireNode(1n, "again"))
        .to.be.revertedWithCustomError(gp, "GreenProofNodeStatusUnchanged").withArgs(1n, STATUS.Retired);
      await expect(gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 1)))))
        .to.be.revertedWithCustomError(gp, "GreenProofNodeNotActive").withArgs(1n, STATUS.Retired);
      await time.setNextBlockTimestamp(releaseAt - 1n);
      await expect(gp.connect(stranger).withdrawBond(1n))
        .to.be.revertedWithCustomError(gp, "GreenProofBondLocked").withArgs(1n, releaseAt, releaseAt - 1n);
      await time.setNextBlockTimestamp(releaseAt);
      const tx = gp.connect(stranger).withdrawBond(1n); // anyone may trigger it; the operator is paid
      await expect(tx).to.emit(gp, "BondReturned").withArgs(1n, operator.address, BOND);
      await expect(tx).to.changeEtherBalances(ethers, [gp, operator], [-BOND, BOND]);
      await expect(gp.withdrawBond(1n)).to.be.revertedWithCustomError(gp, "GreenProofNoBond").withArgs(1n);
      expect(WINDOW > 0n).to.equal(true);
    });
  });
});

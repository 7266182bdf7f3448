// CertificateClaims: a released, unrevoked certificate's energy and carbon claimed once, whole or
// in exact parts, by the node's operator or an address it authorised; real proofs and the real
// GreenProof (tests/vectors/contract_proofs.json).
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, WINDOW, certRecord, makeFixtures, vectorCert, vectorIndex, withRecords } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { readyFixture, signedVector } = makeFixtures(ethers, networkHelpers);
const { time } = networkHelpers;
const anyValue = () => true;
const MJ_PER_KWH = 3_600_000_000n;

describe("CertificateClaims", function () {
  /** Node 1's first vector certificate submitted (id 1); the claims contract deployed. */
  async function submittedFixture() {
    const f = await readyFixture();
    const claims = await ethers.deployContract("CertificateClaims", [await f.gp.getAddress()]);
    const i = vectorIndex(1, 0);
    await f.gp.submitCertificate(...(await signedVector(f, i)));
    const record = await certRecord(f.gp, 1n);
    return { ...f, claims, cert: vectorCert(i), record, beneficiary: f.operator2.address };
  }

  /** ... and released after its challenge window. */
  async function releasedFixture() {
    const f = await submittedFixture();
    await time.increase(WINDOW);
    await f.gp.releaseRewards(...(await withRecords(f.gp, [1n])));
    return f;
  }

  describe("# claimCertificate", function () {
    it("Should assign the whole certificate to the beneficiary, once", async function () {
      const f = await releasedFixture();
      const { claims, operator, cert, beneficiary, record } = f;
      await expect(claims.connect(operator).claimCertificate(1n, record, beneficiary, "FY2026 scope 2"))
        .to.emit(claims, "CertificateClaimed")
        .withArgs(1n, 1n, beneficiary, operator.address, cert.energyMj, cert.carbonMg, true, "FY2026 scope 2");
      const [claim, revoked] = await claims.getClaim(1n);
      expect(claim.certificateId).to.equal(1n);
      expect(claim.energyMj).to.equal(cert.energyMj);
      expect(claim.carbonMg).to.equal(cert.carbonMg);
      expect(claim.purposeHash).to.equal(ethers.id("FY2026 scope 2"));
      expect(revoked).to.equal(false);
      expect(await claims.claimedFor(beneficiary)).to.deep.equal([cert.energyMj, cert.carbonMg]);
      await expect(claims.connect(operator).claimCertificate(1n, record, operator.address, "again"))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsAlreadyClaimed").withArgs(1n, 1n);
      expect(await claims.claimCount()).to.equal(1n);
    });

    it("Should not claim a certificate still in its challenge window", async function () {
      const { claims, gp, operator, beneficiary, record } = await submittedFixture();
      const releaseAt = record.releaseAt;
      await expect(claims.connect(operator).claimCertificate(1n, record, beneficiary, ""))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsStillVesting").withArgs(1n, releaseAt, anyValue);
    });

    it("Should not claim a certificate past its window but not released yet", async function () {
      const { claims, operator, beneficiary, record } = await submittedFixture();
      await time.increase(WINDOW);
      await expect(claims.connect(operator).claimCertificate(1n, record, beneficiary, ""))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsNotReleased").withArgs(1n);
    });

    it("Should not claim a revoked certificate", async function () {
      const { claims, gp, operator, beneficiary, record } = await releasedFixture();
      await gp.revokeCertificate(1n, record, "meter tampered");
      await expect(claims.connect(operator).claimCertificate(1n, record, beneficiary, ""))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsRevoked").withArgs(1n);
    });

    it("Should not let anyone but the operator or its claimants claim", async function () {
      const { claims, operator, stranger, beneficiary, record } = await releasedFixture();
      await expect(claims.connect(stranger).claimCertificate(1n, record, beneficiary, ""))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsNotAuthorized")
        .withArgs(1n, stranger.address, operator.address);
      await expect(claims.connect(stranger).setClaimant(1n, stranger.address, true))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsNotOperator")
        .withArgs(1n, stranger.address, operator.address);
      await expect(claims.connect(operator).setClaimant(1n, stranger.address, true))
        .to.emit(claims, "ClaimantSet").withArgs(1n, stranger.address, true);
      expect(await claims.isClaimant(1n, stranger.address)).to.equal(true);
      await expect(claims.connect(stranger).claimCertificate(1n, record, beneficiary, "broker"))
        .to.emit(claims, "CertificateClaimed");
    });

    it("Should not claim for the zero address", async function () {
      const { claims, operator, record } = await releasedFixture();
      await expect(claims.connect(operator).claimCertificate(1n, record, ethers.ZeroAddress, ""))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsZeroAddress");
    });

    it("Should keep the claim and show a revocation that came after it", async function () {
      const { claims, gp, operator, beneficiary, record } = await releasedFixture();
      await claims.connect(operator).claimCertificate(1n, record, beneficiary, "");
      await gp.revokeCertificate(1n, record, "audit failed");
      const [claim, revoked] = await claims.getClaim(1n);
      expect(claim.beneficiary).to.equal(beneficiary);
      expect(revoked).to.equal(true);
    });
  });

  describe("# claimCertificatePart", function () {
    it("Should split a certificate into parts that sum to it exactly", async function () {
      const { claims, operator, cert, beneficiary, stranger, record } = await releasedFixture();
      const third = cert.energyMj / 3n;
      const carbonOf = (e) => (e * cert.intensityMgPerKwh) / MJ_PER_KWH;
      await expect(claims.connect(operator).claimCertificatePart(1n, record, third, beneficiary, "a"))
        .to.emit(claims, "CertificateClaimed").withArgs(1n, 1n, beneficiary, operator.address, third, carbonOf(third), false, "a");
      await claims.connect(operator).claimCertificatePart(1n, record, third, stranger.address, "b");
      await expect(claims.connect(operator).claimCertificatePart(1n, record, cert.energyMj, beneficiary, "c"))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsEnergyOutOfRange")
        .withArgs(1n, cert.energyMj, cert.energyMj - 2n * third);
      await expect(claims.connect(operator).claimCertificatePart(1n, record, 0n, beneficiary, "c"))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsEnergyOutOfRange");
      await claims.connect(operator).claimCertificate(1n, record, beneficiary, "rest");
      let energy = 0n;
      let carbon = 0n;
      for (const id of [1n, 2n, 3n]) {
        const [c] = await claims.getClaim(id);
        energy += c.energyMj;
        carbon += c.carbonMg;
        expect(c.isFinal).to.equal(id === 3n);
      }
      expect(energy).to.equal(cert.energyMj);
      expect(carbon).to.equal(cert.carbonMg);
      const totals = await claims.claimedOf(1n);
      expect([totals.energyMj, totals.carbonMg, totals.parts, totals.complete]).to.deep.equal([cert.energyMj, cert.carbonMg, 3n, true]);
      await expect(claims.connect(operator).claimCertificatePart(1n, record, 1n, beneficiary, ""))
        .to.be.revertedWithCustomError(claims, "CertificateClaimsAlreadyClaimed").withArgs(1n, 3n);
    });
  });

  describe("# getClaim", function () {
    it("Should not read an unknown claim", async function () {
      const { claims } = await submittedFixture();
      await expect(claims.getClaim(1n)).to.be.revertedWithCustomError(claims, "CertificateClaimsUnknownClaim").withArgs(1n);
    });
  });
});

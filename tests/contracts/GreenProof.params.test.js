// Parameters fixed in time, the submission deadline, the efficiency ceiling and the per-epoch
// reward bound, with the real proofs of tests/vectors/contract_proofs.json.
import { expect } from "chai";
import { network } from "hardhat";
import {
  CEILING, CHAIN, DAY, EPOCH, PARAM, PARAMS_FROM, VECTORS, VECTORS_END, makeFixtures, score, vectorCert, vectorIndex,
} from "./helpers/greenproof.js";
import { unpackFieldsA, unpackFieldsB } from "./helpers/recordWords.js";

// CertificateSubmitted's data words (root, fieldsA, fieldsB, workloadClass) matched on the
// record's reward and a set release time.
const rewardAndRelease = (rewardUnits) => [
  () => true, (a) => unpackFieldsA(a).releaseAt > 0n, (b) => unpackFieldsB(b).rewardUnits === rewardUnits, () => true,
];

const { ethers, networkHelpers } = await network.create(CHAIN);
const { region, deployFixture, bareFixture, readyFixture, earlyFixture, signedVector, warpPastVectors } = makeFixtures(ethers, networkHelpers);
const { time } = networkHelpers;
const CLS = VECTORS.workload_class_bytes32;
const KR = ethers.encodeBytes32String(VECTORS.nodes[0].region);
const BASELINE = BigInt(VECTORS.baseline_ng_per_work);
const N1 = vectorIndex(1, 0);
const N1b = vectorIndex(1, 1);

/** The bound of IGreenProof's header, in BigInt: ceil((B*C - 1e6*I) * P * L / 3.6e15) * 1e12. */
function bound(b, c, i, p, l) {
  const gross = b * c;
  const cost = i * 1_000_000n;
  if (gross <= cost) return 0n;
  const den = 3_600_000_000n * 1_000_000n;
  return (((gross - cost) * p * l + den - 1n) / den) * 10n ** 12n;
}

describe("GreenProof parameters in time, deadline, efficiency ceiling and reward bound", function () {
  describe("# every parameter setter", function () {
    const setters = (gp, t) => [
      ["setRegionIntensity", PARAM.RegionIntensity, KR, () => gp.setRegionIntensity(KR, 1n, t)],
      ["setBaseline", PARAM.Baseline, CLS, () => gp.setBaseline(CLS, 1n, t)],
      ["setEfficiencyCeiling", PARAM.EfficiencyCeiling, CLS, () => gp.setEfficiencyCeiling(CLS, 1n, t)],
      ["setSubmissionDeadline", PARAM.SubmissionDeadline, ethers.ZeroHash, () => gp.setSubmissionDeadline(1n, t)],
      ["setChallengeWindow", PARAM.ChallengeWindow, ethers.ZeroHash, () => gp.setChallengeWindow(1n, t)],
      ["setBondPerMw", PARAM.BondPerMw, ethers.ZeroHash, () => gp.setBondPerMw(1n, t)],
      ["setSlashShare", PARAM.SlashShare, ethers.ZeroHash, () => gp.setSlashShare(1n, t)],
    ];

    it("Should not accept an effective time in the past, naming the parameter and the time", async function () {
      const { gp } = await bareFixture();
      for (const [name, param, key] of setters(gp, 0n)) {
        const past = BigInt(await time.latest()); // the next block is later
        const call = setters(gp, past).find(([n]) => n === name)[3];
        await expect(call(), name)
          .to.be.revertedWithCustomError(gp, "GreenProofEffectiveInPast")
          .withArgs(param, key, past, (now) => now > past);
      }
    });

    it("Should not run without PARAMS_ROLE", async function () {
      const { gp, stranger } = await bareFixture();
      const role = await gp.PARAMS_ROLE();
      const g = gp.connect(stranger);
      const calls = [
        ...setters(g, PARAMS_FROM).map(([name, , , call]) => [name, call]),
        ["setTreasury", () => g.setTreasury(stranger.address)],
        ["setEpochLength", () => g.setEpochLength(60n)],
      ];
      for (const [name, call] of calls) {
        await expect(call(), name).to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
      }
    });

    it("Should not accept values above each parameter's maximum", async function () {
      const { gp } = await bareFixture();
      const Z = ethers.ZeroHash;
      for (const [call, param, key, max] of [
        [(v) => gp.setBaseline(CLS, v, PARAMS_FROM), PARAM.Baseline, CLS, 2n ** 64n - 1n],
        [(v) => gp.setEfficiencyCeiling(CLS, v, PARAMS_FROM), PARAM.EfficiencyCeiling, CLS, 2n ** 64n - 1n],
        [(v) => gp.setSubmissionDeadline(v, PARAMS_FROM), PARAM.SubmissionDeadline, Z, 2n ** 32n - 1n],
        [(v) => gp.setChallengeWindow(v, PARAMS_FROM), PARAM.ChallengeWindow, Z, 2n ** 32n - 1n],
        [(v) => gp.setBondPerMw(v, PARAMS_FROM), PARAM.BondPerMw, Z, 2n ** 96n - 1n],
        [(v) => gp.setSlashShare(v, PARAMS_FROM), PARAM.SlashShare, Z, 10_000n],
      ]) {
        await expect(call(max + 1n)).to.be.revertedWithCustomError(gp, "GreenProofParameterOutOfRange").withArgs(param, key, max + 1n, max);
        await expect(call(max)).to.emit(gp, "ParameterScheduled").withArgs(param, key, max, PARAMS_FROM);
      }
      await expect(gp.setTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(gp, "GreenProofZeroAddress");
    });

    it("Should start with a 7-day deadline and window, no bond and a full slash share", async function () {
      const { gp, admin } = await bareFixture();
      const t = BigInt(await time.latest());
      expect(await gp.parameterAt(PARAM.SubmissionDeadline, ethers.ZeroHash, t)).to.deep.equal([true, 7n * DAY]);
      expect(await gp.parameterAt(PARAM.ChallengeWindow, ethers.ZeroHash, t)).to.deep.equal([true, 7n * DAY]);
      expect(await gp.parameterAt(PARAM.BondPerMw, ethers.ZeroHash, t)).to.deep.equal([true, 0n]);
      expect(await gp.parameterAt(PARAM.SlashShare, ethers.ZeroHash, t)).to.deep.equal([true, 10_000n]);
      expect(await gp.treasury()).to.equal(admin.address);
    });
  });

  describe("# submitCertificate with parameters fixed in time", function () {
    it("Should pay a held-back epoch with the parameters of its start, not of its submission", async function () {
      const f = await earlyFixture();
      const { gp } = f;
      const cert = vectorCert(N1);
      // After the epoch started the DAO raises the baseline 31x and changes the intensity.
      const later = cert.epochStart + EPOCH;
      await gp.setBaseline(CLS, BASELINE * 31n, later);
      await gp.setRegionIntensity(KR, 1n, later);
      await warpPastVectors();
      const { rewardUnits } = score(BASELINE, cert.work, cert.carbonMg);
      await expect(gp.submitCertificate(...(await signedVector(f, N1))))
        .to.emit(gp, "CertificateSubmitted").withArgs(1n, 1n, cert.epochStart, ...rewardAndRelease(rewardUnits));
      // The next epoch starts under the new intensity: the vector (signed with the old one) is refused.
      await expect(gp.submitCertificate(...(await signedVector(f, N1b))))
        .to.be.revertedWithCustomError(gp, "GreenProofIntensityMismatch").withArgs(KR, 1n, cert.intensityMgPerKwh);
    });

    it("Should refuse a certificate after the submission deadline in effect at the epoch start", async function () {
      const f = await earlyFixture();
      const { gp } = f;
      const cert = vectorCert(N1);
      const end = cert.epochStart + EPOCH;
      await gp.setSubmissionDeadline(DAY, cert.epochStart); // epochs from N1 on: one day
      await gp.setSubmissionDeadline(30n * DAY, cert.epochStart + 1n); // later epochs only
      await time.setNextBlockTimestamp(end + DAY); // the last second of the deadline: still accepted
      await expect(gp.submitCertificate(...(await signedVector(f, N1)))).to.emit(gp, "CertificateSubmitted");
      const next = vectorCert(N1b); // starts after the second entry: 30 days
      await time.increaseTo(next.epochStart + EPOCH + DAY + 10n);
      await expect(gp.submitCertificate(...(await signedVector(f, N1b)))).to.emit(gp, "CertificateSubmitted");
      const third = vectorIndex(1, 2);
      const t3 = vectorCert(third);
      await time.setNextBlockTimestamp(t3.epochStart + EPOCH + 30n * DAY + 1n);
      await expect(gp.submitCertificate(...(await signedVector(f, third))))
        .to.be.revertedWithCustomError(gp, "GreenProofSubmissionDeadlinePassed")
        .withArgs(t3.epochStart, t3.epochStart + EPOCH + 30n * DAY, t3.epochStart + EPOCH + 30n * DAY + 1n);
    });

    it("Should refuse every certificate of the default deadline after 7 days", async function () {
      const f = await readyFixture();
      const cert = vectorCert(N1);
      const deadline = cert.epochStart + EPOCH + 7n * DAY;
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(f.gp.submitCertificate(...(await signedVector(f, N1))))
        .to.be.revertedWithCustomError(f.gp, "GreenProofSubmissionDeadlinePassed").withArgs(cert.epochStart, deadline, deadline + 1n);
    });
  });

  describe("# submitCertificate and the efficiency ceiling", function () {
    it("Should refuse the forged epoch (energy 0, work 2^64-1 in every slot) with the ceiling error", async function () {
      const f = await readyFixture();
      const forged = vectorCert("forged");
      expect(forged.energyMj).to.equal(0n);
      expect(forged.work).to.equal((2n ** 64n - 1n) * forged.slotCount);
      await expect(f.gp.submitCertificate(...(await signedVector(f, "forged"))))
        .to.be.revertedWithCustomError(f.gp, "GreenProofAboveEfficiencyCeiling").withArgs(CLS, forged.work, 0n, CEILING);
    });

    it("Should accept work exactly at the ceiling and refuse one unit more", async function () {
      const f = await readyFixture();
      const at = vectorCert("at_ceiling");
      const above = vectorCert("above_ceiling");
      expect(at.work * 3_600_000_000n <= CEILING * at.energyMj).to.equal(true);
      expect(above.work).to.equal(at.work + 1n);
      expect(above.work * 3_600_000_000n > CEILING * above.energyMj).to.equal(true);
      await expect(f.gp.submitCertificate(...(await signedVector(f, "above_ceiling"))))
        .to.be.revertedWithCustomError(f.gp, "GreenProofAboveEfficiencyCeiling").withArgs(CLS, above.work, above.energyMj, CEILING);
      const { rewardUnits } = score(BASELINE, at.work, at.carbonMg);
      await expect(f.gp.submitCertificate(...(await signedVector(f, "at_ceiling"))))
        .to.emit(f.gp, "CertificateSubmitted").withArgs(1n, 1n, at.epochStart, ...rewardAndRelease(rewardUnits));
      expect(rewardUnits <= (await f.gp.rewardBound(1n, CLS, at.epochStart))).to.equal(true);
    });

    it("Should accept nothing in a class without a ceiling, and no energy above max power", async function () {
      const f = await bareFixture();
      const { gp, operator, attestor } = f;
      const node = VECTORS.nodes[0];
      await gp.connect(operator).registerNode(attestor.address, KR, BigInt(node.max_power_mw), "");
      await gp.activateNode(1n);
      await gp.setRegionIntensity(KR, BigInt(VECTORS.intensities[0].intensity_mg_per_kwh), PARAMS_FROM);
      await gp.setBaseline(CLS, BASELINE, PARAMS_FROM);
      await warpPastVectors();
      const cert = vectorCert(N1);
      await expect(gp.submitCertificate(...(await signedVector(f, N1))))
        .to.be.revertedWithCustomError(gp, "GreenProofNoEfficiencyCeiling").withArgs(CLS, cert.epochStart);
      const cap = BigInt(node.max_power_mw) * EPOCH;
      await expect(gp.submitCertificate(...(await signedVector(f, N1, (c) => ({ ...c, energyMj: cap + 1n })))))
        .to.be.revertedWithCustomError(gp, "GreenProofEnergyAboveMaxPower").withArgs(cap + 1n, cap);
    });
  });

  describe("# rewardBound / maxEpochReward", function () {
    it("Should return the formula with the parameters in effect at the epoch start", async function () {
      const f = await earlyFixture();
      const { gp } = f;
      const node = VECTORS.nodes[0];
      const [p, i] = [BigInt(node.max_power_mw), BigInt(VECTORS.intensities[0].intensity_mg_per_kwh)];
      const start = vectorCert(N1).epochStart;
      expect(await gp.rewardBound(1n, CLS, start)).to.equal(bound(BASELINE, CEILING, i, p, EPOCH));
      expect(await gp.rewardBound(1n, CLS, PARAMS_FROM - 1n)).to.equal(0n); // nothing in effect yet
      const other = ethers.encodeBytes32String("training");
      await gp.setBaseline(other, BASELINE * 2n, start + EPOCH);
      await gp.setEfficiencyCeiling(other, CEILING, start + EPOCH);
      expect(await gp.maxEpochReward(1n, start)).to.deep.equal([bound(BASELINE, CEILING, i, p, EPOCH), CLS]);
      expect(await gp.maxEpochReward(1n, start + EPOCH)).to.deep.equal([bound(BASELINE * 2n, CEILING, i, p, EPOCH), other]);
      // A baseline too low to beat the grid earns nothing whatever the work.
      await gp.setBaseline(CLS, 1n, start + 2n * EPOCH);
      expect(await gp.rewardBound(1n, CLS, start + 2n * EPOCH)).to.equal(0n);
    });

    it("Should bound every reward the vectors earn", async function () {
      const f = await readyFixture();
      for (const i of [vectorIndex(1, 0), vectorIndex(2, 0)]) {
        const c = vectorCert(i);
        const { rewardUnits } = score(BASELINE, c.work, c.carbonMg);
        expect(rewardUnits <= (await f.gp.rewardBound(c.nodeId, CLS, c.epochStart))).to.equal(true);
      }
      expect(VECTORS_END > 0n).to.equal(true);
      expect(await f.gp.rewardBound(1n, CLS, 0n)).to.equal(0n);
      await expect(f.gp.rewardBound(9n, CLS, 0n)).to.be.revertedWithCustomError(f.gp, "GreenProofUnknownNode").withArgs(9n);
      expect(region("KR")).to.equal(KR);
    });
  });
});

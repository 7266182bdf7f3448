import { expect } from "chai";
import { network } from "hardhat";
import { readFileSync } from "node:fs";
import {
  CERT_TYPES, CHAIN, FIELD, RECORD_FIELDS, eventWords, STATUS, VECTORS, escrowedOf, makeFixtures, recordHash, recordsIn, score, vectorCert, vectorIndex,
  vectorProof, WINDOW,
} from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { region, domainOf, signCert, deployFixture, bareFixture, readyFixture, earlyFixture, signedVector, warpPastVectors } = makeFixtures(ethers, networkHelpers);
const { time } = networkHelpers;
const EPOCH = BigInt(VECTORS.epoch_length_s);
const BASELINE = BigInt(VECTORS.baseline_ng_per_work);
const N1 = vectorIndex(1, 0); // node 1, first epoch
const N1b = vectorIndex(1, 1); // node 1, the next epoch
const PACKING = JSON.parse(readFileSync(new URL("../vectors/public_signals_packing.json", import.meta.url), "utf8"));

describe("GreenProof submissions", function () {
  describe("# submitCertificate", function () {
    it("Should accept a real proof, store the certificate and escrow the reward for the operator", async function () {
      const f = await readyFixture();
      const { gp, eco, operator, stranger } = f;
      const [cert, proof, sig] = await signedVector(f, N1);
      const { ecoScore, rewardUnits } = score(BASELINE, cert.work, cert.carbonMg);
      expect(rewardUnits).to.be.greaterThan(0n);
      // Anyone may relay: the attestor's signature is the authorisation.
      const releaseAt = BigInt(await time.latest()) + 1n + WINDOW; // the next block's time + the window
      await time.setNextBlockTimestamp(releaseAt - WINDOW);
      const expected = {
        root: cert.root, nodeId: 1n, epochStart: cert.epochStart, intensityMgPerKwh: cert.intensityMgPerKwh,
        maxPowerMw: cert.maxPowerMw, windowS: cert.windowS, slotCount: cert.slotCount, ecoScore,
        energyMj: cert.energyMj, carbonMg: cert.carbonMg, work: cert.work, workloadClass: cert.workloadClass,
        rewardUnits, releaseAt,
      };
      const tx = gp.connect(stranger).submitCertificate(cert, proof, sig);
      await expect(tx)
        .to.emit(gp, "CertificateSubmitted")
        .withArgs(1n, 1n, cert.epochStart, ...eventWords(expected))
        .and.not.to.emit(eco, "Transfer"); // nothing is minted before the challenge window ends
      expect(await eco.balanceOf(operator.address)).to.equal(0n);
      expect(await escrowedOf(gp, operator.address)).to.equal(rewardUnits);
      expect(await gp.certificateOf(1n, cert.epochStart)).to.equal(1n);
      // The event carries every field; the one slot commits to them, neither flag set.
      const receipt = await (await tx).wait();
      const stored = recordsIn(gp, receipt).get(1n);
      expect(stored).to.deep.equal(expected);
      // That record is the escrow's only trace (reward and releaseAt): no other event.
      expect(receipt.logs.filter((l) => l.address === gp.target)).to.have.lengthOf(1);
      expect(await gp.recordOf(1n, cert.epochStart)).to.deep.equal([1n, recordHash(ethers, expected), false, false]);
      expect(await gp.checkRecord(1n, expected)).to.deep.equal([false, false]);
      expect(await gp.lastEpochStart(1n)).to.equal(cert.epochStart);
      expect(await gp.nextEpochStart(1n)).to.equal(cert.epochStart + EPOCH);
      expect(await gp.certificateCount()).to.equal(1n);
    });

    it("Should accept consecutive epochs and use the intensity in effect at the epoch start", async function () {
      const f = await earlyFixture();
      const { gp } = f;
      const first = vectorCert(N1);
      // A newer table entry that starts after the first epoch must not affect it.
      await gp.setRegionIntensity(region(VECTORS.nodes[0].region), 1n, first.epochStart + 1n);
      await warpPastVectors();
      await gp.submitCertificate(...(await signedVector(f, N1)));
      await expect(gp.submitCertificate(...(await signedVector(f, N1b))))
        .to.be.revertedWithCustomError(gp, "GreenProofIntensityMismatch")
        .withArgs(region(VECTORS.nodes[0].region), 1n, vectorCert(N1b).intensityMgPerKwh);
    });

    it("Should not accept a certificate for an unregistered node", async function () {
      const f = await bareFixture();
      await warpPastVectors();
      const [cert, proof, sig] = await signedVector(f, N1);
      await expect(f.gp.submitCertificate(cert, proof, sig))
        .to.be.revertedWithCustomError(f.gp, "GreenProofUnknownNode").withArgs(1n);
    });

    it("Should not accept a certificate from a pending or suspended node", async function () {
      const f = await readyFixture();
      const args = await signedVector(f, N1);
      await f.gp.suspendNode(1n, "audit");
      await expect(f.gp.submitCertificate(...args))
        .to.be.revertedWithCustomError(f.gp, "GreenProofNodeNotActive").withArgs(1n, STATUS.Suspended);
      const g = await deployFixture();
      await g.gp.connect(g.operator).registerNode(g.attestor.address, region("KR"), 1n, "");
      await warpPastVectors();
      await expect(g.gp.submitCertificate(...args))
        .to.be.revertedWithCustomError(g.gp, "GreenProofNodeNotActive").withArgs(1n, STATUS.Pending);
    });

    it("Should not accept a replayed epoch", async function () {
      const f = await readyFixture();
      const args = await signedVector(f, N1);
      await f.gp.submitCertificate(...args);
      await expect(f.gp.submitCertificate(...args))
        .to.be.revertedWithCustomError(f.gp, "GreenProofEpochAlreadyCertified")
        .withArgs(1n, args[0].epochStart, 1n);
    });

    it("Should accept an earlier epoch after a later one, so that none is stranded", async function () {
      const f = await readyFixture();
      const later = await signedVector(f, N1b);
      const earlier = await signedVector(f, N1);
      await f.gp.submitCertificate(...later);
      await expect(f.gp.submitCertificate(...earlier)).to.emit(f.gp, "CertificateSubmitted");
      expect(await f.gp.certificateOf(1n, earlier[0].epochStart)).to.equal(2n);
      expect(await f.gp.nextEpochStart(1n)).to.equal(later[0].epochStart + EPOCH); // the latest end
    });

    it("Should not accept an earlier epoch that may overlap certified ones after the epoch length changed", async function () {
      const f = await readyFixture();
      const later = await signedVector(f, N1b);
      const earlier = await signedVector(f, N1);
      await f.gp.submitCertificate(...later);
      await f.gp.setEpochLength(EPOCH * 2n);
      // The node keeps its last epoch's own length: its start does not move with the setting.
      expect(await f.gp.lastEpochStart(1n)).to.equal(later[0].epochStart);
      expect(await f.gp.nextEpochStart(1n)).to.equal(later[0].epochStart + EPOCH);
      await f.gp.setEpochLength(EPOCH); // the grid restarts now: older starts must follow the last end
      await expect(f.gp.submitCertificate(...earlier))
        .to.be.revertedWithCustomError(f.gp, "GreenProofEpochNotAfterLast")
        .withArgs(1n, earlier[0].epochStart, later[0].epochStart + EPOCH);
    });

    it("Should not accept an epoch of the wrong shape, misaligned or not yet finished", async function () {
      const f = await readyFixture();
      const { gp } = f;
      const [cert, proof, sig] = await signedVector(f, N1);
      await gp.setEpochLength(EPOCH * 2n);
      await expect(gp.submitCertificate(cert, proof, sig))
        .to.be.revertedWithCustomError(gp, "GreenProofEpochLengthMismatch").withArgs(cert.windowS, cert.slotCount, EPOCH * 2n);
      await gp.setEpochLength(EPOCH);
      const shifted = { ...cert, epochStart: cert.epochStart + cert.windowS };
      await expect(gp.submitCertificate(shifted, proof, sig))
        .to.be.revertedWithCustomError(gp, "GreenProofEpochMisaligned").withArgs(shifted.epochStart, EPOCH);
      const now = BigInt(await networkHelpers.time.latest());
      const current = { ...cert, epochStart: now - (now % EPOCH) };
      await expect(gp.submitCertificate(current, proof, sig))
        .to.be.revertedWithCustomError(gp, "GreenProofEpochNotFinished")
        .withArgs(current.epochStart, current.epochStart + EPOCH, anyTimestamp(now));
    });

    it("Should not accept an epoch ending after 2^32 - 1 s (a node keeps its last end in 32 bits)", async function () {
      const f = await readyFixture();
      const { gp } = f;
      const maxEnd = 2n ** 32n - 1n;
      const lastStart = maxEnd - (maxEnd % EPOCH) - EPOCH; // the last epoch ending <= 2^32 - 1
      await networkHelpers.time.increaseTo(lastStart + 3n * EPOCH);
      const atBound = await signedVector(f, N1, (c) => ({ ...c, epochStart: lastStart }));
      expect(await gp.checkCertificate(atBound[0], atBound[2])).to.equal(BASELINE); // every check but the proof
      const past = await signedVector(f, N1, (c) => ({ ...c, epochStart: lastStart + EPOCH }));
      await expect(gp.checkCertificate(past[0], past[2]))
        .to.be.revertedWithCustomError(gp, "GreenProofEpochEndTooLate").withArgs(lastStart + 2n * EPOCH);
    });

    it("Should not accept a max power other than the registered one", async function () {
      const f = await bareFixture();
      const { gp, operator, attestor } = f;
      const node = VECTORS.nodes[0];
      await gp.connect(operator).registerNode(attestor.address, region(node.region), BigInt(node.max_power_mw) + 1n, "");
      await gp.activateNode(1n);
      await warpPastVectors();
      const [cert, proof, sig] = await signedVector(f, N1);
      await expect(gp.submitCertificate(cert, proof, sig))
        .to.be.revertedWithCustomError(gp, "GreenProofMaxPowerMismatch").withArgs(1n, BigInt(node.max_power_mw) + 1n, cert.maxPowerMw);
    });

    it("Should not accept an intensity that differs from the table, or a region without one", async function () {
      const f = await readyFixture();
      const { gp } = f;
      const [cert, proof, sig] = await signedVector(f, N1, (c) => ({ ...c, intensityMgPerKwh: c.intensityMgPerKwh + 1n }));
      const kr = region(VECTORS.nodes[0].region);
      await expect(gp.submitCertificate(cert, proof, sig))
        .to.be.revertedWithCustomError(gp, "GreenProofIntensityMismatch").withArgs(kr, cert.intensityMgPerKwh - 1n, cert.intensityMgPerKwh);
      const g = await deployFixture();
      await g.gp.connect(g.operator).registerNode(g.attestor.address, kr, cert.maxPowerMw, "");
      await g.gp.activateNode(1n);
      await warpPastVectors();
      await expect(g.gp.submitCertificate(cert, proof, sig))
        .to.be.revertedWithCustomError(g.gp, "GreenProofIntensityUnset").withArgs(kr, cert.epochStart);
    });

    it("Should not accept a workload class without a baseline", async function () {
      const f = await readyFixture();
      const cls = ethers.encodeBytes32String("unknown-class");
      const [cert, proof, sig] = await signedVector(f, N1, (c) => ({ ...c, workloadClass: cls }));
      await expect(f.gp.submitCertificate(cert, proof, sig))
        .to.be.revertedWithCustomError(f.gp, "GreenProofUnknownWorkloadClass").withArgs(cls);
    });

    it("Should not accept a signature by anyone but the node's attestor", async function () {
      const f = await readyFixture();
      const cert = vectorCert(N1);
      const sig = await signCert(f.stranger, f.gp, cert);
      await expect(f.gp.submitCertificate(cert, vectorProof(N1), sig))
        .to.be.revertedWithCustomError(f.gp, "GreenProofBadSignature").withArgs(f.stranger.address, f.attestor.address);
    });

    for (const [what, override] of [["another chain id", { chainId: 1n }], ["another contract", { verifyingContract: "0x000000000000000000000000000000000000dEaD" }]]) {
      it(`Should not accept the attestor's signature for ${what}`, async function () {
        const f = await readyFixture();
        const cert = vectorCert(N1);
        const sig = await signCert(f.attestor, f.gp, cert, override);
        const digest = ethers.TypedDataEncoder.hash(await domainOf(f.gp), CERT_TYPES, cert);
        const recovered = ethers.recoverAddress(digest, sig);
        expect(recovered).to.not.equal(f.attestor.address);
        await expect(f.gp.submitCertificate(cert, vectorProof(N1), sig))
          .to.be.revertedWithCustomError(f.gp, "GreenProofBadSignature").withArgs(recovered, f.attestor.address);
      });
    }

    it("Should not accept the real proof once one public signal is changed (even if re-signed)", async function () {
      const f = await readyFixture();
      for (const tamper of [
        (c) => ({ ...c, energyMj: c.energyMj + 1n }),
        (c) => ({ ...c, work: c.work * 2n }),
        (c) => ({ ...c, root: c.root ^ 1n }),
        (c) => ({ ...c, carbonMg: c.carbonMg - 1n }),
      ]) {
        const [cert, proof, sig] = await signedVector(f, N1, tamper);
        await expect(f.gp.submitCertificate(cert, proof, sig)).to.be.revertedWithCustomError(f.gp, "GreenProofInvalidProof");
      }
      // A proof for another certificate does not verify this one either.
      const [cert, , sig] = await signedVector(f, N1);
      await expect(f.gp.submitCertificate(cert, vectorProof(N1b), sig)).to.be.revertedWithCustomError(f.gp, "GreenProofInvalidProof");
    });

    it("Should not accept a public input at or above the field modulus, naming its index", async function () {
      const f = await readyFixture();
      const [cert, proof, sig] = await signedVector(f, N1);
      await expect(f.gp.submitCertificate({ ...cert, root: FIELD }, proof, sig))
        .to.be.revertedWithCustomError(f.gp, "GreenProofInputOutOfField").withArgs(0n, FIELD);
      await expect(f.gp.submitCertificate({ ...cert, root: ethers.MaxUint256 }, proof, sig))
        .to.be.revertedWithCustomError(f.gp, "GreenProofInputOutOfField").withArgs(0n, ethers.MaxUint256);
    });

    it("Should not accept a member wider than the circuit proves (it would alias its packed neighbour), naming it", async function () {
      const f = await readyFixture();
      const [cert, proof, sig] = await signedVector(f, N1);
      const name = ethers.encodeBytes32String;
      await expect(f.gp.submitCertificate({ ...cert, energyMj: cert.energyMj + FIELD }, proof, sig))
        .to.be.revertedWithCustomError(f.gp, "GreenProofFieldTooWide").withArgs(name("energyMj"), cert.energyMj + FIELD, 54n);
      await expect(f.gp.submitCertificate({ ...cert, maxPowerMw: ethers.MaxUint256 }, proof, sig))
        .to.be.revertedWithCustomError(f.gp, "GreenProofFieldTooWide").withArgs(name("maxPowerMw"), ethers.MaxUint256, 32n);
      // Every member at 2^bits (the table's widths, tests/vectors/public_signals_packing.json),
      // e.g. nodeId + 2^64 with epochStart - 1 would pack to the real certificate's header word.
      const members = PACKING.too_wide.filter((c) => !c.whole_field);
      expect(members.length).to.equal(9);
      for (const c of members) {
        const wide = { ...cert, [c.member]: 1n << BigInt(c.bits) };
        await expect(f.gp.submitCertificate(wide, proof, sig), c.member)
          .to.be.revertedWithCustomError(f.gp, "GreenProofFieldTooWide").withArgs(name(c.member), 1n << BigInt(c.bits), BigInt(c.bits));
      }
      const aliased = { ...cert, nodeId: cert.nodeId + (1n << 64n), epochStart: cert.epochStart - 1n };
      await expect(f.gp.submitCertificate(aliased, proof, sig))
        .to.be.revertedWithCustomError(f.gp, "GreenProofFieldTooWide").withArgs(name("nodeId"), aliased.nodeId, 64n);
    });

    it("Should not accept submissions while paused", async function () {
      const f = await readyFixture();
      const args = await signedVector(f, N1);
      await f.gp.pause();
      await expect(f.gp.submitCertificate(...args)).to.be.revertedWithCustomError(f.gp, "EnforcedPause");
      await f.gp.unpause();
      await expect(f.gp.submitCertificate(...args)).to.emit(f.gp, "CertificateSubmitted");
    });
  });
});

/** The revert happens in the next block, whose timestamp is at least `now`. */
function anyTimestamp(now) {
  return (value) => value >= now;
}

// The slashable bond: locked at registration (per MW of max power), slashed to the treasury by
// a revocation, returned after retirement + the longest challenge window scheduled by then (no
// submission writes a release time to the node: that bound covers every certificate's).
import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN, DAY, PARAMS_FROM, STATUS, VECTORS, WINDOW, certRecord, makeFixtures, vectorIndex } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { bareFixture, bondedFixture: bonded, earlyFixture, signedVector, warpPastVectors } = makeFixtures(ethers, networkHelpers);
const { time } = networkHelpers;
const KR = ethers.encodeBytes32String("KR");
const WEI_PER_MW = 10n ** 18n; // 1 native coin per MW
const POWER = BigInt(VECTORS.nodes[0].max_power_mw); // 700 W
const BOND = (WEI_PER_MW * POWER + 10n ** 9n - 1n) / 10n ** 9n;
const DEFAULT_WINDOW = 7n * DAY; // the constructor's challenge window: the longest one so far

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
    it("Should return the rest of the bond after retirement and the longest challenge window", async function () {
      const f = await bondedFixture();
      const { gp, operator, stranger } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      const { releaseAt } = await certRecord(gp, 1n);
      expect((await gp.getNode(1n)).bondUnlockAt).to.equal(0n); // not retired
      await expect(gp.withdrawBond(1n)).to.be.revertedWithCustomError(gp, "GreenProofNodeNotRetired").withArgs(1n, STATUS.Active);
      await expect(gp.connect(stranger).retireNode(1n, "done"))
        .to.be.revertedWithCustomError(gp, "GreenProofNotOperator").withArgs(1n, stranger.address, operator.address);
      await expect(gp.connect(operator).retireNode(1n, "decommissioned"))
        .to.emit(gp, "NodeStatusChanged").withArgs(1n, STATUS.Retired, "decommissioned");
      const retiredAt = BigInt(await time.latest());
      // The fixture's window is WINDOW, but the constructor's 7 days was scheduled first.
      const unlockAt = retiredAt + DEFAULT_WINDOW;
      expect(WINDOW < DEFAULT_WINDOW).to.equal(true);
      expect((await gp.getNode(1n)).bondUnlockAt).to.equal(unlockAt);
      expect(unlockAt >= releaseAt).to.equal(true);
      await expect(gp.activateNode(1n)).to.be.revertedWithCustomError(gp, "GreenProofNodeStatusUnchanged").withArgs(1n, STATUS.Retired);
      await expect(gp.connect(operator).retireNode(1n, "again"))
        .to.be.revertedWithCustomError(gp, "GreenProofNodeStatusUnchanged").withArgs(1n, STATUS.Retired);
      await expect(gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 1)))))
        .to.be.revertedWithCustomError(gp, "GreenProofNodeNotActive").withArgs(1n, STATUS.Retired);
      await time.setNextBlockTimestamp(unlockAt - 1n);
      await expect(gp.connect(stranger).withdrawBond(1n))
        .to.be.revertedWithCustomError(gp, "GreenProofBondLocked").withArgs(1n, unlockAt, unlockAt - 1n);
      await time.setNextBlockTimestamp(unlockAt);
      const tx = gp.connect(stranger).withdrawBond(1n); // anyone may trigger it; the operator is paid
      await expect(tx).to.emit(gp, "BondReturned").withArgs(1n, operator.address, BOND);
      await expect(tx).to.changeEtherBalances(ethers, [gp, operator], [-BOND, BOND]);
      await expect(gp.withdrawBond(1n)).to.be.revertedWithCustomError(gp, "GreenProofNoBond").withArgs(1n);
    });

    it("Should keep the bond for a longer window scheduled before retirement, even one not in effect yet", async function () {
      const f = await bondedFixture();
      const { gp, operator } = f;
      const now = BigInt(await time.latest());
      const longer = 30n * DAY;
      await gp.setChallengeWindow(longer, now + 100n * DAY); // far off, but the maximum grows now
      await gp.setChallengeWindow(DAY, now + 200n * DAY); // shorter: the maximum stays
      await gp.connect(operator).retireNode(1n, "");
      const retiredAt = BigInt(await time.latest());
      expect((await gp.getNode(1n)).bondUnlockAt).to.equal(retiredAt + longer);
      await time.setNextBlockTimestamp(retiredAt + longer - 1n);
      await expect(gp.withdrawBond(1n)).to.be.revertedWithCustomError(gp, "GreenProofBondLocked")
        .withArgs(1n, retiredAt + longer, retiredAt + longer - 1n);
      await time.setNextBlockTimestamp(retiredAt + longer);
      await expect(gp.withdrawBond(1n)).to.emit(gp, "BondReturned").withArgs(1n, operator.address, BOND);
    });

    // Attack review of stage E: the unlock time was retiredAt + the longest window scheduled
    // so far, read at withdrawal, so one setChallengeWindow(2^32 - 1, ...) by PARAMS_ROLE
    // locked every retired node's bond for 136 years, irrevocably (the maximum never falls),
    // even a bond already unlocked, though no certificate of those nodes can get that window
    // (it applies to epochs starting after it was scheduled, and a retired node submits none).
    it("Should not re-lock a retired node's bond by a window scheduled after its retirement", async function () {
      const f = await bondedFixture();
      const { gp, operator } = f;
      await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, 0))));
      await gp.connect(operator).retireNode(1n, "");
      const unlockAt = BigInt(await time.latest()) + DEFAULT_WINDOW;
      expect((await gp.getNode(1n)).bondUnlockAt).to.equal(unlockAt);
      await time.increaseTo(unlockAt); // unlocked now
      await gp.setChallengeWindow(2n ** 32n - 1n, BigInt(await time.latest()) + 1n);
      expect((await gp.getNode(1n)).bondUnlockAt).to.equal(unlockAt);
      await expect(gp.withdrawBond(1n)).to.emit(gp, "BondReturned").withArgs(1n, operator.address, BOND);
    });

    // Property: whatever challenge windows apply to the node's certificates (scheduled from
    // before their epochs, random lengths up to 60 days, longer or shorter than the default),
    // whatever is scheduled after its retirement and whenever it retires, no bond is
    // withdrawable before the release time of any of its certificates. Seeded scenarios (a
    // reproducible xorshift), each on the real proofs of node 1's vectors.
    it("Should never unlock a bond before a certificate of its node is released (random window schedules)", async function () {
      let x = 0x9e3779b9n;
      const rand = (n) => { // 0 .. n - 1
        x ^= (x << 13n) & 0xffffffffn; x ^= x >> 17n; x ^= (x << 5n) & 0xffffffffn;
        return x % n;
      };
      for (let scenario = 0; scenario < 6; scenario++) {
        const f = await earlyFixture(); // the clock before PARAMS_FROM and every epoch
        const { gp, operator } = f;
        await gp.topUpBond(1n, { value: BOND }); // registered while the rate was zero
        const count = 2 + Number(rand(3n)); // 2..4 certificates
        const starts = [...Array(count).keys()].map((k) => VECTORS.certificates[vectorIndex(1, k)].cert.epochStart).map(BigInt);
        // Entries effective from PARAMS_FROM (after the fixture's WINDOW) up to the last start.
        let from = PARAMS_FROM;
        for (let e = 0; e < 1 + Number(rand(4n)); e++) {
          from += rand(starts.at(-1) - from + 1n);
          await gp.setChallengeWindow(rand(60n * DAY) + 1n, from);
        }
        await warpPastVectors();
        const releases = [];
        for (let k = 0; k < count; k++) {
          await time.increase(rand(DAY) + 1n); // within every epoch's 7-day deadline
          await gp.submitCertificate(...(await signedVector(f, vectorIndex(1, k))));
          const { releaseAt } = await certRecord(gp, BigInt(k + 1));
          releases.push(releaseAt);
        }
        await time.increase(rand(3n * DAY));
        await gp.connect(operator).retireNode(1n, "");
        const unlockAt = (await gp.getNode(1n)).bondUnlockAt;
        // A window scheduled now applies to no certificate of the node: the lock stays.
        if (rand(2n) === 1n) await gp.setChallengeWindow(rand(90n * DAY), BigInt(await time.latest()) + 1n);
        expect((await gp.getNode(1n)).bondUnlockAt).to.equal(unlockAt);
        const lastRelease = releases.reduce((m, r) => (r > m ? r : m), 0n);
        expect(unlockAt >= lastRelease, `scenario ${scenario}: unlock ${unlockAt} < release ${lastRelease}`).to.equal(true);
        const now = BigInt(await time.latest());
        if (lastRelease > now + 1n) {
          await time.setNextBlockTimestamp(lastRelease - 1n);
          await expect(gp.withdrawBond(1n)).to.be.revertedWithCustomError(gp, "GreenProofBondLocked")
            .withArgs(1n, unlockAt, lastRelease - 1n);
        }
        await time.increaseTo(unlockAt);
        await expect(gp.withdrawBond(1n)).to.emit(gp, "BondReturned").withArgs(1n, operator.address, BOND);
      }
    });
  });
});

// Eco Score and reward on-chain (GreenProof.computeReward -> GreenScore) against the Python
// reference through tests/vectors/scoring.json, plus a property test against a BigInt model.
import { expect } from "chai";
import { network } from "hardhat";
import { readFileSync } from "node:fs";
import { score } from "./helpers/score.js";

const { ethers, networkHelpers } = await network.create();
const VECTORS = JSON.parse(readFileSync(new URL("../vectors/scoring.json", import.meta.url), "utf8"));

/** A deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBelowBits(next, bits) {
  let v = 0n;
  for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(next() * 65536));
  return v & ((1n << BigInt(bits)) - 1n);
}

describe("GreenScore", function () {
  async function deployFixture() {
    const [admin] = await ethers.getSigners();
    const eco = await ethers.deployContract("EcoCredit", [admin.address]);
    // computeReward is pure: the verifier addresses are never called here.
    const e = await eco.getAddress();
    const gp = await ethers.deployContract("GreenProof", [admin.address, e, e, e, 3600n]);
    return { gp };
  }

  describe("# computeReward", function () {
    it("Should match every Python vector in tests/vectors/scoring.json", async function () {
      const { gp } = await networkHelpers.loadFixture(deployFixture);
      expect(VECTORS.cases.length).to.be.greaterThan(40);
      for (const c of VECTORS.cases) {
        const got = await gp.computeReward(BigInt(c.baseline_ng_per_work), BigInt(c.work), BigInt(c.carbon_mg));
        expect(got, c.label).to.deep.equal([BigInt(c.baseline_mg), BigInt(c.eco_score), BigInt(c.reward_units)]);
      }
    });

    it("Should agree with the BigInt model on random inputs of every width (property test)", async function () {
      const { gp } = await networkHelpers.loadFixture(deployFixture);
      const seed = 20261122;
      const next = rng(seed);
      for (let n = 0; n < 200; n++) {
        const baseline = randomBelowBits(next, [8, 24, 64, 128][n % 4]);
        const work = randomBelowBits(next, [0, 16, 40, 70][(n >> 2) % 4]);
        const carbon = randomBelowBits(next, [0, 20, 48, 64][(n >> 4) % 4]);
        const want = score(baseline, work, carbon);
        const got = await gp.computeReward(baseline, work, carbon);
        expect(got, `seed ${seed} case ${n}: ${baseline} ${work} ${carbon}`)
          .to.deep.equal([want.baselineMg, want.ecoScore, want.rewardUnits]);
        expect(want.ecoScore <= 100n).to.equal(true);
      }
    });

    it("Should match every per-epoch bound of the Python reference (ecoai_chain.core.credits)", async function () {
      const { gp } = await networkHelpers.loadFixture(deployFixture);
      expect(VECTORS.bounds.length).to.be.greaterThan(20);
      for (const b of VECTORS.bounds) {
        const got = await gp.computeRewardBound(BigInt(b.baseline_ng_per_work), BigInt(b.ceiling_work_per_kwh),
          BigInt(b.intensity_mg_per_kwh), BigInt(b.max_power_mw), BigInt(b.epoch_length_s));
        expect(got, b.label).to.equal(BigInt(b.bound_units));
      }
    });

    it("Should revert on overflow instead of wrapping", async function () {
      const { gp } = await networkHelpers.loadFixture(deployFixture);
      await expect(gp.computeReward(ethers.MaxUint256, 2n, 0n)).to.be.revertedWithPanic(0x11);
    });
  });
});

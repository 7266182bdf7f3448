// The generated PublicSignals.toArray (circuit v2: three packed public inputs) against the shared
// vectors tests/vectors/public_signals_packing.json (scripts/gen_packing_vectors.py, made by the
// Python packer and also run by the Python and circuit tests): the same words for the same
// members, and a revert naming the member for each member one bit too wide (packed, it would
// spill into its neighbour and alias another certificate).
import { expect } from "chai";
import { network } from "hardhat";
import { readFileSync } from "node:fs";

const { ethers, networkHelpers } = await network.create();
const PACKING = JSON.parse(readFileSync(new URL("../vectors/public_signals_packing.json", import.meta.url), "utf8"));
const certOf = (fields) => ({
  ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, BigInt(v)])),
  workloadClass: ethers.encodeBytes32String("llm"),
});

describe("PublicSignals", function () {
  async function fixture() {
    const deployed = await ethers.deployContract("PublicSignalsHarness");
    // The library's errors are IGreenProof's; it encodes them (packError) rather than naming
    // them in a revert statement, so the harness's own ABI does not list them: add them.
    const errors = (await ethers.getContractAt("IGreenProof", deployed.target)).interface.fragments.filter((f) => f.type === "error");
    return { harness: new ethers.Contract(deployed.target, [...deployed.interface.fragments, ...errors], deployed.runner) };
  }

  describe("# toArray", function () {
    it("Should pack every shared vector into the Python packer's words", async function () {
      const { harness } = await networkHelpers.loadFixture(fixture);
      expect(PACKING.cases.length).to.be.greaterThan(20);
      for (const c of PACKING.cases) {
        const words = await harness.toArray(certOf(c.cert));
        expect(words.map(String), c.label).to.deep.equal(c.public_signals);
      }
    });

    it("Should not pack a member wider than the circuit proves, naming it", async function () {
      const { harness } = await networkHelpers.loadFixture(fixture);
      for (const c of PACKING.too_wide) {
        const call = harness.toArray(certOf(c.cert));
        if (c.whole_field) {
          await expect(call, c.label).to.be.revertedWithCustomError(harness, "GreenProofInputOutOfField").withArgs(0n, BigInt(c.value));
        } else {
          await expect(call, c.label).to.be.revertedWithCustomError(harness, "GreenProofFieldTooWide")
            .withArgs(ethers.encodeBytes32String(c.member), BigInt(c.value), BigInt(c.bits));
        }
      }
    });

    it("Should name one member when several are too wide: root first, then per word its last member", async function () {
      const { harness } = await networkHelpers.loadFixture(fixture);
      const base = certOf(PACKING.cases[0].cert);
      const bits = Object.fromEntries(PACKING.too_wide.filter((c) => !c.whole_field).map((c) => [c.member, BigInt(c.bits)]));
      const W = 1n << 250n;
      const wide = (members) => ({ ...base, ...Object.fromEntries(members.map((m) => [m, W])) });
      // The order the reverting packer has always reported (the batch's skip reasons match it).
      for (const [members, named] of [
        [Object.keys(bits), "maxPowerMw"], [["nodeId", "epochStart"], "epochStart"], [["nodeId", "energyMj"], "nodeId"],
        [["windowS", "slotCount", "intensityMgPerKwh"], "intensityMgPerKwh"], [["energyMj", "work"], "work"],
        [["energyMj", "carbonMg"], "carbonMg"],
      ]) {
        await expect(harness.toArray(wide(members)), members.join(" + ")).to.be.revertedWithCustomError(harness, "GreenProofFieldTooWide")
          .withArgs(ethers.encodeBytes32String(named), W, bits[named]);
      }
      const FIELD = BigInt(PACKING.too_wide.find((c) => c.whole_field).value); // root = p
      await expect(harness.toArray({ ...wide(Object.keys(bits)), root: FIELD }))
        .to.be.revertedWithCustomError(harness, "GreenProofInputOutOfField").withArgs(0n, FIELD);
    });

    it("Should give as packError exactly the revert data of toArray, and nothing for a member in range", async function () {
      const { harness } = await networkHelpers.loadFixture(fixture);
      for (const c of PACKING.cases) expect(await harness.packError(certOf(c.cert)), c.label).to.equal("0x");
      for (const c of PACKING.too_wide) {
        let data;
        try {
          await harness.toArray(certOf(c.cert));
        } catch (e) {
          data = e.data;
        }
        expect(data, c.label).to.match(/^0x[0-9a-f]{8}/);
        expect(await harness.packError(certOf(c.cert)), c.label).to.equal(data);
      }
    });

    it("Should pack a member at its maximum and refuse it one above", async function () {
      const { harness } = await networkHelpers.loadFixture(fixture);
      const base = certOf(PACKING.cases[0].cert); // all zero
      const top = (1n << 64n) - 1n;
      const words = await harness.toArray({ ...base, epochStart: top });
      expect(words[1]).to.equal(top << 64n);
      await expect(harness.toArray({ ...base, epochStart: top + 1n }))
        .to.be.revertedWithCustomError(harness, "GreenProofFieldTooWide")
        .withArgs(ethers.encodeBytes32String("epochStart"), top + 1n, 64n);
    });
  });
});

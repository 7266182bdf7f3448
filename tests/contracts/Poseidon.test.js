// On-chain Poseidon against circomlibjs: the committed vectors (tests/vectors/poseidon.json, made
// by scripts/zk_gen_vectors.mjs from circomlibjs and shared with the Python and circuit tests),
// and PoseidonHasher against circomlibjs's own generated contracts for every arity those support.
import { expect } from "chai";
import { network } from "hardhat";
import { buildPoseidon } from "circomlibjs";
import { circomlibjsCreationCode, generate, hasherConstants } from "../../scripts/gen_poseidon_contracts.mjs";
import { POSEIDON, POSEIDON_VECTORS, deployPoseidon, deployRaw, poseidonAbi } from "./helpers/poseidon.js";

const { ethers, networkHelpers } = await network.create();
const P = BigInt(POSEIDON_VECTORS.field_modulus);
const cases = (n) => POSEIDON_VECTORS.cases.filter((c) => c.inputs.length === n);

describe("Poseidon on-chain", function () {
  async function fixture() {
    return deployPoseidon(ethers);
  }

  it("Should be what the generator writes now (no stale or hand-edited copy)", async function () {
    expect(await generate()).to.deep.equal(POSEIDON);
  });

  for (const n of [3, 8]) {
    describe(`# poseidon(uint256[${n}])`, function () {
      it(`Should equal circomlibjs on every ${n}-input vector, field edges 0 and p-1 included`, async function () {
        const { leaf, node } = await networkHelpers.loadFixture(fixture);
        const h = n === 3 ? leaf : node;
        const vs = cases(n);
        expect(vs.length).to.be.greaterThan(4);
        expect(vs.some((c) => c.inputs.includes((P - 1n).toString()))).to.equal(true);
        expect(vs.some((c) => c.inputs.every((x) => x === "0"))).to.equal(true);
        for (const c of vs) expect(await h.poseidon(c.inputs.map(BigInt))).to.equal(BigInt(c.output));
      });
    });
  }

  describe("# PoseidonHasher", function () {
    it("Should not accept an input of p or more (circomlibjs's contract would reduce it mod p)", async function () {
      const { node, hasher } = await networkHelpers.loadFixture(fixture);
      const ok = Array(8).fill(0n);
      for (const bad of [P, P + 1n, 2n ** 256n - 1n]) {
        for (const i of [0, 7]) {
          const inputs = [...ok];
          inputs[i] = bad;
          await expect(node.poseidon(inputs)).to.be.revertedWithCustomError(hasher, "PoseidonInputOutOfField").withArgs(i, bad);
        }
      }
    });

    it("Should not answer another selector or a short call", async function () {
      const { hasher } = await networkHelpers.loadFixture(fixture);
      const [signer] = await ethers.getSigners();
      const other = new ethers.Contract(await hasher.getAddress(), poseidonAbi(3), signer);
      await expect(other.poseidon([1n, 2n, 3n])).to.be.revertedWithCustomError(hasher, "PoseidonBadCall");
    });

    it("Should refuse constants of the wrong size and arities outside 1..8", async function () {
      const c8 = POSEIDON.node.constants;
      const f = await ethers.getContractFactory("PoseidonHasher");
      await expect(f.deploy(8n, c8.slice(0, -64))).to.be.revertedWithCustomError(f, "PoseidonConstantsLength");
      await expect(f.deploy(0n, "0x")).to.be.revertedWithCustomError(f, "PoseidonUnsupportedInputs").withArgs(0n);
      await expect(f.deploy(9n, "0x")).to.be.revertedWithCustomError(f, "PoseidonUnsupportedInputs").withArgs(9n);
    });

    it("Should equal circomlibjs's Poseidon on pseudo-random 8-input nodes (its unrolled t = 9 path)", async function () {
      const { node } = await networkHelpers.loadFixture(fixture);
      const ref = await buildPoseidon();
      let x = 0xabcdefn;
      const next = () => (x = (x * 6364136223846793005n + 1442695040888963407n) % P);
      for (let k = 0; k < 12; k++) {
        const inp = Array.from({ length: 8 }, () => (k % 3 === 0 ? next() % 1000n : next()));
        expect(await node.poseidon(inp), `${inp}`).to.equal(ref.F.toObject(ref(inp)));
      }
    });

    it("Should equal circomlibjs's generated contract for every arity 1..6 (vectors and pseudo-random inputs)", async function () {
      let x = 0x1234567n;
      const next = () => (x = (x * 6364136223846793005n + 1442695040888963407n) % P);
      for (let n = 1; n <= 6; n++) {
        const ref = await deployRaw(ethers, circomlibjsCreationCode(n), poseidonAbi(n));
        const mine = await ethers.deployContract("PoseidonHasher", [BigInt(n), await hasherConstants(n)]);
        const h = new ethers.Contract(await mine.getAddress(), poseidonAbi(n), mine.runner);
        const inputs = [...cases(n).map((c) => c.inputs.map(BigInt)), ...Array.from({ length: 4 }, () => Array.from({ length: n }, next))];
        for (const inp of inputs) expect(await h.poseidon(inp), `n=${n} ${inp}`).to.equal(await ref.poseidon(inp));
      }
    });
  });
});

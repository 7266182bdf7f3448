// On-chain Poseidon as deployed (contracts/generated/poseidon.json, scripts/gen_poseidon_contracts.mjs):
// the leaf hasher is circomlibjs's generated contract (3 inputs), the node hasher PoseidonHasher(8).
import { readFileSync } from "node:fs";

export const POSEIDON = JSON.parse(
  readFileSync(new URL("../../../contracts/generated/poseidon.json", import.meta.url), "utf8"),
);
export const POSEIDON_VECTORS = JSON.parse(readFileSync(new URL("../../vectors/poseidon.json", import.meta.url), "utf8"));

/** Deploy raw creation code (circomlibjs's contracts have no Solidity source). */
export async function deployRaw(ethers, creationCode, abi) {
  const [signer] = await ethers.getSigners();
  const factory = new ethers.ContractFactory(abi, creationCode, signer);
  const c = await factory.deploy();
  await c.waitForDeployment();
  return c;
}

/** ABI of `poseidon(uint256[n]) returns (uint256)` (what both kinds of hasher answer). */
export function poseidonAbi(n) {
  return [
    {
      type: "function", name: "poseidon", stateMutability: "view",
      inputs: [{ name: "input", type: `uint256[${n}]` }], outputs: [{ name: "", type: "uint256" }],
    },
  ];
}

/** The two hashers a ChallengeManager is deployed with. */
export async function deployPoseidon(ethers) {
  const leaf = await deployRaw(ethers, POSEIDON.leaf.creation_code, poseidonAbi(3));
  const hasher = await ethers.deployContract("PoseidonHasher", [8n, POSEIDON.node.constants]);
  const node = new ethers.Contract(await hasher.getAddress(), [...poseidonAbi(8), ...hasher.interface.fragments], hasher.runner);
  return { leaf, node, hasher };
}

// Hardhat users' equivalent of `ecoai chain deploy`: deploys the generated Groth16Verifier, the
// Groth16BatchVerifier (its key generated beside it), EcoCredit and GreenProof, grants GreenProof MINTER_ROLE + CLAWBACK_ROLE on EcoCredit, deploys
// the on-chain Poseidon hashers from contracts/generated/poseidon.json (circomlibjs's leaf contract
// and PoseidonHasher(8); see ecoai_chain/chain/hashers.py), and writes the same manifest JSON
// (see ecoai_chain/chain/deployment.py).
//
//   EPOCH_LENGTH_S=3600 MANIFEST=deployment.json npx hardhat run scripts/deploy.js [--network NAME]
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { network } from "hardhat";

const { ethers } = await network.getOrCreate();
const epochLengthS = BigInt(process.env.EPOCH_LENGTH_S ?? "3600");
const out = process.env.MANIFEST ?? "deployment.json";
const sha256 = (path) => (existsSync(path) ? createHash("sha256").update(readFileSync(path)).digest("hex") : null);

const [deployer] = await ethers.getSigners();
const contracts = {};
async function deploy(name, args = []) {
  const c = await ethers.deployContract(name, args);
  const receipt = await c.deploymentTransaction().wait();
  contracts[name] = { address: await c.getAddress(), block: receipt.blockNumber };
  return c;
}

const verifier = await deploy("Groth16Verifier");
const batchVerifier = await deploy("Groth16BatchVerifier"); // submitCertificates' proofs
const eco = await deploy("EcoCredit", [deployer.address]);
const gp = await deploy("GreenProof", [
  deployer.address, await eco.getAddress(), await verifier.getAddress(), await batchVerifier.getAddress(), epochLengthS,
]);
await deploy("CertificateClaims", [await gp.getAddress()]); // reads GreenProof's views; no roles
for (const role of [await eco.MINTER_ROLE(), await eco.CLAWBACK_ROLE()]) {
  await (await eco.grantRole(role, await gp.getAddress())).wait();
}

// On-chain Poseidon (generated from circomlibjs by scripts/gen_poseidon_contracts.mjs).
const poseidon = JSON.parse(readFileSync("contracts/generated/poseidon.json", "utf8"));
{
  const tx = await deployer.sendTransaction({ data: poseidon.leaf.creation_code });
  const receipt = await tx.wait();
  contracts.PoseidonLeaf = { address: receipt.contractAddress, block: receipt.blockNumber };
  const node = await ethers.deployContract("PoseidonHasher", [BigInt(poseidon.node.n_inputs), poseidon.node.constants]);
  const r2 = await node.deploymentTransaction().wait();
  contracts.PoseidonNode = { address: await node.getAddress(), block: r2.blockNumber };
}

const manifest = {
  chain_id: Number((await ethers.provider.getNetwork()).chainId),
  rpc_url: process.env.RPC_URL ?? "",
  deployer: deployer.address,
  block_number: await ethers.provider.getBlockNumber(),
  contracts,
  epoch_length_s: Number(epochLengthS),
  vkey_sha256: sha256("circuits/setup/verification_key.json"),
  zkey_sha256: sha256("circuits/setup/green_proof.zkey"),
};
writeFileSync(out, JSON.stringify(manifest, null, 2) + "\n");
for (const [name, ref] of Object.entries(contracts)) console.log(`${name.padEnd(16)} ${ref.address} (block ${ref.block})`);
console.log(`manifest -> ${out}`);

// Hardhat users' equivalent of `ecoai chain deploy`: deploys the generated Groth16Verifier,
// EcoCredit and GreenProof, grants GreenProof MINTER_ROLE + CLAWBACK_ROLE on EcoCredit, and
// writes the same manifest JSON (see ecoai_chain/chain/deployment.py).
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
const eco = await deploy("EcoCredit", [deployer.address]);
const gp = await deploy("GreenProof", [deployer.address, await eco.getAddress(), await verifier.getAddress(), epochLengthS]);
for (const role of [await eco.MINTER_ROLE(), await eco.CLAWBACK_ROLE()]) {
  await (await eco.grantRole(role, await gp.getAddress())).wait();
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

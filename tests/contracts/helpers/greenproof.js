// Shared fixtures for the GreenProof tests: deployment with the REAL generated Groth16 verifier,
// real proofs from tests/vectors/contract_proofs.json (scripts/gen_contract_proofs.py), EIP-712
// signing with ethers, and a BigInt re-implementation of the score/reward math.
import { readFileSync } from "node:fs";

export { score } from "./score.js";

export const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const STATUS = { Pending: 0n, Active: 1n, Suspended: 2n };

const VECTORS_URL = new URL("../../vectors/contract_proofs.json", import.meta.url);
export const VECTORS = JSON.parse(readFileSync(VECTORS_URL, "utf8"));

export const CERT_TYPES = {
  Certificate: [
    { name: "nodeId", type: "uint256" },
    { name: "epochStart", type: "uint256" },
    { name: "windowS", type: "uint256" },
    { name: "slotCount", type: "uint256" },
    { name: "root", type: "uint256" },
    { name: "energyMj", type: "uint256" },
    { name: "work", type: "uint256" },
    { name: "carbonMg", type: "uint256" },
    { name: "intensityMgPerKwh", type: "uint256" },
    { name: "maxPowerMw", type: "uint256" },
    { name: "workloadClass", type: "bytes32" },
  ],
};
export const ROTATE_TYPES = {
  RotateAttestor: [
    { name: "nodeId", type: "uint256" },
    { name: "newAttestor", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

/** Certificate `i` of the vectors as a struct of BigInts (the contract's field names). */
export function vectorCert(i) {
  const c = VECTORS.certificates[i].cert;
  const out = {};
  for (const { name, type } of CERT_TYPES.Certificate) out[name] = type === "bytes32" ? c[name] : BigInt(c[name]);
  return out;
}

/** Proof `i` as the contract's Proof struct. */
export function vectorProof(i) {
  const p = VECTORS.certificates[i].proof;
  return { a: p.a.map(BigInt), b: p.b.map((row) => row.map(BigInt)), c: p.c.map(BigInt) };
}

/** Index of the vector certificate for (nodeId, k-th epoch of that node). */
export function vectorIndex(nodeId, k) {
  const idx = VECTORS.certificates
    .map((c, i) => [c, i])
    .filter(([c]) => BigInt(c.cert.nodeId) === BigInt(nodeId))
    .map(([, i]) => i);
  if (k >= idx.length) throw new Error(`no vector #${k} for node ${nodeId}`);
  return idx[k];
}

export function makeFixtures(ethers) {
  const region = (code) => ethers.encodeBytes32String(code);

  async function domainOf(gp) {
    const { chainId } = await ethers.provider.getNetwork();
    return { name: "GreenProof", version: "1", chainId, verifyingContract: await gp.getAddress() };
  }

  async function signCert(signer, gp, cert, domainOverride = {}) {
    return signer.signTypedData({ ...(await domainOf(gp)), ...domainOverride }, CERT_TYPES, cert);
  }

  /** Contracts deployed and wired, nothing registered. */
  async function deployFixture() {
    const [admin, operator, attestor, operator2, attestor2, stranger] = await ethers.getSigners();
    const verifier = await ethers.deployContract("Groth16Verifier");
    const eco = await ethers.deployContract("EcoCredit", [admin.address]);
    const gp = await ethers.deployContract("GreenProof", [
      admin.address, await eco.getAddress(), await verifier.getAddress(), BigInt(VECTORS.epoch_length_s),
    ]);
    await eco.grantRole(await eco.MINTER_ROLE(), await gp.getAddress());
    await eco.grantRole(await eco.CLAWBACK_ROLE(), await gp.getAddress());
    return { gp, eco, verifier, admin, operator, attestor, operator2, attestor2, stranger };
  }

  /** Nodes 1 and 2 registered and active, intensities and baseline set as the vectors expect. */
  async function readyFixture() {
    const f = await deployFixture();
    const { gp, operator, attestor, operator2, attestor2 } = f;
    const pairs = [[operator, attestor], [operator2, attestor2]];
    for (const [i, node] of VECTORS.nodes.entries()) {
      const [op, att] = pairs[i];
      await gp.connect(op).registerNode(att.address, region(node.region), BigInt(node.max_power_mw), `ipfs://node-${node.node_id}`);
      await gp.activateNode(BigInt(node.node_id));
    }
    for (const e of VECTORS.intensities) {
      await gp.setRegionIntensity(region(e.region), BigInt(e.intensity_mg_per_kwh), BigInt(e.effective_from));
    }
    await gp.setBaseline(VECTORS.workload_class_bytes32, BigInt(VECTORS.baseline_ng_per_work));
    return f;
  }

  /** Signed submission arguments for vector certificate `i` (signed by its node's attestor). */
  async function signedVector(f, i, mutate = (c) => c) {
    const cert = mutate(vectorCert(i));
    const signer = cert.nodeId === 2n ? f.attestor2 : f.attestor;
    return [cert, vectorProof(i), await signCert(signer, f.gp, cert)];
  }

  return { region, domainOf, signCert, deployFixture, readyFixture, signedVector };
}

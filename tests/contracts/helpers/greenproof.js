// Shared fixtures for the GreenProof tests: deployment with the REAL generated Groth16 verifier,
// real proofs from tests/vectors/contract_proofs.json (scripts/gen_contract_proofs.py), EIP-712
// signing with ethers, and a BigInt re-implementation of the score/reward math.
import { readFileSync } from "node:fs";
import { recordOfEvent } from "./recordWords.js";

export { score } from "./score.js";
export { eventWords, packRecord, recordOfEvent } from "./recordWords.js";

export const PARAM = { RegionIntensity: 0n, Baseline: 1n, EfficiencyCeiling: 2n, SubmissionDeadline: 3n, ChallengeWindow: 4n, BondPerMw: 5n, SlashShare: 6n };
export const DAY = 86_400n;
export const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const STATUS = { Pending: 0n, Active: 1n, Suspended: 2n, Retired: 3n };

const VECTORS_URL = new URL("../../vectors/contract_proofs.json", import.meta.url);
export const VECTORS = JSON.parse(readFileSync(VECTORS_URL, "utf8"));

// Parameters are fixed in time: the test chain starts before the vector epochs, schedules the
// parameters from PARAMS_FROM, then moves its clock past the epochs (readyFixture).
export const CHAIN_START_S = BigInt(VECTORS.chain_start_s);
export const PARAMS_FROM = BigInt(VECTORS.params_effective_from_s);
export const CEILING = BigInt(VECTORS.efficiency_ceiling_work_per_kwh);
export const EPOCH = BigInt(VECTORS.epoch_length_s);
/** The tests' challenge window (scheduled from PARAMS_FROM; the contract's default is 7 days). */
export const WINDOW = 3600n;
/** `network.create(CHAIN)`: a chain whose clock starts at CHAIN_START_S. */
export const CHAIN = { override: { initialDate: new Date(Number(CHAIN_START_S) * 1000) } };
const ALL_CERTS = [...VECTORS.certificates, ...Object.values(VECTORS.ceiling_cases)];
/** End of the last epoch of every vector (all of them are finished, none past its deadline). */
export const VECTORS_END = ALL_CERTS.reduce((m, c) => (BigInt(c.cert.epochStart) > m ? BigInt(c.cert.epochStart) : m), 0n) + EPOCH;

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

/** CertificateRecord's fields in ABI order (IGreenProof), for encoding and hashing it. */
export const RECORD_FIELDS = [
  ["root", "uint256"], ["nodeId", "uint64"], ["epochStart", "uint64"], ["intensityMgPerKwh", "uint32"],
  ["maxPowerMw", "uint32"], ["windowS", "uint16"], ["slotCount", "uint8"], ["ecoScore", "uint8"],
  ["energyMj", "uint64"], ["carbonMg", "uint64"], ["work", "uint128"], ["workloadClass", "bytes32"],
  ["rewardUnits", "uint192"], ["releaseAt", "uint64"],
];
const RECORD_TUPLE = `tuple(${RECORD_FIELDS.map(([n, t]) => `${t} ${n}`).join(",")})`;

/** The records (plain objects of the contract's field names) of the certificates that
 *  `receipt` landed, by certificate id, from their CertificateSubmitted events. */
export function recordsIn(gp, receipt) {
  const out = new Map();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== gp.target.toLowerCase()) continue;
    const ev = gp.interface.parseLog(log);
    if (ev?.name === "CertificateSubmitted") out.set(ev.args.certificateId, recordOfEvent(ev.args));
  }
  return out;
}

/** The record of certificate `id`, from its CertificateSubmitted log (the one event with that
 *  id as topic 1), as the indexer and `ecoai verify` find it. */
export async function certRecord(gp, id) {
  const logs = await gp.queryFilter(gp.filters.CertificateSubmitted(id));
  if (logs.length !== 1) throw new Error(`certificate ${id}: ${logs.length} CertificateSubmitted events`);
  return recordOfEvent(logs[0].args);
}

/** [ids, their records]: releaseRewards' arguments. */
export async function withRecords(gp, ids) {
  return [ids, await Promise.all(ids.map((id) => certRecord(gp, id)))];
}

/** Units of `operator`'s rewards in escrow, as readers compute it (GreenProof keeps no
 *  per-operator figure): the rewardUnits of every CertificateSubmitted record of the
 *  operator's nodes whose word (recordOf) is neither released nor revoked. */
export async function escrowedOf(gp, operator) {
  let units = 0n;
  for (const log of await gp.queryFilter(gp.filters.CertificateSubmitted())) {
    const r = recordOfEvent(log.args);
    if ((await gp.getNode(r.nodeId)).operator !== operator) continue;
    const [id, , revoked, released] = await gp.recordOf(r.nodeId, r.epochStart);
    if (id === log.args.certificateId && !revoked && !released) units += r.rewardUnits;
  }
  return units;
}

/** A certificate's storage word, low bits first: bit 0 revoked, bit 1 released, bit 2 on hold,
 *  bits 3..66 the id, bits 67..255 the record's hash (IGreenProof). */
export const WORD = { revoked: 1n, released: 2n, held: 4n, idShift: 3n, lowBits: (1n << 67n) - 1n };

/** The hash a record's slot keeps (recordOf's recordHash): keccak256(abi.encode(record)) with
 *  its low 67 bits (the id and the flags) clear. */
export function recordHash(ethers, record) {
  const encoded = ethers.AbiCoder.defaultAbiCoder().encode([RECORD_TUPLE], [record]);
  return ethers.toBeHex(BigInt(ethers.keccak256(encoded)) & ~WORD.lowBits, 32);
}

/** The word certificate `id` with `record` stores at submission (no flag set). */
export function recordWord(ethers, id, record) {
  return BigInt(recordHash(ethers, record)) | (BigInt(id) << WORD.idShift);
}

/** GreenProof.recordOf for certificate `id` ([id, recordHash, revoked, released]): its slot is
 *  at its record's (nodeId, epochStart), the record taken from its event. */
export async function slotOf(gp, id) {
  const { nodeId, epochStart } = await certRecord(gp, id);
  return gp.recordOf(nodeId, epochStart);
}

const item = (i) => (typeof i === "string" ? VECTORS.ceiling_cases[i] : VECTORS.certificates[i]);

/** Certificate `i` of the vectors (or ceiling case "forged" / "at_ceiling" / "above_ceiling")
 *  as a struct of BigInts (the contract's field names). */
export function vectorCert(i) {
  const c = item(i).cert;
  const out = {};
  for (const { name, type } of CERT_TYPES.Certificate) out[name] = type === "bytes32" ? c[name] : BigInt(c[name]);
  return out;
}

/** Proof `i` as the contract's Proof struct. */
export function vectorProof(i) {
  const p = item(i).proof;
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

export function makeFixtures(ethers, networkHelpers) {
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
    const batchVerifier = await ethers.deployContract("Groth16BatchVerifier");
    const eco = await ethers.deployContract("EcoCredit", [admin.address]);
    const gp = await ethers.deployContract("GreenProof", [
      admin.address, await eco.getAddress(), await verifier.getAddress(), await batchVerifier.getAddress(),
      BigInt(VECTORS.epoch_length_s),
    ]);
    await eco.grantRole(await eco.MINTER_ROLE(), await gp.getAddress());
    await eco.grantRole(await eco.CLAWBACK_ROLE(), await gp.getAddress());
    return { gp, eco, verifier, batchVerifier, admin, operator, attestor, operator2, attestor2, stranger };
  }

  /** The vectors' parameters scheduled from PARAMS_FROM (intensities, baseline, ceiling, window). */
  async function scheduleVectorParams(gp) {
    for (const e of VECTORS.intensities) {
      await gp.setRegionIntensity(region(e.region), BigInt(e.intensity_mg_per_kwh), BigInt(e.effective_from));
    }
    await gp.setBaseline(VECTORS.workload_class_bytes32, BigInt(VECTORS.baseline_ng_per_work), PARAMS_FROM);
    await gp.setEfficiencyCeiling(VECTORS.workload_class_bytes32, CEILING, PARAMS_FROM);
    await gp.setChallengeWindow(WINDOW, PARAMS_FROM);
  }

  /** Nodes 1 and 2 registered and active and the vectors' parameters scheduled, on `f`. */
  /** `sameOperator`: `operator` runs both nodes; `params: false` when they are scheduled already (attestors stay `attestor` and `attestor2`). */
  async function prepareVectors(f, { sameOperator = false, params = true } = {}) {
    const { gp, operator, attestor, operator2, attestor2 } = f;
    const pairs = [[operator, attestor], [sameOperator ? operator : operator2, attestor2]];
    for (const [i, node] of VECTORS.nodes.entries()) {
      const [op, att] = pairs[i];
      const power = BigInt(node.max_power_mw);
      await gp.connect(op).registerNode(att.address, region(node.region), power, `ipfs://node-${node.node_id}`, { value: await gp.bondFor(power) });
      await gp.activateNode(BigInt(node.node_id));
    }
    if (params) await scheduleVectorParams(gp);
    return f;
  }

  // Parameters can only be scheduled from now on, so every state that schedules them is built
  // once, at the chain's start, in one root snapshot: `bare` (deployed, nothing else) and
  // `vectors` (prepareVectors). Tests restore it and move the clock as they need.
  async function rootFixture() {
    const bare = await deployFixture();
    const vectors = await prepareVectors(await deployFixture());
    const shared = await prepareVectors(await deployFixture(), { sameOperator: true });
    return { bare, vectors, shared };
  }
  /** Contracts deployed, nothing registered, the clock before PARAMS_FROM. */
  const bareFixture = async () => (await networkHelpers.loadFixture(rootFixture)).bare;
  /** The vectors' nodes and parameters, the clock still before PARAMS_FROM and every epoch. */
  const earlyFixture = async () => (await networkHelpers.loadFixture(rootFixture)).vectors;
  /** Like readyFixture, but `operator` runs both nodes. */
  async function sharedOperatorFixture() {
    const f = (await networkHelpers.loadFixture(rootFixture)).shared;
    await warpPastVectors();
    return f;
  }
  /** The same with the clock moved past every vector epoch: any vector can be submitted. */
  async function readyFixture() {
    const f = await earlyFixture();
    await warpPastVectors();
    return f;
  }

  /** A bond rate of `weiPerMw` and a slash share of `slashBps` from PARAMS_FROM (slashed bonds to
   * the stranger), the vectors' nodes registered after it (bonded), the clock past every epoch. */
  async function bondedFixture(weiPerMw, slashBps) {
    const f = await bareFixture();
    const { gp, stranger } = f;
    await gp.setBondPerMw(weiPerMw, PARAMS_FROM);
    await gp.setSlashShare(slashBps, PARAMS_FROM);
    await gp.setTreasury(stranger.address);
    await scheduleVectorParams(gp);
    await networkHelpers.time.increaseTo(PARAMS_FROM);
    await prepareVectors(f, { params: false });
    await warpPastVectors();
    return f;
  }

  /** Move the clock past every vector epoch (a no-op once there). */
  async function warpPastVectors() {
    if (BigInt(await networkHelpers.time.latest()) < VECTORS_END) await networkHelpers.time.increaseTo(VECTORS_END);
  }

  /** Signed submission arguments for vector certificate `i` (signed by its node's attestor). */
  async function signedVector(f, i, mutate = (c) => c) {
    const cert = mutate(vectorCert(i));
    const signer = f.signers?.[cert.nodeId] ?? (cert.nodeId === 2n ? f.attestor2 : f.attestor);
    return [cert, vectorProof(i), await signCert(signer, f.gp, cert)];
  }

  return { region, domainOf, signCert, deployFixture, bareFixture, bondedFixture, earlyFixture, readyFixture, sharedOperatorFixture, prepareVectors, scheduleVectorParams, signedVector, warpPastVectors };
}

// Fixtures for the DAO tests: GreenProof + EcoCredit handed over to an EcoTimelock driven by an
// EcoGovernor, exactly as contracts/roles.json says (the table ecoai_chain/chain/governance.py
// applies on a real deployment), with ECO minted to four voters before the hand-over.
import { readFileSync } from "node:fs";
import { deployPoseidon } from "./poseidon.js";

export const ROLES = JSON.parse(readFileSync(new URL("../../../contracts/roles.json", import.meta.url), "utf8"));

// IGovernor.ProposalState
export const STATE = { Pending: 0n, Active: 1n, Canceled: 2n, Defeated: 3n, Succeeded: 4n, Queued: 5n, Expired: 6n, Executed: 7n };
export const VOTE = { Against: 0n, For: 1n, Abstain: 2n };
export const DELAYS = { votingDelayS: 10n, votingPeriodS: 100n, timelockDelayS: 60n, quorumPercent: 4n };
export const ECO = 10n ** 18n;

/** Bitmap of states as GovernorUnexpectedProposalState encodes `expectedStates`. */
export function stateBitmap(...states) {
  return states.reduce((acc, s) => acc | (1n << s), 0n);
}

/** A well-typed dummy argument for any ABI parameter (role checks come before anything else). */
export function dummyArg(param, filler) {
  if (param.baseType === "tuple") return param.components.map((c) => dummyArg(c, filler));
  if (param.baseType === "array") {
    const n = param.arrayLength > 0 ? param.arrayLength : 1;
    return Array.from({ length: n }, () => dummyArg(param.arrayChildren, filler));
  }
  if (param.type.startsWith("uint") || param.type.startsWith("int")) return 1n;
  if (param.type === "address") return filler;
  if (param.type === "bool") return false;
  if (param.type === "string") return "x";
  if (param.type === "bytes") return "0x";
  if (param.type.startsWith("bytes")) return "0x" + "11".repeat(Number(param.type.slice(5)));
  throw new Error(`no dummy for ${param.type}`);
}

export function makeDaoFixtures(ethers, networkHelpers) {
  /** Deployed, ECO minted to voters (600/300/80/20), delegated, roles handed over. */
  async function governedFixture() {
    const [deployer, guardian, alice, bob, carol, dave, stranger] = await ethers.getSigners();
    const verifier = await ethers.deployContract("Groth16Verifier");
    const batchVerifier = await ethers.deployContract("Groth16BatchVerifier");
    const eco = await ethers.deployContract("EcoCredit", [deployer.address]);
    const gp = await ethers.deployContract("GreenProof", [
      deployer.address, await eco.getAddress(), await verifier.getAddress(), await batchVerifier.getAddress(), 3600n,
    ]);
    // Test-only minter for the voters' balances; the hand-over below revokes it.
    await eco.grantRole(await eco.MINTER_ROLE(), deployer.address);
    const holdings = [[alice, 600n], [bob, 300n], [carol, 80n], [dave, 20n]];
    for (const [who, n] of holdings) {
      await eco.mint(who.address, n * ECO);
      await eco.connect(who).delegate(who.address);
    }
    await eco.revokeRole(await eco.MINTER_ROLE(), deployer.address);

    const timelock = await ethers.deployContract("EcoTimelock", [DELAYS.timelockDelayS, [], [], deployer.address]);
    const governor = await ethers.deployContract("EcoGovernor", [
      await eco.getAddress(), await timelock.getAddress(), DELAYS.votingDelayS, DELAYS.votingPeriodS, 0n,
      DELAYS.quorumPercent,
    ]);
    const { leaf, node } = await deployPoseidon(ethers);
    const cm = await ethers.deployContract("ChallengeManager", [
      deployer.address, await gp.getAddress(), await leaf.getAddress(), await node.getAddress(),
      10n ** 16n, 4n, 86_400n, 5_000n,
    ]);
    const who = {
      timelock: await timelock.getAddress(), governor: await governor.getAddress(),
      guardian: guardian.address, GreenProof: await gp.getAddress(), ChallengeManager: await cm.getAddress(),
    };
    const contracts = { GreenProof: gp, EcoCredit: eco, ChallengeManager: cm, EcoTimelock: timelock };
    // Grant every role of the table, then the deployer renounces every role it holds.
    for (const [name, roles] of Object.entries(ROLES.holders)) {
      const c = contracts[name];
      for (const [role, holders] of Object.entries(roles)) {
        for (const h of holders) await c.grantRole(await c[role](), who[h]);
      }
    }
    for (const [name, roles] of Object.entries(ROLES.holders)) {
      const c = contracts[name];
      for (const role of Object.keys(roles)) {
        if (role !== "DEFAULT_ADMIN_ROLE") await c.renounceRole(await c[role](), deployer.address);
      }
      await c.renounceRole(await c.DEFAULT_ADMIN_ROLE(), deployer.address);
    }
    return { gp, eco, cm, timelock, governor, verifier, deployer, guardian, alice, bob, carol, dave, stranger, who, contracts };
  }

  /** Propose `actions` ([[contract, fn, args]]); returns the proposal's id and arguments. */
  async function propose(f, proposer, actions, description) {
    const targets = await Promise.all(actions.map(([c]) => c.getAddress()));
    const values = actions.map(() => 0n);
    const calldatas = actions.map(([c, fn, args]) => c.interface.encodeFunctionData(fn, args));
    await f.governor.connect(proposer).propose(targets, values, calldatas, description);
    const descriptionHash = ethers.id(description);
    const id = await f.governor.hashProposal(targets, values, calldatas, descriptionHash);
    return { id, targets, values, calldatas, descriptionHash };
  }

  /** Move time past the voting delay (the vote opens). */
  async function openVote() {
    await networkHelpers.time.increase(DELAYS.votingDelayS + 1n);
  }

  /** Move time past the voting period (the vote closes). */
  async function closeVote() {
    await networkHelpers.time.increase(DELAYS.votingPeriodS + 1n);
  }

  /** A signer for a contract address (for role checks from the timelock, governor, GreenProof). */
  async function signerFor(address) {
    await networkHelpers.impersonateAccount(address);
    await networkHelpers.setBalance(address, 10n ** 20n);
    return ethers.getSigner(address);
  }

  return { governedFixture, propose, openVote, closeVote, signerFor };
}

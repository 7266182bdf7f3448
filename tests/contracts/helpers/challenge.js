// Fixtures for the challenge game: GreenProof with bonds and a 25 % slash share (the bond test's
// setup), the on-chain Poseidon hashers, a ChallengeManager holding GreenProof's CHALLENGE_ROLE,
// and vector certificate 0 submitted (its openings: tests/vectors/challenge_openings.json).
import { readFileSync } from "node:fs";
import { PARAMS_FROM, certRecord, makeFixtures } from "./greenproof.js";
import { deployPoseidon } from "./poseidon.js";

export const OPENINGS = JSON.parse(readFileSync(new URL("../../vectors/challenge_openings.json", import.meta.url), "utf8"));
export const DEPOSIT = 10n ** 17n; // 0.1 native coin
export const OPEN_COUNT = 4n;
export const ANSWER_WINDOW = 600n; // below the tests' 3600 s challenge (vesting) window
export const SHARE_BPS = 5_000n;
export const SLASH_BPS = 2_500n;
export const WEI_PER_MW = 10n ** 18n;
export const STATUS = { None: 0n, Open: 1n, Answered: 2n, Defaulted: 3n, Void: 4n };

/** The contract's Opening struct for `slot` of certificate 0. */
export function opening(slot) {
  const o = OPENINGS.openings[Number(slot)];
  return {
    slot: BigInt(o.slot), energyMj: BigInt(o.energy_mj), work: BigInt(o.work), salt: BigInt(o.salt),
    siblings: o.siblings.map((lvl) => lvl.map(BigInt)),
  };
}

/** The slot draw of IChallengeManager.drawSlotsFrom, in JavaScript (an independent mirror). */
export function drawSlotsJs(ethers, seed, slotCount, openCount) {
  const pool = Array.from({ length: slotCount }, (_, i) => BigInt(i));
  const m = Math.min(openCount, slotCount);
  const out = [];
  for (let i = 0; i < m; i++) {
    const h = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [seed, i])));
    const j = i + Number(h % BigInt(slotCount - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
    out.push(pool[i]);
  }
  return out;
}

export function makeChallengeFixtures(ethers, networkHelpers) {
  const fx = makeFixtures(ethers, networkHelpers);
  const { time } = networkHelpers;

  async function challengeFixture() {
    const f = await fx.bareFixture();
    const { gp, admin, stranger } = f;
    await gp.setBondPerMw(WEI_PER_MW, PARAMS_FROM);
    await gp.setSlashShare(SLASH_BPS, PARAMS_FROM);
    await gp.setTreasury(stranger.address);
    await fx.scheduleVectorParams(gp);
    await time.increaseTo(PARAMS_FROM);
    await fx.prepareVectors(f, { params: false });
    await fx.warpPastVectors();
    const { leaf, node } = await deployPoseidon(ethers);
    const cm = await ethers.deployContract("ChallengeManager", [
      admin.address, await gp.getAddress(), await leaf.getAddress(), await node.getAddress(),
      DEPOSIT, OPEN_COUNT, ANSWER_WINDOW, SHARE_BPS,
    ]);
    await gp.grantRole(await gp.CHALLENGE_ROLE(), await cm.getAddress());
    await gp.submitCertificate(...(await fx.signedVector(f, OPENINGS.certificate_index)));
    const certificateId = await gp.certificateCount();
    const record = await certRecord(gp, certificateId); // from its CertificateSubmitted event
    const [, , , , , , challenger] = await ethers.getSigners();
    return { ...f, cm, certificateId, record, challenger };
  }

  /** Certificate 0 challenged by `challenger`; returns the fixture and the challenge id. */
  async function challengedFixture() {
    const f = await networkHelpers.loadFixture(challengeFixture);
    await f.cm.connect(f.challenger).challenge(f.certificateId, f.record, { value: DEPOSIT });
    return { ...f, challengeId: await f.cm.challengeCount() };
  }

  /** Mine until the challenge's randomness block is in the past. */
  async function pastRandomness(cm, challengeId) {
    const rb = (await cm.getChallenge(challengeId)).randomnessBlock;
    const now = BigInt(await ethers.provider.getBlockNumber());
    if (now <= rb) await networkHelpers.mine(Number(rb - now + 1n));
    return rb;
  }

  return { ...fx, challengeFixture, challengedFixture, pastRandomness };
}

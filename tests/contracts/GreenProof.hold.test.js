// The release hold (an open challenge) as bit 2 of the certificate's word (issue 16, stage F):
// setReleaseHold sets and clears it, releaseRewards refuses a word with it, a revocation clears
// it. Checked through the API and on the word itself (eth_getStorageAt), with the real proofs
// of tests/vectors/contract_proofs.json. CHALLENGE_ROLE is granted to a plain account here; the
// ChallengeManager's own path is in ChallengeManager*.test.js.
import { expect } from "chai";
import { network } from "hardhat";
import {
  CHAIN, VECTORS, WINDOW, WORD, makeFixtures, recordHash, recordWord, recordsIn, score, vectorCert, vectorIndex,
} from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { readyFixture, signedVector } = makeFixtures(ethers, networkHelpers);
const coder = ethers.AbiCoder.defaultAbiCoder();

/** Slot of `mapping(uint64 => mapping(uint64 => uint256))` at base slot `p`, keys (a, b). */
function nestedSlot(p, a, b) {
  const inner = ethers.keccak256(coder.encode(["uint64", "uint256"], [a, p]));
  return BigInt(ethers.keccak256(coder.encode(["uint64", "bytes32"], [b, inner])));
}

async function landed(f, i) {
  const receipt = await (await f.gp.submitCertificate(...(await signedVector(f, i)))).wait();
  const [[id, record]] = [...recordsIn(f.gp, receipt)];
  return { id, record };
}

/** Certificates 1 (node 1) and 2 (node 2) landed, `stranger` holding CHALLENGE_ROLE, and a
 *  reader of certificate 1's word (its storage slot found by its value at submission). */
async function fixture() {
  const f = await readyFixture();
  const { gp, stranger } = f;
  const one = await landed(f, vectorIndex(1, 0));
  const two = await landed(f, vectorIndex(2, 0));
  await gp.grantRole(await gp.CHALLENGE_ROLE(), stranger.address);
  const expected = recordWord(ethers, one.id, one.record);
  let slot;
  for (let p = 0n; p < 64n && slot === undefined; p++) {
    const s = nestedSlot(p, one.record.nodeId, one.record.epochStart);
    if (BigInt(await ethers.provider.getStorage(gp.target, s)) === expected) slot = s;
  }
  if (slot === undefined) throw new Error("records mapping not found in slots 0..63");
  const wordOf = async () => BigInt(await ethers.provider.getStorage(gp.target, slot));
  return { ...f, one, two, stored: expected, wordOf };
}

const rewardOf = (i) => {
  const c = vectorCert(i);
  return score(BigInt(VECTORS.baseline_ng_per_work), c.work, c.carbonMg).rewardUnits;
};

describe("GreenProof release hold (bit 2 of the certificate's word)", function () {
  it("Should refuse a held certificate's release with GreenProofReleaseOnHold, and release it once the hold is lifted", async function () {
    const { gp, eco, operator, stranger, one, two } = await fixture();
    await expect(gp.connect(stranger).setReleaseHold(one.id, one.record, true))
      .to.emit(gp, "ReleaseHeld").withArgs(one.id, one.record.nodeId);
    await networkHelpers.time.increase(WINDOW);
    await expect(gp.releaseRewards([one.id], [one.record]))
      .to.be.revertedWithCustomError(gp, "GreenProofReleaseOnHold").withArgs(one.id);
    // Beside a releasable one, after it: the whole call is refused, naming the held one.
    await expect(gp.releaseRewards([two.id, one.id], [two.record, one.record]))
      .to.be.revertedWithCustomError(gp, "GreenProofReleaseOnHold").withArgs(one.id);
    // The views keep their outputs: the hold is not a flag of recordOf / checkRecord.
    expect(await gp.checkRecord(one.id, one.record)).to.deep.equal([false, false]);
    expect(await gp.recordOf(one.record.nodeId, one.record.epochStart))
      .to.deep.equal([one.id, recordHash(ethers, one.record), false, false]);

    await expect(gp.connect(stranger).setReleaseHold(one.id, one.record, false))
      .to.emit(gp, "ReleaseHoldLifted").withArgs(one.id, one.record.nodeId);
    await expect(gp.releaseRewards([one.id], [one.record]))
      .to.emit(gp, "RewardReleased").withArgs(one.id, operator.address, rewardOf(vectorIndex(1, 0)), 0n);
    expect(await eco.balanceOf(operator.address)).to.equal(rewardOf(vectorIndex(1, 0)));
    expect(await gp.checkRecord(one.id, one.record)).to.deep.equal([false, true]);
    await expect(gp.connect(stranger).setReleaseHold(one.id, one.record, false))
      .to.be.revertedWithCustomError(gp, "GreenProofNotOnHold").withArgs(one.id);
  });

  it("Should set bit 2 of the word on hold and clear it on the lift and on a revocation, the rest of the word unchanged", async function () {
    const { gp, stranger, one, stored, wordOf } = await fixture();
    expect(stored & WORD.held).to.equal(0n);
    await gp.connect(stranger).setReleaseHold(one.id, one.record, true);
    expect(await wordOf()).to.equal(stored | WORD.held);
    await gp.connect(stranger).setReleaseHold(one.id, one.record, false);
    expect(await wordOf()).to.equal(stored);
    await gp.connect(stranger).setReleaseHold(one.id, one.record, true);
    await expect(gp.revokeCertificate(one.id, one.record, "audit"))
      .to.emit(gp, "ReleaseHoldLifted").withArgs(one.id, one.record.nodeId);
    expect(await wordOf()).to.equal(stored | WORD.revoked);
    await expect(gp.connect(stranger).setReleaseHold(one.id, one.record, false))
      .to.be.revertedWithCustomError(gp, "GreenProofNotOnHold").withArgs(one.id);
  });
});

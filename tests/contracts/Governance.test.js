import { expect } from "chai";
import { network } from "hardhat";
import { DELAYS, ECO, ROLES, STATE, VOTE, dummyArg, makeDaoFixtures, stateBitmap } from "./helpers/dao.js";

const { ethers, networkHelpers } = await network.create();
const { governedFixture, propose, openVote, closeVote, signerFor } = makeDaoFixtures(ethers, networkHelpers);
const KR = ethers.encodeBytes32String("KR");
const AUTH_ERRORS = ["AccessControlUnauthorizedAccount", "EcoCreditUnauthorized"];

/** Lower KR's intensity from a future time: the proposal most tests carry. */
async function intensityProposal(f, proposer, description = "KR: 300 g/kWh from next year") {
  const from = BigInt(await networkHelpers.time.latest()) + 365n * 86400n;
  const p = await propose(f, proposer, [[f.gp, "setRegionIntensity", [KR, 300_000n, from]]], description);
  return { ...p, from };
}

/** GovernorTimelockControl schedules with salt = bytes20(governor) ^ descriptionHash. */
async function timelockOperationId(f, p) {
  const salt = ethers.toBeHex((BigInt(f.who.governor) << 96n) ^ BigInt(p.descriptionHash), 32);
  return f.timelock.hashOperationBatch(p.targets, p.values, p.calldatas, ethers.ZeroHash, salt);
}

async function passAndQueue(f, p) {
  await openVote();
  await f.governor.connect(f.alice).castVote(p.id, VOTE.For);
  await closeVote();
  await f.governor.queue(p.targets, p.values, p.calldatas, p.descriptionHash);
}

/** ``step`` ("queue" / "execute") of ``p`` is refused: the proposal is in ``state``, the step
 * needs ``wanted``. */
async function expectWrongState(f, p, step, state, wanted) {
  await expect(f.governor[step](p.targets, p.values, p.calldatas, p.descriptionHash))
    .to.be.revertedWithCustomError(f.governor, "GovernorUnexpectedProposalState")
    .withArgs(p.id, state, stateBitmap(wanted));
}

describe("EcoGovernor + EcoTimelock", function () {
  describe("# hand-over", function () {
    it("Should leave the deployer no role and give each role to its holder in contracts/roles.json", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      for (const [name, roles] of Object.entries(ROLES.holders)) {
        const c = f.contracts[name];
        for (const [role, holders] of Object.entries(roles)) {
          const id = await c[role]();
          expect(await c.hasRole(id, f.deployer.address), `${name}.${role} deployer`).to.equal(false);
          for (const h of holders) expect(await c.hasRole(id, f.who[h]), `${name}.${role} ${h}`).to.equal(true);
          for (const other of ["timelock", "governor", "guardian"].filter((x) => !holders.includes(x))) {
            expect(await c.hasRole(id, f.who[other]), `${name}.${role} ${other}`).to.equal(false);
          }
        }
      }
    });

    it("Should count votes on EcoCredit's timestamp clock", async function () {
      const { eco, governor } = await networkHelpers.loadFixture(governedFixture);
      expect(await eco.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await eco.clock()).to.equal(BigInt(await networkHelpers.time.latest()));
    });
  });

  describe("# propose / castVote / queue / execute", function () {
    it("Should carry a proposal to execution and change GreenProof only after the timelock delay", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      const p = await intensityProposal(f, f.carol);
      expect(await f.governor.state(p.id)).to.equal(STATE.Pending);
      await openVote();
      expect(await f.governor.state(p.id)).to.equal(STATE.Active);
      await expect(f.governor.connect(f.alice).castVote(p.id, VOTE.For))
        .to.emit(f.governor, "VoteCast").withArgs(f.alice.address, p.id, VOTE.For, 600n * ECO, "");
      await f.governor.connect(f.bob).castVote(p.id, VOTE.Against);
      await f.governor.connect(f.carol).castVoteWithReason(p.id, VOTE.Abstain, "conflicted: I run a KR node");
      await expect(f.governor.connect(f.alice).castVote(p.id, VOTE.For))
        .to.be.revertedWithCustomError(f.governor, "GovernorAlreadyCastVote").withArgs(f.alice.address);
      const [against, forVotes, abstain] = await f.governor.proposalVotes(p.id);
      expect([against, forVotes, abstain]).to.deep.equal([300n * ECO, 600n * ECO, 80n * ECO]);
      expect(await f.governor.quorum(await f.governor.proposalSnapshot(p.id))).to.equal(40n * ECO); // 4% of 1000
      await expectWrongState(f, p, "queue", STATE.Active, STATE.Succeeded);
      await closeVote();
      expect(await f.governor.state(p.id)).to.equal(STATE.Succeeded);
      await f.governor.queue(p.targets, p.values, p.calldatas, p.descriptionHash);
      expect(await f.governor.state(p.id)).to.equal(STATE.Queued);
      const eta = await f.governor.proposalEta(p.id);
      expect(eta).to.equal(BigInt(await networkHelpers.time.latest()) + DELAYS.timelockDelayS);

      const opId = await timelockOperationId(f, p);
      await expect(f.governor.execute(p.targets, p.values, p.calldatas, p.descriptionHash))
        .to.be.revertedWithCustomError(f.timelock, "TimelockUnexpectedOperationState")
        .withArgs(opId, stateBitmap(2n)); // OperationState.Ready
      expect(await f.gp.regionIntensityAt(KR, p.from)).to.equal(0n);

      await networkHelpers.time.increaseTo(eta);
      await expect(f.governor.execute(p.targets, p.values, p.calldatas, p.descriptionHash))
        .to.emit(f.gp, "RegionIntensitySet").withArgs(KR, 300_000n, p.from);
      expect(await f.governor.state(p.id)).to.equal(STATE.Executed);
      expect(await f.gp.regionIntensityAt(KR, p.from)).to.equal(300_000n);
      expect(await f.gp.regionIntensityAt(KR, p.from - 1n)).to.equal(0n);
    });

    it("Should queue and execute by id alone (GovernorStorage) and list the proposal's actions", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      const p = await intensityProposal(f, f.dave);
      expect(await f.governor.proposalCount()).to.equal(1n);
      const [targets, values, calldatas, descriptionHash] = await f.governor.proposalDetails(p.id);
      expect([targets, values, calldatas, descriptionHash]).to.deep.equal([p.targets, p.values, p.calldatas, p.descriptionHash]);
      await openVote();
      await f.governor.connect(f.alice).castVote(p.id, VOTE.For);
      await closeVote();
      await f.governor["queue(uint256)"](p.id);
      await networkHelpers.time.increase(DELAYS.timelockDelayS);
      await f.governor["execute(uint256)"](p.id);
      expect(await f.gp.regionIntensityAt(KR, p.from)).to.equal(300_000n);
    });

    it("Should not queue a defeated proposal (more against than for)", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      const p = await intensityProposal(f, f.carol);
      await openVote();
      await f.governor.connect(f.alice).castVote(p.id, VOTE.Against);
      await f.governor.connect(f.bob).castVote(p.id, VOTE.For);
      await closeVote();
      expect(await f.governor.state(p.id)).to.equal(STATE.Defeated);
      await expectWrongState(f, p, "queue", STATE.Defeated, STATE.Succeeded);
      await expectWrongState(f, p, "execute", STATE.Defeated, STATE.Queued);
    });

    it("Should defeat a unanimous proposal without quorum", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      const p = await intensityProposal(f, f.dave);
      await openVote();
      await f.governor.connect(f.dave).castVote(p.id, VOTE.For); // 20 ECO < 4% of 1000
      await closeVote();
      const [against, forVotes] = await f.governor.proposalVotes(p.id);
      expect(forVotes > against).to.equal(true);
      expect(await f.governor.state(p.id)).to.equal(STATE.Defeated);
      await expectWrongState(f, p, "queue", STATE.Defeated, STATE.Succeeded);
    });

    it("Should not count credits received after the snapshot", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      const p = await intensityProposal(f, f.dave);
      await openVote();
      await f.eco.connect(f.alice).transfer(f.dave.address, 600n * ECO);
      await expect(f.governor.connect(f.dave).castVote(p.id, VOTE.For))
        .to.emit(f.governor, "VoteCast").withArgs(f.dave.address, p.id, VOTE.For, 20n * ECO, "");
    });
  });

  describe("# guardian", function () {
    it("Should let the guardian pause and unpause GreenProof", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      await expect(f.gp.connect(f.guardian).pause()).to.emit(f.gp, "Paused").withArgs(f.guardian.address);
      await expect(f.gp.connect(f.guardian).unpause()).to.emit(f.gp, "Unpaused").withArgs(f.guardian.address);
    });

    it("Should let the guardian cancel a queued proposal, which then cannot execute", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      const p = await intensityProposal(f, f.carol);
      await passAndQueue(f, p);
      const opId = await timelockOperationId(f, p);
      await expect(f.timelock.connect(f.guardian).cancel(opId)).to.emit(f.timelock, "Cancelled").withArgs(opId);
      expect(await f.governor.state(p.id)).to.equal(STATE.Canceled);
      await networkHelpers.time.increase(DELAYS.timelockDelayS);
      await expectWrongState(f, p, "execute", STATE.Canceled, STATE.Queued);
      expect(await f.gp.regionIntensityAt(KR, p.from)).to.equal(0n);
    });

    it("Should not let the guardian change a parameter, schedule, execute or cancel a proposal in the Governor", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      const g = f.guardian;
      await expect(f.gp.connect(g).setRegionIntensity(KR, 1n, 2n ** 40n))
        .to.be.revertedWithCustomError(f.gp, "AccessControlUnauthorizedAccount").withArgs(g.address, await f.gp.PARAMS_ROLE());
      await expect(f.gp.connect(g).activateNode(1n))
        .to.be.revertedWithCustomError(f.gp, "AccessControlUnauthorizedAccount").withArgs(g.address, await f.gp.NODE_MANAGER_ROLE());
      await expect(f.timelock.connect(g).schedule(await f.gp.getAddress(), 0n, "0x", ethers.ZeroHash, ethers.ZeroHash, DELAYS.timelockDelayS))
        .to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount").withArgs(g.address, await f.timelock.PROPOSER_ROLE());
      const p = await intensityProposal(f, f.carol);
      await expect(f.governor.connect(g).cancel(p.targets, p.values, p.calldatas, p.descriptionHash))
        .to.be.revertedWithCustomError(f.governor, "GovernorUnableToCancel").withArgs(p.id, g.address);
      await passAndQueue(f, p);
      await networkHelpers.time.increase(DELAYS.timelockDelayS);
      const salt = ethers.toBeHex((BigInt(f.who.governor) << 96n) ^ BigInt(p.descriptionHash), 32);
      await expect(f.timelock.connect(g).executeBatch(p.targets, p.values, p.calldatas, ethers.ZeroHash, salt))
        .to.be.revertedWithCustomError(f.timelock, "AccessControlUnauthorizedAccount").withArgs(g.address, await f.timelock.EXECUTOR_ROLE());
    });

    it("Should let the DAO remove the guardian by a proposal", async function () {
      const f = await networkHelpers.loadFixture(governedFixture);
      const g = f.guardian.address;
      const p = await propose(f, f.alice, [
        [f.gp, "revokeRole", [await f.gp.PAUSER_ROLE(), g]],
        [f.timelock, "revokeRole", [await f.timelock.CANCELLER_ROLE(), g]],
      ], "remove the guardian");
      await passAndQueue(f, p);
      await networkHelpers.time.increase(DELAYS.timelockDelayS);
      await f.governor.execute(p.targets, p.values, p.calldatas, p.descriptionHash);
      await expect(f.gp.connect(f.guardian).pause())
        .to.be.revertedWithCustomError(f.gp, "AccessControlUnauthorizedAccount").withArgs(g, await f.gp.PAUSER_ROLE());
      expect(await f.timelock.hasRole(await f.timelock.CANCELLER_ROLE(), g)).to.equal(false);
    });
  });

  describe("# role-gated functions (from the ABI and contracts/roles.json)", function () {
    for (const name of ["GreenProof", "EcoCredit", "ChallengeManager"]) {
      it(`Should list every state-changing function of ${name} in contracts/roles.json`, async function () {
        const f = await networkHelpers.loadFixture(governedFixture);
        const listed = Object.keys(ROLES.functions[name]).sort();
        const inAbi = [...new Set(f.contracts[name].interface.fragments
          .filter((x) => x.type === "function" && !x.constant).map((x) => x.name))].sort();
        expect(inAbi).to.deep.equal(listed);
      });

      it(`Should refuse every role-gated function of ${name} to everyone but the role's holder`, async function () {
        const f = await networkHelpers.loadFixture(governedFixture);
        const c = f.contracts[name];
        const actors = {
          deployer: f.deployer, guardian: f.guardian, voter: f.alice, stranger: f.stranger,
          timelock: await signerFor(f.who.timelock), governor: await signerFor(f.who.governor),
          GreenProof: await signerFor(f.who.GreenProof),
          ChallengeManager: await signerFor(f.who.ChallengeManager),
        };
        let checked = 0;
        for (const [fn, gate] of Object.entries(ROLES.functions[name])) {
          if (!gate.endsWith("_ROLE")) continue;
          const role = await c[gate]();
          const fragment = c.interface.getFunction(fn);
          const args = fragment.inputs.map((p) => dummyArg(p, f.stranger.address));
          for (const [who, signer] of Object.entries(actors)) {
            const holds = ROLES.holders[name][gate].includes(who);
            let error = null;
            try {
              await c.connect(signer)[fn].staticCall(...args);
            } catch (e) {
              error = c.interface.parseError(e.data);
            }
            if (holds) {
              expect(error === null || !AUTH_ERRORS.includes(error.name), `${name}.${fn} by ${who}`).to.equal(true);
            } else {
              expect(error?.name, `${name}.${fn} by ${who}`).to.be.oneOf(AUTH_ERRORS);
              expect([...error.args], `${name}.${fn} by ${who}`).to.deep.equal([signer.address, role]);
            }
          }
          checked += 1;
        }
        expect(checked).to.be.greaterThan(2);
      });
    }
  });
});

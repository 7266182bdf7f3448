import { expect } from "chai";
import { network } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { CHAIN, PARAM, PARAMS_FROM, makeFixtures, ROTATE_TYPES, STATUS } from "./helpers/greenproof.js";

const { ethers, networkHelpers } = await network.create(CHAIN);
const { region, domainOf, deployFixture, bareFixture } = makeFixtures(ethers, networkHelpers);
const T1 = PARAMS_FROM; // future times for the schedules (the chain starts an hour before)
const T2 = PARAMS_FROM + 4000n;
const KR = ethers.encodeBytes32String("KR");

describe("GreenProof registry and parameters", function () {
  async function registeredFixture() {
    const f = await deployFixture();
    await f.gp.connect(f.operator).registerNode(f.attestor.address, KR, 700_000n, "ipfs://n1");
    return f;
  }

  describe("# constructor", function () {
    it("Should wire the token, verifier and epoch length and give the admin every role", async function () {
      const { gp, eco, verifier, admin } = await bareFixture();
      expect(await gp.ecoCredit()).to.equal(await eco.getAddress());
      expect(await gp.verifier()).to.equal(await verifier.getAddress());
      for (const role of ["DEFAULT_ADMIN_ROLE", "NODE_MANAGER_ROLE", "REVOKER_ROLE", "PARAMS_ROLE", "PAUSER_ROLE"]) {
        expect(await gp.hasRole(await gp[role](), admin.address), role).to.equal(true);
      }
    });

    it("Should not deploy with a zero address or a zero epoch length", async function () {
      const { gp, eco, verifier, batchVerifier, admin } = await bareFixture();
      const [e, v, b] = [await eco.getAddress(), await verifier.getAddress(), await batchVerifier.getAddress()];
      await expect(ethers.deployContract("GreenProof", [admin.address, ethers.ZeroAddress, v, b, 3600n]))
        .to.be.revertedWithCustomError(gp, "GreenProofZeroAddress");
      await expect(ethers.deployContract("GreenProof", [admin.address, e, ethers.ZeroAddress, b, 3600n]))
        .to.be.revertedWithCustomError(gp, "GreenProofZeroAddress");
      await expect(ethers.deployContract("GreenProof", [admin.address, e, v, ethers.ZeroAddress, 3600n]))
        .to.be.revertedWithCustomError(gp, "GreenProofZeroAddress");
      await expect(ethers.deployContract("GreenProof", [admin.address, e, v, b, 0n]))
        .to.be.revertedWithCustomError(gp, "GreenProofInvalidEpochLength").withArgs(0n);
      await expect(ethers.deployContract("GreenProof", [admin.address, e, v, b, 2n ** 24n]))
        .to.be.revertedWithCustomError(gp, "GreenProofInvalidEpochLength").withArgs(2n ** 24n);
    });
  });

  describe("# registerNode", function () {
    it("Should register nodes with ids from 1, Pending, and emit NodeRegistered", async function () {
      const { gp, operator, attestor, operator2, attestor2 } = await bareFixture();
      await expect(gp.connect(operator).registerNode(attestor.address, KR, 700_000n, "ipfs://n1"))
        .to.emit(gp, "NodeRegistered")
        .withArgs(1n, operator.address, attestor.address, KR, 700_000n, "ipfs://n1");
      await expect(gp.connect(operator2).registerNode(attestor2.address, region("FR"), 1n, ""))
        .to.emit(gp, "NodeRegistered")
        .withArgs(2n, operator2.address, attestor2.address, region("FR"), 1n, "");
      const node = await gp.getNode(1n);
      expect(node.operator).to.equal(operator.address);
      expect(node.attestor).to.equal(attestor.address);
      expect(node.status).to.equal(STATUS.Pending);
      expect(node.maxPowerMw).to.equal(700_000n);
      expect(node.metadataURI).to.equal("ipfs://n1");
      expect(await gp.nodeCount()).to.equal(2n);
      expect(await gp.nextEpochStart(1n)).to.equal(0n);
    });

    it("Should not register a zero attestor, empty region or out-of-range max power", async function () {
      const { gp, operator, attestor } = await bareFixture();
      await expect(gp.connect(operator).registerNode(ethers.ZeroAddress, KR, 1n, ""))
        .to.be.revertedWithCustomError(gp, "GreenProofInvalidAttestor").withArgs(ethers.ZeroAddress);
      await expect(gp.connect(operator).registerNode(attestor.address, ethers.ZeroHash, 1n, ""))
        .to.be.revertedWithCustomError(gp, "GreenProofInvalidRegion").withArgs(ethers.ZeroHash);
      await expect(gp.connect(operator).registerNode(attestor.address, KR, 0n, ""))
        .to.be.revertedWithCustomError(gp, "GreenProofMaxPowerOutOfRange").withArgs(0n);
      await expect(gp.connect(operator).registerNode(attestor.address, KR, 2n ** 32n, ""))
        .to.be.revertedWithCustomError(gp, "GreenProofMaxPowerOutOfRange").withArgs(2n ** 32n);
    });

    it("Should not register while paused", async function () {
      const { gp, operator, attestor } = await bareFixture();
      await gp.pause();
      await expect(gp.connect(operator).registerNode(attestor.address, KR, 1n, ""))
        .to.be.revertedWithCustomError(gp, "EnforcedPause");
    });
  });

  describe("# activateNode / suspendNode", function () {
    it("Should activate, suspend with a reason and reactivate", async function () {
      const { gp } = await networkHelpers.loadFixture(registeredFixture);
      await expect(gp.activateNode(1n)).to.emit(gp, "NodeStatusChanged").withArgs(1n, STATUS.Active, "");
      await expect(gp.suspendNode(1n, "meter tampering"))
        .to.emit(gp, "NodeStatusChanged").withArgs(1n, STATUS.Suspended, "meter tampering");
      expect((await gp.getNode(1n)).status).to.equal(STATUS.Suspended);
      await expect(gp.activateNode(1n)).to.emit(gp, "NodeStatusChanged").withArgs(1n, STATUS.Active, "");
    });

    it("Should not change status without NODE_MANAGER_ROLE", async function () {
      const { gp, stranger } = await networkHelpers.loadFixture(registeredFixture);
      const role = await gp.NODE_MANAGER_ROLE();
      await expect(gp.connect(stranger).activateNode(1n))
        .to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
      await expect(gp.connect(stranger).suspendNode(1n, "x"))
        .to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount").withArgs(stranger.address, role);
    });

    it("Should not activate an unknown node or an already active one", async function () {
      const { gp } = await networkHelpers.loadFixture(registeredFixture);
      await expect(gp.activateNode(9n)).to.be.revertedWithCustomError(gp, "GreenProofUnknownNode").withArgs(9n);
      await expect(gp.getNode(0n)).to.be.revertedWithCustomError(gp, "GreenProofUnknownNode").withArgs(0n);
      await gp.activateNode(1n);
      await expect(gp.activateNode(1n))
        .to.be.revertedWithCustomError(gp, "GreenProofNodeStatusUnchanged").withArgs(1n, STATUS.Active);
    });
  });

  describe("# rotateAttestor / setAttestor", function () {
    async function rotation(f, newAttestor, nonce, signer = f.attestor, override = {}) {
      const domain = { ...(await domainOf(f.gp)), ...override };
      return signer.signTypedData(domain, ROTATE_TYPES, { nodeId: 1n, newAttestor, nonce });
    }

    it("Should rotate with the current attestor's signature and bump the nonce", async function () {
      const f = await networkHelpers.loadFixture(registeredFixture);
      const { gp, operator, attestor, attestor2, stranger } = f;
      const sig = await rotation(f, attestor2.address, 0n);
      await expect(gp.connect(operator).rotateAttestor(1n, attestor2.address, sig))
        .to.emit(gp, "AttestorRotated").withArgs(1n, attestor.address, attestor2.address);
      const node = await gp.getNode(1n);
      expect(node.attestor).to.equal(attestor2.address);
      expect(node.attestorNonce).to.equal(1n);
      // The old key's signature cannot be replayed to hand the node to someone else.
      const old = await rotation(f, stranger.address, 0n);
      await expect(gp.connect(operator).rotateAttestor(1n, stranger.address, old))
        .to.be.revertedWithCustomError(gp, "GreenProofBadSignature").withArgs(anyValue, attestor2.address);
    });

    it("Should not rotate for anyone but the operator, or with another key's signature", async function () {
      const f = await networkHelpers.loadFixture(registeredFixture);
      const { gp, operator, attestor, attestor2, stranger } = f;
      const sig = await rotation(f, attestor2.address, 0n);
      await expect(gp.connect(stranger).rotateAttestor(1n, attestor2.address, sig))
        .to.be.revertedWithCustomError(gp, "GreenProofNotOperator").withArgs(1n, stranger.address, operator.address);
      const forged = await rotation(f, attestor2.address, 0n, stranger);
      await expect(gp.connect(operator).rotateAttestor(1n, attestor2.address, forged))
        .to.be.revertedWithCustomError(gp, "GreenProofBadSignature").withArgs(stranger.address, attestor.address);
    });

    it("Should let NODE_MANAGER_ROLE re-key a node, and nobody else", async function () {
      const { gp, attestor, attestor2, stranger } = await networkHelpers.loadFixture(registeredFixture);
      await expect(gp.setAttestor(1n, attestor2.address))
        .to.emit(gp, "AttestorRotated").withArgs(1n, attestor.address, attestor2.address);
      await expect(gp.setAttestor(1n, attestor2.address))
        .to.be.revertedWithCustomError(gp, "GreenProofInvalidAttestor").withArgs(attestor2.address);
      await expect(gp.connect(stranger).setAttestor(1n, stranger.address))
        .to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await gp.NODE_MANAGER_ROLE());
    });
  });

  describe("# setRegionIntensity / regionIntensityAt", function () {
    it("Should return the latest entry effective at the timestamp, 0 before any", async function () {
      const { gp } = await bareFixture();
      await expect(gp.setRegionIntensity(KR, 436_000n, T1))
        .to.emit(gp, "RegionIntensitySet").withArgs(KR, 436_000n, T1)
        .and.to.emit(gp, "ParameterScheduled").withArgs(PARAM.RegionIntensity, KR, 436_000n, T1);
      await gp.setRegionIntensity(KR, 400_000n, T2);
      expect(await gp.regionIntensityAt(KR, T1 - 1n)).to.equal(0n);
      expect(await gp.regionIntensityAt(KR, T1)).to.equal(436_000n);
      expect(await gp.regionIntensityAt(KR, T2 - 1n)).to.equal(436_000n);
      expect(await gp.regionIntensityAt(KR, T2)).to.equal(400_000n);
      await gp.setRegionIntensity(KR, 390_000n, T2); // same effectiveFrom replaces the last
      expect(await gp.regionIntensityAt(KR, 10n ** 12n)).to.equal(390_000n);
      expect(await gp.regionIntensityAt(region("FR"), T2)).to.equal(0n);
      expect(await gp.parameterAt(PARAM.RegionIntensity, KR, T2)).to.deep.equal([true, 390_000n]);
    });

    it("Should not go back in time, exceed 32 bits, or run without PARAMS_ROLE", async function () {
      const { gp, stranger } = await bareFixture();
      await gp.setRegionIntensity(KR, 1n, T2);
      await expect(gp.setRegionIntensity(KR, 1n, T2 - 1n))
        .to.be.revertedWithCustomError(gp, "GreenProofEffectiveNotAfterLast").withArgs(PARAM.RegionIntensity, KR, T2 - 1n, T2);
      await expect(gp.setRegionIntensity(KR, 2n ** 32n, T2))
        .to.be.revertedWithCustomError(gp, "GreenProofParameterOutOfRange").withArgs(PARAM.RegionIntensity, KR, 2n ** 32n, 2n ** 32n - 1n);
      await expect(gp.setRegionIntensity(ethers.ZeroHash, 1n, T2))
        .to.be.revertedWithCustomError(gp, "GreenProofInvalidRegion").withArgs(ethers.ZeroHash);
      await expect(gp.connect(stranger).setRegionIntensity(KR, 1n, T2))
        .to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await gp.PARAMS_ROLE());
    });
  });

  describe("# setBaseline / setEpochLength", function () {
    it("Should schedule a baseline and set the epoch length with PARAMS_ROLE", async function () {
      const { gp } = await bareFixture();
      const cls = ethers.encodeBytes32String("llm-inference");
      const now = BigInt(await networkHelpers.time.latest());
      await expect(gp.setBaseline(cls, 5_000_000n, now + 10n)).to.emit(gp, "BaselineSet").withArgs(cls, 5_000_000n, now + 10n);
      expect(await gp.baselineOf(cls)).to.deep.equal([0n, false]); // not in effect yet
      await networkHelpers.time.increaseTo(now + 10n);
      expect(await gp.baselineOf(cls)).to.deep.equal([5_000_000n, true]);
      const before = await gp.epochLengthS();
      await expect(gp.setEpochLength(7200n)).to.emit(gp, "EpochLengthSet").withArgs(before, 7200n);
      await expect(gp.setEpochLength(0n)).to.be.revertedWithCustomError(gp, "GreenProofInvalidEpochLength").withArgs(0n);
      // A node keeps its last epoch's length in 24 bits: 2^24 - 1 s is the longest.
      await expect(gp.setEpochLength(2n ** 24n - 1n)).to.emit(gp, "EpochLengthSet").withArgs(7200n, 2n ** 24n - 1n);
      await expect(gp.setEpochLength(2n ** 24n)).to.be.revertedWithCustomError(gp, "GreenProofInvalidEpochLength").withArgs(2n ** 24n);
      await expect(gp.setEpochLength(2n ** 64n - 1n))
        .to.be.revertedWithCustomError(gp, "GreenProofInvalidEpochLength").withArgs(2n ** 64n - 1n);
    });
  });

  describe("# pause / unpause", function () {
    it("Should pause and unpause with PAUSER_ROLE only", async function () {
      const { gp, stranger } = await bareFixture();
      await expect(gp.connect(stranger).pause())
        .to.be.revertedWithCustomError(gp, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await gp.PAUSER_ROLE());
      await expect(gp.pause()).to.emit(gp, "Paused");
      await expect(gp.unpause()).to.emit(gp, "Unpaused");
    });

    it("Should not pause twice nor unpause when not paused (OpenZeppelin Pausable's errors)", async function () {
      const { gp, admin } = await bareFixture();
      expect(await gp.paused()).to.equal(false);
      await expect(gp.unpause()).to.be.revertedWithCustomError(gp, "ExpectedPause");
      await expect(gp.pause()).to.emit(gp, "Paused").withArgs(admin.address);
      expect(await gp.paused()).to.equal(true);
      await expect(gp.pause()).to.be.revertedWithCustomError(gp, "EnforcedPause");
      await expect(gp.unpause()).to.emit(gp, "Unpaused").withArgs(admin.address);
      expect(await gp.paused()).to.equal(false);
    });
  });
});

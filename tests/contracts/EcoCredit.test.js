import { expect } from "chai";
import { network } from "hardhat";

const { ethers, networkHelpers } = await network.create();

describe("EcoCredit", function () {
  async function deployFixture() {
    const [admin, minter, holder, stranger] = await ethers.getSigners();
    const eco = await ethers.deployContract("EcoCredit", [admin.address]);
    await eco.grantRole(await eco.MINTER_ROLE(), minter.address);
    await eco.grantRole(await eco.CLAWBACK_ROLE(), minter.address);
    return { eco, admin, minter, holder, stranger };
  }

  describe("# mint", function () {
    it("Should mint to the holder when called by the minter", async function () {
      const { eco, minter, holder } = await networkHelpers.loadFixture(deployFixture);
      await expect(eco.connect(minter).mint(holder.address, 10n ** 18n))
        .to.emit(eco, "Transfer")
        .withArgs(ethers.ZeroAddress, holder.address, 10n ** 18n);
      expect(await eco.balanceOf(holder.address)).to.equal(10n ** 18n);
    });

    it("Should not mint without MINTER_ROLE", async function () {
      const { eco, stranger } = await networkHelpers.loadFixture(deployFixture);
      await expect(eco.connect(stranger).mint(stranger.address, 1n))
        .to.be.revertedWithCustomError(eco, "EcoCreditUnauthorized")
        .withArgs(stranger.address, await eco.MINTER_ROLE());
    });
  });

  describe("# clawback", function () {
    it("Should burn at most what the holder still has", async function () {
      const { eco, minter, holder, stranger } = await networkHelpers.loadFixture(deployFixture);
      await eco.connect(minter).mint(holder.address, 100n);
      await eco.connect(holder).transfer(stranger.address, 70n);
      await expect(eco.connect(minter).clawback(holder.address, 100n, 7n))
        .to.emit(eco, "CreditsClawedBack")
        .withArgs(holder.address, 30n, 7n);
      expect(await eco.balanceOf(holder.address)).to.equal(0n);
      expect(await eco.totalSupply()).to.equal(70n);
    });

    it("Should not claw back without CLAWBACK_ROLE", async function () {
      const { eco, holder, stranger } = await networkHelpers.loadFixture(deployFixture);
      await expect(eco.connect(stranger).clawback(holder.address, 1n, 1n))
        .to.be.revertedWithCustomError(eco, "EcoCreditUnauthorized")
        .withArgs(stranger.address, await eco.CLAWBACK_ROLE());
    });
  });

  describe("# votes", function () {
    it("Should give voting power after self-delegation", async function () {
      const { eco, minter, holder } = await networkHelpers.loadFixture(deployFixture);
      await eco.connect(minter).mint(holder.address, 42n);
      await eco.connect(holder).delegate(holder.address);
      expect(await eco.getVotes(holder.address)).to.equal(42n);
    });
  });
});

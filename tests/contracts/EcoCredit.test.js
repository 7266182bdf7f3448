import { expect } from "chai";
import { network } from "hardhat";

const { ethers, networkHelpers } = await network.create();

/** ``tx`` by ``who`` is refused: ``who`` lacks ``role``. */
async function expectUnauthorized(eco, tx, who, role) {
  await expect(tx).to.be.revertedWithCustomError(eco, "EcoCreditUnauthorized")
    .withArgs(who.address, await eco[role]());
}

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
      await expectUnauthorized(eco, eco.connect(stranger).mint(stranger.address, 1n), stranger, "MINTER_ROLE");
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
      await expectUnauthorized(eco, eco.connect(stranger).clawback(holder.address, 1n, 1n), stranger, "CLAWBACK_ROLE");
    });
  });

  describe("# retire", function () {
    it("Should burn the credits, record the retirement and emit CreditsRetired", async function () {
      const { eco, minter, holder, stranger } = await networkHelpers.loadFixture(deployFixture);
      await eco.connect(minter).mint(holder.address, 1000n);
      await expect(eco.connect(holder).retire(400n, stranger.address, "Scope 2, FY2026"))
        .to.emit(eco, "CreditsRetired")
        .withArgs(1n, holder.address, stranger.address, 400n, "Scope 2, FY2026")
        .and.to.emit(eco, "Transfer")
        .withArgs(holder.address, ethers.ZeroAddress, 400n);
      expect(await eco.balanceOf(holder.address)).to.equal(600n);
      expect(await eco.totalSupply()).to.equal(600n);
      expect(await eco.retirementCount()).to.equal(1n);
      expect(await eco.retiredFor(stranger.address)).to.equal(400n);
      const r = await eco.getRetirement(1n);
      expect(r.holder).to.equal(holder.address);
      expect(r.beneficiary).to.equal(stranger.address);
      expect(r.amountUnits).to.equal(400n);
      expect(r.purposeHash).to.equal(ethers.id("Scope 2, FY2026"));
    });

    it("Should not retire the same credits twice", async function () {
      const { eco, minter, holder, stranger } = await networkHelpers.loadFixture(deployFixture);
      await eco.connect(minter).mint(holder.address, 100n);
      await eco.connect(holder).retire(100n, stranger.address, "once");
      await expect(eco.connect(holder).retire(100n, stranger.address, "twice"))
        .to.be.revertedWithCustomError(eco, "ERC20InsufficientBalance")
        .withArgs(holder.address, 0n, 100n);
      expect(await eco.retirementCount()).to.equal(1n);
      expect(await eco.retiredFor(stranger.address)).to.equal(100n);
    });

    it("Should not retire zero or for the zero address", async function () {
      const { eco, minter, holder, stranger } = await networkHelpers.loadFixture(deployFixture);
      await eco.connect(minter).mint(holder.address, 100n);
      await expect(eco.connect(holder).retire(0n, stranger.address, ""))
        .to.be.revertedWithCustomError(eco, "EcoCreditZeroRetirement");
      await expect(eco.connect(holder).retire(1n, ethers.ZeroAddress, ""))
        .to.be.revertedWithCustomError(eco, "EcoCreditZeroBeneficiary");
    });

    it("Should not read an unknown retirement", async function () {
      const { eco } = await networkHelpers.loadFixture(deployFixture);
      await expect(eco.getRetirement(1n))
        .to.be.revertedWithCustomError(eco, "EcoCreditUnknownRetirement").withArgs(1n);
    });
  });

  describe("# retireWithPermit", function () {
    async function signPermit(eco, owner, spender, value, deadline) {
      const { chainId } = await ethers.provider.getNetwork();
      const domain = { name: "Eco Credit", version: "1", chainId, verifyingContract: await eco.getAddress() };
      const types = { Permit: [
        { name: "owner", type: "address" }, { name: "spender", type: "address" },
        { name: "value", type: "uint256" }, { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" }] };
      const nonce = await eco.nonces(owner.address);
      const sig = ethers.Signature.from(await owner.signTypedData(domain, types,
        { owner: owner.address, spender, value, nonce, deadline }));
      return [sig.v, sig.r, sig.s];
    }

    // The fixture after minting `minted` to holder, with `signer`'s permit of `value` for admin.
    async function permitted(minted, value, signer = "holder") {
      const f = await networkHelpers.loadFixture(deployFixture);
      await f.eco.connect(f.minter).mint(f.holder.address, minted);
      const deadline = (await networkHelpers.time.latest()) + 3600;
      const [v, r, s] = await signPermit(f.eco, f[signer], f.admin.address, value, deadline);
      return { ...f, deadline, v, r, s };
    }

    it("Should retire the owner's credits with its permit, in one transaction of the spender", async function () {
      const { eco, holder, stranger, admin, deadline, v, r, s } = await permitted(50n, 50n);
      await expect(eco.connect(admin).retireWithPermit(holder.address, 50n, stranger.address, "via permit", deadline, v, r, s))
        .to.emit(eco, "CreditsRetired")
        .withArgs(1n, holder.address, stranger.address, 50n, "via permit");
      expect(await eco.balanceOf(holder.address)).to.equal(0n);
      expect(await eco.allowance(holder.address, admin.address)).to.equal(0n);
      expect(await eco.totalSupply()).to.equal(0n);
    });

    it("Should still retire when the permit was front-run, and not retire twice with it", async function () {
      const { eco, holder, stranger, admin, deadline, v, r, s } = await permitted(80n, 40n);
      await eco.connect(stranger).permit(holder.address, admin.address, 40n, deadline, v, r, s);
      await eco.connect(admin).retireWithPermit(holder.address, 40n, stranger.address, "p", deadline, v, r, s);
      await expect(eco.connect(admin).retireWithPermit(holder.address, 40n, stranger.address, "p", deadline, v, r, s))
        .to.be.revertedWithCustomError(eco, "ERC20InsufficientAllowance")
        .withArgs(admin.address, 0n, 40n);
      expect(await eco.balanceOf(holder.address)).to.equal(40n);
    });

    it("Should not retire with a permit signed by someone else", async function () {
      const { eco, holder, stranger, admin, deadline, v, r, s } = await permitted(10n, 10n, "stranger");
      await expect(eco.connect(admin).retireWithPermit(holder.address, 10n, stranger.address, "", deadline, v, r, s))
        .to.be.revertedWithCustomError(eco, "ERC20InsufficientAllowance");
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

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signature } from "ethers";

import { Roles } from "../../config/roles";
import type { ComputeToken } from "../../typechain-types";
import { signPermit } from "../helpers/permit";

const CAP = ethers.parseEther("1000000000");
const GENESIS = ethers.parseEther("400000000");
const ONE_HOUR = 3600n;

async function deployTokenFixture() {
  const [admin, treasury, minter, alice, bob] = await ethers.getSigners();
  const manager = await ethers.deployContract("AccessManager", [admin.address]);
  const token = await ethers.deployContract("ComputeToken", [
    await manager.getAddress(),
    CAP,
    treasury.address,
    GENESIS,
  ]);
  const mintSelector = token.interface.getFunction("mint").selector;
  await manager.setTargetFunctionRole(await token.getAddress(), [mintSelector], Roles.MINTER);
  await manager.grantRole(Roles.MINTER, minter.address, 0);
  return { token, manager, admin, treasury, minter, alice, bob };
}

async function signDelegation(
  token: ComputeToken,
  signer: Awaited<ReturnType<typeof ethers.getSigner>>,
  delegatee: string,
  nonce: bigint,
  expiry: bigint,
): Promise<Signature> {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() };
  const types = {
    Delegation: [
      { name: "delegatee", type: "address" },
      { name: "nonce", type: "uint256" },
      { name: "expiry", type: "uint256" },
    ],
  };
  return ethers.Signature.from(await signer.signTypedData(domain, types, { delegatee, nonce, expiry }));
}

describe("ComputeToken", function () {
  describe("deployment", function () {
    it("mints the genesis supply to the treasury and records the cap", async function () {
      const { token, treasury } = await loadFixture(deployTokenFixture);
      expect(await token.name()).to.equal("Weft Compute Token");
      expect(await token.symbol()).to.equal("WEFT");
      expect(await token.decimals()).to.equal(18n);
      expect(await token.totalSupply()).to.equal(GENESIS);
      expect(await token.balanceOf(treasury.address)).to.equal(GENESIS);
      expect(await token.cap()).to.equal(CAP);
    });

    it("emits Transfer from the zero address for the genesis mint", async function () {
      const [admin, treasury] = await ethers.getSigners();
      const manager = await ethers.deployContract("AccessManager", [admin.address]);
      const token = await ethers.deployContract("ComputeToken", [manager.target, CAP, treasury.address, GENESIS]);
      await expect(token.deploymentTransaction())
        .to.emit(token, "Transfer")
        .withArgs(ethers.ZeroAddress, treasury.address, GENESIS);
    });

    it("reverts when the genesis supply exceeds the cap", async function () {
      const [admin, treasury] = await ethers.getSigners();
      const manager = await ethers.deployContract("AccessManager", [admin.address]);
      const factory = await ethers.getContractFactory("ComputeToken");
      await expect(factory.deploy(manager.target, CAP, treasury.address, CAP + 1n))
        .to.be.revertedWithCustomError(factory, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
    });

    it("reverts when the cap is zero", async function () {
      const [admin, treasury] = await ethers.getSigners();
      const manager = await ethers.deployContract("AccessManager", [admin.address]);
      const factory = await ethers.getContractFactory("ComputeToken");
      await expect(factory.deploy(manager.target, 0n, treasury.address, 0n))
        .to.be.revertedWithCustomError(factory, "ERC20InvalidCap")
        .withArgs(0n);
    });

    it("names its AccessManager as authority", async function () {
      const { token, manager } = await loadFixture(deployTokenFixture);
      expect(await token.authority()).to.equal(await manager.getAddress());
    });
  });

  describe("transfers", function () {
    it("moves tokens and emits Transfer", async function () {
      const { token, treasury, alice } = await loadFixture(deployTokenFixture);
      const amount = ethers.parseEther("10");
      await expect(token.connect(treasury).transfer(alice.address, amount))
        .to.emit(token, "Transfer")
        .withArgs(treasury.address, alice.address, amount);
      expect(await token.balanceOf(alice.address)).to.equal(amount);
    });

    it("reverts a transfer beyond the balance with ERC20InsufficientBalance", async function () {
      const { token, alice, bob } = await loadFixture(deployTokenFixture);
      await expect(token.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(alice.address, 0n, 1n);
    });

    it("moves allowances with transferFrom and emits Approval", async function () {
      const { token, treasury, alice, bob } = await loadFixture(deployTokenFixture);
      await expect(token.connect(treasury).approve(alice.address, 100n))
        .to.emit(token, "Approval")
        .withArgs(treasury.address, alice.address, 100n);
      await token.connect(alice).transferFrom(treasury.address, bob.address, 60n);
      expect(await token.allowance(treasury.address, alice.address)).to.equal(40n);
      await expect(token.connect(alice).transferFrom(treasury.address, bob.address, 41n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(alice.address, 40n, 41n);
    });
  });

  describe("minting", function () {
    it("lets the MINTER role mint and emits Transfer", async function () {
      const { token, minter, alice } = await loadFixture(deployTokenFixture);
      await expect(token.connect(minter).mint(alice.address, 5n))
        .to.emit(token, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, 5n);
      expect(await token.totalSupply()).to.equal(GENESIS + 5n);
    });

    it("mints exactly up to the cap", async function () {
      const { token, minter, alice } = await loadFixture(deployTokenFixture);
      await token.connect(minter).mint(alice.address, CAP - GENESIS);
      expect(await token.totalSupply()).to.equal(CAP);
    });

    it("reverts a mint past the cap with ERC20ExceededCap", async function () {
      const { token, minter, alice } = await loadFixture(deployTokenFixture);
      await expect(token.connect(minter).mint(alice.address, CAP - GENESIS + 1n))
        .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
    });

    it("reverts a mint by an account without the role with AccessManagedUnauthorized", async function () {
      const { token, alice } = await loadFixture(deployTokenFixture);
      await expect(token.connect(alice).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });

    it("stops minting for a minter whose role is revoked", async function () {
      const { token, manager, minter, alice } = await loadFixture(deployTokenFixture);
      await manager.revokeRole(Roles.MINTER, minter.address);
      await expect(token.connect(minter).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "AccessManagedUnauthorized")
        .withArgs(minter.address);
    });
  });

  describe("permit", function () {
    it("sets an allowance from a valid signature and bumps the nonce", async function () {
      const { token, treasury, alice } = await loadFixture(deployTokenFixture);
      const deadline = BigInt(await time.latest()) + ONE_HOUR;
      const sig = await signPermit(token, treasury, alice.address, 1000n, deadline);
      await expect(token.permit(treasury.address, alice.address, 1000n, deadline, sig.v, sig.r, sig.s))
        .to.emit(token, "Approval")
        .withArgs(treasury.address, alice.address, 1000n);
      expect(await token.allowance(treasury.address, alice.address)).to.equal(1000n);
      expect(await token.nonces(treasury.address)).to.equal(1n);
    });

    it("reverts an expired permit with ERC2612ExpiredSignature", async function () {
      const { token, treasury, alice } = await loadFixture(deployTokenFixture);
      const deadline = BigInt(await time.latest()) - 1n;
      const sig = await signPermit(token, treasury, alice.address, 1000n, deadline);
      await expect(token.permit(treasury.address, alice.address, 1000n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });

    it("reverts a permit signed by someone else with ERC2612InvalidSigner", async function () {
      const { token, treasury, alice, bob } = await loadFixture(deployTokenFixture);
      const deadline = BigInt(await time.latest()) + ONE_HOUR;
      const sig = await signPermit(token, bob, alice.address, 1000n, deadline, treasury.address);
      await expect(token.permit(treasury.address, alice.address, 1000n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs(bob.address, treasury.address);
    });

    it("reverts a replayed permit", async function () {
      const { token, treasury, alice } = await loadFixture(deployTokenFixture);
      const deadline = BigInt(await time.latest()) + ONE_HOUR;
      const sig = await signPermit(token, treasury, alice.address, 1000n, deadline);
      await token.permit(treasury.address, alice.address, 1000n, deadline, sig.v, sig.r, sig.s);
      // The nonce moved on, so the same signature now recovers to an unrelated address.
      await expect(
        token.permit(treasury.address, alice.address, 1000n, deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    });
  });

  describe("votes", function () {
    it("uses the timestamp clock (ERC-6372)", async function () {
      const { token } = await loadFixture(deployTokenFixture);
      expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await token.clock()).to.equal(BigInt(await time.latest()));
    });

    it("counts no votes until the holder delegates", async function () {
      const { token, treasury } = await loadFixture(deployTokenFixture);
      expect(await token.getVotes(treasury.address)).to.equal(0n);
      await expect(token.connect(treasury).delegate(treasury.address))
        .to.emit(token, "DelegateChanged")
        .withArgs(treasury.address, ethers.ZeroAddress, treasury.address)
        .and.to.emit(token, "DelegateVotesChanged")
        .withArgs(treasury.address, 0n, GENESIS);
      expect(await token.getVotes(treasury.address)).to.equal(GENESIS);
      expect(await token.delegates(treasury.address)).to.equal(treasury.address);
    });

    it("moves votes with transfers and reads past votes by timestamp", async function () {
      const { token, treasury, alice } = await loadFixture(deployTokenFixture);
      await token.connect(treasury).delegate(treasury.address);
      await token.connect(alice).delegate(alice.address);
      const before = await time.latest();
      await time.increase(100);
      await token.connect(treasury).transfer(alice.address, 700n);
      const after = await time.latest();
      await time.increase(1);
      expect(await token.getPastVotes(treasury.address, before)).to.equal(GENESIS);
      expect(await token.getPastVotes(alice.address, before)).to.equal(0n);
      expect(await token.getPastVotes(alice.address, after)).to.equal(700n);
      expect(await token.getPastTotalSupply(after)).to.equal(GENESIS);
    });

    it("reverts a lookup of the present or future with ERC5805FutureLookup", async function () {
      const { token, treasury } = await loadFixture(deployTokenFixture);
      const now = BigInt(await time.latest());
      await expect(token.getPastVotes(treasury.address, now + 10n))
        .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
        .withArgs(now + 10n, now);
    });

    it("delegates by signature", async function () {
      const { token, treasury, alice, bob } = await loadFixture(deployTokenFixture);
      const expiry = BigInt(await time.latest()) + ONE_HOUR;
      const sig = await signDelegation(token, treasury, alice.address, 0n, expiry);
      await expect(token.connect(bob).delegateBySig(alice.address, 0n, expiry, sig.v, sig.r, sig.s))
        .to.emit(token, "DelegateChanged")
        .withArgs(treasury.address, ethers.ZeroAddress, alice.address);
      expect(await token.getVotes(alice.address)).to.equal(GENESIS);
    });

    it("reverts an expired delegation signature with VotesExpiredSignature", async function () {
      const { token, treasury, alice } = await loadFixture(deployTokenFixture);
      const expiry = BigInt(await time.latest()) - 1n;
      const sig = await signDelegation(token, treasury, alice.address, 0n, expiry);
      await expect(token.delegateBySig(alice.address, 0n, expiry, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "VotesExpiredSignature")
        .withArgs(expiry);
    });

    it("reverts a replayed delegation signature with InvalidAccountNonce", async function () {
      const { token, treasury, alice } = await loadFixture(deployTokenFixture);
      const expiry = BigInt(await time.latest()) + ONE_HOUR;
      const sig = await signDelegation(token, treasury, alice.address, 0n, expiry);
      await token.delegateBySig(alice.address, 0n, expiry, sig.v, sig.r, sig.s);
      await expect(token.delegateBySig(alice.address, 0n, expiry, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "InvalidAccountNonce")
        .withArgs(treasury.address, 1n);
    });
  });
});

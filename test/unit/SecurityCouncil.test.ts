import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash } from "ethers";

const DAY = 86_400n;
const DELAY = 60n;
const BOOTSTRAP = 30n * DAY;

/**
 * A TimelockController administered by `admin` (who also proposes, as the governor would), and a SecurityCouncil of
 * `council` over it, holding CANCELLER_ROLE; `operation` is scheduled and pending.
 */
async function councilFixture() {
  const [admin, council, outsider] = await ethers.getSigners();
  const timelock = await ethers.deployContract("TimelockController", [DELAY, [admin.address], [ZeroAddress], admin]);
  const securityCouncil = await ethers.deployContract("SecurityCouncil", [
    await timelock.getAddress(),
    council.address,
    BOOTSTRAP,
  ]);
  await timelock.grantRole(ethers.id("CANCELLER_ROLE"), await securityCouncil.getAddress());
  const call = [outsider.address, 0n, "0x", ZeroHash, ZeroHash] as const;
  await timelock.schedule(...call, DELAY);
  const operation = await timelock.hashOperation(...call);
  await impersonateAccount(await timelock.getAddress());
  await setBalance(await timelock.getAddress(), ethers.parseEther("1"));
  const asTimelock = await ethers.getSigner(await timelock.getAddress());
  return { timelock, securityCouncil, admin, council, outsider, operation, asTimelock };
}

describe("SecurityCouncil", function () {
  describe("constructor", function () {
    it("sets the council, the timelock and the bootstrap's end, and says so in BootstrapEndSet", async function () {
      const { timelock, securityCouncil, council } = await loadFixture(councilFixture);
      const deployedAt = BigInt((await securityCouncil.deploymentTransaction()!.getBlock())!.timestamp);
      expect(await securityCouncil.council()).to.equal(council.address);
      expect(await securityCouncil.timelock()).to.equal(await timelock.getAddress());
      expect(await securityCouncil.bootstrapEnd()).to.equal(deployedAt + BOOTSTRAP);
      expect(await securityCouncil.isBootstrapActive()).to.equal(true);
      await expect(securityCouncil.deploymentTransaction())
        .to.emit(securityCouncil, "BootstrapEndSet")
        .withArgs(0n, deployedAt + BOOTSTRAP);
    });

    it("refuses a bootstrap shorter than MIN_BOOTSTRAP_DURATION or longer than MAX_BOOTSTRAP_DURATION", async function () {
      const { timelock, securityCouncil, council } = await loadFixture(councilFixture);
      const [min, max] = [
        await securityCouncil.MIN_BOOTSTRAP_DURATION(),
        await securityCouncil.MAX_BOOTSTRAP_DURATION(),
      ];
      expect([min, max]).to.deep.equal([DAY, 730n * DAY]);
      const factory = await ethers.getContractFactory("SecurityCouncil");
      for (const duration of [min - 1n, max + 1n]) {
        await expect(factory.deploy(await timelock.getAddress(), council.address, duration))
          .to.be.revertedWithCustomError(securityCouncil, "BootstrapDurationOutOfBounds")
          .withArgs(duration, min, max);
      }
      for (const duration of [min, max]) await factory.deploy(await timelock.getAddress(), council.address, duration);
    });

    it("refuses a zero timelock or council", async function () {
      const { timelock, securityCouncil, council } = await loadFixture(councilFixture);
      const factory = await ethers.getContractFactory("SecurityCouncil");
      await expect(factory.deploy(ZeroAddress, council.address, BOOTSTRAP)).to.be.revertedWithCustomError(
        securityCouncil,
        "ZeroAddress",
      );
      await expect(factory.deploy(await timelock.getAddress(), ZeroAddress, BOOTSTRAP)).to.be.revertedWithCustomError(
        securityCouncil,
        "ZeroAddress",
      );
    });
  });

  describe("cancel", function () {
    it("cancels a pending timelock operation for the council", async function () {
      const { timelock, securityCouncil, council, operation } = await loadFixture(councilFixture);
      await expect(securityCouncil.connect(council).cancel(operation))
        .to.emit(securityCouncil, "OperationCancelled")
        .withArgs(operation)
        .and.to.emit(timelock, "Cancelled")
        .withArgs(operation);
      expect(await timelock.isOperation(operation)).to.equal(false);
    });

    it("refuses anyone but the council", async function () {
      const { securityCouncil, admin, outsider, operation } = await loadFixture(councilFixture);
      for (const caller of [admin, outsider]) {
        await expect(securityCouncil.connect(caller).cancel(operation))
          .to.be.revertedWithCustomError(securityCouncil, "CallerNotCouncil")
          .withArgs(caller.address, await securityCouncil.council());
      }
    });

    it("refuses once the bootstrap's end is reached", async function () {
      const { timelock, securityCouncil, council, operation } = await loadFixture(councilFixture);
      const end = await securityCouncil.bootstrapEnd();
      await time.setNextBlockTimestamp(end);
      await expect(securityCouncil.connect(council).cancel(operation))
        .to.be.revertedWithCustomError(securityCouncil, "BootstrapOver")
        .withArgs(end, end);
      expect(await timelock.isOperationPending(operation)).to.equal(true);
    });

    it("cannot cancel an operation that is not pending (the timelock refuses)", async function () {
      const { timelock, securityCouncil, council } = await loadFixture(councilFixture);
      await expect(securityCouncil.connect(council).cancel(ethers.id("never scheduled"))).to.be.revertedWithCustomError(
        timelock,
        "TimelockUnexpectedOperationState",
      );
    });
  });

  describe("endBootstrap", function () {
    it("ends the bootstrap now for the timelock, after which the council cannot cancel", async function () {
      const { securityCouncil, council, operation, asTimelock } = await loadFixture(councilFixture);
      const planned = await securityCouncil.bootstrapEnd();
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      await expect(securityCouncil.connect(asTimelock).endBootstrap())
        .to.emit(securityCouncil, "BootstrapEndSet")
        .withArgs(planned, now);
      expect(await securityCouncil.bootstrapEnd()).to.equal(now);
      expect(await securityCouncil.isBootstrapActive()).to.equal(false);
      await expect(securityCouncil.connect(council).cancel(operation)).to.be.revertedWithCustomError(
        securityCouncil,
        "BootstrapOver",
      );
    });

    it("refuses anyone but the timelock, the council included", async function () {
      const { timelock, securityCouncil, admin, council } = await loadFixture(councilFixture);
      for (const caller of [admin, council]) {
        await expect(securityCouncil.connect(caller).endBootstrap())
          .to.be.revertedWithCustomError(securityCouncil, "CallerNotTimelock")
          .withArgs(caller.address, await timelock.getAddress());
      }
    });

    it("refuses once the bootstrap is over: its end never moves later", async function () {
      const { securityCouncil, asTimelock } = await loadFixture(councilFixture);
      const end = await securityCouncil.bootstrapEnd();
      await time.setNextBlockTimestamp(end + 5n);
      await expect(securityCouncil.connect(asTimelock).endBootstrap())
        .to.be.revertedWithCustomError(securityCouncil, "BootstrapOver")
        .withArgs(end, end + 5n);
      expect(await securityCouncil.bootstrapEnd()).to.equal(end);
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DAY, GPU_PROFILE, JAIL_DURATION, UNBONDING_PERIOD, deployRegistryFixture } from "../../fixtures/registry";
import {
  STAKE,
  COLLATERAL,
  JOB,
  OTHER_JOB,
  BPS,
  stakedFixture,
  lockedFixture,
  entriesOf,
  expectConserved,
  accountOf,
  expectAccounting,
  reentrantStakeFixture,
} from "./fixture";

describe("ProviderRegistry: slashing", function () {
  describe("slash", function () {
    it("releases the job's collateral and takes exactly it with a zero stake share", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(lockedFixture);
      expect(await registry.slashAmount(alice.address, COLLATERAL, 0n)).to.equal(COLLATERAL);
      expect(
        await registry
          .connect(disputes)
          .slash.staticCall(alice.address, JOB, COLLATERAL, 0n, [outsider.address], [10_000]),
      ).to.equal(COLLATERAL);
      const tx = await registry
        .connect(disputes)
        .slash(alice.address, JOB, COLLATERAL, 0n, [outsider.address], [10_000]);
      const jailedUntil = BigInt(await time.latest()) + JAIL_DURATION;
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, COLLATERAL, COLLATERAL);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(alice.address, JOB, outsider.address, COLLATERAL);
      await expect(tx).to.emit(registry, "Jailed").withArgs(alice.address, jailedUntil);
      await expect(tx).not.to.emit(registry, "CollateralDebtIncurred");
      await expect(tx).not.to.emit(registry, "CollateralDebtRepaid");
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [COLLATERAL, -COLLATERAL]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([STAKE - COLLATERAL, 0n, 0n, 0n]);
      const state = await registry.providerState(alice.address);
      expect(state.jailedUntil).to.equal(jailedUntil);
      expect(state.jobsSlashed).to.equal(1n);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("takes the collateral plus the stake share of the rest of the stake, from free stake first", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(lockedFixture);
      // 1,000 collateral + 50% of the other 9,000.
      const amount = ethers.parseEther("5500");
      expect(await registry.slashAmount(alice.address, COLLATERAL, 5_000n)).to.equal(amount);
      const tx = registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 5_000n, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, amount, amount);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [amount, -amount]);
      await expect(tx).not.to.emit(registry, "CollateralDebtIncurred");
      expect(await accountOf(registry, alice.address)).to.deep.equal([STAKE - amount, 0n, 0n, 0n]);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("takes free stake, then unbonding entries newest first, leaving the oldest", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(lockedFixture);
      await registry.connect(alice).requestUnbond(ethers.parseEther("3000"));
      const [[, firstMaturity]] = await entriesOf(registry, alice.address);
      await registry.connect(alice).requestUnbond(ethers.parseEther("2000"));
      await registry.connect(alice).requestUnbond(ethers.parseEther("1000"));
      // staked 4,000 (1,000 of it locked for JOB), unbonding 3,000 + 2,000 + 1,000: 1,000 + 60% of 9,000.
      const amount = ethers.parseEther("6400");
      expect(await registry.slashAmount(alice.address, COLLATERAL, 6_000n)).to.equal(amount);
      const tx = registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 6_000n, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, amount, amount);
      await expect(tx).to.changeTokenBalance(token, outsider, amount);
      // 4,000 of staked (the released collateral included), then the newest 1,000 and 1,400 of the 2,000 entry.
      const entries = await entriesOf(registry, alice.address);
      expect(entries.map(([a]) => a)).to.deep.equal([ethers.parseEther("3000"), ethers.parseEther("600")]);
      expect(entries[0][1]).to.equal(firstMaturity);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, ethers.parseEther("3600"), 0n]);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("removes the unbonding entry a slash takes exactly, leaving no empty entry behind", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(lockedFixture);
      for (const amount of ["3000", "1500", "1000"])
        await registry.connect(alice).requestUnbond(ethers.parseEther(amount));
      // staked 4,500 (1,000 of it locked for JOB), unbonding 5,500: 1,000 + 50% of 9,000 = 5,500, which is the
      // free stake after JOB's release (4,500) and then the newest entry, 1,000, exactly.
      const amount = ethers.parseEther("5500");
      expect(await registry.slashAmount(alice.address, COLLATERAL, 5_000n)).to.equal(amount);
      await registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 5_000n, [outsider.address], [10_000]);
      const entries = await entriesOf(registry, alice.address);
      expect(entries.map(([a]) => a)).to.deep.equal([ethers.parseEther("3000"), ethers.parseEther("1500")]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, ethers.parseEther("4500"), 0n]);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("takes everything with a 100% stake share: free, unbonding and the other jobs' locks", async function () {
      const { registry, token, escrow, disputes, alice, outsider } = await loadFixture(lockedFixture);
      const otherCollateral = ethers.parseEther("2000");
      await registry.connect(escrow).lockCollateral(alice.address, otherCollateral);
      await registry.connect(alice).requestUnbond(ethers.parseEther("2000"));
      expect(await registry.slashAmount(alice.address, COLLATERAL, BPS)).to.equal(STAKE);
      expect(
        await registry
          .connect(disputes)
          .slash.staticCall(alice.address, JOB, COLLATERAL, BPS, [outsider.address], [10_000]),
      ).to.equal(STAKE);
      const tx = registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, BPS, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, STAKE, STAKE);
      await expect(tx)
        .to.emit(registry, "CollateralDebtIncurred")
        .withArgs(alice.address, JOB, otherCollateral, otherCollateral);
      await expect(tx).to.changeTokenBalance(token, outsider, STAKE);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, otherCollateral]);
      expect(await registry.unbondingEntries(alice.address)).to.deep.equal([]);
      expect(await registry.totalStake()).to.equal(STAKE); // bob's
      await expectAccounting(registry, token, { [alice.address]: otherCollateral });
    });

    it("splits what it takes by shares and gives the rounding dust to the last recipient", async function () {
      const { registry, token, escrow, disputes, bob, treasury, outsider, carol } = await loadFixture(stakedFixture);
      await registry.connect(escrow).lockCollateral(bob.address, 1001n);
      const recipients = [outsider.address, carol.address, treasury.address];
      const tx = registry.connect(disputes).slash(bob.address, JOB, 1001n, 0n, recipients, [3333, 3333, 3334]);
      // 1001 * 3333 / 10000 = 333 (rounded down) twice; the last gets 1001 - 666 = 335.
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, outsider.address, 333n);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, carol.address, 333n);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, treasury.address, 335n);
      await expect(tx).to.changeTokenBalances(token, [outsider, carol, treasury, registry], [333n, 333n, 335n, -1001n]);
      await expectConserved(registry, token);
    });

    it("pays exactly MAX_SLASH_RECIPIENTS (8) recipients, the last one the rounding dust", async function () {
      const { registry, token, escrow, disputes, bob } = await loadFixture(stakedFixture);
      expect(await registry.MAX_SLASH_RECIPIENTS()).to.equal(8n);
      const recipients = (await ethers.getSigners()).slice(9, 17).map((signer) => signer.address);
      await registry.connect(escrow).lockCollateral(bob.address, 1001n);
      const tx = registry.connect(disputes).slash(bob.address, JOB, 1001n, 0n, recipients, Array(8).fill(1250));
      // 1001 * 1250 / 10000 = 125 (rounded down) seven times; the last gets 1001 - 875 = 126.
      for (const recipient of recipients.slice(0, 7)) {
        await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, recipient, 125n);
      }
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, recipients[7], 126n);
      await expect(tx).to.changeTokenBalances(token, [...recipients, registry], [...Array(7).fill(125n), 126n, -1001n]);
      await expectConserved(registry, token);
    });

    it("pays a zero share without a transfer", async function () {
      const { registry, token, escrow, disputes, bob, outsider, carol } = await loadFixture(stakedFixture);
      await registry.connect(escrow).lockCollateral(bob.address, 1n);
      const tx = registry
        .connect(disputes)
        .slash(bob.address, JOB, 1n, 0n, [outsider.address, carol.address], [5000, 5000]);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, outsider.address, 0n);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, carol.address, 1n);
      await expect(tx).to.changeTokenBalances(token, [outsider, carol], [0n, 1n]);
    });

    it("still reaches a provider who requested unbonding right after finishing a job", async function () {
      const { registry, token, escrow, disputes, alice, outsider } = await loadFixture(lockedFixture);
      await registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL);
      await registry.connect(alice).requestUnbond(STAKE);
      await time.increase(UNBONDING_PERIOD - DAY); // the dispute lands before the entry matures
      // No collateral left: the stake share alone, 10% of the 10,000 unbonding.
      const tx = registry.connect(disputes).slash(alice.address, JOB, 0n, 1_000n, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, COLLATERAL, COLLATERAL);
      await expect(tx).to.changeTokenBalance(token, outsider, COLLATERAL);
      expect((await registry.providerState(alice.address)).unbonding).to.equal(STAKE - COLLATERAL);
      await time.increase(DAY);
      await expect(registry.connect(alice).withdraw())
        .to.emit(registry, "Withdrawn")
        .withArgs(alice.address, STAKE - COLLATERAL);
      await expectConserved(registry, token);
    });

    it("slashes a provider with nothing left: takes zero but still jails and counts", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      expect(await registry.slashAmount(alice.address, 0n, BPS)).to.equal(0n);
      const tx = registry.connect(disputes).slash(alice.address, JOB, 0n, BPS, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, 0n, 0n);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(alice.address, JOB, outsider.address, 0n);
      await expect(tx).to.emit(registry, "Jailed");
      await expect(tx).to.not.emit(token, "Transfer");
      expect((await registry.providerState(alice.address)).jobsSlashed).to.equal(1n);
    });

    it("never shortens an existing jail, and the provider can accept jobs again once it ends", async function () {
      const { registry, governance, disputes, bob, outsider } = await loadFixture(stakedFixture);
      await registry.connect(disputes).slash(bob.address, JOB, 0n, 1n, [outsider.address], [10_000]);
      const firstJail = (await registry.providerState(bob.address)).jailedUntil;
      await registry.connect(governance).setJailDuration(60n);
      await expect(registry.connect(disputes).slash(bob.address, OTHER_JOB, 0n, 1n, [outsider.address], [10_000]))
        .to.emit(registry, "Jailed")
        .withArgs(bob.address, firstJail);
      expect((await registry.providerState(bob.address)).jobsSlashed).to.equal(2n);
      await time.increaseTo(firstJail - 1n);
      expect(await registry.canAcceptJobs(bob.address)).to.equal(false);
      await time.increaseTo(firstJail);
      expect(await registry.canAcceptJobs(bob.address)).to.equal(true);
      // A later slash with the shorter duration extends from now.
      const tx = await registry.connect(disputes).slash(bob.address, 3n, 0n, 1n, [outsider.address], [10_000]);
      await expect(tx)
        .to.emit(registry, "Jailed")
        .withArgs(bob.address, BigInt(await time.latest()) + 60n);
    });

    for (const [name, recipientCount, shares, total] of [
      ["recipients and shares differ in length", 2, [10_000], 10_000n],
      ["shares do not add up to 10,000 bps", 2, [5000, 4999], 9999n],
      ["there are no recipients", 0, [], 0n],
      ["there are more than 8 recipients", 9, [...Array(8).fill(1111), 1112], 10_000n],
    ] as const) {
      it(`reverts when ${name}`, async function () {
        const { registry, disputes, alice, outsider } = await loadFixture(lockedFixture);
        const recipients = Array(recipientCount).fill(outsider.address);
        await expect(registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 1n, recipients, [...shares]))
          .to.be.revertedWithCustomError(registry, "InvalidSlashSplit")
          .withArgs(recipientCount, shares.length, total);
      });
    }

    it("reverts a stake share above 100% with ParameterOutOfBounds, before anything moves", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(lockedFixture);
      await expect(
        registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, BPS + 1n, [outsider.address], [10_000]),
      )
        .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
        .withArgs(BPS + 1n, 0n, BPS);
      expect(await accountOf(registry, alice.address)).to.deep.equal([STAKE, COLLATERAL, 0n, 0n]);
      await expectConserved(registry, token);
    });

    it("reverts when a recipient is the zero address", async function () {
      const { registry, disputes, alice, outsider } = await loadFixture(lockedFixture);
      await expect(
        registry
          .connect(disputes)
          .slash(alice.address, JOB, COLLATERAL, 1n, [outsider.address, ethers.ZeroAddress], [5000, 5000]),
      ).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("reverts when the provider is not registered", async function () {
      const { registry, disputes, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(disputes).slash(outsider.address, OTHER_JOB, 0n, 1n, [outsider.address], [10_000]))
        .to.be.revertedWithCustomError(registry, "ProviderNotRegistered")
        .withArgs(outsider.address);
    });

    it("reverts when releasing more collateral than the provider has locked (another provider's job)", async function () {
      const { registry, disputes, bob, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(disputes).slash(bob.address, JOB, COLLATERAL, 1n, [outsider.address], [10_000]))
        .to.be.revertedWithCustomError(registry, "ReleaseExceedsLocked")
        .withArgs(bob.address, 0n, COLLATERAL);
    });

    it("refuses a call re-entered from the stake token's transfer of a share with ReentrancyGuardReentrantCall", async function () {
      const { token, registry, disputes, alice, outsider, reentry, guarded } = await loadFixture(reentrantStakeFixture);
      await token.arm(await registry.getAddress(), reentry);
      const tx = registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 0n, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, COLLATERAL, COLLATERAL);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [COLLATERAL, -COLLATERAL]);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect(await token.lastReentryError()).to.equal(guarded);
      expect(await accountOf(registry, alice.address)).to.deep.equal([STAKE - COLLATERAL, 0n, 0n, 0n]);
    });

    it("reverts for a caller without the DISPUTES role", async function () {
      const { registry, escrow, alice, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(escrow).slash(alice.address, JOB, COLLATERAL, 1n, [outsider.address], [10_000]))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(escrow.address);
    });
  });
});

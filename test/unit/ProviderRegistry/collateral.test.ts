import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  STAKE,
  COLLATERAL,
  JOB,
  OTHER_JOB,
  BPS,
  UINT96_MAX,
  stakedFixture,
  lockedFixture,
  expectConserved,
  accountOf,
  expectAccounting,
  reentrantStakeFixture,
} from "./fixture";
import { GPU_PROFILE, MIN_PROVIDER_STAKE } from "../../fixtures/registry";

describe("ProviderRegistry: collateral", function () {
  describe("lockCollateral", function () {
    it("locks free stake for a job", async function () {
      const { registry, escrow, alice } = await loadFixture(stakedFixture);
      await registry.connect(escrow).lockCollateral(alice.address, COLLATERAL);
      expect((await registry.providerState(alice.address)).locked).to.equal(COLLATERAL);
      expect((await registry.providerState(alice.address)).staked).to.equal(STAKE);
      expect(await registry.freeStake(alice.address)).to.equal(STAKE - COLLATERAL);
    });

    it("locks exactly all the free stake", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await registry.connect(escrow).lockCollateral(alice.address, STAKE - COLLATERAL);
      expect(await registry.freeStake(alice.address)).to.equal(0n);
    });

    it("reverts when the amount is zero", async function () {
      const { registry, escrow, alice } = await loadFixture(stakedFixture);
      await expect(registry.connect(escrow).lockCollateral(alice.address, 0n)).to.be.revertedWithCustomError(
        registry,
        "ZeroAmount",
      );
    });

    it("reverts when the amount exceeds the per-job maximum", async function () {
      const { registry, escrow, alice } = await loadFixture(stakedFixture);
      await expect(registry.connect(escrow).lockCollateral(alice.address, UINT96_MAX + 1n))
        .to.be.revertedWithCustomError(registry, "AmountTooLarge")
        .withArgs(UINT96_MAX + 1n);
    });

    it("lets a collateral of exactly MAX_JOB_COLLATERAL past the size check, to the free-stake check, and cuts one wei more", async function () {
      const { registry, escrow, alice } = await loadFixture(stakedFixture);
      expect(await registry.MAX_JOB_COLLATERAL()).to.equal(UINT96_MAX);
      await expect(registry.connect(escrow).lockCollateral(alice.address, UINT96_MAX))
        .to.be.revertedWithCustomError(registry, "InsufficientFreeStake")
        .withArgs(alice.address, STAKE, UINT96_MAX);
      await expect(registry.connect(escrow).lockCollateral(alice.address, UINT96_MAX + 1n))
        .to.be.revertedWithCustomError(registry, "AmountTooLarge")
        .withArgs(UINT96_MAX + 1n);
    });

    it("adds each lock to the provider's locked total, keeping no record per job (the escrow holds it)", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await registry.connect(escrow).lockCollateral(alice.address, COLLATERAL);
      expect((await registry.providerState(alice.address)).locked).to.equal(2n * COLLATERAL);
      await registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL);
      expect((await registry.providerState(alice.address)).locked).to.equal(COLLATERAL);
    });

    it("reverts ProviderNotEligible when the provider is not registered", async function () {
      const { registry, escrow, outsider } = await loadFixture(stakedFixture);
      await expect(registry.connect(escrow).lockCollateral(outsider.address, 1n))
        .to.be.revertedWithCustomError(registry, "ProviderNotEligible")
        .withArgs(outsider.address);
    });

    it("reverts ProviderNotEligible for an unregistered provider even at a zero minimum stake, and InsufficientFreeStake for a registered one without stake", async function () {
      const { registry, escrow, governance, carol, outsider } = await loadFixture(stakedFixture);
      await registry.connect(governance).setMinProviderStake(0n);
      await expect(registry.connect(escrow).lockCollateral(outsider.address, 1n))
        .to.be.revertedWithCustomError(registry, "ProviderNotEligible")
        .withArgs(outsider.address);
      await registry.connect(carol).register(GPU_PROFILE);
      await expect(registry.connect(escrow).lockCollateral(carol.address, 1n))
        .to.be.revertedWithCustomError(registry, "InsufficientFreeStake")
        .withArgs(carol.address, 0n, 1n);
    });

    it("reverts ProviderNotEligible while the provider is jailed, and locks again once the jail ends", async function () {
      const { registry, escrow, disputes, alice, outsider } = await loadFixture(stakedFixture);
      await registry.connect(disputes).slash(alice.address, JOB, 0n, 0n, [outsider.address], [10_000]);
      const { jailedUntil } = await registry.providerState(alice.address);
      await time.setNextBlockTimestamp(jailedUntil - 1n);
      await expect(registry.connect(escrow).lockCollateral(alice.address, COLLATERAL))
        .to.be.revertedWithCustomError(registry, "ProviderNotEligible")
        .withArgs(alice.address);
      await registry.connect(escrow).lockCollateral(alice.address, COLLATERAL);
      await registry.connect(escrow).lockCollateral(alice.address, COLLATERAL);
      expect((await registry.providerState(alice.address)).locked).to.equal(2n * COLLATERAL);
    });

    it("reverts ProviderNotEligible for a provider jailed again after a lock saw its first jail end", async function () {
      const { registry, escrow, disputes, alice, outsider } = await loadFixture(stakedFixture);
      await registry.connect(disputes).slash(alice.address, JOB, 0n, 0n, [outsider.address], [10_000]);
      await time.increaseTo((await registry.providerState(alice.address)).jailedUntil);
      await registry.connect(escrow).lockCollateral(alice.address, COLLATERAL);
      await registry.connect(disputes).slash(alice.address, JOB, 0n, 0n, [outsider.address], [10_000]);
      await expect(registry.connect(escrow).lockCollateral(alice.address, COLLATERAL))
        .to.be.revertedWithCustomError(registry, "ProviderNotEligible")
        .withArgs(alice.address);
    });

    it("reverts ProviderNotEligible below the minimum provider stake, locked stake counted", async function () {
      const { registry, escrow, alice } = await loadFixture(stakedFixture);
      await registry.connect(alice).requestUnbond(STAKE - MIN_PROVIDER_STAKE + 1n);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
      await expect(registry.connect(escrow).lockCollateral(alice.address, 1n))
        .to.be.revertedWithCustomError(registry, "ProviderNotEligible")
        .withArgs(alice.address);
    });

    it("reverts when the provider lacks free stake", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await expect(registry.connect(escrow).lockCollateral(alice.address, STAKE))
        .to.be.revertedWithCustomError(registry, "InsufficientFreeStake")
        .withArgs(alice.address, STAKE - COLLATERAL, STAKE);
    });

    it("reverts for a caller without the ESCROW role", async function () {
      const { registry, alice } = await loadFixture(stakedFixture);
      await expect(registry.connect(alice).lockCollateral(alice.address, 1n))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });
  });

  describe("unlockCollateral", function () {
    it("releases the job's collateral to free stake and counts a completed job", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      const tx = registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL);
      await expect(tx).not.to.emit(registry, "CollateralDebtRepaid");
      const state = await registry.providerState(alice.address);
      expect(state.locked).to.equal(0n);
      expect(state.staked).to.equal(STAKE);
      expect(state.jobsCompleted).to.equal(1n);
    });

    it("reverts when releasing more than the provider has locked (a second unlock of the same job)", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL);
      await expect(registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL))
        .to.be.revertedWithCustomError(registry, "ReleaseExceedsLocked")
        .withArgs(alice.address, 0n, COLLATERAL);
    });

    it("reverts for a caller without the ESCROW role", async function () {
      const { registry, disputes, alice } = await loadFixture(lockedFixture);
      await expect(registry.connect(disputes).unlockCollateral(alice.address, JOB, COLLATERAL))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(disputes.address);
    });
  });

  describe("forfeitCollateral", function () {
    it("pays part of the collateral to the recipient, releases the rest and counts a timeout", async function () {
      const { registry, token, escrow, alice, outsider } = await loadFixture(lockedFixture);
      const penalty = COLLATERAL / 4n;
      expect(
        await registry
          .connect(escrow)
          .forfeitCollateral.staticCall(alice.address, JOB, COLLATERAL, penalty, outsider.address),
      ).to.equal(penalty);
      const tx = registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, penalty, outsider.address);
      await expect(tx).not.to.emit(registry, "CollateralDebtRepaid");
      await expect(tx).to.emit(registry, "CollateralForfeited").withArgs(alice.address, JOB, penalty, outsider.address);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [penalty, -penalty]);
      const state = await registry.providerState(alice.address);
      expect(state.staked).to.equal(STAKE - penalty);
      expect(state.locked).to.equal(0n);
      expect(state.jobsTimedOut).to.equal(1n);
      expect(await registry.totalStake()).to.equal(2n * STAKE - penalty);
      await expectConserved(registry, token);
    });

    it("forfeits the whole collateral", async function () {
      const { registry, token, escrow, alice, outsider } = await loadFixture(lockedFixture);
      await expect(
        registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, COLLATERAL, outsider.address),
      ).to.changeTokenBalance(token, outsider, COLLATERAL);
      expect(await registry.freeStake(alice.address)).to.equal(STAKE - COLLATERAL);
    });

    it("with a zero penalty, only releases the collateral and counts the timeout", async function () {
      const { registry, token, escrow, alice, outsider } = await loadFixture(lockedFixture);
      const tx = registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, 0n, outsider.address);
      await expect(tx).to.emit(registry, "CollateralForfeited").withArgs(alice.address, JOB, 0n, outsider.address);
      await expect(tx).to.not.emit(token, "Transfer");
      expect(await registry.freeStake(alice.address)).to.equal(STAKE);
      expect((await registry.providerState(alice.address)).jobsTimedOut).to.equal(1n);
    });

    it("reverts when the recipient is the zero address", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await expect(
        registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, 1n, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("reverts when releasing more than the provider has locked", async function () {
      const { registry, escrow, bob, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(escrow).forfeitCollateral(bob.address, OTHER_JOB, 1n, 1n, outsider.address))
        .to.be.revertedWithCustomError(registry, "ReleaseExceedsLocked")
        .withArgs(bob.address, 0n, 1n);
    });

    it("reverts when the penalty exceeds the job's collateral", async function () {
      const { registry, escrow, alice, outsider } = await loadFixture(lockedFixture);
      await expect(
        registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, COLLATERAL + 1n, outsider.address),
      )
        .to.be.revertedWithCustomError(registry, "ForfeitExceedsCollateral")
        .withArgs(JOB, COLLATERAL + 1n, COLLATERAL);
    });

    it("reverts for a caller without the ESCROW role", async function () {
      const { registry, alice, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(outsider).forfeitCollateral(alice.address, JOB, COLLATERAL, 1n, outsider.address))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });

    it("refuses a call re-entered from the stake token's transfer of the penalty with ReentrancyGuardReentrantCall", async function () {
      const { token, registry, escrow, alice, outsider, reentry, guarded } = await loadFixture(reentrantStakeFixture);
      await token.arm(await registry.getAddress(), reentry);
      const penalty = COLLATERAL / 4n;
      const tx = registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, penalty, outsider.address);
      await expect(tx).to.emit(registry, "CollateralForfeited").withArgs(alice.address, JOB, penalty, outsider.address);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [penalty, -penalty]);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect(await token.lastReentryError()).to.equal(guarded);
      expect(await accountOf(registry, alice.address)).to.deep.equal([STAKE - penalty, 0n, 0n, 0n]);
    });
  });

  describe("collateral debt", function () {
    const OTHER_COLLATERAL = ethers.parseEther("6000");

    /**
     * lockedFixture, plus OTHER_COLLATERAL of alice's locked for OTHER_JOB and 1,000 then 500 requested for unbonding:
     * staked 8,500 (7,000 of it locked), unbonding 1,500, free 1,500.
     */
    async function otherJobFixture() {
      const f = await lockedFixture();
      await f.registry.connect(f.escrow).lockCollateral(f.alice.address, OTHER_COLLATERAL);
      await f.registry.connect(f.alice).requestUnbond(ethers.parseEther("1000"));
      await f.registry.connect(f.alice).requestUnbond(ethers.parseEther("500"));
      return f;
    }

    /** otherJobFixture after JOB's slash at a 50% share, which took 1,500 of OTHER_JOB's lock as debt. */
    async function indebtedFixture() {
      const f = await otherJobFixture();
      await f.registry
        .connect(f.disputes)
        .slash(f.alice.address, JOB, COLLATERAL, 5_000n, [f.outsider.address], [10_000]);
      return f;
    }

    it("takes from free stake, then unbonding newest first, then other jobs' locks, which become debt", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(otherJobFixture);
      expect(await accountOf(registry, alice.address)).to.deep.equal([
        ethers.parseEther("8500"),
        COLLATERAL + OTHER_COLLATERAL,
        ethers.parseEther("1500"),
        0n,
      ]);
      await expectAccounting(registry, token, { [alice.address]: COLLATERAL + OTHER_COLLATERAL });
      // 1,000 collateral + 50% of (8,500 + 1,500 - 1,000): 2,500 free (the released collateral included), the 1,500
      // unbonding (the newest 500, then 1,000), and 1,500 of OTHER_JOB's lock.
      const amount = ethers.parseEther("5500");
      const debt = ethers.parseEther("1500");
      expect(await registry.slashAmount(alice.address, COLLATERAL, 5_000n)).to.equal(amount);
      const tx = registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 5_000n, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, amount, amount);
      await expect(tx).to.emit(registry, "CollateralDebtIncurred").withArgs(alice.address, JOB, debt, debt);
      await expect(tx).not.to.emit(registry, "CollateralDebtRepaid");
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [amount, -amount]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([
        ethers.parseEther("4500"),
        ethers.parseEther("4500"),
        0n,
        debt,
      ]);
      expect(await registry.unbondingEntries(alice.address)).to.deep.equal([]);
      expect(await registry.freeStake(alice.address)).to.equal(0n);
      expect(await registry.totalStake()).to.equal(STAKE + ethers.parseEther("4500"));
      // OTHER_JOB is still running: its 6,000 of collateral is the 4,500 locked plus the 1,500 owed.
      await expectAccounting(registry, token, { [alice.address]: OTHER_COLLATERAL });
    });

    it("refuses an indebted provider new locks with ProviderNotEligible, however much it stakes", async function () {
      const { registry, escrow, alice } = await loadFixture(indebtedFixture);
      // Past the slash's jail: the debt alone refuses it.
      await time.increaseTo((await registry.providerState(alice.address)).jailedUntil);
      await registry.connect(alice).stake(STAKE);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
      await expect(registry.connect(escrow).lockCollateral(alice.address, 1n))
        .to.be.revertedWithCustomError(registry, "ProviderNotEligible")
        .withArgs(alice.address);
    });

    it("pays the debt back first when another job's collateral is unlocked, and frees only the rest", async function () {
      const { registry, token, escrow, alice } = await loadFixture(indebtedFixture);
      const tx = registry.connect(escrow).unlockCollateral(alice.address, OTHER_JOB, OTHER_COLLATERAL);
      await expect(tx)
        .to.emit(registry, "CollateralDebtRepaid")
        .withArgs(alice.address, OTHER_JOB, ethers.parseEther("1500"), 0n);
      await expect(tx).not.to.emit(token, "Transfer");
      expect(await accountOf(registry, alice.address)).to.deep.equal([ethers.parseEther("4500"), 0n, 0n, 0n]);
      expect(await registry.freeStake(alice.address)).to.equal(ethers.parseEther("4500"));
      expect((await registry.providerState(alice.address)).jobsCompleted).to.equal(1n);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("pays the debt back first on a forfeit, then pays the penalty out of the free stake", async function () {
      const { registry, token, escrow, alice, outsider } = await loadFixture(indebtedFixture);
      const penalty = OTHER_COLLATERAL / 10n;
      expect(
        await registry
          .connect(escrow)
          .forfeitCollateral.staticCall(alice.address, OTHER_JOB, OTHER_COLLATERAL, penalty, outsider.address),
      ).to.equal(penalty);
      const tx = registry
        .connect(escrow)
        .forfeitCollateral(alice.address, OTHER_JOB, OTHER_COLLATERAL, penalty, outsider.address);
      await expect(tx)
        .to.emit(registry, "CollateralDebtRepaid")
        .withArgs(alice.address, OTHER_JOB, ethers.parseEther("1500"), 0n);
      await expect(tx)
        .to.emit(registry, "CollateralForfeited")
        .withArgs(alice.address, OTHER_JOB, penalty, outsider.address);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [penalty, -penalty]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([ethers.parseEther("3900"), 0n, 0n, 0n]);
      expect((await registry.providerState(alice.address)).jobsTimedOut).to.equal(1n);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("caps a forfeit's penalty at the free stake left once the debt is repaid, and reports what it paid", async function () {
      const { registry, token, escrow, disputes, alice, outsider } = await loadFixture(lockedFixture);
      // All of alice's stake locked: JOB's 1,000 and 9,000 for OTHER_JOB.
      const otherCollateral = STAKE - COLLATERAL;
      await registry.connect(escrow).lockCollateral(alice.address, otherCollateral);
      // JOB's slash at 10%: 1,000 + 10% of 9,000 = 1,900, of which 900 from OTHER_JOB's lock.
      const slashTx = registry
        .connect(disputes)
        .slash(alice.address, JOB, COLLATERAL, 1_000n, [outsider.address], [10_000]);
      await expect(slashTx)
        .to.emit(registry, "Slashed")
        .withArgs(alice.address, JOB, ethers.parseEther("1900"), ethers.parseEther("1900"));
      const debt = ethers.parseEther("900");
      await expect(slashTx).to.emit(registry, "CollateralDebtIncurred").withArgs(alice.address, JOB, debt, debt);
      expect(await accountOf(registry, alice.address)).to.deep.equal([
        ethers.parseEther("8100"),
        ethers.parseEther("8100"),
        0n,
        debt,
      ]);
      await expectAccounting(registry, token, { [alice.address]: otherCollateral });

      // OTHER_JOB times out with a 100% penalty: 900 repays the debt, 8,100 is left to pay the 9,000 penalty.
      const paid = ethers.parseEther("8100");
      expect(
        await registry
          .connect(escrow)
          .forfeitCollateral.staticCall(alice.address, OTHER_JOB, otherCollateral, otherCollateral, outsider.address),
      ).to.equal(paid);
      const tx = registry
        .connect(escrow)
        .forfeitCollateral(alice.address, OTHER_JOB, otherCollateral, otherCollateral, outsider.address);
      await expect(tx).to.emit(registry, "CollateralDebtRepaid").withArgs(alice.address, OTHER_JOB, debt, 0n);
      await expect(tx)
        .to.emit(registry, "CollateralForfeited")
        .withArgs(alice.address, OTHER_JOB, paid, outsider.address);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [paid, -paid]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, 0n]);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("lets a release smaller than the debt only pay it down: nothing freed, no penalty paid", async function () {
      const { registry, token, escrow, disputes, alice, outsider } = await loadFixture(lockedFixture);
      const [j2, j3] = [3n, 4n];
      const [c2, c3] = [ethers.parseEther("4000"), ethers.parseEther("5000")];
      await registry.connect(escrow).lockCollateral(alice.address, c2);
      await registry.connect(escrow).lockCollateral(alice.address, c3);
      await registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, BPS, [outsider.address], [10_000]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, c2 + c3]);
      await expectAccounting(registry, token, { [alice.address]: c2 + c3 });

      // A release of more than locked + debt still reverts, with what is left after the debt.
      await expect(registry.connect(escrow).unlockCollateral(alice.address, j2, c2 + c3 + 1n))
        .to.be.revertedWithCustomError(registry, "ReleaseExceedsLocked")
        .withArgs(alice.address, 0n, 1n);

      const unlock = registry.connect(escrow).unlockCollateral(alice.address, j2, c2);
      await expect(unlock).to.emit(registry, "CollateralDebtRepaid").withArgs(alice.address, j2, c2, c3);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, c3]);
      await expectAccounting(registry, token, { [alice.address]: c3 });

      const forfeit = registry.connect(escrow).forfeitCollateral(alice.address, j3, c3, c3 / 10n, outsider.address);
      await expect(forfeit).to.emit(registry, "CollateralDebtRepaid").withArgs(alice.address, j3, c3, 0n);
      await expect(forfeit).to.emit(registry, "CollateralForfeited").withArgs(alice.address, j3, 0n, outsider.address);
      await expect(forfeit).not.to.emit(token, "Transfer");
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, 0n]);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("pays the debt back first on a second slash, which takes the job's backing plus the share of the rest", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(indebtedFixture);
      const extra = ethers.parseEther("1000");
      await registry.connect(alice).stake(extra);
      // staked 5,500 (4,500 locked), debt 1,500: OTHER_JOB's backing is 4,500, plus 50% of the other 1,000.
      const amount = ethers.parseEther("5000");
      expect(await registry.slashAmount(alice.address, OTHER_COLLATERAL, 5_000n)).to.equal(amount);
      const tx = registry
        .connect(disputes)
        .slash(alice.address, OTHER_JOB, OTHER_COLLATERAL, 5_000n, [outsider.address], [10_000]);
      await expect(tx)
        .to.emit(registry, "CollateralDebtRepaid")
        .withArgs(alice.address, OTHER_JOB, ethers.parseEther("1500"), 0n);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, OTHER_JOB, amount, amount);
      await expect(tx).not.to.emit(registry, "CollateralDebtIncurred");
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [amount, -amount]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([ethers.parseEther("500"), 0n, 0n, 0n]);
      expect((await registry.providerState(alice.address)).jobsSlashed).to.equal(2n);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("reports in slashAmount only the part of a collateral not already owed, and zero for an unknown provider", async function () {
      const { registry, alice, outsider } = await loadFixture(indebtedFixture);
      // staked 4,500 (all locked), debt 1,500. A collateral below the debt backs nothing: the share of 4,500 alone.
      expect(await registry.slashAmount(alice.address, COLLATERAL, 5_000n)).to.equal(ethers.parseEther("2250"));
      expect(await registry.slashAmount(alice.address, ethers.parseEther("1500"), BPS)).to.equal(
        ethers.parseEther("4500"),
      );
      // Above the debt, the rest backs the job: 4,500 backing + 50% of nothing else.
      expect(await registry.slashAmount(alice.address, OTHER_COLLATERAL, 5_000n)).to.equal(ethers.parseEther("4500"));
      expect(await registry.slashAmount(alice.address, 0n, 0n)).to.equal(0n);
      expect(await registry.slashAmount(outsider.address, 0n, BPS)).to.equal(0n);
    });
  });
});

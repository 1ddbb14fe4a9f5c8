import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { DisputeManager__factory } from "../../../typechain-types";
import {
  CUSTOM_WORKLOAD,
  DisputeKind,
  DisputeStatus,
  disputesFixture,
  openArbitration,
  openWithheld,
} from "../../fixtures/disputes";
import { BPS, JOB_COLLATERAL, JOB_PAYMENT, PROVIDER_STAKE, jobTerms } from "../../fixtures/jobs";
import { expectBalanceChanges } from "../../helpers/balances";
import { expectSetterBounds } from "../../helpers/bounds";
import {
  MINUTE,
  DAY,
  MAX_WINDOW,
  MATMUL_ID,
  MANDELBROT_ID,
  pinNextTimestamp,
  passDeadline,
  expectDispute,
  balanceSheet,
} from "./fixture";

describe("DisputeManager: deployment and governance", function () {
  describe("deployment", function () {
    it("starts with the local parameters, a checker for each verifiable workload, the escrow's contracts and no disputes", async function () {
      const f = await loadFixture(disputesFixture);
      const d = f.parameters.disputes;
      const dm = f.DisputeManager;
      expect(await dm.escrow()).to.equal(await f.JobEscrow.getAddress());
      expect(await dm.registry()).to.equal(await f.ProviderRegistry.getAddress());
      expect(await dm.bondToken()).to.equal(await f.ComputeToken.getAddress());
      expect(await dm.checker(MATMUL_ID)).to.equal(await f.MatmulI8Checker.getAddress());
      expect(await dm.checker(MANDELBROT_ID)).to.equal(await f.MandelbrotChecker.getAddress());
      expect(await dm.checker(CUSTOM_WORKLOAD)).to.equal(ethers.ZeroAddress);
      expect(await dm.bond()).to.equal(d.bond);
      expect(await dm.responseWindow()).to.equal(d.responseWindow);
      expect(await dm.followUpWindow()).to.equal(d.followUpWindow);
      expect(await dm.arbitrationWindow()).to.equal(d.arbitrationWindow);
      expect(await dm.slashSplit()).to.deep.equal([
        d.slashSplit.challengerBps,
        d.slashSplit.clientBps,
        d.slashSplit.treasuryBps,
      ]);
      expect(await dm.stakeShareBps()).to.equal(d.stakeShareBps);
      expect(await dm.maxDisputeDuration()).to.equal(2n * d.responseWindow + d.followUpWindow);
      expect(await dm.MAX_OUTPUT_WORDS()).to.equal(2n ** 32n - 1n);
      expect(await dm.disputeCount()).to.equal(0n);
      expect(await dm.openDisputes(f.cheatingMatmul.id)).to.equal(0n);
      await expectDispute(f, 1n, {
        challenger: ethers.ZeroAddress,
        bond: 0n,
        jobId: 0n,
        kind: DisputeKind.None,
        status: DisputeStatus.None,
        deadline: 0n,
        hash: ethers.ZeroHash,
      });
    });

    it("registers the checkers it is given, each under the workload it decides", async function () {
      const f = await loadFixture(disputesFixture);
      const factory = new DisputeManager__factory(f.deployer);
      const checkers = [await f.MatmulI8Checker.getAddress(), await f.MandelbrotChecker.getAddress()];
      const dm = await factory.deploy(
        await f.AccessManager.getAddress(),
        await f.JobEscrow.getAddress(),
        f.parameters.disputes,
        checkers,
      );
      const deployment = dm.deploymentTransaction();
      await expect(deployment).to.emit(dm, "CheckerSet").withArgs(MATMUL_ID, ethers.ZeroAddress, checkers[0]);
      await expect(deployment).to.emit(dm, "CheckerSet").withArgs(MANDELBROT_ID, ethers.ZeroAddress, checkers[1]);
      await expect(deployment).to.emit(dm, "BondSet").withArgs(0n, f.parameters.disputes.bond);
      expect(await dm.checker(MATMUL_ID)).to.equal(checkers[0]);
      expect(await dm.checker(MANDELBROT_ID)).to.equal(checkers[1]);
    });

    it("reverts construction with a zero escrow", async function () {
      const f = await loadFixture(disputesFixture);
      const factory = new DisputeManager__factory(f.deployer);
      await expect(
        factory.deploy(await f.AccessManager.getAddress(), ethers.ZeroAddress, f.parameters.disputes, []),
      ).to.be.revertedWithCustomError(factory, "ZeroAddress");
    });

    it("reverts construction with a parameter out of bounds or windows that outlast the escrow's dispute window", async function () {
      const f = await loadFixture(disputesFixture);
      const factory = new DisputeManager__factory(f.deployer);
      const deploy = async (overrides: Partial<typeof f.parameters.disputes>) =>
        factory.deploy(
          await f.AccessManager.getAddress(),
          await f.JobEscrow.getAddress(),
          { ...f.parameters.disputes, ...overrides },
          [],
        );
      await expect(deploy({ bond: 0n }))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(0n, ethers.parseEther("1"), ethers.parseEther("1000000"));
      // The escrow's dispute window is 30 minutes: two 15-minute clocks and a 1-second follow-up do not fit.
      await expect(deploy({ responseWindow: 15n * MINUTE, followUpWindow: MINUTE }))
        .to.be.revertedWithCustomError(factory, "DisputeDurationExceedsWindow")
        .withArgs(31n * MINUTE, 30n * MINUTE);
      await expect(deploy({ slashSplit: { challengerBps: 1n, clientBps: 0n, treasuryBps: 0n } }))
        .to.be.revertedWithCustomError(factory, "InvalidSlashSplit")
        .withArgs(3n, 3n, 1n);
      await expect(deploy({ stakeShareBps: BPS + 1n }))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(BPS + 1n, 0n, BPS);
    });
  });

  describe("governance", function () {
    it("sets each parameter, emitting its old and new value, and the views return it", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      const d = f.parameters.disputes;
      await expect(dm.setBond(ethers.parseEther("250")))
        .to.emit(dm, "BondSet")
        .withArgs(d.bond, ethers.parseEther("250"));
      expect(await dm.bond()).to.equal(ethers.parseEther("250"));
      await expect(dm.setResponseWindow(5n * MINUTE))
        .to.emit(dm, "ResponseWindowSet")
        .withArgs(d.responseWindow, 5n * MINUTE);
      expect(await dm.responseWindow()).to.equal(5n * MINUTE);
      await expect(dm.setFollowUpWindow(15n * MINUTE))
        .to.emit(dm, "FollowUpWindowSet")
        .withArgs(d.followUpWindow, 15n * MINUTE);
      expect(await dm.followUpWindow()).to.equal(15n * MINUTE);
      await expect(dm.setArbitrationWindow(30n * MINUTE))
        .to.emit(dm, "ArbitrationWindowSet")
        .withArgs(d.arbitrationWindow, 30n * MINUTE);
      expect(await dm.arbitrationWindow()).to.equal(30n * MINUTE);
      const split = { challengerBps: 6_000n, clientBps: 4_000n, treasuryBps: 0n };
      await expect(dm.setSlashSplit(split))
        .to.emit(dm, "SlashSplitSet")
        .withArgs([5_000n, 3_000n, 2_000n], [6_000n, 4_000n, 0n]);
      expect(await dm.slashSplit()).to.deep.equal([6_000n, 4_000n, 0n]);
      await expect(dm.setStakeShareBps(BPS)).to.emit(dm, "StakeShareSet").withArgs(d.stakeShareBps, BPS);
      expect(await dm.stakeShareBps()).to.equal(BPS);
    });

    it("opens and settles disputes with the new bond, windows, split and share", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      const bond = ethers.parseEther("1");
      await dm.setBond(bond);
      await dm.setResponseWindow(3n * MINUTE);
      await dm.setSlashSplit({ challengerBps: 10_000n, clientBps: 0n, treasuryBps: 0n });
      await dm.setStakeShareBps(BPS);
      const openedAt = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
      await expectDispute(f, id, { bond, deadline: openedAt + 3n * MINUTE, challengerTime: 3n * MINUTE });

      // A 100% share takes all of the provider's stake, the other three jobs' collateral included (as debt).
      const { staked, unbonding } = await f.ProviderRegistry.providerState(f.provider.address);
      const all = staked + unbonding;
      expect(all).to.equal(PROVIDER_STAKE);
      await passDeadline(f, id);
      const sheet = await balanceSheet(f);
      const tx = await f.DisputeManager.resolve(id, await jobTerms(f, f.cheatingMatmul.id));
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(id, f.cheatingMatmul.id, DisputeStatus.ProviderAtFault, all, f.challenger.address);
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralDebtIncurred")
        .withArgs(f.provider.address, f.cheatingMatmul.id, 3n * JOB_COLLATERAL, 3n * JOB_COLLATERAL);
      await expectBalanceChanges(sheet, {
        weft: { challenger: all + bond, registry: -all, disputes: -bond },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
    });

    it("keeps the bond a dispute was opened with when the bond changes meanwhile", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      const bond = (await f.DisputeManager.dispute(id)).bond;
      await f.DisputeManager.connect(f.timelock).setBond(ethers.parseEther("500"));
      const sheet = await balanceSheet(f);
      await f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), false);
      await expectBalanceChanges(sheet, { weft: { provider: bond, disputes: -bond } });
    });

    expectSetterBounds({
      contract: "DisputeManager",
      // The longest windows need an escrow dispute window that holds them, which needs the longest unbonding period.
      prepare: async (f) => {
        await f.ProviderRegistry.connect(f.timelock).setUnbondingPeriod(90n * DAY);
        await f.JobEscrow.connect(f.timelock).setDisputeWindow(MAX_WINDOW);
      },
      rows: [
        { parameter: "disputeBond", min: ethers.parseEther("1"), max: ethers.parseEther("1000000"), event: "BondSet" },
        // A dispute may take two response windows and a follow-up window, and must end within the escrow's dispute
        // window (at most MAX_WINDOW): the longest response or follow-up window never fits.
        {
          parameter: "responseWindow",
          min: MINUTE,
          max: MAX_WINDOW,
          event: "ResponseWindowSet",
          refusedAt: { max: "DisputeDurationExceedsWindow" },
        },
        {
          parameter: "followUpWindow",
          min: MINUTE,
          max: MAX_WINDOW,
          event: "FollowUpWindowSet",
          refusedAt: { max: "DisputeDurationExceedsWindow" },
        },
        { parameter: "arbitrationWindow", min: MINUTE, max: MAX_WINDOW, event: "ArbitrationWindowSet" },
        { parameter: "stakeShareBps", min: 0n, max: BPS, event: "StakeShareSet" },
      ],
    });

    it("accepts the largest bond and, with a 30-day escrow dispute window, the longest arbitration window", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      await expect(dm.setBond(ethers.parseEther("1000000"))).to.emit(dm, "BondSet");
      await f.ProviderRegistry.connect(f.timelock).setUnbondingPeriod(90n * DAY);
      await f.JobEscrow.connect(f.timelock).setDisputeWindow(MAX_WINDOW);
      await expect(dm.setArbitrationWindow(MAX_WINDOW))
        .to.emit(dm, "ArbitrationWindowSet")
        .withArgs(20n * MINUTE, MAX_WINDOW);
      expect(await dm.maxDisputeDuration()).to.equal(MAX_WINDOW);
    });

    it("reverts a slash split that does not add up to 10,000 bps", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      await expect(dm.setSlashSplit({ challengerBps: 5_000n, clientBps: 3_000n, treasuryBps: 1_999n }))
        .to.be.revertedWithCustomError(dm, "InvalidSlashSplit")
        .withArgs(3n, 3n, 9_999n);
      await expect(dm.setSlashSplit({ challengerBps: 10_000n, clientBps: 1n, treasuryBps: 0n }))
        .to.be.revertedWithCustomError(dm, "InvalidSlashSplit")
        .withArgs(3n, 3n, 10_001n);
    });

    it("reverts a checker registered under a workload it does not decide", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, await f.MandelbrotChecker.getAddress()))
        .to.be.revertedWithCustomError(f.DisputeManager, "CheckerWorkloadMismatch")
        .withArgs(MATMUL_ID, MANDELBROT_ID);
    });

    it("removes a checker, after which the workload's disputes go to arbitration", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const checker = await f.MatmulI8Checker.getAddress();
      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, ethers.ZeroAddress))
        .to.emit(f.DisputeManager, "CheckerSet")
        .withArgs(MATMUL_ID, checker, ethers.ZeroAddress);
      expect(await f.DisputeManager.checker(MATMUL_ID)).to.equal(ethers.ZeroAddress);
      const terms = await jobTerms(f, job.id);
      await expect(f.DisputeManager.connect(f.challenger).commitProof(job.id, terms, ethers.id("c")))
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(MATMUL_ID);
      await expect(f.DisputeManager.connect(f.challenger).disputeWithheld(job.id, terms, job.params))
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(MATMUL_ID);
      await expect(f.DisputeManager.connect(f.challenger).disputeForArbitration(job.id, terms, "ipfs://evidence"))
        .to.emit(f.DisputeManager, "ArbitrationRequested")
        .withArgs(1n, job.id, "ipfs://evidence");

      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, checker))
        .to.emit(f.DisputeManager, "CheckerSet")
        .withArgs(MATMUL_ID, ethers.ZeroAddress, checker);
    });

    it("replaces a workload's checker, emitting the old and the new one", async function () {
      const f = await loadFixture(disputesFixture);
      const checker = await (await ethers.deployContract("MatmulI8Checker")).getAddress();
      const old = await f.MatmulI8Checker.getAddress();
      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, checker))
        .to.emit(f.DisputeManager, "CheckerSet")
        .withArgs(MATMUL_ID, old, checker);
      expect(await f.DisputeManager.checker(MATMUL_ID)).to.equal(checker);
    });

    it("refuses every restricted function to an outsider, and parameters to the arbiter", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      const calls: [string, unknown[]][] = [
        ["arbitrate", [id, await jobTerms(f, f.customJob), true]],
        ["setChecker", [MATMUL_ID, ethers.ZeroAddress]],
        ["setBond", [ethers.parseEther("10")]],
        ["setResponseWindow", [5n * MINUTE]],
        ["setFollowUpWindow", [5n * MINUTE]],
        ["setArbitrationWindow", [5n * MINUTE]],
        ["setSlashSplit", [{ challengerBps: 10_000n, clientBps: 0n, treasuryBps: 0n }]],
        ["setStakeShareBps", [0n]],
      ];
      for (const [name, args] of calls) {
        await expect(f.DisputeManager.connect(f.outsider).getFunction(name)(...args), name)
          .to.be.revertedWithCustomError(f.DisputeManager, "AccessManagedUnauthorized")
          .withArgs(f.outsider.address);
        if (name !== "arbitrate") {
          await expect(f.DisputeManager.connect(f.arbiter).getFunction(name)(...args), name)
            .to.be.revertedWithCustomError(f.DisputeManager, "AccessManagedUnauthorized")
            .withArgs(f.arbiter.address);
        }
      }
    });
  });
});

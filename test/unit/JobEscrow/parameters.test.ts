import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { TestERC20Decimals__factory } from "../../../typechain-types";
import {
  BPS,
  JOB_FEE,
  JOB_PAYMENT,
  RESULT_ROOT,
  RESULT_URI,
  jobRequest,
  jobTerms,
  jobsFixture,
} from "../../fixtures/jobs";
import { NO_TERMS } from "../../fixtures/terms";
import { USD_WEFT_PER_TOKEN, deployWeftFixture } from "../../fixtures/weft";
import { expectSetterBounds } from "../../helpers/bounds";
import { signPermit } from "../../helpers/permit";
import { DAY, MAX_WINDOW, MAX_MIN_COLLATERAL, USDC_RATE, passChallengeWindow, passSubmitDeadline } from "./fixture";

describe("JobEscrow: parameters", function () {
  describe("governance parameters", function () {
    it("sets the protocol fee and emits its old and new value", async function () {
      const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
      await expect(JobEscrow.connect(timelock).setProtocolFeeBps(500n))
        .to.emit(JobEscrow, "ProtocolFeeSet")
        .withArgs(300n, 500n);
      expect(await JobEscrow.protocolFeeBps()).to.equal(500n);
    });

    it("sets the collateral ratio and emits its old and new value", async function () {
      const { JobEscrow, parameters, timelock } = await loadFixture(deployWeftFixture);
      // 15x: more than 16 bits, as ratios above 6.5x are.
      await expect(JobEscrow.connect(timelock).setCollateralRatioBps(150_000n))
        .to.emit(JobEscrow, "CollateralRatioSet")
        .withArgs(parameters.escrow.collateralRatioBps, 150_000n);
      expect(await JobEscrow.collateralRatioBps()).to.equal(150_000n);
    });

    it("sets the challenge window, emits its old and new value, and updates the dispute exposure", async function () {
      const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
      await expect(JobEscrow.connect(timelock).setChallengeWindow(1200n))
        .to.emit(JobEscrow, "ChallengeWindowSet")
        .withArgs(600n, 1200n);
      expect(await JobEscrow.challengeWindow()).to.equal(1200n);
      expect(await JobEscrow.disputeExposure()).to.equal(1200n + 1800n);
    });

    it("sets the dispute window and emits its old and new value", async function () {
      const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
      await expect(JobEscrow.connect(timelock).setDisputeWindow(3600n))
        .to.emit(JobEscrow, "DisputeWindowSet")
        .withArgs(1800n, 3600n);
      expect(await JobEscrow.disputeWindow()).to.equal(3600n);
      expect(await JobEscrow.disputeExposure()).to.equal(600n + 3600n);
    });

    it("emits no window event when a window is set to its current value", async function () {
      const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
      const tx = JobEscrow.connect(timelock).setChallengeWindow(600n);
      await expect(tx).not.to.emit(JobEscrow, "ChallengeWindowSet");
      await expect(tx).not.to.emit(JobEscrow, "DisputeWindowSet");
    });

    it("sets the liveness penalty and emits its old and new value", async function () {
      const { JobEscrow, parameters, timelock } = await loadFixture(deployWeftFixture);
      await expect(JobEscrow.connect(timelock).setLivenessPenaltyBps(2_500n))
        .to.emit(JobEscrow, "LivenessPenaltySet")
        .withArgs(parameters.escrow.livenessPenaltyBps, 2_500n);
      expect(await JobEscrow.livenessPenaltyBps()).to.equal(2_500n);
    });

    it("allow-lists a payment token with its rate and the decimals it reports, and emits the old and new config", async function () {
      const { JobEscrow, timelock, deployer } = await loadFixture(deployWeftFixture);
      const token = await (await new TestERC20Decimals__factory(deployer).deploy("USD Coin", "USDC", 6)).getAddress();
      await expect(JobEscrow.connect(timelock).setPaymentToken(token, true, 5n, USDC_RATE))
        .to.emit(JobEscrow, "PaymentTokenSet")
        .withArgs(token, [false, 0n, 0n, 0n, 0n], [true, 5n, 3n, 6n, USDC_RATE]);
      expect(await JobEscrow.paymentTokenConfig(token)).to.deep.equal([true, 5n, 3n, 6n, USDC_RATE]);
      await expect(JobEscrow.connect(timelock).setPaymentToken(token, false, 7n, 0n))
        .to.emit(JobEscrow, "PaymentTokenSet")
        .withArgs(token, [true, 5n, 3n, 6n, USDC_RATE], [false, 7n, 3n, 6n, 0n]);
      expect(await JobEscrow.paymentTokenConfig(token)).to.deep.equal([false, 7n, 3n, 6n, 0n]);
    });

    it("sets the minimum collateral and emits its old and new value", async function () {
      const { JobEscrow, parameters, timelock } = await loadFixture(deployWeftFixture);
      await expect(JobEscrow.connect(timelock).setMinCollateral(ethers.parseEther("250")))
        .to.emit(JobEscrow, "MinCollateralSet")
        .withArgs(parameters.escrow.minCollateral, ethers.parseEther("250"));
      expect(await JobEscrow.minCollateral()).to.equal(ethers.parseEther("250"));
    });

    it("sets the treasury and emits its old and new address", async function () {
      const { JobEscrow, timelock, outsider } = await loadFixture(deployWeftFixture);
      await expect(JobEscrow.connect(timelock).setTreasury(outsider.address))
        .to.emit(JobEscrow, "TreasurySet")
        .withArgs(timelock.address, outsider.address);
      expect(await JobEscrow.treasury()).to.equal(outsider.address);
    });

    it("sets and clears the work recorder, emitting old and new address", async function () {
      const { JobEscrow, RewardDistributor, timelock, outsider } = await loadFixture(deployWeftFixture);
      await expect(JobEscrow.connect(timelock).setWorkRecorder(outsider.address))
        .to.emit(JobEscrow, "WorkRecorderSet")
        .withArgs(await RewardDistributor.getAddress(), outsider.address);
      expect(await JobEscrow.workRecorder()).to.equal(outsider.address);
      await expect(JobEscrow.connect(timelock).setWorkRecorder(ethers.ZeroAddress))
        .to.emit(JobEscrow, "WorkRecorderSet")
        .withArgs(outsider.address, ethers.ZeroAddress);
    });

    it("reverts setPaymentToken on the zero address", async function () {
      const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
      for (const allowed of [true, false]) {
        await expect(
          JobEscrow.connect(timelock).setPaymentToken(ethers.ZeroAddress, allowed, 0n, USD_WEFT_PER_TOKEN),
        ).to.be.revertedWithCustomError(JobEscrow, "ZeroAddress");
      }
    });

    it("reverts setTreasury on the zero address", async function () {
      const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
      await expect(JobEscrow.connect(timelock).setTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        JobEscrow,
        "ZeroAddress",
      );
    });

    expectSetterBounds({
      contract: "JobEscrow",
      // The longest windows need an unbonding period that covers them.
      prepare: async (f) => {
        await f.ProviderRegistry.connect(f.timelock).setUnbondingPeriod(90n * DAY);
      },
      rows: [
        { parameter: "protocolFeeBps", min: 0n, max: 1_000n, event: "ProtocolFeeSet" },
        // Ratios above 6.5x take more than 16 bits: the maximum is stored untruncated.
        { parameter: "collateralRatioBps", min: 1_000n, max: 200_000n, event: "CollateralRatioSet" },
        { parameter: "minCollateral", min: 0n, max: MAX_MIN_COLLATERAL, event: "MinCollateralSet" },
        { parameter: "challengeWindow", min: 60n, max: MAX_WINDOW, event: "ChallengeWindowSet" },
        { parameter: "disputeWindow", min: 60n, max: MAX_WINDOW, event: "DisputeWindowSet" },
        { parameter: "livenessPenaltyBps", min: 0n, max: BPS, event: "LivenessPenaltySet" },
      ],
    });

    it("reverts a challenge window whose exposure would outlast the unbonding period", async function () {
      const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
      // Local unbonding is 2 h; the dispute window is 30 min.
      await JobEscrow.connect(timelock).setChallengeWindow(7200n - 1800n);
      await expect(JobEscrow.connect(timelock).setChallengeWindow(7200n - 1800n + 1n))
        .to.be.revertedWithCustomError(JobEscrow, "DisputeExposureExceedsUnbonding")
        .withArgs(7201n, 7200n);
    });

    it("reverts a dispute window whose exposure would outlast the unbonding period", async function () {
      const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
      await expect(JobEscrow.connect(timelock).setDisputeWindow(7200n - 600n + 1n))
        .to.be.revertedWithCustomError(JobEscrow, "DisputeExposureExceedsUnbonding")
        .withArgs(7201n, 7200n);
    });

    it("refuses every restricted function to an outsider", async function () {
      const { JobEscrow, outsider } = await loadFixture(deployWeftFixture);
      const calls: [string, unknown[]][] = [
        ["markDisputed", [1n, NO_TERMS]],
        ["resolveDispute", [1n, NO_TERMS, true]],
        ["pause", []],
        ["unpause", []],
        ["setProtocolFeeBps", [100n]],
        ["setCollateralRatioBps", [20_000n]],
        ["setMinCollateral", [0n]],
        ["setChallengeWindow", [600n]],
        ["setDisputeWindow", [1800n]],
        ["setLivenessPenaltyBps", [0n]],
        ["setPaymentToken", [outsider.address, true, 0n, USD_WEFT_PER_TOKEN]],
        ["setTreasury", [outsider.address]],
        ["setWorkRecorder", [outsider.address]],
      ];
      for (const [name, args] of calls) {
        await expect(JobEscrow.connect(outsider).getFunction(name)(...args), name)
          .to.be.revertedWithCustomError(JobEscrow, "AccessManagedUnauthorized")
          .withArgs(outsider.address);
      }
    });
  });

  describe("pause", function () {
    async function pausedJobsFixture() {
      const f = await jobsFixture();
      await f.JobEscrow.connect(f.guardian).pause();
      return f;
    }

    it("lets the guardian pause", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.connect(f.guardian).pause()).to.emit(f.JobEscrow, "Paused").withArgs(f.guardian.address);
      expect(await f.JobEscrow.paused()).to.equal(true);
    });

    it("stops createJob while paused", async function () {
      const f = await loadFixture(pausedJobsFixture);
      await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), JOB_PAYMENT);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f))).to.be.revertedWithCustomError(
        f.JobEscrow,
        "EnforcedPause",
      );
    });

    it("stops createJobWithPermit while paused", async function () {
      const f = await loadFixture(pausedJobsFixture);
      const deadline = BigInt(await time.latest()) + 600n;
      const sig = await signPermit(f.usd, f.client, await f.JobEscrow.getAddress(), JOB_PAYMENT, deadline);
      await expect(
        f.JobEscrow.connect(f.client).createJobWithPermit(await jobRequest(f), deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(f.JobEscrow, "EnforcedPause");
    });

    it("stops acceptJob while paused", async function () {
      const f = await loadFixture(pausedJobsFixture);
      await expect(
        f.JobEscrow.connect(f.provider).acceptJob(f.openJob, await jobTerms(f, f.openJob)),
      ).to.be.revertedWithCustomError(f.JobEscrow, "EnforcedPause");
    });

    it("keeps cancel, submit, finalize and dispute resolution working while paused", async function () {
      const f = await loadFixture(pausedJobsFixture);
      await expect(
        f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob)),
      ).to.changeTokenBalance(f.usd, f.client, JOB_PAYMENT);
      await expect(
        f.JobEscrow.connect(f.provider).submitResult(
          f.assignedJob,
          await jobTerms(f, f.assignedJob),
          RESULT_ROOT,
          RESULT_URI,
        ),
      ).to.emit(f.JobEscrow, "ResultSubmitted");
      await f.JobEscrow.connect(f.disputer).markDisputed(f.assignedJob, await jobTerms(f, f.assignedJob));
      await expect(
        f.JobEscrow.connect(f.disputer).resolveDispute(f.assignedJob, await jobTerms(f, f.assignedJob), true),
      ).to.changeTokenBalance(f.usd, f.client, JOB_PAYMENT);
      await passChallengeWindow(f, f.submittedJob);
      await expect(f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob))).to.changeTokenBalance(
        f.usd,
        f.provider,
        JOB_PAYMENT - JOB_FEE,
      );
    });

    it("keeps claimTimeout working while paused", async function () {
      const f = await loadFixture(pausedJobsFixture);
      await passSubmitDeadline(f, f.assignedJob);
      await expect(f.JobEscrow.claimTimeout(f.assignedJob, await jobTerms(f, f.assignedJob))).to.changeTokenBalance(
        f.usd,
        f.client,
        JOB_PAYMENT,
      );
    });

    it("keeps registry withdrawals working while paused", async function () {
      const f = await loadFixture(pausedJobsFixture);
      const amount = ethers.parseEther("1000");
      await f.ProviderRegistry.connect(f.provider2).requestUnbond(amount);
      await time.increase(await f.ProviderRegistry.unbondingPeriod());
      await expect(f.ProviderRegistry.connect(f.provider2).withdraw())
        .to.emit(f.ProviderRegistry, "Withdrawn")
        .withArgs(f.provider2.address, amount);
    });

    it("is lifted only by the timelock, after which jobs can be accepted again", async function () {
      const f = await loadFixture(pausedJobsFixture);
      await expect(f.JobEscrow.connect(f.guardian).unpause())
        .to.be.revertedWithCustomError(f.JobEscrow, "AccessManagedUnauthorized")
        .withArgs(f.guardian.address);
      await expect(f.JobEscrow.connect(f.timelock).unpause())
        .to.emit(f.JobEscrow, "Unpaused")
        .withArgs(f.timelock.address);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(f.openJob, await jobTerms(f, f.openJob))).to.emit(
        f.JobEscrow,
        "JobAccepted",
      );
    });

    it("reverts pause by an outsider, and unpause when not paused", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.connect(f.outsider).pause())
        .to.be.revertedWithCustomError(f.JobEscrow, "AccessManagedUnauthorized")
        .withArgs(f.outsider.address);
      await expect(f.JobEscrow.connect(f.timelock).unpause()).to.be.revertedWithCustomError(
        f.JobEscrow,
        "ExpectedPause",
      );
    });
  });
});

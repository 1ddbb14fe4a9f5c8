import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { readJob, committedTerms } from "../../../src/chain/jobs";

import { WorkRecorderSpy__factory } from "../../../typechain-types";
import {
  BPS,
  JOB_COLLATERAL,
  JOB_FEE,
  JOB_PAYMENT,
  JOB_VALUE,
  JobStatus,
  PROVIDER_STAKE,
  RESULT_ROOT,
  RESULT_URI,
  createJob,
  jobTerms,
  jobsFixture,
  registerAndStake,
  stakedProvidersFixture,
} from "../../fixtures/jobs";
import { UINT96_MAX, JOB_PENALTY, pinNextTimestamp, passChallengeWindow, passSubmitDeadline } from "./fixture";

describe("JobEscrow: lifecycle", function () {
  describe("cancelJob", function () {
    it("refunds the client of an Open job in full and marks it Cancelled", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await jobTerms(f, f.openJob);
      const tx = f.JobEscrow.connect(f.client).cancelJob(f.openJob, terms);
      await expect(tx).to.emit(f.JobEscrow, "JobCancelled").withArgs(f.openJob, JOB_PAYMENT);
      await expect(tx).to.changeTokenBalances(f.usd, [f.client, f.JobEscrow], [JOB_PAYMENT, -JOB_PAYMENT]);
      // A closed job keeps the hash of its terms: they still verify, with their submit deadline unchanged.
      const j = await readJob(f.JobEscrow, f.openJob);
      expect(j.status).to.equal(JobStatus.Cancelled);
      expect(committedTerms(j)).to.deep.equal(terms);
    });

    it("reverts when someone other than the client cancels", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.connect(f.outsider).cancelJob(f.openJob, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "NotJobClient")
        .withArgs(f.openJob, f.outsider.address);
    });

    it("reverts when the job was already accepted", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.connect(f.client).cancelJob(f.assignedJob, await jobTerms(f, f.assignedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.assignedJob, JobStatus.Assigned, JobStatus.Open);
    });

    it("reverts on a second cancel, refunding only once", async function () {
      const f = await loadFixture(jobsFixture);
      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob));
      await expect(f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.openJob, JobStatus.Cancelled, JobStatus.Open);
    });
  });

  describe("acceptJob", function () {
    it("assigns the job, locks payment x collateral ratio of the provider's stake and emits JobAccepted", async function () {
      const f = await loadFixture(jobsFixture);
      const before = await f.ProviderRegistry.providerState(f.provider2.address);
      const tx = f.JobEscrow.connect(f.provider2).acceptJob(f.openJob, await jobTerms(f, f.openJob));
      await expect(tx).to.emit(f.JobEscrow, "JobAccepted").withArgs(f.openJob, f.provider2.address, JOB_COLLATERAL);
      await expect(tx).to.changeTokenBalances(f.ComputeToken, [f.provider2, f.ProviderRegistry], [0n, 0n]);
      const after = await f.ProviderRegistry.providerState(f.provider2.address);
      expect([after.staked, after.locked]).to.deep.equal([before.staked, before.locked + JOB_COLLATERAL]);

      const j = await readJob(f.JobEscrow, f.openJob);
      expect(j.provider).to.equal(f.provider2.address);
      expect(j.collateral).to.equal(JOB_COLLATERAL);
      expect(j.status).to.equal(JobStatus.Assigned);
      const state = await f.ProviderRegistry.providerState(f.provider2.address);
      expect(state.staked).to.equal(PROVIDER_STAKE);
      expect(state.locked).to.equal(JOB_COLLATERAL);
      expect(await f.ProviderRegistry.freeStake(f.provider2.address)).to.equal(PROVIDER_STAKE - JOB_COLLATERAL);
    });

    it("lets the directed provider accept its job", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = await createJob(f, f.client, { provider: f.provider2.address });
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(jobId, f.provider2.address, JOB_COLLATERAL);
    });

    it("accepts at the submit deadline itself", async function () {
      const f = await loadFixture(jobsFixture);
      await time.setNextBlockTimestamp((await readJob(f.JobEscrow, f.openJob)).deadline);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(f.openJob, await jobTerms(f, f.openJob))).to.emit(
        f.JobEscrow,
        "JobAccepted",
      );
    });

    it("reverts when the job is not Open", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(f.assignedJob, await jobTerms(f, f.assignedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.assignedJob, JobStatus.Assigned, JobStatus.Open);
    });

    it("reverts when the job does not exist, whatever terms are given", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(99n, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(99n, JobStatus.None, JobStatus.Open);
    });

    it("reverts when the job is directed to another provider, and nothing is locked", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = await createJob(f, f.client, { provider: f.provider.address });
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.be.revertedWithCustomError(f.JobEscrow, "NotDirectedProvider")
        .withArgs(jobId, f.provider.address, f.provider2.address);
      expect((await f.ProviderRegistry.providerState(f.provider2.address)).locked).to.equal(0n);
      expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Open);
    });

    it("reverts when the submit deadline has passed", async function () {
      const f = await loadFixture(jobsFixture);
      const { deadline } = await readJob(f.JobEscrow, f.openJob);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(f.openJob, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "SubmitDeadlinePassed")
        .withArgs(f.openJob, deadline);
    });

    it("reverts when the caller is not a registered provider", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.connect(f.outsider).acceptJob(f.openJob, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "ProviderNotEligible")
        .withArgs(f.outsider.address);
    });

    it("reverts when the provider is jailed by a slash", async function () {
      const f = await loadFixture(jobsFixture);
      // No collateral, 1 bps of its stake: jailed with nearly all of its stake left.
      await f.ProviderRegistry.connect(f.disputer).slash(
        f.provider2.address,
        0n,
        0n,
        1n,
        [f.disputer.address],
        [10_000],
      );
      expect((await f.ProviderRegistry.providerState(f.provider2.address)).staked).to.equal(
        PROVIDER_STAKE - PROVIDER_STAKE / BPS,
      );
      expect(await f.ProviderRegistry.canAcceptJobs(f.provider2.address)).to.equal(false);
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(f.openJob, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "ProviderNotEligible")
        .withArgs(f.provider2.address);
    });

    it("reverts with the registry's InsufficientFreeStake when the provider's free stake is too small", async function () {
      const f = await loadFixture(jobsFixture);
      // Eligible (twice the minimum stake), but a job paying three times as much needs 3,000 WEFT of collateral.
      const stake = 2n * f.parameters.registry.minProviderStake;
      await registerAndStake(f, f.outsider, stake);
      const jobId = await createJob(f, f.client, { payment: 3n * JOB_PAYMENT });
      await expect(f.JobEscrow.connect(f.outsider).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.be.revertedWithCustomError(f.ProviderRegistry, "InsufficientFreeStake")
        .withArgs(f.outsider.address, stake, 3n * JOB_COLLATERAL);
    });

    it("reverts when the collateral does not fit in 96 bits instead of locking a truncated amount", async function () {
      // The smallest payment whose collateral at the local ratio needs more than 96 bits: the old unchecked uint96
      // cast locked only the few wei above 2^96 as stake for a job paying billions of tokens.
      const f = await loadFixture(jobsFixture);
      const ratio = f.parameters.escrow.collateralRatioBps;
      const payment = (2n ** 96n * BPS + ratio - 1n) / ratio;
      const collateral = (payment * ratio) / BPS;
      expect(payment).to.be.at.most(UINT96_MAX);
      expect(collateral).to.be.greaterThan(UINT96_MAX);
      expect(BigInt.asUintN(96, collateral)).to.be.lessThan(payment);
      await f.usd.mint(f.client.address, payment);
      const jobId = await createJob(f, f.client, { payment });
      await expect(f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.be.revertedWithCustomError(f.JobEscrow, "SafeCastOverflowedUintDowncast")
        .withArgs(96, collateral);
      expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Open);
    });
  });

  describe("submitResult", function () {
    it("commits the result, starts the challenge window and emits ResultSubmitted", async function () {
      const f = await loadFixture(jobsFixture);
      const now = await pinNextTimestamp();
      const endsAt = now + (await f.JobEscrow.challengeWindow());
      await expect(
        f.JobEscrow.connect(f.provider).submitResult(
          f.assignedJob,
          await jobTerms(f, f.assignedJob),
          RESULT_ROOT,
          RESULT_URI,
        ),
      )
        .to.emit(f.JobEscrow, "ResultSubmitted")
        .withArgs(f.assignedJob, f.provider.address, RESULT_ROOT, RESULT_URI, endsAt);
      const j = await readJob(f.JobEscrow, f.assignedJob);
      expect(j.status).to.equal(JobStatus.Submitted);
      expect(j.resultRoot).to.equal(RESULT_ROOT);
      expect(j.deadline).to.equal(endsAt);
      expect((await f.ProviderRegistry.providerState(f.provider.address)).locked).to.equal(2n * JOB_COLLATERAL);
    });

    it("accepts a result at the submit deadline itself", async function () {
      const f = await loadFixture(jobsFixture);
      await time.setNextBlockTimestamp((await readJob(f.JobEscrow, f.assignedJob)).deadline);
      await expect(
        f.JobEscrow.connect(f.provider).submitResult(
          f.assignedJob,
          await jobTerms(f, f.assignedJob),
          RESULT_ROOT,
          RESULT_URI,
        ),
      ).to.emit(f.JobEscrow, "ResultSubmitted");
    });

    it("reverts when the job is not Assigned", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(
        f.JobEscrow.connect(f.provider).submitResult(f.openJob, await jobTerms(f, f.openJob), RESULT_ROOT, RESULT_URI),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.openJob, JobStatus.Open, JobStatus.Assigned);
    });

    it("reverts when someone other than the job's provider submits", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(
        f.JobEscrow.connect(f.provider2).submitResult(
          f.assignedJob,
          await jobTerms(f, f.assignedJob),
          RESULT_ROOT,
          RESULT_URI,
        ),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "NotJobProvider")
        .withArgs(f.assignedJob, f.provider2.address);
    });

    it("reverts when the submit deadline has passed", async function () {
      const f = await loadFixture(jobsFixture);
      const { deadline } = await readJob(f.JobEscrow, f.assignedJob);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(
        f.JobEscrow.connect(f.provider).submitResult(
          f.assignedJob,
          await jobTerms(f, f.assignedJob),
          RESULT_ROOT,
          RESULT_URI,
        ),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "SubmitDeadlinePassed")
        .withArgs(f.assignedJob, deadline);
    });

    it("reverts on an empty result root", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(
        f.JobEscrow.connect(f.provider).submitResult(
          f.assignedJob,
          await jobTerms(f, f.assignedJob),
          ethers.ZeroHash,
          RESULT_URI,
        ),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "EmptyResultRoot")
        .withArgs(f.assignedJob);
    });
  });

  describe("finalize", function () {
    it("pays the provider minus the fee, sends the fee to the treasury, unlocks collateral and mints the receipt", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = f.submittedJob;
      await passChallengeWindow(f, jobId);
      const before = await f.ProviderRegistry.providerState(f.provider.address);

      // Anyone may finalize.
      const tx = f.JobEscrow.connect(f.outsider).finalize(jobId, await jobTerms(f, jobId));
      await expect(tx)
        .to.emit(f.JobEscrow, "JobFinalized")
        .withArgs(jobId, f.provider.address, JOB_PAYMENT - JOB_FEE, JOB_FEE);
      await expect(tx).to.emit(f.ComputeReceipt, "Transfer").withArgs(ethers.ZeroAddress, f.client.address, jobId);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.client, f.provider, f.timelock, f.JobEscrow],
        [0n, JOB_PAYMENT - JOB_FEE, JOB_FEE, -JOB_PAYMENT],
      );
      await expect(tx).to.changeTokenBalances(f.ComputeToken, [f.provider, f.ProviderRegistry], [0n, 0n]);

      expect(await f.JobEscrow.jobStatus(jobId)).to.equal(JobStatus.Finalized);
      expect((await f.JobEscrow.settlement(jobId)).settledAt).to.equal(BigInt(await time.latest()));
      expect(await f.ComputeReceipt.ownerOf(jobId)).to.equal(f.client.address);
      const after = await f.ProviderRegistry.providerState(f.provider.address);
      expect(after.locked).to.equal(before.locked - JOB_COLLATERAL);
      expect(after.staked).to.equal(before.staked);
      expect(after.jobsCompleted).to.equal(before.jobsCompleted + 1n);
    });

    it("finalizes at the end of the challenge window itself", async function () {
      const f = await loadFixture(jobsFixture);
      await time.setNextBlockTimestamp((await readJob(f.JobEscrow, f.submittedJob)).deadline);
      await expect(f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob))).to.emit(
        f.JobEscrow,
        "JobFinalized",
      );
    });

    it("charges the fee snapshotted at creation, not the fee in force at settlement", async function () {
      const f = await loadFixture(jobsFixture);
      await f.JobEscrow.connect(f.timelock).setProtocolFeeBps(1_000n);
      await passChallengeWindow(f, f.submittedJob);
      const tx = f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      await expect(tx)
        .to.emit(f.JobEscrow, "JobFinalized")
        .withArgs(f.submittedJob, f.provider.address, JOB_PAYMENT - JOB_FEE, JOB_FEE);
      await expect(tx).to.changeTokenBalances(f.usd, [f.provider, f.timelock], [JOB_PAYMENT - JOB_FEE, JOB_FEE]);
    });

    it("pays the provider in full and the treasury nothing when the fee is zero", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      await f.JobEscrow.connect(f.timelock).setProtocolFeeBps(0n);
      const jobId = await createJob(f);
      await f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId));
      await f.JobEscrow.connect(f.provider).submitResult(jobId, await jobTerms(f, jobId), RESULT_ROOT, RESULT_URI);
      await passChallengeWindow(f, jobId);
      const tx = f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
      await expect(tx).to.emit(f.JobEscrow, "JobFinalized").withArgs(jobId, f.provider.address, JOB_PAYMENT, 0n);
      await expect(tx).to.changeTokenBalances(f.usd, [f.provider, f.timelock], [JOB_PAYMENT, 0n]);
    });

    it("pays the fee to a new treasury", async function () {
      const f = await loadFixture(jobsFixture);
      await f.JobEscrow.connect(f.timelock).setTreasury(f.outsider.address);
      await passChallengeWindow(f, f.submittedJob);
      await expect(f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob))).to.changeTokenBalances(
        f.usd,
        [f.outsider, f.timelock],
        [JOB_FEE, 0n],
      );
    });

    it("records the work with the work recorder: provider, job and the fee's value in WEFT", async function () {
      const f = await loadFixture(jobsFixture);
      const spy = await new WorkRecorderSpy__factory(f.deployer).deploy();
      await f.JobEscrow.connect(f.timelock).setWorkRecorder(await spy.getAddress());
      await passChallengeWindow(f, f.submittedJob);
      // tUSD is worth one WEFT: the fee's value is the fee.
      const feeValue = (JOB_VALUE * f.parameters.escrow.protocolFeeBps) / BPS;
      expect(feeValue).to.equal(JOB_FEE);
      await expect(f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.emit(spy, "WorkRecorded")
        .withArgs(await f.JobEscrow.getAddress(), f.provider.address, f.submittedJob, feeValue);
      expect(await spy.callCount()).to.equal(1n);
      const call = await spy.calls(0n);
      expect(call.provider).to.equal(f.provider.address);
      expect(call.jobId).to.equal(f.submittedJob);
      expect(call.feeValue).to.equal(feeValue);
    });

    it("settles without recording work when the work recorder is cleared", async function () {
      const f = await loadFixture(jobsFixture);
      await f.JobEscrow.connect(f.timelock).setWorkRecorder(ethers.ZeroAddress);
      await passChallengeWindow(f, f.submittedJob);
      const epoch = await f.RewardDistributor.currentEpoch();
      const totals = await f.RewardDistributor.epochTotals(epoch);
      const tx = f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      await expect(tx).to.changeTokenBalances(f.usd, [f.provider, f.timelock], [JOB_PAYMENT - JOB_FEE, JOB_FEE]);
      expect(await f.RewardDistributor.epochTotals(epoch)).to.deep.equal(totals);
      expect(await f.ComputeReceipt.ownerOf(f.submittedJob)).to.equal(f.client.address);
    });

    it("reverts when the challenge window is still open", async function () {
      const f = await loadFixture(jobsFixture);
      const { deadline } = await readJob(f.JobEscrow, f.submittedJob);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "ChallengeWindowOpen")
        .withArgs(f.submittedJob, deadline);
    });

    it("reverts when no result was submitted", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.finalize(f.assignedJob, await jobTerms(f, f.assignedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.assignedJob, JobStatus.Assigned, JobStatus.Submitted);
    });

    it("reverts on a second finalize and pays only once", async function () {
      const f = await loadFixture(jobsFixture);
      await passChallengeWindow(f, f.submittedJob);
      await f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      const escrowBalance = await f.usd.balanceOf(await f.JobEscrow.getAddress());
      await expect(f.JobEscrow.connect(f.provider).finalize(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.submittedJob, JobStatus.Finalized, JobStatus.Submitted);
      expect(await f.usd.balanceOf(await f.JobEscrow.getAddress())).to.equal(escrowBalance);
      expect(escrowBalance).to.equal(2n * JOB_PAYMENT); // the Open and Assigned jobs' payments
    });
  });

  describe("claimTimeout", function () {
    it("refunds the client, pays it the liveness penalty in WEFT and frees the rest of the collateral", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = f.assignedJob;
      await passSubmitDeadline(f, jobId);
      const before = await f.ProviderRegistry.providerState(f.provider.address);

      const terms = await jobTerms(f, jobId);
      const tx = f.JobEscrow.connect(f.outsider).claimTimeout(jobId, terms);
      await expect(tx)
        .to.emit(f.JobEscrow, "JobTimedOut")
        .withArgs(jobId, f.provider.address, JOB_PAYMENT, JOB_PENALTY);
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralForfeited")
        .withArgs(f.provider.address, jobId, JOB_PENALTY, f.client.address);
      await expect(tx).to.changeTokenBalances(f.usd, [f.client, f.JobEscrow], [JOB_PAYMENT, -JOB_PAYMENT]);
      await expect(tx).to.changeTokenBalances(
        f.ComputeToken,
        [f.client, f.ProviderRegistry, f.provider],
        [JOB_PENALTY, -JOB_PENALTY, 0n],
      );

      const j = await readJob(f.JobEscrow, jobId);
      expect(j.status).to.equal(JobStatus.TimedOut);
      expect(committedTerms(j)).to.deep.equal(terms);
      const after = await f.ProviderRegistry.providerState(f.provider.address);
      expect(after.staked).to.equal(before.staked - JOB_PENALTY);
      expect(after.locked).to.equal(before.locked - JOB_COLLATERAL);
      expect(after.jobsTimedOut).to.equal(before.jobsTimedOut + 1n);
    });

    /**
     * jobsFixture after the provider's Submitted job was found at fault and slashed at a 100% stake share: the slash
     * took all of its stake, the Assigned job's 1,000 of locked collateral included, which the provider now owes.
     */
    async function slashedProviderFixture() {
      const f = await jobsFixture();
      const terms = await jobTerms(f, f.submittedJob);
      await f.JobEscrow.connect(f.disputer).markDisputed(f.submittedJob, terms);
      await f.JobEscrow.connect(f.disputer).resolveDispute(f.submittedJob, terms, true);
      await f.ProviderRegistry.connect(f.disputer).slash(
        f.provider.address,
        f.submittedJob,
        JOB_COLLATERAL,
        BPS,
        [f.disputer.address],
        [10_000],
      );
      const state = await f.ProviderRegistry.providerState(f.provider.address);
      expect([state.staked, state.locked, state.debt]).to.deep.equal([0n, 0n, JOB_COLLATERAL]);
      await passSubmitDeadline(f, f.assignedJob);
      return f;
    }

    it("refunds the client in full but pays no penalty when a slash already took the collateral, repaying the debt", async function () {
      const f = await loadFixture(slashedProviderFixture);
      const tx = f.JobEscrow.claimTimeout(f.assignedJob, await jobTerms(f, f.assignedJob));
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralDebtRepaid")
        .withArgs(f.provider.address, f.assignedJob, JOB_COLLATERAL, 0n);
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralForfeited")
        .withArgs(f.provider.address, f.assignedJob, 0n, f.client.address);
      await expect(tx).to.changeTokenBalances(f.usd, [f.client, f.JobEscrow], [JOB_PAYMENT, -JOB_PAYMENT]);
      await expect(tx).to.changeTokenBalances(f.ComputeToken, [f.client, f.ProviderRegistry], [0n, 0n]);
      expect((await readJob(f.JobEscrow, f.assignedJob)).status).to.equal(JobStatus.TimedOut);
      const state = await f.ProviderRegistry.providerState(f.provider.address);
      expect([state.staked, state.locked, state.debt]).to.deep.equal([0n, 0n, 0n]);
    });

    it("reports in JobTimedOut the penalty the client received, not the one it was owed", async function () {
      // IJobEscrow: "the client got `refund` plus `penalty` from the collateral". The registry pays less than the
      // penalty when a slash already took the stake, and returns what it paid.
      const f = await loadFixture(slashedProviderFixture);
      await expect(f.JobEscrow.claimTimeout(f.assignedJob, await jobTerms(f, f.assignedJob)))
        .to.emit(f.JobEscrow, "JobTimedOut")
        .withArgs(f.assignedJob, f.provider.address, JOB_PAYMENT, 0n);
    });

    it("reverts until the submit deadline has passed", async function () {
      const f = await loadFixture(jobsFixture);
      const { deadline } = await readJob(f.JobEscrow, f.assignedJob);
      await time.setNextBlockTimestamp(deadline);
      await expect(f.JobEscrow.claimTimeout(f.assignedJob, await jobTerms(f, f.assignedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "SubmitDeadlineNotReached")
        .withArgs(f.assignedJob, deadline);
    });

    it("reverts when the job is not Assigned", async function () {
      const f = await loadFixture(jobsFixture);
      await passSubmitDeadline(f, f.openJob);
      await expect(f.JobEscrow.claimTimeout(f.openJob, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.openJob, JobStatus.Open, JobStatus.Assigned);
      await expect(f.JobEscrow.claimTimeout(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.submittedJob, JobStatus.Submitted, JobStatus.Assigned);
    });
  });

  describe("disputes", function () {
    it("freezes a Submitted job inside its challenge window", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.connect(f.disputer).markDisputed(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.emit(f.JobEscrow, "JobDisputed")
        .withArgs(f.submittedJob);
      expect((await readJob(f.JobEscrow, f.submittedJob)).status).to.equal(JobStatus.Disputed);
    });

    it("blocks finalize while the job is Disputed", async function () {
      const f = await loadFixture(jobsFixture);
      await f.JobEscrow.connect(f.disputer).markDisputed(f.submittedJob, await jobTerms(f, f.submittedJob));
      await passChallengeWindow(f, f.submittedJob);
      await expect(f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.submittedJob, JobStatus.Disputed, JobStatus.Submitted);
    });

    it("reverts markDisputed when the challenge window has closed", async function () {
      const f = await loadFixture(jobsFixture);
      const { deadline } = await readJob(f.JobEscrow, f.submittedJob);
      await time.setNextBlockTimestamp(deadline);
      await expect(f.JobEscrow.connect(f.disputer).markDisputed(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "ChallengeWindowClosed")
        .withArgs(f.submittedJob, deadline);
    });

    it("reverts markDisputed when the job is not Submitted", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(f.JobEscrow.connect(f.disputer).markDisputed(f.assignedJob, await jobTerms(f, f.assignedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.assignedJob, JobStatus.Assigned, JobStatus.Submitted);
    });

    it("refunds the client in full when the provider is at fault, keeping the collateral locked for the slash", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = f.submittedJob;
      const terms = await jobTerms(f, jobId);
      await f.JobEscrow.connect(f.disputer).markDisputed(jobId, terms);
      const before = await f.ProviderRegistry.providerState(f.provider.address);

      const tx = f.JobEscrow.connect(f.disputer).resolveDispute(jobId, terms, true);
      await expect(tx).to.emit(f.JobEscrow, "DisputeResolved").withArgs(jobId, true, JOB_PAYMENT);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.client, f.provider, f.timelock, f.JobEscrow],
        [JOB_PAYMENT, 0n, 0n, -JOB_PAYMENT],
      );
      const j = await readJob(f.JobEscrow, jobId);
      expect(j.status).to.equal(JobStatus.Slashed);
      expect(committedTerms(j)).to.deep.equal(terms);
      expect([j.provider, j.collateral]).to.deep.equal([f.provider.address, JOB_COLLATERAL]);
      expect((await f.ProviderRegistry.providerState(f.provider.address)).locked).to.equal(before.locked);

      // The dispute manager then slashes, releasing the job's collateral (still locked) and taking it.
      await expect(
        f.ProviderRegistry.connect(f.disputer).slash(
          f.provider.address,
          jobId,
          JOB_COLLATERAL,
          0n,
          [f.disputer.address, f.client.address],
          [5_000, 5_000],
        ),
      )
        .to.emit(f.ProviderRegistry, "Slashed")
        .withArgs(f.provider.address, jobId, JOB_COLLATERAL, JOB_COLLATERAL);
      const after = await f.ProviderRegistry.providerState(f.provider.address);
      expect(after.locked).to.equal(before.locked - JOB_COLLATERAL);
      expect(after.staked).to.equal(before.staked - JOB_COLLATERAL);
      expect(after.jobsSlashed).to.equal(1n);
      await expect(f.JobEscrow.finalize(jobId, await jobTerms(f, jobId)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(jobId, JobStatus.Slashed, JobStatus.Submitted);
    });

    it("returns the job to Submitted when the provider is not at fault, and finalize works after the window", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = f.submittedJob;
      const { deadline } = await readJob(f.JobEscrow, jobId);
      await f.JobEscrow.connect(f.disputer).markDisputed(jobId, await jobTerms(f, jobId));

      const tx = f.JobEscrow.connect(f.disputer).resolveDispute(jobId, await jobTerms(f, jobId), false);
      await expect(tx).to.emit(f.JobEscrow, "DisputeResolved").withArgs(jobId, false, 0n);
      await expect(tx).to.changeTokenBalances(f.usd, [f.client, f.JobEscrow], [0n, 0n]);
      const j = await readJob(f.JobEscrow, jobId);
      expect(j.status).to.equal(JobStatus.Submitted);
      expect(j.deadline).to.equal(deadline);

      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.JobEscrow.finalize(jobId, await jobTerms(f, jobId)))
        .to.be.revertedWithCustomError(f.JobEscrow, "ChallengeWindowOpen")
        .withArgs(jobId, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(f.JobEscrow.finalize(jobId, await jobTerms(f, jobId)))
        .to.emit(f.JobEscrow, "JobFinalized")
        .withArgs(jobId, f.provider.address, JOB_PAYMENT - JOB_FEE, JOB_FEE);
    });

    it("lets a job cleared after its challenge window finalize at once", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = f.submittedJob;
      await f.JobEscrow.connect(f.disputer).markDisputed(jobId, await jobTerms(f, jobId));
      await passChallengeWindow(f, jobId);
      await time.increase(60n);
      await f.JobEscrow.connect(f.disputer).resolveDispute(jobId, await jobTerms(f, jobId), false);
      await expect(f.JobEscrow.finalize(jobId, await jobTerms(f, jobId))).to.changeTokenBalances(
        f.usd,
        [f.provider, f.timelock],
        [JOB_PAYMENT - JOB_FEE, JOB_FEE],
      );
    });

    it("reverts resolveDispute when the job is not Disputed", async function () {
      const f = await loadFixture(jobsFixture);
      await expect(
        f.JobEscrow.connect(f.disputer).resolveDispute(f.submittedJob, await jobTerms(f, f.submittedJob), true),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.submittedJob, JobStatus.Submitted, JobStatus.Disputed);
    });
  });
});

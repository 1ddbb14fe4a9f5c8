import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { Roles } from "../../../config/roles";
import { readJob } from "../../../src/chain/jobs";

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
  acceptAndSubmit,
} from "../../fixtures/jobs";
import { deployWeftFixture } from "../../fixtures/weft";
import { DAY, passChallengeWindow, passSubmitDeadline } from "./fixture";

describe("JobEscrow: collateral", function () {
  describe("collateral floor", function () {
    it("locks the minimum collateral for a job whose value x ratio is below it", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const floor = f.parameters.escrow.minCollateral;
      // The smallest tUSD payment: 1,000 base units, worth 1,000 WEFT base units, 10x of which is 10,000.
      const jobId = await createJob(f, f.client, { payment: 1000n });
      expect(await f.JobEscrow.collateralFor(1000n)).to.equal(floor);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(jobId, f.provider.address, floor);
      expect((await f.ProviderRegistry.providerState(f.provider.address)).locked).to.equal(floor);
    });

    it("locks value x ratio once it exceeds the floor, to the base unit", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const payment = JOB_PAYMENT + 1n;
      const collateral = JOB_COLLATERAL + 10n;
      expect(await f.JobEscrow.collateralFor(payment)).to.equal(collateral);
      const jobId = await createJob(f, f.client, { payment });
      await expect(f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(jobId, f.provider.address, collateral);
    });

    it("reports in collateralFor the ratio and floor in force", async function () {
      const f = await loadFixture(deployWeftFixture);
      const floor = f.parameters.escrow.minCollateral;
      expect(await f.JobEscrow.collateralFor(0n)).to.equal(floor);
      expect(await f.JobEscrow.collateralFor(JOB_VALUE)).to.equal(floor);
      expect(await f.JobEscrow.collateralFor(JOB_VALUE + 1n)).to.equal(floor + 10n);
      await f.JobEscrow.connect(f.timelock).setCollateralRatioBps(200_000n);
      expect(await f.JobEscrow.collateralFor(JOB_VALUE)).to.equal(2n * floor);
      await f.JobEscrow.connect(f.timelock).setMinCollateral(0n);
      expect(await f.JobEscrow.collateralFor(0n)).to.equal(0n);
      expect(await f.JobEscrow.collateralFor(1n)).to.equal(20n);
    });

    it("applies the floor in force when the job is accepted", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const jobId = await createJob(f);
      await f.JobEscrow.connect(f.timelock).setMinCollateral(ethers.parseEther("5000"));
      await expect(f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(jobId, f.provider.address, ethers.parseEther("5000"));
      // Without a floor, a tiny job locks only its ratio.
      await f.JobEscrow.connect(f.timelock).setMinCollateral(0n);
      const tiny = await createJob(f, f.client, { payment: 1000n });
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(tiny, await jobTerms(f, tiny)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(tiny, f.provider2.address, 10_000n);
    });

    it("makes a provider that misses a tiny job's deadline pay the penalty on the floor", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const jobId = await createJob(f, f.client, { payment: 1000n });
      await f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId));
      await passSubmitDeadline(f, jobId);
      const penalty = (f.parameters.escrow.minCollateral * f.parameters.escrow.livenessPenaltyBps) / BPS;
      expect(penalty).to.equal(ethers.parseEther("100"));
      const tx = f.JobEscrow.claimTimeout(jobId, await jobTerms(f, jobId));
      await expect(tx).to.emit(f.JobEscrow, "JobTimedOut").withArgs(jobId, f.provider.address, 1000n, penalty);
      await expect(tx).to.changeTokenBalance(f.ComputeToken, f.client, penalty);
    });

    it("refuses to accept a job worth nothing when the floor is zero: the registry will not lock an empty collateral", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      await f.JobEscrow.connect(f.timelock).setMinCollateral(0n);
      await f.JobEscrow.connect(f.timelock).setPaymentToken(await f.usd.getAddress(), true, 1000n, 1n);
      const jobId = await createJob(f, f.client, { payment: 1000n });
      await expect(
        f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId)),
      ).to.be.revertedWithCustomError(f.ProviderRegistry, "ZeroAmount");
      expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Open);
    });

    it("is a PARAMETERS function in the deployment: the timelock sets it, the guardian cannot", async function () {
      const f = await loadFixture(deployWeftFixture);
      const selector = f.JobEscrow.interface.getFunction("setMinCollateral").selector;
      expect(await f.AccessManager.getTargetFunctionRole(await f.JobEscrow.getAddress(), selector)).to.equal(
        Roles.PARAMETERS,
      );
      await expect(f.JobEscrow.connect(f.guardian).setMinCollateral(0n))
        .to.be.revertedWithCustomError(f.JobEscrow, "AccessManagedUnauthorized")
        .withArgs(f.guardian.address);
    });
  });

  describe("minimum provider stake", function () {
    it("refuses a provider staked below the minimum with ProviderNotEligible, and accepts it once it reaches it", async function () {
      const f = await loadFixture(jobsFixture);
      const min = f.parameters.registry.minProviderStake;
      await registerAndStake(f, f.outsider, min - 1n);
      await expect(f.JobEscrow.connect(f.outsider).acceptJob(f.openJob, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "ProviderNotEligible")
        .withArgs(f.outsider.address);
      expect((await readJob(f.JobEscrow, f.openJob)).status).to.equal(JobStatus.Open);
      await f.ComputeToken.connect(f.outsider).approve(await f.ProviderRegistry.getAddress(), 1n);
      await f.ProviderRegistry.connect(f.outsider).stake(1n);
      await expect(f.JobEscrow.connect(f.outsider).acceptJob(f.openJob, await jobTerms(f, f.openJob)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(f.openJob, f.outsider.address, JOB_COLLATERAL);
    });

    it("counts stake locked in running jobs toward the minimum, but not unbonding stake", async function () {
      const f = await loadFixture(jobsFixture);
      const min = f.parameters.registry.minProviderStake;
      // Exactly the minimum, which one job's collateral then locks entirely.
      await registerAndStake(f, f.outsider, min);
      await f.JobEscrow.connect(f.outsider).acceptJob(f.openJob, await jobTerms(f, f.openJob));
      expect(await f.ProviderRegistry.freeStake(f.outsider.address)).to.equal(0n);
      expect(await f.ProviderRegistry.canAcceptJobs(f.outsider.address)).to.equal(true);
      const second = await createJob(f);
      // Still eligible: what stops it is its free stake, in the registry.
      await expect(f.JobEscrow.connect(f.outsider).acceptJob(second, await jobTerms(f, second)))
        .to.be.revertedWithCustomError(f.ProviderRegistry, "InsufficientFreeStake")
        .withArgs(f.outsider.address, 0n, JOB_COLLATERAL);
      // Stake on its way out does not count: provider2 unbonds all but the minimum less one.
      await f.ProviderRegistry.connect(f.provider2).requestUnbond(PROVIDER_STAKE - min + 1n);
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(second, await jobTerms(f, second)))
        .to.be.revertedWithCustomError(f.JobEscrow, "ProviderNotEligible")
        .withArgs(f.provider2.address);
    });
  });

  describe("collateral debt", function () {
    /**
     * stakedProvidersFixture after `provider` (10,000 staked) took a 900 tUSD job of its accomplice's (provider2, as a
     * client) due in 10 days, locking 9,000, and a JOB_PAYMENT job of the client's, locking the last 1,000, and was
     * slashed for the latter at a 50% share: 1,000 + 4,500, of which 4,500 out of the accomplice job's lock, now owed.
     * The jail has passed, the accomplice job still runs; returns its id.
     */
    async function indebtedProviderFixture() {
      const f = await stakedProvidersFixture();
      const shield = await createJob(f, f.provider2, {
        provider: f.provider.address,
        payment: 9n * JOB_PAYMENT,
        submitDeadline: BigInt(await time.latest()) + 10n * DAY,
      });
      await f.JobEscrow.connect(f.provider).acceptJob(shield, await jobTerms(f, shield));
      const faulty = await createJob(f);
      await acceptAndSubmit(f, faulty);
      const terms = await jobTerms(f, faulty);
      await f.JobEscrow.connect(f.disputer).markDisputed(faulty, terms);
      await f.JobEscrow.connect(f.disputer).resolveDispute(faulty, terms, true);
      await f.ProviderRegistry.connect(f.disputer).slash(
        f.provider.address,
        faulty,
        JOB_COLLATERAL,
        5_000n,
        [f.disputer.address],
        [10_000],
      );
      const state = await f.ProviderRegistry.providerState(f.provider.address);
      const owed = ethers.parseEther("4500");
      expect([state.staked, state.locked, state.debt]).to.deep.equal([owed, owed, owed]);
      await time.increaseTo(state.jailedUntil);
      return { ...f, shield };
    }

    it("settles the job whose lock a slash took: its release repays the debt and frees the rest", async function () {
      const f = await loadFixture(indebtedProviderFixture);
      await f.JobEscrow.connect(f.provider).submitResult(
        f.shield,
        await jobTerms(f, f.shield),
        RESULT_ROOT,
        RESULT_URI,
      );
      await passChallengeWindow(f, f.shield);
      const tx = f.JobEscrow.finalize(f.shield, await jobTerms(f, f.shield));
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralDebtRepaid")
        .withArgs(f.provider.address, f.shield, ethers.parseEther("4500"), 0n);
      await expect(tx).to.changeTokenBalance(f.usd, f.provider, 9n * (JOB_PAYMENT - JOB_FEE));
      const state = await f.ProviderRegistry.providerState(f.provider.address);
      expect([state.staked, state.locked, state.debt]).to.deep.equal([ethers.parseEther("4500"), 0n, 0n]);
    });

    it("refuses a provider in debt new jobs, however much it stakes, until the indebted job settles", async function () {
      // The debt is the collateral a slash already took from the shield job. Were a provider in debt let in, the slash
      // of a new job would net that debt against the new job's collateral, and a fault on it could cost nothing.
      const f = await loadFixture(indebtedProviderFixture);
      await f.ComputeToken.connect(f.provider).approve(await f.ProviderRegistry.getAddress(), 2n * JOB_COLLATERAL);
      await f.ProviderRegistry.connect(f.provider).stake(2n * JOB_COLLATERAL);
      const fresh = await createJob(f);
      expect(await f.ProviderRegistry.canAcceptJobs(f.provider.address)).to.equal(false);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(fresh, await jobTerms(f, fresh)))
        .to.be.revertedWithCustomError(f.JobEscrow, "ProviderNotEligible")
        .withArgs(f.provider.address);

      await f.JobEscrow.connect(f.provider).submitResult(
        f.shield,
        await jobTerms(f, f.shield),
        RESULT_ROOT,
        RESULT_URI,
      );
      await passChallengeWindow(f, f.shield);
      await f.JobEscrow.finalize(f.shield, await jobTerms(f, f.shield));
      expect((await f.ProviderRegistry.providerState(f.provider.address)).debt).to.equal(0n);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(fresh, await jobTerms(f, fresh)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(fresh, f.provider.address, JOB_COLLATERAL);
    });
  });
});

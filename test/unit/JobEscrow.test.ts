import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setStorageAt, time } from "@nomicfoundation/hardhat-network-helpers";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { Roles } from "../../config/roles";
import { readJob, committedTerms } from "../../src/chain/jobs";

import {
  FalseReturningERC20__factory,
  FeeOnTransferERC20__factory,
  JobEscrow__factory,
  ReentrantERC20__factory,
  TestERC20Decimals__factory,
  TestERC20__factory,
  WorkRecorderSpy__factory,
} from "../../typechain-types";
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
  jobRequest,
  jobTerms,
  jobsFixture,
  registerAndStake,
  stakedProvidersFixture,
  type JobsFixture,
  acceptAndSubmit,
} from "../fixtures/jobs";
import { expectedTermsHash, NO_TERMS, TERM_FIELDS, TERM_TYPES, withAlteredTerm } from "../fixtures/terms";
import { USD_WEFT_PER_TOKEN, deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { signPermit } from "../helpers/permit";
import { expectUserError } from "../helpers/errors";

const DAY = 86_400n;
const MAX_JOB_DURATION = 90n * DAY;
const MAX_WINDOW = 30n * DAY;
const UINT96_MAX = 2n ** 96n - 1n;
const WEFT_ONE = 10n ** 18n;
const MAX_MIN_COLLATERAL = ethers.parseEther("1000000");
const MAX_WEFT_PER_TOKEN = 10n ** 27n;
/** A 6-decimals stablecoin valued at one WEFT per token: 10^18 WEFT base units per 10^6 of its base units. */
const USDC_RATE = WEFT_ONE;

/** What a provider that misses a JOB_PAYMENT job's deadline forfeits to the client, at the local parameters. */
const JOB_PENALTY = (JOB_COLLATERAL * LOCAL_PARAMETERS.escrow.livenessPenaltyBps) / BPS;

/** An address that is none of the fixture's accounts or contracts. */
const STRANGER = ethers.getAddress("0x000000000000000000000000000000000000dEaD");

/** The next block's timestamp, pinned so that a test can predict what the contract sees. */
async function pinNextTimestamp(offset = 1n): Promise<bigint> {
  const t = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** Moves time to the end of a Submitted job's challenge window (the first second it can be finalized). */
async function passChallengeWindow(f: WeftFixture, jobId: bigint) {
  await time.increaseTo((await readJob(f.JobEscrow, jobId)).deadline);
}

/** Moves time past an Assigned job's submit deadline (the first second it can time out). */
async function passSubmitDeadline(f: WeftFixture, jobId: bigint) {
  await time.increaseTo((await readJob(f.JobEscrow, jobId)).deadline + 1n);
}

/** Jobs paid in a ReentrantERC20: one Open, one Assigned and one Submitted past its challenge window. */
async function reentrantJobsFixture() {
  const f = await stakedProvidersFixture();
  const token = await new ReentrantERC20__factory(f.deployer).deploy();
  const tokenAddress = await token.getAddress();
  await f.JobEscrow.connect(f.timelock).setPaymentToken(tokenAddress, true, 0n, USD_WEFT_PER_TOKEN);
  await token.mint(f.client.address, 10n * JOB_PAYMENT);
  const overrides = { paymentToken: tokenAddress };
  const openJob = await createJob(f, f.client, overrides);
  const assignedJob = await createJob(f, f.client, overrides);
  await f.JobEscrow.connect(f.provider).acceptJob(assignedJob, await jobTerms(f, assignedJob));
  const submittedJob = await createJob(f, f.client, overrides);
  await acceptAndSubmit(f, submittedJob);
  return { ...f, token, openJob, assignedJob, submittedJob };
}

describe("JobEscrow", function () {
  describe("deployment", function () {
    it("starts with the local parameters, no jobs, and WEFT and tUSD allowed as payment", async function () {
      const f = await loadFixture(deployWeftFixture);
      const { JobEscrow, parameters } = f;
      expect(await JobEscrow.protocolFeeBps()).to.equal(parameters.escrow.protocolFeeBps);
      expect(await JobEscrow.collateralRatioBps()).to.equal(parameters.escrow.collateralRatioBps);
      expect(await JobEscrow.minCollateral()).to.equal(parameters.escrow.minCollateral);
      expect(await JobEscrow.MAX_MIN_COLLATERAL()).to.equal(MAX_MIN_COLLATERAL);
      expect(await JobEscrow.MIN_WEFT_PER_TOKEN()).to.equal(1n);
      expect(await JobEscrow.MAX_WEFT_PER_TOKEN()).to.equal(MAX_WEFT_PER_TOKEN);
      expect(await JobEscrow.MAX_PAYMENT_TOKEN_DECIMALS()).to.equal(36n);
      expect(await JobEscrow.challengeWindow()).to.equal(parameters.escrow.challengeWindow);
      expect(await JobEscrow.disputeWindow()).to.equal(parameters.escrow.disputeWindow);
      expect(await JobEscrow.livenessPenaltyBps()).to.equal(parameters.escrow.livenessPenaltyBps);
      expect(await JobEscrow.disputeExposure()).to.equal(
        parameters.escrow.challengeWindow + parameters.escrow.disputeWindow,
      );
      expect(await JobEscrow.jobCount()).to.equal(0n);
      expect(await JobEscrow.registry()).to.equal(await f.ProviderRegistry.getAddress());
      // The deployment reports settled work to the RewardDistributor.
      expect(await JobEscrow.workRecorder()).to.equal(await f.RewardDistributor.getAddress());
      expect(await JobEscrow.paused()).to.equal(false);
      // WEFT is configured by the deployment module, then the fixture adds tUSD: indexes 1 and 2.
      // Both have 18 decimals (read from the tokens) and are worth one WEFT per whole token.
      expect(await JobEscrow.paymentTokenConfig(await f.ComputeToken.getAddress())).to.deep.equal([
        true,
        parameters.escrow.minPaymentWeft,
        1n,
        18n,
        WEFT_ONE,
      ]);
      expect(await JobEscrow.paymentTokenConfig(await f.usd.getAddress())).to.deep.equal([
        true,
        1000n,
        2n,
        18n,
        USD_WEFT_PER_TOKEN,
      ]);
    });

    it("reverts construction with a zero registry or a zero treasury", async function () {
      const f = await loadFixture(deployWeftFixture);
      const factory = new JobEscrow__factory(f.deployer);
      const e = f.parameters.escrow;
      const parameters = {
        protocolFeeBps: e.protocolFeeBps,
        collateralRatioBps: e.collateralRatioBps,
        minCollateral: e.minCollateral,
        challengeWindow: e.challengeWindow,
        disputeWindow: e.disputeWindow,
        livenessPenaltyBps: e.livenessPenaltyBps,
      };
      const authority = await f.AccessManager.getAddress();
      const registry = await f.ProviderRegistry.getAddress();
      await expect(
        factory.deploy(authority, ethers.ZeroAddress, f.timelock.address, parameters),
      ).to.be.revertedWithCustomError(factory, "ZeroAddress");
      await expect(factory.deploy(authority, registry, ethers.ZeroAddress, parameters)).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
    });

    it("emits the initial minimum collateral and reverts construction with one above MAX_MIN_COLLATERAL", async function () {
      const f = await loadFixture(deployWeftFixture);
      const factory = new JobEscrow__factory(f.deployer);
      const e = f.parameters.escrow;
      const parameters = {
        protocolFeeBps: e.protocolFeeBps,
        collateralRatioBps: e.collateralRatioBps,
        minCollateral: MAX_MIN_COLLATERAL,
        challengeWindow: e.challengeWindow,
        disputeWindow: e.disputeWindow,
        livenessPenaltyBps: e.livenessPenaltyBps,
      };
      const args = [
        await f.AccessManager.getAddress(),
        await f.ProviderRegistry.getAddress(),
        f.timelock.address,
      ] as const;
      const escrow = await factory.deploy(...args, parameters);
      await expect(escrow.deploymentTransaction()).to.emit(escrow, "MinCollateralSet").withArgs(0n, MAX_MIN_COLLATERAL);
      expect(await escrow.minCollateral()).to.equal(MAX_MIN_COLLATERAL);
      await expect(factory.deploy(...args, { ...parameters, minCollateral: MAX_MIN_COLLATERAL + 1n }))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(MAX_MIN_COLLATERAL + 1n, 0n, MAX_MIN_COLLATERAL);
    });

    it("reports None for an id that was never created, and no terms match it", async function () {
      const { JobEscrow } = await loadFixture(deployWeftFixture);
      expect(await JobEscrow.jobStatus(1n)).to.equal(JobStatus.None);
      await expect(JobEscrow.verifiedStatus(1n, NO_TERMS))
        .to.be.revertedWithCustomError(JobEscrow, "JobTermsMismatch")
        .withArgs(1n, ethers.ZeroHash, await JobEscrow.hashTerms(NO_TERMS));
      await expectUserError(readJob(JobEscrow, 1n), /^Job 1 does not exist \(the escrow has 0 jobs\)\.$/);
    });
  });

  describe("createJob", function () {
    it("stores an Open job, pulls the payment into escrow and emits JobCreated", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const { JobEscrow, usd, client } = f;
      const request = await jobRequest(f);
      await usd.connect(client).approve(await JobEscrow.getAddress(), JOB_PAYMENT);

      const tx = JobEscrow.connect(client).createJob(request);
      await expect(tx)
        .to.emit(JobEscrow, "JobCreated")
        .withArgs(
          1n,
          client.address,
          ethers.ZeroAddress,
          request.workloadId,
          request.params,
          request.inputRoot,
          request.inputURI,
          await usd.getAddress(),
          JOB_PAYMENT,
          JOB_VALUE,
          request.submitDeadline,
          LOCAL_PARAMETERS.escrow.protocolFeeBps,
        );
      await expect(tx).to.changeTokenBalances(usd, [client, JobEscrow], [-JOB_PAYMENT, JOB_PAYMENT]);

      expect(await JobEscrow.jobCount()).to.equal(1n);
      const j = await readJob(JobEscrow, 1n);
      expect(j.client).to.equal(client.address);
      expect(j.payment).to.equal(JOB_PAYMENT);
      expect(j.paymentValue).to.equal(JOB_VALUE);
      expect(j.provider).to.equal(ethers.ZeroAddress);
      expect(j.collateral).to.equal(0n);
      expect(j.paymentToken).to.equal(await usd.getAddress());
      expect(j.deadline).to.equal(request.submitDeadline);
      expect(j.feeBps).to.equal(300n);
      expect(j.status).to.equal(JobStatus.Open);
      expect(j.workloadId).to.equal(request.workloadId);
      expect(j.paramsHash).to.equal(ethers.keccak256(request.params));
      expect(j.inputRoot).to.equal(request.inputRoot);
      expect(j.resultRoot).to.equal(ethers.ZeroHash);
    });

    it("numbers jobs from 1 and records a directed provider", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      expect(await createJob(f)).to.equal(1n);
      expect(await createJob(f, f.client, { provider: f.provider.address })).to.equal(2n);
      expect((await readJob(f.JobEscrow, 2n)).provider).to.equal(f.provider.address);
      expect(await f.JobEscrow.jobCount()).to.equal(2n);
    });

    it("emits and commits to the protocol fee in force when the job is created", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      await f.JobEscrow.connect(f.timelock).setProtocolFeeBps(500n);
      const request = await jobRequest(f);
      await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), JOB_PAYMENT);
      const tx = f.JobEscrow.connect(f.client).createJob(request);
      await expect(tx)
        .to.emit(f.JobEscrow, "JobCreated")
        .withArgs(
          1n,
          f.client.address,
          ethers.ZeroAddress,
          request.workloadId,
          request.params,
          request.inputRoot,
          request.inputURI,
          await f.usd.getAddress(),
          JOB_PAYMENT,
          JOB_VALUE,
          request.submitDeadline,
          500n,
        );
      expect((await readJob(f.JobEscrow, 1n)).feeBps).to.equal(500);
    });

    it("accepts a workload id that uses all 24 bytes of a workload name", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const workloadId = ethers.encodeBytes32String("x".repeat(24));
      const jobId = await createJob(f, f.client, { workloadId });
      expect((await readJob(f.JobEscrow, jobId)).workloadId).to.equal(workloadId);
    });

    for (let index = 24; index < 32; index++) {
      it(`reverts WorkloadIdTooLong for a workload id with a non-zero byte ${index}`, async function () {
        const f = await loadFixture(stakedProvidersFixture);
        const bytes = ethers.getBytes(ethers.encodeBytes32String("matmul-i8"));
        bytes[index] = 0x01;
        const workloadId = ethers.hexlify(bytes);
        await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), JOB_PAYMENT);
        await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { workloadId })))
          .to.be.revertedWithCustomError(f.JobEscrow, "WorkloadIdTooLong")
          .withArgs(workloadId);
        expect(await f.JobEscrow.jobCount()).to.equal(0n);
      });
    }

    it("accepts a payment at the token's minimum and a deadline exactly MAX_JOB_DURATION ahead", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const request = await jobRequest(f, { payment: 1000n });
      await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), 1000n);
      const now = await pinNextTimestamp();
      request.submitDeadline = now + MAX_JOB_DURATION;
      await expect(f.JobEscrow.connect(f.client).createJob(request)).to.emit(f.JobEscrow, "JobCreated");
      expect((await readJob(f.JobEscrow, 1n)).deadline).to.equal(now + MAX_JOB_DURATION);
    });

    it("accepts WEFT as the payment token", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const weft = await f.ComputeToken.getAddress();
      const jobId = await createJob(f, f.client, { paymentToken: weft });
      expect((await readJob(f.JobEscrow, jobId)).paymentToken).to.equal(weft);
      expect(await f.ComputeToken.balanceOf(await f.JobEscrow.getAddress())).to.equal(JOB_PAYMENT);
    });

    it("reverts when the payment token is not allow-listed", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const other = await new TestERC20__factory(f.deployer).deploy("Other", "OTH");
      const request = await jobRequest(f, { paymentToken: await other.getAddress() });
      await expect(f.JobEscrow.connect(f.client).createJob(request))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTokenNotAllowed")
        .withArgs(await other.getAddress());
    });

    it("reverts when the payment token was removed from the allow-list", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, false, 1000n, USD_WEFT_PER_TOKEN);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f)))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTokenNotAllowed")
        .withArgs(usd);
    });

    it("reverts when the payment is below the token's minimum", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { payment: 999n })))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentBelowMinimum")
        .withArgs(999n, 1000n);
    });

    it("reverts when the payment does not fit in 96 bits", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { payment: UINT96_MAX + 1n })))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTooLarge")
        .withArgs(UINT96_MAX + 1n);
    });

    it("reverts when the submit deadline is not in the future", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const request = await jobRequest(f);
      const now = await pinNextTimestamp();
      request.submitDeadline = now;
      await expect(f.JobEscrow.connect(f.client).createJob(request))
        .to.be.revertedWithCustomError(f.JobEscrow, "InvalidSubmitDeadline")
        .withArgs(now, now + 1n, now + MAX_JOB_DURATION);
    });

    it("reverts when the submit deadline is more than MAX_JOB_DURATION ahead", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const request = await jobRequest(f);
      const now = await pinNextTimestamp();
      request.submitDeadline = now + MAX_JOB_DURATION + 1n;
      await expect(f.JobEscrow.connect(f.client).createJob(request))
        .to.be.revertedWithCustomError(f.JobEscrow, "InvalidSubmitDeadline")
        .withArgs(now + MAX_JOB_DURATION + 1n, now + 1n, now + MAX_JOB_DURATION);
    });

    it("reverts on a fee-on-transfer token and keeps no funds or job", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const fot = await new FeeOnTransferERC20__factory(f.deployer).deploy();
      const fotAddress = await fot.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(fotAddress, true, 0n, USD_WEFT_PER_TOKEN);
      await fot.mint(f.client.address, JOB_PAYMENT);
      await fot.connect(f.client).approve(await f.JobEscrow.getAddress(), JOB_PAYMENT);

      const request = await jobRequest(f, { paymentToken: fotAddress });
      await expect(f.JobEscrow.connect(f.client).createJob(request))
        .to.be.revertedWithCustomError(f.JobEscrow, "FeeOnTransferNotSupported")
        .withArgs(fotAddress, JOB_PAYMENT, JOB_PAYMENT - JOB_PAYMENT / 100n);
      expect(await fot.balanceOf(f.client.address)).to.equal(JOB_PAYMENT);
      expect(await fot.balanceOf(await f.JobEscrow.getAddress())).to.equal(0n);
      expect(await f.JobEscrow.jobCount()).to.equal(0n);
    });

    it("reverts with SafeERC20FailedOperation when the token returns false, leaving nothing behind", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const bad = await new FalseReturningERC20__factory(f.deployer).deploy();
      const badAddress = await bad.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(badAddress, true, 0n, USD_WEFT_PER_TOKEN);
      await bad.mint(f.client.address, JOB_PAYMENT);
      await bad.connect(f.client).approve(await f.JobEscrow.getAddress(), JOB_PAYMENT);
      await bad.setFailing(true);

      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { paymentToken: badAddress })))
        .to.be.revertedWithCustomError(f.JobEscrow, "SafeERC20FailedOperation")
        .withArgs(badAddress);
      expect(await bad.balanceOf(f.client.address)).to.equal(JOB_PAYMENT);
      expect(await bad.balanceOf(await f.JobEscrow.getAddress())).to.equal(0n);
      expect(await bad.allowance(f.client.address, await f.JobEscrow.getAddress())).to.equal(JOB_PAYMENT);
      expect(await f.JobEscrow.jobCount()).to.equal(0n);
    });

    it("reverts with the token's error when the client has not approved the payment", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f)))
        .to.be.revertedWithCustomError(f.usd, "ERC20InsufficientAllowance")
        .withArgs(await f.JobEscrow.getAddress(), 0n, JOB_PAYMENT);
    });
  });

  describe("createJobWithPermit", function () {
    it("creates the job with a valid permit and no prior approval", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const escrow = await f.JobEscrow.getAddress();
      const request = await jobRequest(f);
      const deadline = BigInt(await time.latest()) + 600n;
      const sig = await signPermit(f.usd, f.client, escrow, JOB_PAYMENT, deadline);

      const tx = f.JobEscrow.connect(f.client).createJobWithPermit(request, deadline, sig.v, sig.r, sig.s);
      await expect(tx)
        .to.emit(f.JobEscrow, "JobCreated")
        .withArgs(
          1n,
          f.client.address,
          ethers.ZeroAddress,
          request.workloadId,
          request.params,
          request.inputRoot,
          request.inputURI,
          await f.usd.getAddress(),
          JOB_PAYMENT,
          JOB_VALUE,
          request.submitDeadline,
          LOCAL_PARAMETERS.escrow.protocolFeeBps,
        );
      await expect(tx).to.changeTokenBalances(f.usd, [f.client, f.JobEscrow], [-JOB_PAYMENT, JOB_PAYMENT]);
      expect(await f.usd.nonces(f.client.address)).to.equal(1n);
      expect(await f.usd.allowance(f.client.address, escrow)).to.equal(0n);
      expect((await readJob(f.JobEscrow, 1n)).status).to.equal(JobStatus.Open);
    });

    it("still creates the job when the permit was front-run and the allowance is already there", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const escrow = await f.JobEscrow.getAddress();
      const request = await jobRequest(f);
      const deadline = BigInt(await time.latest()) + 600n;
      const sig = await signPermit(f.usd, f.client, escrow, JOB_PAYMENT, deadline);
      // An observer submits the permit first: the client's own permit call now reverts inside the escrow.
      await f.usd.connect(f.outsider).permit(f.client.address, escrow, JOB_PAYMENT, deadline, sig.v, sig.r, sig.s);

      await expect(
        f.JobEscrow.connect(f.client).createJobWithPermit(request, deadline, sig.v, sig.r, sig.s),
      ).to.changeTokenBalances(f.usd, [f.client, f.JobEscrow], [-JOB_PAYMENT, JOB_PAYMENT]);
      expect((await readJob(f.JobEscrow, 1n)).client).to.equal(f.client.address);
    });

    it("reverts with ERC20InsufficientAllowance when the permit is invalid and nothing was approved", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const escrow = await f.JobEscrow.getAddress();
      const request = await jobRequest(f);
      const deadline = BigInt(await time.latest()) + 600n;
      // Signed by the outsider on the client's behalf: the token rejects the signature.
      const forged = await signPermit(f.usd, f.outsider, escrow, JOB_PAYMENT, deadline, f.client.address);

      await expect(f.JobEscrow.connect(f.client).createJobWithPermit(request, deadline, forged.v, forged.r, forged.s))
        .to.be.revertedWithCustomError(f.usd, "ERC20InsufficientAllowance")
        .withArgs(escrow, 0n, JOB_PAYMENT);
      expect(await f.JobEscrow.jobCount()).to.equal(0n);
    });
  });

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
      const tx = f.JobEscrow.connect(f.provider2).acceptJob(f.openJob, await jobTerms(f, f.openJob));
      await expect(tx).to.emit(f.JobEscrow, "JobAccepted").withArgs(f.openJob, f.provider2.address, JOB_COLLATERAL);
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralLocked")
        .withArgs(f.provider2.address, f.openJob, JOB_COLLATERAL);
      await expect(tx).to.changeTokenBalances(f.ComputeToken, [f.provider2, f.ProviderRegistry], [0n, 0n]);

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
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralUnlocked")
        .withArgs(f.provider.address, jobId, JOB_COLLATERAL);
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
      const tx = f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      await expect(tx).to.changeTokenBalances(f.usd, [f.provider, f.timelock], [JOB_PAYMENT - JOB_FEE, JOB_FEE]);
      await expect(tx).not.to.emit(f.RewardDistributor, "WorkRecorded");
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

  describe("committed terms", function () {
    /** The Submitted job past its challenge window: every term is set, and finalize would succeed. */
    async function finalizableFixture() {
      const f = await jobsFixture();
      await passChallengeWindow(f, f.submittedJob);
      return f;
    }

    for (const field of TERM_FIELDS) {
      it(`refuses to finalize with the job's ${field} altered, paying nothing`, async function () {
        const f = await loadFixture(finalizableFixture);
        const terms = await readJob(f.JobEscrow, f.submittedJob);
        const altered = withAlteredTerm(terms, field, STRANGER);
        const escrowBalance = await f.usd.balanceOf(await f.JobEscrow.getAddress());
        await expect(f.JobEscrow.finalize(f.submittedJob, altered))
          .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
          .withArgs(f.submittedJob, expectedTermsHash(terms), await f.JobEscrow.hashTerms(altered));
        expect(await f.usd.balanceOf(await f.JobEscrow.getAddress())).to.equal(escrowBalance);
        expect(await f.JobEscrow.jobStatus(f.submittedJob)).to.equal(JobStatus.Submitted);
      });
    }

    it("refuses to cancel with a larger payment to refund", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await readJob(f.JobEscrow, f.openJob);
      const altered = withAlteredTerm(terms, "payment", STRANGER);
      await expect(f.JobEscrow.connect(f.client).cancelJob(f.openJob, altered))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.openJob, expectedTermsHash(terms), await f.JobEscrow.hashTerms(altered));
    });

    it("refuses to accept with a later submit deadline", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await readJob(f.JobEscrow, f.openJob);
      const altered = withAlteredTerm(terms, "deadline", STRANGER);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(f.openJob, altered))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.openJob, expectedTermsHash(terms), await f.JobEscrow.hashTerms(altered));
      expect((await f.ProviderRegistry.providerState(f.provider.address)).locked).to.equal(2n * JOB_COLLATERAL);
    });

    it("refuses to submit with less collateral than the provider locked", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await readJob(f.JobEscrow, f.assignedJob);
      const altered = committedTerms({ ...terms, collateral: 0n });
      await expect(f.JobEscrow.connect(f.provider).submitResult(f.assignedJob, altered, RESULT_ROOT, RESULT_URI))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.assignedJob, expectedTermsHash(terms), await f.JobEscrow.hashTerms(altered));
    });

    it("refuses a timeout claimed with an earlier submit deadline", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await readJob(f.JobEscrow, f.assignedJob);
      const altered = committedTerms({ ...terms, deadline: BigInt(await time.latest()) - 1n });
      await expect(f.JobEscrow.claimTimeout(f.assignedJob, altered))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.assignedJob, expectedTermsHash(terms), await f.JobEscrow.hashTerms(altered));
    });

    it("refuses to mark a job disputed with a later challenge deadline", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await readJob(f.JobEscrow, f.submittedJob);
      await passChallengeWindow(f, f.submittedJob);
      const altered = committedTerms({ ...terms, deadline: terms.deadline + DAY });
      await expect(f.JobEscrow.connect(f.disputer).markDisputed(f.submittedJob, altered))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.submittedJob, expectedTermsHash(terms), await f.JobEscrow.hashTerms(altered));
    });

    it("refuses to resolve a dispute refunding someone other than the client", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await readJob(f.JobEscrow, f.submittedJob);
      await f.JobEscrow.connect(f.disputer).markDisputed(f.submittedJob, committedTerms(terms));
      const altered = committedTerms({ ...terms, client: f.outsider.address });
      await expect(f.JobEscrow.connect(f.disputer).resolveDispute(f.submittedJob, altered, true))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.submittedJob, expectedTermsHash(terms), await f.JobEscrow.hashTerms(altered));
      expect(await f.JobEscrow.jobStatus(f.submittedJob)).to.equal(JobStatus.Disputed);
    });

    it("stops a provider accepting an open job with terms that name it as the directed provider", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await readJob(f.JobEscrow, f.openJob);
      const named = committedTerms({ ...terms, provider: f.provider2.address });
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(f.openJob, named))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.openJob, expectedTermsHash(terms), await f.JobEscrow.hashTerms(named));
    });

    it("stops a provider accepting a job directed to another by naming itself in the terms", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = await createJob(f, f.client, { provider: f.provider.address });
      const terms = await readJob(f.JobEscrow, jobId);
      const renamed = committedTerms({ ...terms, provider: f.provider2.address });
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(jobId, renamed))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(jobId, expectedTermsHash(terms), await f.JobEscrow.hashTerms(renamed));
      expect((await f.ProviderRegistry.providerState(f.provider2.address)).locked).to.equal(0n);
    });

    it("stops a provider finalizing another provider's job to itself", async function () {
      const f = await loadFixture(finalizableFixture);
      const terms = await readJob(f.JobEscrow, f.submittedJob);
      const rerouted = committedTerms({ ...terms, provider: f.provider2.address });
      await expect(f.JobEscrow.connect(f.provider2).finalize(f.submittedJob, rerouted))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.submittedJob, expectedTermsHash(terms), await f.JobEscrow.hashTerms(rerouted));
      await expect(
        f.JobEscrow.connect(f.provider2).finalize(f.submittedJob, committedTerms(terms)),
      ).to.changeTokenBalances(f.usd, [f.provider, f.provider2], [JOB_PAYMENT - JOB_FEE, 0n]);
    });
  });

  describe("views", function () {
    it("hashes terms as keccak256 of their ABI encoding with the lowest byte cleared", async function () {
      const f = await loadFixture(jobsFixture);
      for (const jobId of [f.openJob, f.assignedJob, f.submittedJob]) {
        const terms = await readJob(f.JobEscrow, jobId);
        expect(await f.JobEscrow.hashTerms(committedTerms(terms))).to.equal(expectedTermsHash(terms));
      }
      // The lowest byte is cleared even when the full hash ends in a non-zero byte.
      const fullHash = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          TERM_TYPES,
          TERM_FIELDS.map((field) => NO_TERMS[field]),
        ),
      );
      expect(fullHash.endsWith("00")).to.equal(false);
      expect(await f.JobEscrow.hashTerms(NO_TERMS)).to.equal(`${fullHash.slice(0, -2)}00`);
    });

    it("reports each status with jobStatus, and with verifiedStatus given the job's terms", async function () {
      const f = await loadFixture(jobsFixture);
      const disputedJob = await createJob(f);
      await f.JobEscrow.connect(f.provider2).acceptJob(disputedJob, await jobTerms(f, disputedJob));
      await f.JobEscrow.connect(f.provider2).submitResult(
        disputedJob,
        await jobTerms(f, disputedJob),
        RESULT_ROOT,
        RESULT_URI,
      );
      await f.JobEscrow.connect(f.disputer).markDisputed(disputedJob, await jobTerms(f, disputedJob));
      const expected = [
        [f.openJob, JobStatus.Open],
        [f.assignedJob, JobStatus.Assigned],
        [f.submittedJob, JobStatus.Submitted],
        [disputedJob, JobStatus.Disputed],
      ] as const;
      for (const [jobId, status] of expected) {
        const terms = await readJob(f.JobEscrow, jobId);
        expect(await f.JobEscrow.jobStatus(jobId)).to.equal(status);
        expect(await f.JobEscrow.verifiedStatus(jobId, committedTerms(terms))).to.equal(status);
        const altered = withAlteredTerm(terms, "inputRoot", STRANGER);
        await expect(f.JobEscrow.verifiedStatus(jobId, altered))
          .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
          .withArgs(jobId, expectedTermsHash(terms), await f.JobEscrow.hashTerms(altered));
      }
    });

    it("keeps the terms' hash of Cancelled, TimedOut and Slashed jobs, so their terms still verify", async function () {
      const f = await loadFixture(jobsFixture);
      const cancelled = await readJob(f.JobEscrow, f.openJob);
      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, committedTerms(cancelled));
      const slashed = await readJob(f.JobEscrow, f.submittedJob);
      await f.JobEscrow.connect(f.disputer).markDisputed(f.submittedJob, committedTerms(slashed));
      await f.JobEscrow.connect(f.disputer).resolveDispute(f.submittedJob, committedTerms(slashed), true);
      const timedOut = await readJob(f.JobEscrow, f.assignedJob);
      await passSubmitDeadline(f, f.assignedJob);
      await f.JobEscrow.claimTimeout(f.assignedJob, committedTerms(timedOut));

      const closed = [
        [f.openJob, cancelled, JobStatus.Cancelled],
        [f.assignedJob, timedOut, JobStatus.TimedOut],
        [f.submittedJob, slashed, JobStatus.Slashed],
      ] as const;
      for (const [jobId, terms, status] of closed) {
        expect(await f.JobEscrow.verifiedStatus(jobId, committedTerms(terms))).to.equal(status);
        const altered = withAlteredTerm(terms, "deadline", STRANGER);
        await expect(f.JobEscrow.verifiedStatus(jobId, altered))
          .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
          .withArgs(jobId, expectedTermsHash(terms), await f.JobEscrow.hashTerms(altered));
      }
    });

    it("returns a Finalized job's settlement: workload, provider, token, payment, result root and settlement time", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await readJob(f.JobEscrow, f.submittedJob);
      await passChallengeWindow(f, f.submittedJob);
      const receipt = await (await f.JobEscrow.finalize(f.submittedJob, committedTerms(terms))).wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      // Settled after the challenge window's end: the settlement time is not the terms' deadline.
      await time.increase(60n);

      expect(await f.JobEscrow.settlement(f.submittedJob)).to.deep.equal([
        terms.workloadId,
        f.provider.address,
        await f.usd.getAddress(),
        JOB_PAYMENT,
        RESULT_ROOT,
        BigInt(block!.timestamp),
      ]);
      // A Finalized job keeps its settlement instead of its terms: verifiedStatus answers for any terms.
      expect(await f.JobEscrow.verifiedStatus(f.submittedJob, NO_TERMS)).to.equal(JobStatus.Finalized);
    });

    it("reverts settlement with JobNotInStatus for every job that is not Finalized", async function () {
      const f = await loadFixture(jobsFixture);
      const cancelledJob = await createJob(f);
      await f.JobEscrow.connect(f.client).cancelJob(cancelledJob, await jobTerms(f, cancelledJob));
      const unsettled = [
        [99n, JobStatus.None],
        [f.openJob, JobStatus.Open],
        [f.assignedJob, JobStatus.Assigned],
        [f.submittedJob, JobStatus.Submitted],
        [cancelledJob, JobStatus.Cancelled],
      ] as const;
      for (const [jobId, status] of unsettled) {
        await expect(f.JobEscrow.settlement(jobId))
          .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
          .withArgs(jobId, status, JobStatus.Finalized);
      }
    });
  });

  describe("payment-token indexes", function () {
    // PaymentTokenAllowList comes first in JobEscrow's storage (EscrowParameters inherits it before anything with
    // state), and its count is its first variable, alone in slot 0.
    const TOKEN_COUNT_SLOT = 0n;
    const MAX_PAYMENT_TOKENS = 2n ** 16n - 1n;

    it("numbers tokens from 1 in the order they are first configured and maps each index back", async function () {
      const f = await loadFixture(deployWeftFixture);
      const weft = await f.ComputeToken.getAddress();
      const usd = await f.usd.getAddress();
      const other = await (await new TestERC20__factory(f.deployer).deploy("Other", "OTH")).getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(other, true, 0n, USD_WEFT_PER_TOKEN);
      expect(await f.JobEscrow.paymentTokenAt(1n)).to.equal(weft);
      expect(await f.JobEscrow.paymentTokenAt(2n)).to.equal(usd);
      expect(await f.JobEscrow.paymentTokenAt(3n)).to.equal(other);
      expect((await f.JobEscrow.paymentTokenConfig(other)).index).to.equal(3n);
      for (const unused of [0n, 4n]) expect(await f.JobEscrow.paymentTokenAt(unused)).to.equal(ethers.ZeroAddress);
      expect((await f.JobEscrow.paymentTokenConfig(STRANGER)).index).to.equal(0n);
    });

    it("keeps a token's index and decimals when it is disallowed and allowed again, and settles its jobs under it", async function () {
      const f = await loadFixture(jobsFixture);
      const usd = await f.usd.getAddress();
      await passChallengeWindow(f, f.submittedJob);
      // Disallowed, a token needs no rate: zero is stored as given.
      await expect(f.JobEscrow.connect(f.timelock).setPaymentToken(usd, false, 0n, 0n))
        .to.emit(f.JobEscrow, "PaymentTokenSet")
        .withArgs(usd, [true, 1000n, 2n, 18n, USD_WEFT_PER_TOKEN], [false, 0n, 2n, 18n, 0n]);
      // A job paid in a token since disallowed still settles, at the value it was created with, and its receipt names
      // that token.
      await expect(f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.emit(f.RewardDistributor, "WorkRecorded")
        .withArgs(f.provider.address, await f.RewardDistributor.currentEpoch(), f.submittedJob, JOB_FEE);
      expect((await f.JobEscrow.settlement(f.submittedJob)).paymentToken).to.equal(usd);
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 5n, 2n * USD_WEFT_PER_TOKEN);
      expect(await f.JobEscrow.paymentTokenConfig(usd)).to.deep.equal([true, 5n, 2n, 18n, 2n * USD_WEFT_PER_TOKEN]);
      expect(await f.JobEscrow.paymentTokenAt(2n)).to.equal(usd);
      expect(await f.JobEscrow.paymentTokenAt(3n)).to.equal(ethers.ZeroAddress);
    });

    it("settles a job under the index of the token it was paid in", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const weft = await f.ComputeToken.getAddress();
      const jobId = await createJob(f, f.client, { paymentToken: weft });
      await f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId));
      await f.JobEscrow.connect(f.provider).submitResult(jobId, await jobTerms(f, jobId), RESULT_ROOT, RESULT_URI);
      await passChallengeWindow(f, jobId);
      await f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
      expect((await f.JobEscrow.settlement(jobId)).paymentToken).to.equal(weft);
    });

    it("gives out the last index, then reverts PaymentTokenLimitReached for a new token but not a known one", async function () {
      const f = await loadFixture(deployWeftFixture);
      const escrow = await f.JobEscrow.getAddress();
      // The slot holds what the layout says (two configured tokens, nothing else), so the write lands right.
      expect(BigInt(await ethers.provider.getStorage(escrow, TOKEN_COUNT_SLOT))).to.equal(2n);
      await setStorageAt(escrow, TOKEN_COUNT_SLOT, MAX_PAYMENT_TOKENS - 1n);

      const last = await (await new TestERC20__factory(f.deployer).deploy("Last", "LST")).getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(last, true, 0n, USD_WEFT_PER_TOKEN);
      expect((await f.JobEscrow.paymentTokenConfig(last)).index).to.equal(MAX_PAYMENT_TOKENS);
      expect(await f.JobEscrow.paymentTokenAt(MAX_PAYMENT_TOKENS)).to.equal(last);

      const other = await (await new TestERC20__factory(f.deployer).deploy("Other", "OTH")).getAddress();
      await expect(f.JobEscrow.connect(f.timelock).setPaymentToken(other, true, 0n, USD_WEFT_PER_TOKEN))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTokenLimitReached")
        .withArgs(MAX_PAYMENT_TOKENS);
      await f.JobEscrow.connect(f.timelock).setPaymentToken(await f.usd.getAddress(), false, 0n, 0n);
      expect(await f.JobEscrow.paymentTokenConfig(await f.usd.getAddress())).to.deep.equal([false, 0n, 2n, 18n, 0n]);
      expect(await f.JobEscrow.workRecorder()).to.equal(await f.RewardDistributor.getAddress());
    });
  });

  describe("valuation", function () {
    /** The deployment with providers staked and a 6-decimals USDC, unconfigured, 1,000,000 of it held by the client. */
    async function usdcFixture() {
      const f = await stakedProvidersFixture();
      const usdc = await new TestERC20Decimals__factory(f.deployer).deploy("USD Coin", "USDC", 6);
      await usdc.mint(f.client.address, 1_000_000n * 10n ** 6n);
      return { ...f, usdc, usdcAddress: await usdc.getAddress() };
    }

    /** Creates, accepts (as f.provider), submits and finalizes job `jobId`; returns the finalize transaction. */
    async function settle(f: WeftFixture, jobId: bigint) {
      await acceptAndSubmit(f, jobId);
      await passChallengeWindow(f, jobId);
      return f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
    }

    it("values a 6-decimals token at its rate: 150 USDC at one WEFT each is worth 150 WEFT and locks 10x that", async function () {
      const f = await loadFixture(usdcFixture);
      await f.JobEscrow.connect(f.timelock).setPaymentToken(f.usdcAddress, true, 1n, USDC_RATE);
      const payment = 150n * 10n ** 6n;
      const value = ethers.parseEther("150");
      expect(await f.JobEscrow.paymentValue(f.usdcAddress, payment)).to.equal(value);

      const request = await jobRequest(f, { paymentToken: f.usdcAddress, payment });
      await f.usdc.connect(f.client).approve(await f.JobEscrow.getAddress(), payment);
      await expect(f.JobEscrow.connect(f.client).createJob(request))
        .to.emit(f.JobEscrow, "JobCreated")
        .withArgs(
          1n,
          f.client.address,
          ethers.ZeroAddress,
          request.workloadId,
          request.params,
          request.inputRoot,
          request.inputURI,
          f.usdcAddress,
          payment,
          value,
          request.submitDeadline,
          f.parameters.escrow.protocolFeeBps,
        );
      expect((await readJob(f.JobEscrow, 1n)).paymentValue).to.equal(value);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(1n, await jobTerms(f, 1n)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(1n, f.provider.address, ethers.parseEther("1500"));
      await f.JobEscrow.connect(f.provider).submitResult(1n, await jobTerms(f, 1n), RESULT_ROOT, RESULT_URI);
      await passChallengeWindow(f, 1n);
      // The fee is paid in USDC (4.5 USDC) and weighs its value in WEFT (4.5 WEFT) for rewards.
      const tx = f.JobEscrow.finalize(1n, await jobTerms(f, 1n));
      await expect(tx)
        .to.emit(f.JobEscrow, "JobFinalized")
        .withArgs(1n, f.provider.address, payment - 4_500_000n, 4_500_000n);
      await expect(tx)
        .to.emit(f.RewardDistributor, "WorkRecorded")
        .withArgs(f.provider.address, await f.RewardDistributor.currentEpoch(), 1n, ethers.parseEther("4.5"));
    });

    it("values an 18-decimals token at its rate: 100 tUSD at 2.5 WEFT each is worth 250 WEFT and locks 2,500", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, ethers.parseEther("2.5"));
      expect(await f.JobEscrow.paymentValue(usd, JOB_PAYMENT)).to.equal(ethers.parseEther("250"));
      const jobId = await createJob(f);
      expect((await readJob(f.JobEscrow, jobId)).paymentValue).to.equal(ethers.parseEther("250"));
      await expect(f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(jobId, f.provider.address, ethers.parseEther("2500"));
    });

    it("rounds a value down to whole WEFT base units", async function () {
      const f = await loadFixture(usdcFixture);
      // A third of a WEFT per USDC: one USDC base unit is worth 333,333,333,333.33 WEFT base units.
      const third = WEFT_ONE / 3n;
      await f.JobEscrow.connect(f.timelock).setPaymentToken(f.usdcAddress, true, 1n, third);
      expect(await f.JobEscrow.paymentValue(f.usdcAddress, 1n)).to.equal(333_333_333_333n);
      expect(await f.JobEscrow.paymentValue(f.usdcAddress, 3n * 10n ** 6n)).to.equal(WEFT_ONE - 1n);
      const jobId = await createJob(f, f.client, { paymentToken: f.usdcAddress, payment: 1n });
      expect((await readJob(f.JobEscrow, jobId)).paymentValue).to.equal(333_333_333_333n);
      // At the lowest rate (one base unit per whole 18-decimals token), anything below a whole token is worth 0.
      const usd = await f.usd.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, 1n);
      expect(await f.JobEscrow.paymentValue(usd, WEFT_ONE - 1n)).to.equal(0n);
      expect(await f.JobEscrow.paymentValue(usd, WEFT_ONE)).to.equal(1n);
    });

    it("values a token with 0 and with 36 decimals exactly", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const whole = await (await new TestERC20Decimals__factory(f.deployer).deploy("Whole", "WHL", 0)).getAddress();
      const fine = await (await new TestERC20Decimals__factory(f.deployer).deploy("Fine", "FIN", 36)).getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(whole, true, 1n, ethers.parseEther("2"));
      await f.JobEscrow.connect(f.timelock).setPaymentToken(fine, true, 1n, ethers.parseEther("2"));
      expect((await f.JobEscrow.paymentTokenConfig(whole)).decimals).to.equal(0n);
      expect((await f.JobEscrow.paymentTokenConfig(fine)).decimals).to.equal(36n);
      expect(await f.JobEscrow.paymentValue(whole, 5n)).to.equal(ethers.parseEther("10"));
      expect(await f.JobEscrow.paymentValue(fine, 10n ** 36n)).to.equal(ethers.parseEther("2"));
      expect(await f.JobEscrow.paymentValue(fine, 10n ** 18n - 1n)).to.equal(1n);
    });

    it("values amounts whose product with the rate passes 2^256 exactly, without overflowing", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const fine = await (await new TestERC20Decimals__factory(f.deployer).deploy("Fine", "FIN", 36)).getAddress();
      const rate = 10n ** 27n;
      await f.JobEscrow.connect(f.timelock).setPaymentToken(fine, true, 1n, rate);
      const amount = 2n ** 200n + 12345n;
      expect(amount * rate).to.be.greaterThan(2n ** 256n);
      expect(await f.JobEscrow.paymentValue(fine, amount)).to.equal((amount * rate) / 10n ** 36n);
    });

    it("values a token never configured at zero", async function () {
      const f = await loadFixture(deployWeftFixture);
      expect(await f.JobEscrow.paymentValue(STRANGER, WEFT_ONE)).to.equal(0n);
    });

    it("snapshots the rate at creation: a later setPaymentToken changes neither a job's collateral nor its reward weight", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      const before = await createJob(f);
      // The DAO values tUSD at 5 WEFT after the first job and before the second.
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, 5n * USD_WEFT_PER_TOKEN);
      const after = await createJob(f);
      expect((await readJob(f.JobEscrow, before)).paymentValue).to.equal(JOB_VALUE);
      expect((await readJob(f.JobEscrow, after)).paymentValue).to.equal(5n * JOB_VALUE);

      await expect(f.JobEscrow.connect(f.provider).acceptJob(before, await jobTerms(f, before)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(before, f.provider.address, JOB_COLLATERAL);
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(after, await jobTerms(f, after)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(after, f.provider2.address, 5n * JOB_COLLATERAL);
      await f.JobEscrow.connect(f.provider).submitResult(before, await jobTerms(f, before), RESULT_ROOT, RESULT_URI);
      await f.JobEscrow.connect(f.provider2).submitResult(after, await jobTerms(f, after), RESULT_ROOT, RESULT_URI);
      // Another change while both run: neither weight follows it.
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, USD_WEFT_PER_TOKEN / 10n);
      await passChallengeWindow(f, after);
      const epoch = await f.RewardDistributor.currentEpoch();
      await expect(f.JobEscrow.finalize(before, await jobTerms(f, before)))
        .to.emit(f.RewardDistributor, "WorkRecorded")
        .withArgs(f.provider.address, epoch, before, JOB_FEE);
      await expect(f.JobEscrow.finalize(after, await jobTerms(f, after)))
        .to.emit(f.RewardDistributor, "WorkRecorded")
        .withArgs(f.provider2.address, epoch, after, 5n * JOB_FEE);
    });

    it("locks the collateral floor for a job worth nothing, which earns no reward weight", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, 1n);
      const jobId = await createJob(f, f.client, { payment: WEFT_ONE - 1n });
      expect((await readJob(f.JobEscrow, jobId)).paymentValue).to.equal(0n);
      const tx = await settle(f, jobId);
      await expect(tx).to.emit(f.JobEscrow, "JobFinalized");
      await expect(tx).not.to.emit(f.RewardDistributor, "WorkRecorded");
      const accepted = await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobAccepted(jobId));
      expect(accepted[0].args.collateral).to.equal(f.parameters.escrow.minCollateral);
    });

    it("reverts PaymentValueTooLarge when the payment's value does not fit 96 bits, and creates nothing", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      // At the highest rate a base unit of an 18-decimals token is worth 10^9 WEFT base units.
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, MAX_WEFT_PER_TOKEN);
      const largest = UINT96_MAX / 10n ** 9n;
      await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), ethers.MaxUint256);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { payment: largest + 1n })))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentValueTooLarge")
        .withArgs(usd, largest + 1n, (largest + 1n) * 10n ** 9n);
      expect(await f.JobEscrow.jobCount()).to.equal(0n);
      expect(await f.usd.balanceOf(await f.JobEscrow.getAddress())).to.equal(0n);
      // One base unit less fits.
      await f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { payment: largest }));
      expect((await readJob(f.JobEscrow, 1n)).paymentValue).to.equal(largest * 10n ** 9n);
    });

    it("requires an allowed token's rate within [MIN_WEFT_PER_TOKEN, MAX_WEFT_PER_TOKEN], and none for a disallowed one", async function () {
      const f = await loadFixture(deployWeftFixture);
      const escrow = f.JobEscrow.connect(f.timelock);
      const usd = await f.usd.getAddress();
      for (const rate of [0n, MAX_WEFT_PER_TOKEN + 1n]) {
        await expect(escrow.setPaymentToken(usd, true, 1000n, rate))
          .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTokenRateOutOfBounds")
          .withArgs(usd, rate, 1n, MAX_WEFT_PER_TOKEN);
      }
      expect(await f.JobEscrow.paymentTokenConfig(usd)).to.deep.equal([true, 1000n, 2n, 18n, USD_WEFT_PER_TOKEN]);
      for (const rate of [1n, MAX_WEFT_PER_TOKEN]) {
        await escrow.setPaymentToken(usd, true, 1000n, rate);
        expect((await f.JobEscrow.paymentTokenConfig(usd)).weftPerToken).to.equal(rate);
      }
      await escrow.setPaymentToken(usd, false, 0n, 0n);
      expect(await f.JobEscrow.paymentTokenConfig(usd)).to.deep.equal([false, 0n, 2n, 18n, 0n]);
    });

    it("reverts PaymentTokenDecimalsUnsupported for an account without code, a contract without decimals() and more than 36 decimals", async function () {
      const f = await loadFixture(deployWeftFixture);
      const escrow = f.JobEscrow.connect(f.timelock);
      const noDecimals = await f.AccessManager.getAddress();
      const tooFine = await (
        await new TestERC20Decimals__factory(f.deployer).deploy("Too fine", "TF", 37)
      ).getAddress();
      for (const token of [f.outsider.address, noDecimals, tooFine]) {
        await expect(escrow.setPaymentToken(token, true, 0n, USD_WEFT_PER_TOKEN))
          .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTokenDecimalsUnsupported")
          .withArgs(token);
        expect(await f.JobEscrow.paymentTokenConfig(token)).to.deep.equal([false, 0n, 0n, 0n, 0n]);
      }
      expect(await f.JobEscrow.paymentTokenAt(3n)).to.equal(ethers.ZeroAddress);
      // Disallowing reads no decimals: any address can be listed as not allowed.
      await escrow.setPaymentToken(f.outsider.address, false, 0n, 0n);
      expect(await f.JobEscrow.paymentTokenConfig(f.outsider.address)).to.deep.equal([false, 0n, 3n, 0n, 0n]);
    });
  });

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
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralUnlocked")
        .withArgs(f.provider.address, f.shield, ethers.parseEther("4500"));
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
        .to.emit(f.ProviderRegistry, "CollateralLocked")
        .withArgs(f.provider.address, fresh, JOB_COLLATERAL);
    });
  });

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

    const BOUNDED = [
      { setter: "setProtocolFeeBps", getter: "protocolFeeBps", min: 0n, max: 1_000n },
      { setter: "setCollateralRatioBps", getter: "collateralRatioBps", min: 1_000n, max: 200_000n },
      { setter: "setMinCollateral", getter: "minCollateral", min: 0n, max: MAX_MIN_COLLATERAL },
      { setter: "setChallengeWindow", getter: "challengeWindow", min: 60n, max: MAX_WINDOW },
      { setter: "setDisputeWindow", getter: "disputeWindow", min: 60n, max: MAX_WINDOW },
      { setter: "setLivenessPenaltyBps", getter: "livenessPenaltyBps", min: 0n, max: BPS },
    ] as const;

    for (const { setter, getter, min, max } of BOUNDED) {
      if (min > 0n) {
        it(`reverts ${setter} below its minimum`, async function () {
          const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
          await expect(JobEscrow.connect(timelock).getFunction(setter)(min - 1n))
            .to.be.revertedWithCustomError(JobEscrow, "ParameterOutOfBounds")
            .withArgs(min - 1n, min, max);
        });
      }

      it(`reverts ${setter} above its maximum`, async function () {
        const { JobEscrow, timelock } = await loadFixture(deployWeftFixture);
        await expect(JobEscrow.connect(timelock).getFunction(setter)(max + 1n))
          .to.be.revertedWithCustomError(JobEscrow, "ParameterOutOfBounds")
          .withArgs(max + 1n, min, max);
      });

      it(`accepts ${setter} at both of its bounds and stores them untruncated`, async function () {
        const { JobEscrow, ProviderRegistry, timelock } = await loadFixture(deployWeftFixture);
        // The longest windows need an unbonding period that covers them.
        await ProviderRegistry.connect(timelock).setUnbondingPeriod(90n * DAY);
        for (const bound of [min, max]) {
          await JobEscrow.connect(timelock).getFunction(setter)(bound);
          expect(await JobEscrow.getFunction(getter)()).to.equal(bound);
        }
      });
    }

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

  describe("attacks", function () {
    const reentryError = (f: JobsFixture) => f.JobEscrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall");

    it("blocks re-entry into finalize from the payment token; the provider is paid exactly once", async function () {
      const f = await loadFixture(reentrantJobsFixture);
      await passChallengeWindow(f, f.submittedJob);
      await f.token.arm(
        await f.JobEscrow.getAddress(),
        f.JobEscrow.interface.encodeFunctionData("finalize", [f.submittedJob, await jobTerms(f, f.submittedJob)]),
      );
      await expect(f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob))).to.changeTokenBalances(
        f.token,
        [f.provider, f.timelock, f.JobEscrow, f.client],
        [JOB_PAYMENT - JOB_FEE, JOB_FEE, -JOB_PAYMENT, 0n],
      );
      expect(await f.token.lastReentrySucceeded()).to.equal(false);
      expect(await f.token.lastReentryError()).to.equal(reentryError(f));
      expect((await readJob(f.JobEscrow, f.submittedJob)).status).to.equal(JobStatus.Finalized);
    });

    it("blocks re-entry into cancelJob from the payment token; the client is refunded exactly once", async function () {
      const f = await loadFixture(reentrantJobsFixture);
      await f.token.arm(
        await f.JobEscrow.getAddress(),
        f.JobEscrow.interface.encodeFunctionData("cancelJob", [f.openJob, await jobTerms(f, f.openJob)]),
      );
      await expect(
        f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob)),
      ).to.changeTokenBalances(f.token, [f.client, f.JobEscrow], [JOB_PAYMENT, -JOB_PAYMENT]);
      expect(await f.token.lastReentrySucceeded()).to.equal(false);
      expect(await f.token.lastReentryError()).to.equal(reentryError(f));
    });

    it("blocks re-entry into claimTimeout from the payment token; refund and penalty are paid exactly once", async function () {
      const f = await loadFixture(reentrantJobsFixture);
      await passSubmitDeadline(f, f.assignedJob);
      await f.token.arm(
        await f.JobEscrow.getAddress(),
        f.JobEscrow.interface.encodeFunctionData("claimTimeout", [f.assignedJob, await jobTerms(f, f.assignedJob)]),
      );
      const tx = f.JobEscrow.claimTimeout(f.assignedJob, await jobTerms(f, f.assignedJob));
      await expect(tx).to.changeTokenBalances(f.token, [f.client, f.JobEscrow], [JOB_PAYMENT, -JOB_PAYMENT]);
      await expect(tx).to.changeTokenBalance(f.ComputeToken, f.client, JOB_PENALTY);
      expect(await f.token.lastReentrySucceeded()).to.equal(false);
      expect(await f.token.lastReentryError()).to.equal(reentryError(f));
    });

    const GUARDED_ENTRY_POINTS = ["createJob", "createJobWithPermit", "acceptJob", "resolveDispute"] as const;
    for (const entryPoint of GUARDED_ENTRY_POINTS) {
      it(`blocks re-entry into ${entryPoint} from the payment token during a settlement`, async function () {
        const f = await loadFixture(reentrantJobsFixture);
        const escrow = await f.JobEscrow.getAddress();
        const tokenAddress = await f.token.getAddress();
        // A second submitted job to re-enter resolveDispute on, disputed; the token even holds DISPUTES, so only
        // the reentrancy guard stands in its way.
        const otherJob = await createJob(f, f.client, { paymentToken: tokenAddress });
        await f.JobEscrow.connect(f.provider2).acceptJob(otherJob, await jobTerms(f, otherJob));
        await f.JobEscrow.connect(f.provider2).submitResult(
          otherJob,
          await jobTerms(f, otherJob),
          RESULT_ROOT,
          RESULT_URI,
        );
        await f.JobEscrow.connect(f.disputer).markDisputed(otherJob, await jobTerms(f, otherJob));
        await f.AccessManager.connect(f.timelock).grantRole(Roles.DISPUTES, tokenAddress, 0);
        const request = await jobRequest(f, { paymentToken: tokenAddress });
        const payloads = {
          createJob: f.JobEscrow.interface.encodeFunctionData("createJob", [request]),
          createJobWithPermit: f.JobEscrow.interface.encodeFunctionData("createJobWithPermit", [
            request,
            0n,
            0,
            ethers.ZeroHash,
            ethers.ZeroHash,
          ]),
          acceptJob: f.JobEscrow.interface.encodeFunctionData("acceptJob", [f.openJob, await jobTerms(f, f.openJob)]),
          resolveDispute: f.JobEscrow.interface.encodeFunctionData("resolveDispute", [
            otherJob,
            await jobTerms(f, otherJob),
            true,
          ]),
        };
        await passChallengeWindow(f, f.submittedJob);
        const jobCount = await f.JobEscrow.jobCount();
        await f.token.arm(escrow, payloads[entryPoint]);

        await expect(f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob))).to.changeTokenBalances(
          f.token,
          [f.provider, f.timelock, f.JobEscrow, f.client],
          [JOB_PAYMENT - JOB_FEE, JOB_FEE, -JOB_PAYMENT, 0n],
        );
        expect(await f.token.lastReentrySucceeded()).to.equal(false);
        expect(await f.token.lastReentryError()).to.equal(reentryError(f));
        expect(await f.JobEscrow.jobCount()).to.equal(jobCount);
        expect((await readJob(f.JobEscrow, f.openJob)).status).to.equal(JobStatus.Open);
        expect((await readJob(f.JobEscrow, otherJob)).status).to.equal(JobStatus.Disputed);
      });
    }

    it("blocks re-entry from the payment token into another job's settlement", async function () {
      // Without the guard, a token could settle a second job in the middle of the first one's transfer.
      const f = await loadFixture(reentrantJobsFixture);
      await passSubmitDeadline(f, f.assignedJob);
      await f.token.arm(
        await f.JobEscrow.getAddress(),
        f.JobEscrow.interface.encodeFunctionData("claimTimeout", [f.assignedJob, await jobTerms(f, f.assignedJob)]),
      );
      await f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      expect(await f.token.lastReentryError()).to.equal(reentryError(f));
      expect((await readJob(f.JobEscrow, f.assignedJob)).status).to.equal(JobStatus.Assigned);
    });
  });
});

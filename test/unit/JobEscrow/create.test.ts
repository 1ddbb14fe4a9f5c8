import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { LOCAL_PARAMETERS } from "../../../config/parameters";
import { readJob } from "../../../src/chain/jobs";

import {
  FalseReturningERC20__factory,
  FeeOnTransferERC20__factory,
  JobEscrow__factory,
  TestERC20__factory,
} from "../../../typechain-types";
import { JOB_PAYMENT, JOB_VALUE, JobStatus, createJob, jobRequest, stakedProvidersFixture } from "../../fixtures/jobs";
import { NO_TERMS } from "../../fixtures/terms";
import { USD_WEFT_PER_TOKEN, deployWeftFixture } from "../../fixtures/weft";
import { expectJobCreated } from "../../helpers/job-events";
import { signPermit } from "../../helpers/permit";
import { expectUserError } from "../../helpers/errors";
import {
  MAX_JOB_DURATION,
  UINT96_MAX,
  WEFT_ONE,
  MAX_MIN_COLLATERAL,
  MAX_WEFT_PER_TOKEN,
  pinNextTimestamp,
} from "./fixture";

describe("JobEscrow: create", function () {
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
      await expectJobCreated(tx, JobEscrow, {
        jobId: 1n,
        client,
        request,
        paymentValue: JOB_VALUE,
        feeBps: LOCAL_PARAMETERS.escrow.protocolFeeBps,
      });
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
      await expectJobCreated(tx, f.JobEscrow, {
        jobId: 1n,
        client: f.client,
        request,
        paymentValue: JOB_VALUE,
        feeBps: 500n,
      });
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
      // 1,000 base units of tUSD, worth one WEFT each: 1,000 WEFT base units.
      await expectJobCreated(f.JobEscrow.connect(f.client).createJob(request), f.JobEscrow, {
        jobId: 1n,
        client: f.client,
        request,
        paymentValue: 1000n,
        feeBps: LOCAL_PARAMETERS.escrow.protocolFeeBps,
      });
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

    it("accepts a payment of exactly 2^96 - 1 base units and reverts PaymentTooLarge at one more", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      // At the lowest rate the largest payments are worth little WEFT, so only the payment's own bound applies.
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, 1n);
      await f.usd.mint(f.client.address, UINT96_MAX + 1n);
      await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), ethers.MaxUint256);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { payment: UINT96_MAX + 1n })))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTooLarge")
        .withArgs(UINT96_MAX + 1n);
      expect(await f.JobEscrow.jobCount()).to.equal(0n);

      const jobId = await createJob(f, f.client, { payment: UINT96_MAX });
      expect(jobId).to.equal(1n);
      const job = await readJob(f.JobEscrow, jobId);
      expect(job.payment).to.equal(UINT96_MAX);
      expect(job.paymentValue).to.equal(UINT96_MAX / WEFT_ONE);
      expect(await f.usd.balanceOf(await f.JobEscrow.getAddress())).to.equal(UINT96_MAX);
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
      await expectJobCreated(tx, f.JobEscrow, {
        jobId: 1n,
        client: f.client,
        request,
        paymentValue: JOB_VALUE,
        feeBps: LOCAL_PARAMETERS.escrow.protocolFeeBps,
      });
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
});

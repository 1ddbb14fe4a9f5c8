import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { Roles } from "../../../config/roles";
import { readJob } from "../../../src/chain/jobs";

import {
  JOB_FEE,
  JOB_PAYMENT,
  JobStatus,
  RESULT_ROOT,
  RESULT_URI,
  createJob,
  jobRequest,
  jobTerms,
  type JobsFixture,
} from "../../fixtures/jobs";
import { JOB_PENALTY, passChallengeWindow, passSubmitDeadline, reentrantJobsFixture } from "./fixture";

describe("JobEscrow: reentrancy", function () {
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

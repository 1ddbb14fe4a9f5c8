/** Attacks: payment tokens: part of the attack catalogue (see ./fixture.ts for how each attack is judged). */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { FalseReturningERC20__factory, FeeOnTransferERC20__factory } from "../../../typechain-types";
import {
  JOB_FEE,
  JOB_PAYMENT,
  JobStatus,
  RESULT_ROOT,
  RESULT_URI,
  createJob,
  jobRequest,
  jobTerms,
  jobsFixture,
  type JobsFixture,
} from "../../fixtures/jobs";
import { type WeftFixture } from "../../fixtures/weft";
import { expectBalanceChanges, expectBalancesUnchanged } from "../../helpers/balances";
import { readJob } from "../../../src/chain/jobs";
import { ONE_WEFT_PER_TOKEN, balancesOf, coreTokens, withReentrantToken } from "./fixture";

describe("Attacks: payment tokens", function () {
  describe("reentrant payment token", function () {
    // A hostile payment token calls back into the escrow while being paid out, to settle the same job a second time
    // and so pay out other clients' money held in the same token. Every settlement path is nonReentrant and moves the
    // job to its final status before any transfer, so the re-entry reverts and each payment leaves exactly once.
    const reentryError = (f: WeftFixture) => f.JobEscrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall");

    it("pays the provider once when the payout re-enters finalize; other clients' payments stay in escrow", async function () {
      const f = await withReentrantToken(await loadFixture(jobsFixture));
      const terms = await jobTerms(f, f.submittedJob);
      await time.increaseTo(terms.deadline);
      // The re-entry brings the job's true terms: only the reentrancy guard stands in its way.
      await f.token.arm(f.JobEscrow, f.JobEscrow.interface.encodeFunctionData("finalize", [f.submittedJob, terms]));
      const parties = { provider: f.provider, client: f.client, otherClient: f.outsider };
      const before = await balancesOf(f, { token: f.token, ...coreTokens(f) }, parties);

      await f.JobEscrow.finalize(f.submittedJob, terms);
      expect(await f.token.lastReentrySucceeded()).to.equal(false);
      expect(await f.token.lastReentryError()).to.equal(reentryError(f));
      await expectBalanceChanges(before, {
        token: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
      // The two Open jobs are still fully backed.
      expect(await f.token.balanceOf(f.JobEscrow)).to.equal(2n * JOB_PAYMENT);
    });

    it("refunds the client once when the refund re-enters cancelJob", async function () {
      const f = await withReentrantToken(await loadFixture(jobsFixture));
      const terms = await jobTerms(f, f.openJob);
      await f.token.arm(f.JobEscrow, f.JobEscrow.interface.encodeFunctionData("cancelJob", [f.openJob, terms]));
      const before = await balancesOf(f, { token: f.token }, { client: f.client, otherClient: f.outsider });

      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, terms);
      expect(await f.token.lastReentrySucceeded()).to.equal(false);
      expect(await f.token.lastReentryError()).to.equal(reentryError(f));
      await expectBalanceChanges(before, { token: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT } });
      expect((await readJob(f.JobEscrow, f.othersJob)).status).to.equal(JobStatus.Open);
    });
  });

  describe("fee-on-transfer token", function () {
    // A client pays with a token that burns 1% in transit, so that the escrow would record a payment it never
    // received and pay the provider partly out of other clients' money. The escrow measures what arrived and reverts
    // the whole creation when it falls short.
    it("refuses a job whose payment arrives short, keeping neither tokens nor a job", async function () {
      const f = await loadFixture(jobsFixture);
      const fot = await new FeeOnTransferERC20__factory(f.deployer).deploy();
      const paymentToken = await fot.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(paymentToken, true, 0n, ONE_WEFT_PER_TOKEN);
      await fot.mint(f.client.address, JOB_PAYMENT);
      await fot.connect(f.client).approve(f.JobEscrow, JOB_PAYMENT);
      const jobCount = await f.JobEscrow.jobCount();
      const before = await balancesOf(f, { fot, ...coreTokens(f) }, { client: f.client, provider: f.provider });

      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { paymentToken })))
        .to.be.revertedWithCustomError(f.JobEscrow, "FeeOnTransferNotSupported")
        .withArgs(paymentToken, JOB_PAYMENT, JOB_PAYMENT - JOB_PAYMENT / 100n);
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobCount()).to.equal(jobCount);
    });
  });

  describe("token returning false", function () {
    // A token that returns false instead of reverting would let an unchecked transfer "succeed" without moving
    // anything: a job created unpaid, or a job marked paid while the provider got nothing. SafeERC20 turns the false
    // into a revert, which undoes the whole step.
    async function withFalseToken(f: JobsFixture) {
      const token = await new FalseReturningERC20__factory(f.deployer).deploy();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(token, true, 0n, ONE_WEFT_PER_TOKEN);
      await token.mint(f.client.address, 2n * JOB_PAYMENT);
      return { ...f, token, paymentToken: await token.getAddress() };
    }

    it("refuses a job whose payment transfer returns false", async function () {
      const f = await withFalseToken(await loadFixture(jobsFixture));
      await f.token.connect(f.client).approve(f.JobEscrow, JOB_PAYMENT);
      await f.token.setFailing(true);
      const jobCount = await f.JobEscrow.jobCount();
      const before = await balancesOf(f, { token: f.token }, { client: f.client });

      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { paymentToken: f.paymentToken })))
        .to.be.revertedWithCustomError(f.JobEscrow, "SafeERC20FailedOperation")
        .withArgs(f.paymentToken);
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobCount()).to.equal(jobCount);
    });

    it("keeps a job Submitted and its collateral locked while its payout returns false, and pays it once it works", async function () {
      const f = await withFalseToken(await loadFixture(jobsFixture));
      const jobId = await createJob(f, f.client, { paymentToken: f.paymentToken });
      await f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId));
      await f.JobEscrow.connect(f.provider).submitResult(jobId, await jobTerms(f, jobId), RESULT_ROOT, RESULT_URI);
      await time.increaseTo((await readJob(f.JobEscrow, jobId)).deadline);
      await f.token.setFailing(true);
      const before = await balancesOf(f, { token: f.token, weft: f.ComputeToken }, { provider: f.provider });
      const providerState = await f.ProviderRegistry.providerState(f.provider.address);

      await expect(f.JobEscrow.finalize(jobId, await jobTerms(f, jobId)))
        .to.be.revertedWithCustomError(f.JobEscrow, "SafeERC20FailedOperation")
        .withArgs(f.paymentToken);
      await expectBalancesUnchanged(before);
      expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Submitted);
      expect(await f.ProviderRegistry.providerState(f.provider.address)).to.deep.equal(providerState);

      await f.token.setFailing(false);
      await f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
      await expectBalanceChanges(before, {
        token: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
    });
  });
});

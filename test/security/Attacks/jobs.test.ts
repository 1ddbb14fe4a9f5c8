/** Attacks: jobs and their terms: part of the attack catalogue (see ./fixture.ts for how each attack is judged). */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";

import { LOCAL_PARAMETERS } from "../../../config/parameters";
import { proofCommitment } from "../../../src/disputes/proofs";
import type { IJobEscrow } from "../../../typechain-types/contracts/market/JobEscrow";
import { DisputeStatus, commitProof } from "../../fixtures/disputes";
import {
  JOB_COLLATERAL,
  JOB_FEE,
  JOB_DURATION,
  JOB_PAYMENT,
  JOB_VALUE,
  JobStatus,
  RESULT_ROOT,
  RESULT_URI,
  createJob,
  jobRequest,
  jobTerms,
  jobsFixture,
  acceptAndSubmit,
} from "../../fixtures/jobs";
import { NO_TERMS } from "../../fixtures/terms";
import { expectBalanceChanges, expectBalancesUnchanged } from "../../helpers/balances";
import { expectJobCreated } from "../../helpers/job-events";
import { readJob } from "../../../src/chain/jobs";
import {
  BOND,
  JOB_PENALTY,
  balancesOf,
  coreTokens,
  wrongElementProof,
  expectTermsMismatch,
  disputesAndProposalsFixture,
  mineTogether,
  revertDataOf,
} from "./fixture";

describe("Attacks: jobs and their terms", function () {
  describe("double finalize", function () {
    // Anyone calls finalize again (or on a job that already returned its money another way) to be paid twice. A job
    // settles only from Submitted, and settling moves it out of Submitted for good.
    it("reverts a second finalize: the provider, the treasury and the client's receipt are paid once", async function () {
      const f = await loadFixture(jobsFixture);
      await time.increaseTo((await readJob(f.JobEscrow, f.submittedJob)).deadline);
      await f.JobEscrow.connect(f.provider).finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      const tokens = { ...coreTokens(f), receipts: f.ComputeReceipt };
      const before = await balancesOf(f, tokens, { provider: f.provider, client: f.client });

      await expect(f.JobEscrow.connect(f.provider).finalize(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.submittedJob, JobStatus.Finalized, JobStatus.Submitted);
      await expectBalancesUnchanged(before);
    });

    it("reverts finalize of a job already refunded by a cancel or a timeout", async function () {
      const f = await loadFixture(jobsFixture);
      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob));
      await time.increaseTo((await readJob(f.JobEscrow, f.assignedJob)).deadline + 1n);
      await f.JobEscrow.claimTimeout(f.assignedJob, await jobTerms(f, f.assignedJob));
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, client: f.client });

      await expect(f.JobEscrow.connect(f.provider).finalize(f.openJob, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.openJob, JobStatus.Cancelled, JobStatus.Submitted);
      await expect(f.JobEscrow.connect(f.provider).finalize(f.assignedJob, await jobTerms(f, f.assignedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.assignedJob, JobStatus.TimedOut, JobStatus.Submitted);
      await expectBalancesUnchanged(before);
    });
  });

  describe("accepting a job directed to someone else", function () {
    // A provider accepts a job its client directed to another provider, to take the work (and its payment) it was
    // not offered. Only the directed provider may accept; the job stays Open for it.
    it("reverts NotDirectedProvider, locks nothing, and leaves the job to the directed provider", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = await createJob(f, f.client, { provider: f.provider.address });
      const before = await balancesOf(f, coreTokens(f), {
        attacker: f.provider2,
        provider: f.provider,
        client: f.client,
      });
      const attackerState = await f.ProviderRegistry.providerState(f.provider2.address);

      await expect(f.JobEscrow.connect(f.provider2).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.be.revertedWithCustomError(f.JobEscrow, "NotDirectedProvider")
        .withArgs(jobId, f.provider.address, f.provider2.address);
      await expectBalancesUnchanged(before);
      expect(await f.ProviderRegistry.providerState(f.provider2.address)).to.deep.equal(attackerState);
      expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Open);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(jobId, f.provider.address, JOB_COLLATERAL);
    });
  });

  describe("front-running accept", function () {
    // A provider sees another's accept of an open job in the mempool and outbids it to be mined first. An open job
    // goes to whoever is first, so the race itself is allowed; what matters is that the loser's accept reverts whole:
    // none of its stake is locked for a job it did not get, and the job is not assigned twice.
    it("assigns the job to the first accept mined; the second reverts JobNotInStatus with its stake left free", async function () {
      const f = await loadFixture(jobsFixture);
      const before = await balancesOf(f, coreTokens(f), {
        frontRunner: f.provider2,
        victim: f.provider,
        client: f.client,
      });
      const victimState = await f.ProviderRegistry.providerState(f.provider.address);
      // A fixed gas limit: estimating the second accept against the pending block would see the first and fail.
      const fees = (tip: bigint) => ({
        gasLimit: 1_000_000n,
        maxFeePerGas: ethers.parseUnits("100", "gwei"),
        maxPriorityFeePerGas: tip,
      });

      const terms = await jobTerms(f, f.openJob);

      // The victim's accept is sent first; the front-runner's, with a higher tip, is mined ahead of it.
      const [victimTx, frontRunnerTx] = await mineTogether(async () => [
        await f.JobEscrow.connect(f.provider).acceptJob(f.openJob, terms, fees(ethers.parseUnits("1", "gwei"))),
        await f.JobEscrow.connect(f.provider2).acceptJob(f.openJob, terms, fees(ethers.parseUnits("5", "gwei"))),
      ]);
      const [victimReceipt, frontRunnerReceipt] = await Promise.all(
        [victimTx, frontRunnerTx].map((tx) => ethers.provider.getTransactionReceipt(tx.hash)),
      );
      expect(frontRunnerReceipt!.blockNumber).to.equal(victimReceipt!.blockNumber);
      expect(frontRunnerReceipt!.index).to.be.lessThan(victimReceipt!.index);
      expect(frontRunnerReceipt!.status).to.equal(1);
      expect(victimReceipt!.status).to.equal(0);
      const reverted = f.JobEscrow.interface.parseError(await revertDataOf(victimTx.hash));
      expect(reverted?.name).to.equal("JobNotInStatus");
      expect(reverted?.args.toArray()).to.deep.equal([f.openJob, JobStatus.Assigned, JobStatus.Open]);

      const job = await readJob(f.JobEscrow, f.openJob);
      expect(job.provider).to.equal(f.provider2.address);
      expect(await f.ProviderRegistry.providerState(f.provider.address)).to.deep.equal(victimState);
      await expectBalancesUnchanged(before);
    });
  });

  describe("forged job terms", function () {
    // The escrow keeps only a hash of each job's terms and takes the terms back as calldata with every call, so an
    // attacker sends terms of its own making: another payee, another client, a cheaper payment, a later deadline.
    // Terms that do not hash to the stored commitment revert JobTermsMismatch before anything is read from them, so
    // no funds or stake move and the job stays where it was, still settling on its true terms.
    it("reverts a finalize that names another provider as payee, then pays the true provider", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await jobTerms(f, f.submittedJob);
      await time.increaseTo(terms.deadline);
      const attacker = f.provider2;
      const before = await balancesOf(f, coreTokens(f), { attacker, provider: f.provider, client: f.client });

      await expectTermsMismatch(f, f.submittedJob, terms, { provider: attacker.address }, (forged) =>
        f.JobEscrow.connect(attacker).finalize(f.submittedJob, forged),
      );
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobStatus(f.submittedJob)).to.equal(JobStatus.Submitted);

      await f.JobEscrow.connect(attacker).finalize(f.submittedJob, terms);
      await expectBalanceChanges(before, {
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
    });

    it("reverts a cancel by someone claiming to be the client, refunding no one", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await jobTerms(f, f.openJob);
      const attacker = f.outsider;
      const before = await balancesOf(f, coreTokens(f), { attacker, client: f.client });

      await expectTermsMismatch(f, f.openJob, terms, { client: attacker.address }, (forged) =>
        f.JobEscrow.connect(attacker).cancelJob(f.openJob, forged),
      );
      // With the true terms the claim is checked against the real client.
      await expect(f.JobEscrow.connect(attacker).cancelJob(f.openJob, terms))
        .to.be.revertedWithCustomError(f.JobEscrow, "NotJobClient")
        .withArgs(f.openJob, attacker.address);
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobStatus(f.openJob)).to.equal(JobStatus.Open);
    });

    it("reverts an accept that rewrites the payment or the collateral, locking no stake", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await jobTerms(f, f.openJob);
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, client: f.client });
      const providerState = await f.ProviderRegistry.providerState(f.provider.address);
      const accept = (forged: IJobEscrow.JobStruct) => f.JobEscrow.connect(f.provider).acceptJob(f.openJob, forged);

      // A smaller payment would lock a smaller collateral; a collateral named up front would replace the ratio's.
      await expectTermsMismatch(f, f.openJob, terms, { payment: JOB_PAYMENT / 100n }, accept);
      await expectTermsMismatch(f, f.openJob, terms, { collateral: 1n }, accept);
      await expectBalancesUnchanged(before);
      expect(await f.ProviderRegistry.providerState(f.provider.address)).to.deep.equal(providerState);
      expect(await f.JobEscrow.jobStatus(f.openJob)).to.equal(JobStatus.Open);
    });

    it("reverts a late submitResult that moves the deadline, and the client still claims the timeout", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await jobTerms(f, f.assignedJob);
      const deadline = BigInt(terms.deadline);
      await time.increaseTo(deadline + 1n);
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, client: f.client });

      await expectTermsMismatch(f, f.assignedJob, terms, { deadline: deadline + JOB_DURATION }, (forged) =>
        f.JobEscrow.connect(f.provider).submitResult(f.assignedJob, forged, RESULT_ROOT, RESULT_URI),
      );
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobStatus(f.assignedJob)).to.equal(JobStatus.Assigned);

      await f.JobEscrow.connect(f.client).claimTimeout(f.assignedJob, terms);
      await expectBalanceChanges(before, {
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
        weft: { client: JOB_PENALTY, registry: -JOB_PENALTY },
      });
    });
  });

  describe("workload id longer than a settlement keeps", function () {
    // A settled job's slot keeps only the first MAX_WORKLOAD_NAME_BYTES bytes of its workload id, so two workloads
    // whose ids differ only after them would be indistinguishable on their receipts: a client could pay for a cheap
    // variant and show a receipt for the other. createJob refuses such ids before taking any payment.
    it("refuses an id of 25 bytes or more, taking no payment; an id of exactly 24 bytes is accepted", async function () {
      const f = await loadFixture(jobsFixture);
      const maxBytes = await f.JobEscrow.MAX_WORKLOAD_NAME_BYTES();
      const fits = "matmul-i8-blocked-tiling";
      expect(BigInt(fits.length)).to.equal(maxBytes);
      const tooLong = ethers.encodeBytes32String(`${fits}-v2`);
      await f.usd.connect(f.client).approve(f.JobEscrow, JOB_PAYMENT);
      const jobCount = await f.JobEscrow.jobCount();
      const before = await balancesOf(f, coreTokens(f), { client: f.client });

      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { workloadId: tooLong })))
        .to.be.revertedWithCustomError(f.JobEscrow, "WorkloadIdTooLong")
        .withArgs(tooLong);
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobCount()).to.equal(jobCount);

      const request = await jobRequest(f, { workloadId: ethers.encodeBytes32String(fits) });
      await expectJobCreated(f.JobEscrow.connect(f.client).createJob(request), f.JobEscrow, {
        jobId: jobCount + 1n,
        client: f.client,
        request,
        paymentValue: JOB_VALUE,
        feeBps: LOCAL_PARAMETERS.escrow.protocolFeeBps,
      });
    });
  });

  describe("replaying one job's terms against another", function () {
    // Terms carry no job id, so an attacker names one job's id with another job's (true) terms: finalizing a cheap
    // job with the terms of a dear one pays the dear payment out of other clients' money and leaves the dear job to
    // be paid again; cancelling with them refunds more than was paid. Each id's commitment covers only its own terms.
    it("reverts a finalize and a cancel that bring another job's terms, and both jobs settle on their own", async function () {
      const f = await loadFixture(jobsFixture);
      await f.usd.mint(f.client.address, 10n * JOB_PAYMENT);
      const dearOpen = await createJob(f, f.client, { payment: 5n * JOB_PAYMENT });
      const dearSubmitted = await createJob(f, f.client, { payment: 5n * JOB_PAYMENT });
      await acceptAndSubmit(f, dearSubmitted);
      const dearTerms = await jobTerms(f, dearSubmitted);
      await time.increaseTo(dearTerms.deadline);
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, client: f.client });

      await expectTermsMismatch(f, f.submittedJob, await jobTerms(f, f.submittedJob), dearTerms, (replayed) =>
        f.JobEscrow.connect(f.provider).finalize(f.submittedJob, replayed),
      );
      await expectTermsMismatch(f, f.openJob, await jobTerms(f, f.openJob), await jobTerms(f, dearOpen), (replayed) =>
        f.JobEscrow.connect(f.client).cancelJob(f.openJob, replayed),
      );
      await expectBalancesUnchanged(before);

      await f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      await f.JobEscrow.finalize(dearSubmitted, dearTerms);
      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob));
      const paid = 6n * JOB_PAYMENT;
      await expectBalanceChanges(before, {
        usd: {
          provider: paid - 6n * JOB_FEE,
          treasury: 6n * JOB_FEE,
          client: JOB_PAYMENT,
          escrow: -paid - JOB_PAYMENT,
        },
      });
    });

    it("reverts a dispute of an honest job that brings a cheating job's terms with its valid fraud proof", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [honest, cheating] = [f.honestMatmul, f.cheatingMatmul];
      const proof = wrongElementProof(cheating);
      const parties = { challenger: f.challenger, provider: f.provider, client: f.client };
      const before = await balancesOf(f, coreTokens(f), parties);

      // The commit names the honest job with the cheating job's terms: the escrow refuses them before a bond is taken.
      const commitment = proofCommitment(f.challenger.address, honest.id, proof);
      await expectTermsMismatch(
        f,
        honest.id,
        await jobTerms(f, honest.id),
        await jobTerms(f, cheating.id),
        (replayed) => f.DisputeManager.connect(f.challenger).commitProof(honest.id, replayed, commitment),
      );
      await expectBalancesUnchanged(before);
      for (const job of [honest, cheating]) {
        expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Submitted);
        expect(await f.DisputeManager.openDisputes(job.id)).to.equal(0n);
      }

      // Committed with the honest job's own terms, the proof is revealed with the cheating job's: the checker is
      // satisfied by the cheating job's roots, and the escrow refuses the terms before anyone is slashed or paid.
      const id = await commitProof(f, f.challenger, honest.id, proof);
      await mine();
      await expectTermsMismatch(
        f,
        honest.id,
        await jobTerms(f, honest.id),
        await jobTerms(f, cheating.id),
        (replayed) => f.DisputeManager.connect(f.challenger).revealProof(id, replayed, cheating.params, proof),
      );
      // Nothing else can be revealed: at the reveal deadline the bond goes to the honest provider.
      await time.increaseTo((await f.DisputeManager.dispute(id)).deadline);
      await f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, honest.id));
      await expectBalanceChanges(before, { weft: { challenger: -BOND, provider: BOND } });
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.NoFault);
      expect(await f.JobEscrow.jobStatus(honest.id)).to.equal(JobStatus.Submitted);
      expect(await f.JobEscrow.jobStatus(cheating.id)).to.equal(JobStatus.Submitted);
    });
  });

  describe("a finalized job's slot reused", function () {
    // Once a job settles, its slot holds the settlement (workload name, token index, settlement time) instead of a
    // hash of terms, and the terms themselves are still in the logs. An attacker brings those terms, terms built from
    // the settlement, or none at all, to move the settled job again: refund it, re-open its dispute window, pay it
    // twice. No transition starts from Finalized, and the status is checked before any terms, so every call reverts
    // JobNotInStatus and the settlement stays as it was.
    it("reverts every transition with any terms as JobNotInStatus, leaving the settlement and balances", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [honest, cheating] = [f.honestMatmul, f.cheatingMatmul];
      const id = honest.id;
      const terms = await jobTerms(f, id);
      await time.increaseTo(terms.deadline);
      await f.JobEscrow.finalize(id, terms);
      const settlement = await f.JobEscrow.settlement(id);
      const fromSettlement: IJobEscrow.JobStruct = {
        ...terms,
        workloadId: settlement.workloadId,
        provider: settlement.provider,
        paymentToken: settlement.paymentToken,
        payment: settlement.payment,
        resultRoot: settlement.resultRoot,
        deadline: settlement.settledAt,
      };
      const tokens = { ...coreTokens(f), receipts: f.ComputeReceipt };
      const before = await balancesOf(f, tokens, { provider: f.provider, client: f.client, challenger: f.challenger });
      const escrow = f.JobEscrow;

      for (const given of [terms, fromSettlement, NO_TERMS]) {
        const transitions: [() => Promise<unknown>, bigint][] = [
          [() => escrow.connect(f.client).cancelJob(id, given), JobStatus.Open],
          [() => escrow.connect(f.provider2).acceptJob(id, given), JobStatus.Open],
          [() => escrow.connect(f.provider).submitResult(id, given, RESULT_ROOT, RESULT_URI), JobStatus.Assigned],
          [() => escrow.finalize(id, given), JobStatus.Submitted],
          [() => escrow.claimTimeout(id, given), JobStatus.Assigned],
          [() => escrow.connect(f.disputer).markDisputed(id, given), JobStatus.Submitted],
          [() => escrow.connect(f.disputer).resolveDispute(id, given, true), JobStatus.Disputed],
        ];
        for (const [call, expected] of transitions) {
          await expect(call())
            .to.be.revertedWithCustomError(escrow, "JobNotInStatus")
            .withArgs(id, JobStatus.Finalized, expected);
        }
      }
      // Every dispute path opens through the escrow's markDisputed, which refuses a Finalized job whatever terms come
      // with it: a proof committed with the cheating job's terms (whose valid fraud proof it would reveal), and a
      // withheld-data dispute with the job's own terms. No bond is taken.
      const challenger = f.DisputeManager.connect(f.challenger);
      const cheatingTerms = await jobTerms(f, cheating.id);
      const commitment = proofCommitment(f.challenger.address, id, wrongElementProof(cheating));
      for (const dispute of [
        () => challenger.commitProof(id, cheatingTerms, commitment),
        () => challenger.disputeWithheld(id, terms, honest.params),
      ]) {
        await expect(dispute())
          .to.be.revertedWithCustomError(escrow, "JobNotInStatus")
          .withArgs(id, JobStatus.Finalized, JobStatus.Submitted);
      }
      await expectBalancesUnchanged(before);
      expect(await escrow.settlement(id)).to.deep.equal(settlement);
    });
  });
});

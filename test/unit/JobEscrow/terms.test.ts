import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { readJob, committedTerms } from "../../../src/chain/jobs";

import {
  JOB_COLLATERAL,
  JOB_FEE,
  JOB_PAYMENT,
  JobStatus,
  RESULT_ROOT,
  RESULT_URI,
  createJob,
  jobTerms,
  jobsFixture,
} from "../../fixtures/jobs";
import { expectedTermsHash, NO_TERMS, TERM_FIELDS, TERM_TYPES, withAlteredTerm } from "../../fixtures/terms";
import { DAY, STRANGER, passChallengeWindow, passSubmitDeadline } from "./fixture";

describe("JobEscrow: terms", function () {
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

    it("refuses to finalize with the right terms encoded unclean (dirty high bits in the client's word), paying nothing", async function () {
      const f = await loadFixture(finalizableFixture);
      const terms = await readJob(f.JobEscrow, f.submittedJob);
      const clean = f.JobEscrow.interface.encodeFunctionData("finalize", [f.submittedJob, terms]);
      // The selector, the job id, then the client's word, whose first 12 bytes an address leaves zero.
      const clientWord = 2 + 2 * (4 + 32);
      const dirty = `${clean.slice(0, clientWord)}01${clean.slice(clientWord + 2)}`;
      const escrowBalance = await f.usd.balanceOf(await f.JobEscrow.getAddress());
      await expect(
        f.outsider.sendTransaction({ to: await f.JobEscrow.getAddress(), data: dirty }),
      ).to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch");
      expect(await f.usd.balanceOf(await f.JobEscrow.getAddress())).to.equal(escrowBalance);
      expect(await f.JobEscrow.jobStatus(f.submittedJob)).to.equal(JobStatus.Submitted);
    });

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
});

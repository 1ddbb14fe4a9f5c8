import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { type BaseContract } from "ethers";

import { revealedChildren } from "../../../src/commitments/bisection";
import { readJob, committedTerms } from "../../../src/chain/jobs";
import {
  WRONG_MATMUL,
  commitProof,
  disputesFixture,
  openArbitration,
  openWithheld,
  proveFraud,
  type DisputesFixture,
} from "../../fixtures/disputes";
import { JobStatus, jobTerms } from "../../fixtures/jobs";
import { TERM_FIELDS, withAlteredTerm } from "../../fixtures/terms";
import {
  WRONG_CHUNK,
  STRANGER,
  Terms,
  passDeadline,
  wrongMatmulProof,
  commitAndWait,
  reveal,
  revealChildrenOf,
  chooseChildOf,
  revealWrongChunk,
  expectFaultSettlement,
} from "./fixture";

describe("DisputeManager: job terms", function () {
  describe("job terms", function () {
    type Call = (terms: Terms) => Promise<unknown>;
    /** A custom error some other check raises before the escrow sees the altered terms. */
    type Refusal = { contract: BaseContract; error: string; args: unknown[] };

    /** For the calls that check a proof: what an altered workload, params hash or root is refused with first. */
    function proofChecks(f: DisputesFixture, altered: Terms): Record<string, Refusal> {
      const job = f.cheatingMatmul;
      return {
        workloadId: { contract: f.DisputeManager, error: "NoCheckerForWorkload", args: [altered.workloadId] },
        paramsHash: {
          contract: f.DisputeManager,
          error: "ParamsMismatch",
          args: [job.id, altered.paramsHash, ethers.keccak256(job.params)],
        },
        inputRoot: {
          contract: f.MatmulI8Checker,
          error: "InputVectorNotInTree",
          args: [altered.inputRoot, 0, WRONG_MATMUL.row],
        },
        resultRoot: {
          contract: f.MatmulI8Checker,
          error: "ResultChunkNotInTree",
          args: [altered.resultRoot, WRONG_CHUNK],
        },
      };
    }

    const ENTRY_POINTS: {
      name: string;
      job: (f: DisputesFixture) => bigint;
      prepare: (f: DisputesFixture) => Promise<Call>;
      refusedFirst?: (f: DisputesFixture, altered: Terms) => Record<string, Refusal>;
    }[] = [
      {
        name: "commitProof",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => (terms) =>
          f.DisputeManager.connect(f.challenger).commitProof(f.cheatingMatmul.id, terms, ethers.id("c")),
        refusedFirst: (f, altered) => ({
          workloadId: { contract: f.DisputeManager, error: "NoCheckerForWorkload", args: [altered.workloadId] },
        }),
      },
      {
        name: "revealProof",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const proof = wrongMatmulProof(f.cheatingMatmul);
          const id = await commitAndWait(f, f.challenger, f.cheatingMatmul, proof);
          return (terms) => f.DisputeManager.revealProof(id, terms, f.cheatingMatmul.params, proof);
        },
        refusedFirst: proofChecks,
      },
      {
        name: "disputeWithheld",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => (terms) =>
          f.DisputeManager.connect(f.challenger).disputeWithheld(f.cheatingMatmul.id, terms, f.cheatingMatmul.params),
        refusedFirst: (f, altered) => {
          const { workloadId, paramsHash } = proofChecks(f, altered);
          return { workloadId, paramsHash };
        },
      },
      {
        name: "disputeForArbitration",
        job: (f) => f.customJob,
        prepare: async (f) => (terms) =>
          f.DisputeManager.connect(f.challenger).disputeForArbitration(f.customJob, terms, "ipfs://evidence"),
      },
      {
        name: "revealChildren",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          const { left, right } = revealedChildren(f.cheatingMatmul.result, 0);
          return (terms) => f.DisputeManager.connect(f.provider).revealChildren(id, terms, left, right);
        },
      },
      {
        name: "revealChunk",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          await revealChildrenOf(f, id, f.cheatingMatmul, 0);
          await chooseChildOf(f, id, f.cheatingMatmul, 0, false);
          const chunk = f.cheatingMatmul.result.chunk(WRONG_CHUNK);
          return (terms) => f.DisputeManager.connect(f.provider).revealChunk(id, terms, chunk);
        },
      },
      {
        name: "proveChunkWrong",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await revealWrongChunk(f);
          const proof = wrongMatmulProof(f.cheatingMatmul);
          return (terms) => f.DisputeManager.proveChunkWrong(id, terms, f.cheatingMatmul.params, proof);
        },
        refusedFirst: proofChecks,
      },
      ...[true, false].map((ruling) => ({
        name: `arbitrate finding ${ruling ? "the provider at fault" : "no fault"}`,
        job: (f: DisputesFixture) => f.customJob,
        prepare: async (f: DisputesFixture) => {
          const id = await openArbitration(f, f.challenger, f.customJob);
          return (terms: Terms) => f.DisputeManager.connect(f.arbiter).arbitrate(id, terms, ruling);
        },
      })),
      {
        name: "resolve on a silent provider",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on a silent challenger",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          await revealChildrenOf(f, id, f.cheatingMatmul, 0);
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on a revealed chunk nobody proved wrong",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await revealWrongChunk(f);
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on an unrevealed commit",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await commitProof(f, f.challenger, f.cheatingMatmul.id, ethers.id("never revealed"));
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on a silent arbiter",
        job: (f) => f.customJob,
        prepare: async (f) => {
          const id = await openArbitration(f, f.challenger, f.customJob);
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on a dispute of a slashed job",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          await proveFraud(f, f.outsider, f.cheatingMatmul, wrongMatmulProof(f.cheatingMatmul));
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "slashAmount",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => (terms) => f.DisputeManager.slashAmount(f.cheatingMatmul.id, terms),
      },
    ];

    for (const { name, job, prepare, refusedFirst } of ENTRY_POINTS) {
      it(`refuses ${name} with the escrow's JobTermsMismatch when any one field of the terms is not the job's`, async function () {
        const f = await loadFixture(disputesFixture);
        const call = await prepare(f);
        const id = job(f);
        const stored = await readJob(f.JobEscrow, id);
        const storedHash = await f.JobEscrow.hashTerms(committedTerms(stored));
        for (const field of TERM_FIELDS) {
          const altered = withAlteredTerm(stored, field, STRANGER);
          const first = refusedFirst?.(f, altered)[field];
          if (first) {
            await expect(call(altered), `altered ${field}`)
              .to.be.revertedWithCustomError(first.contract, first.error)
              .withArgs(...first.args);
          } else {
            await expect(call(altered), `altered ${field}`)
              .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
              .withArgs(id, storedHash, await f.JobEscrow.hashTerms(altered));
          }
        }
        // The job's own terms go through: the terms, not the state, were what it refused.
        await expect(call(committedTerms(stored))).not.to.be.reverted;
      });
    }

    it("refuses another job's terms for a dispute's moves and settlements", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      // A proof dispute of the honest job, committed to the cheating job's (valid) fraud proof.
      const proof = wrongMatmulProof(job);
      const honest = await commitAndWait(f, f.challenger, f.honestMatmul, proof);
      const own = await jobTerms(f, job.id);
      const other = await jobTerms(f, f.honestMatmul.id);
      const [ownHash, otherHash] = [await f.JobEscrow.hashTerms(own), await f.JobEscrow.hashTerms(other)];

      // The honest job cannot be slashed with the cheating job's terms.
      await expect(f.DisputeManager.revealProof(honest, own, job.params, proof))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.honestMatmul.id, otherHash, ownHash);
      const { left, right } = revealedChildren(job.result, 0);
      await expect(f.DisputeManager.connect(f.provider).revealChildren(id, other, left, right))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(job.id, ownHash, otherHash);
      await passDeadline(f, id);
      await expect(f.DisputeManager.resolve(id, other))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(job.id, ownHash, otherHash);
    });

    it("refuses a challenger's terms naming another client, so the client's refund and slash share cannot be redirected", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const id = await commitAndWait(f, f.challenger, job, proof);
      const terms = await jobTerms(f, job.id);
      const redirected = { ...terms, client: f.challenger.address };
      await expect(f.DisputeManager.connect(f.challenger).revealProof(id, redirected, job.params, proof))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(job.id, await f.JobEscrow.hashTerms(terms), await f.JobEscrow.hashTerms(redirected));
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);
      // Revealed with the job's terms, the refund and the client's share go to the job's client.
      await expectFaultSettlement(f, id, "challenger", () => reveal(f, id, job, proof));
    });
  });
});

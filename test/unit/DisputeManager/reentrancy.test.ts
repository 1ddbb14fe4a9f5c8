import { expect } from "chai";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";

import { revealedChildren } from "../../../src/commitments/bisection";
import { proofCommitment } from "../../../src/disputes/proofs";
import { commitProof, openArbitration, openWithheld, type WorkloadJob } from "../../fixtures/disputes";
import { jobTerms } from "../../fixtures/jobs";
import {
  WRONG_CHUNK,
  expectFaultSettlement,
  passDeadline,
  reentrantDisputesFixture,
  wrongMatmulProof,
  type Holder,
  type ReentrantDisputesFixture,
  type Terms,
} from "./fixture";

/** The DisputeManager functions that settle a fault, and so refund the client inside their call. */
type Settling = "revealProof" | "proveChunkWrong" | "resolve" | "arbitrate";

/** Every function of the DisputeManager behind its reentrancy guard. */
type Guarded =
  | "commitProof"
  | "revealProof"
  | "disputeWithheld"
  | "chooseChild"
  | "disputeForArbitration"
  | "revealChildren"
  | "revealChunk"
  | "proveChunkWrong"
  | "arbitrate"
  | "resolve";

/** A dispute played to the call that settles it at fault; what a re-entry may name about it. */
interface Settlement {
  disputeId: bigint;
  /** The holder the dispute's challenger is, for the balance sheet. */
  challenger: Holder;
  jobId: bigint;
  terms: Terms;
  send: () => Promise<ContractTransactionResponse>;
}

/** The matmul job's fraud proof and the root's children, as the provider revealed them (or would have). */
function matmulEvidence(job: WorkloadJob) {
  return { proof: wrongMatmulProof(job), root: revealedChildren(job.result, 0) };
}

/**
 * Each settling path, played on a job paid in the re-entrant token up to its settling call (not yet sent):
 * - a committed proof of the cheating matmul job's wrong element, revealed;
 * - a withheld-data dispute played to the wrong chunk, proved wrong by an outsider;
 * - a withheld-data dispute whose provider let its turn time out (at the root's children, or at the leaf's chunk),
 *   resolved by an outsider;
 * - an arbitration on the job without a checker, ruled a fault by the arbiter.
 */
const SETTLEMENTS = {
  async revealProof(f: ReentrantDisputesFixture): Promise<Settlement> {
    const job = f.reentrantMatmul;
    const { proof } = matmulEvidence(job);
    const disputeId = await commitProof(f, f.challenger, job.id, proof);
    await mine(1);
    const terms = await jobTerms(f, job.id);
    const send = () => f.DisputeManager.connect(f.challenger).revealProof(disputeId, terms, job.params, proof);
    return { disputeId, challenger: "challenger", jobId: job.id, terms, send };
  },

  async proveChunkWrong(f: ReentrantDisputesFixture): Promise<Settlement> {
    const job = f.reentrantMatmul;
    const { proof, root } = matmulEvidence(job);
    const terms = await jobTerms(f, job.id);
    const disputeId = await openWithheld(f, f.challenger, job);
    await f.DisputeManager.connect(f.provider).revealChildren(disputeId, terms, root.left, root.right);
    await f.DisputeManager.connect(f.challenger).chooseChild(disputeId, root.left, root.right, false);
    await f.DisputeManager.connect(f.provider).revealChunk(disputeId, terms, job.result.chunk(WRONG_CHUNK));
    const send = () => f.DisputeManager.connect(f.outsider).proveChunkWrong(disputeId, terms, job.params, proof);
    return { disputeId, challenger: "challenger", jobId: job.id, terms, send };
  },

  async resolveChildrenTimedOut(f: ReentrantDisputesFixture): Promise<Settlement> {
    const job = f.reentrantMatmul;
    const terms = await jobTerms(f, job.id);
    const disputeId = await openWithheld(f, f.challenger, job);
    await passDeadline(f, disputeId);
    const send = () => f.DisputeManager.connect(f.outsider).resolve(disputeId, terms);
    return { disputeId, challenger: "challenger", jobId: job.id, terms, send };
  },

  async resolveChunkTimedOut(f: ReentrantDisputesFixture): Promise<Settlement> {
    const job = f.reentrantMatmul;
    const { root } = matmulEvidence(job);
    const terms = await jobTerms(f, job.id);
    const disputeId = await openWithheld(f, f.challenger, job);
    await f.DisputeManager.connect(f.provider).revealChildren(disputeId, terms, root.left, root.right);
    await f.DisputeManager.connect(f.challenger).chooseChild(disputeId, root.left, root.right, false);
    await passDeadline(f, disputeId);
    const send = () => f.DisputeManager.connect(f.outsider).resolve(disputeId, terms);
    return { disputeId, challenger: "challenger", jobId: job.id, terms, send };
  },

  async arbitrate(f: ReentrantDisputesFixture): Promise<Settlement> {
    const jobId = f.reentrantCustomJob;
    const terms = await jobTerms(f, jobId);
    const disputeId = await openArbitration(f, f.challenger, jobId);
    const send = () => f.DisputeManager.connect(f.arbiter).arbitrate(disputeId, terms, true);
    return { disputeId, challenger: "challenger", jobId, terms, send };
  },
} as const;

type SettlementPath = keyof typeof SETTLEMENTS;

/**
 * What the token's hook sends into the DisputeManager while the refund is paid: the attacker's most useful call of
 * each guarded function about the dispute or job being settled (a second settlement of the same dispute, a new
 * dispute on the same job, the provider's late answer, ...). Every one of them only meets the guard; without it,
 * each would fail the function's own checks with another error, or go through.
 */
async function reentryPayload(f: ReentrantDisputesFixture, inner: Guarded, s: Settlement): Promise<string> {
  const dm = f.DisputeManager.interface;
  const job = f.reentrantMatmul;
  const { proof, root } = matmulEvidence(job);
  const token = await f.token.getAddress();
  switch (inner) {
    case "commitProof":
      return dm.encodeFunctionData("commitProof", [s.jobId, s.terms, proofCommitment(token, s.jobId, proof)]);
    case "revealProof":
      return dm.encodeFunctionData("revealProof", [s.disputeId, s.terms, job.params, proof]);
    case "disputeWithheld":
      return dm.encodeFunctionData("disputeWithheld", [s.jobId, s.terms, job.params]);
    case "chooseChild":
      return dm.encodeFunctionData("chooseChild", [s.disputeId, root.left, root.right, true]);
    case "disputeForArbitration":
      return dm.encodeFunctionData("disputeForArbitration", [s.jobId, s.terms, "ipfs://evidence"]);
    case "revealChildren":
      return dm.encodeFunctionData("revealChildren", [s.disputeId, s.terms, root.left, root.right]);
    case "revealChunk":
      return dm.encodeFunctionData("revealChunk", [s.disputeId, s.terms, job.result.chunk(WRONG_CHUNK)]);
    case "proveChunkWrong":
      return dm.encodeFunctionData("proveChunkWrong", [s.disputeId, s.terms, job.params, proof]);
    case "arbitrate":
      return dm.encodeFunctionData("arbitrate", [s.disputeId, s.terms, false]);
    case "resolve":
      return dm.encodeFunctionData("resolve", [s.disputeId, s.terms]);
  }
}

/**
 * (inner, outer) pairs: every guarded function is re-entered at least once, from the refund of every settling
 * function at least once (resolve both on a timed-out choice of children and on a timed-out chunk).
 */
const ATTACKS: readonly { inner: Guarded; outer: Settling; path: SettlementPath; refund: string }[] = [
  { inner: "commitProof", outer: "revealProof", path: "revealProof", refund: "a revealed fraud proof" },
  { inner: "revealProof", outer: "revealProof", path: "revealProof", refund: "a revealed fraud proof" },
  { inner: "resolve", outer: "revealProof", path: "revealProof", refund: "a revealed fraud proof" },
  { inner: "disputeWithheld", outer: "proveChunkWrong", path: "proveChunkWrong", refund: "a chunk proved wrong" },
  { inner: "chooseChild", outer: "proveChunkWrong", path: "proveChunkWrong", refund: "a chunk proved wrong" },
  { inner: "proveChunkWrong", outer: "proveChunkWrong", path: "proveChunkWrong", refund: "a chunk proved wrong" },
  { inner: "revealChildren", outer: "resolve", path: "resolveChildrenTimedOut", refund: "children never revealed" },
  { inner: "revealChunk", outer: "resolve", path: "resolveChunkTimedOut", refund: "a chunk never revealed" },
  { inner: "disputeForArbitration", outer: "arbitrate", path: "arbitrate", refund: "a ruling of fault" },
  { inner: "arbitrate", outer: "arbitrate", path: "arbitrate", refund: "a ruling of fault" },
];

describe("DisputeManager: reentrancy", function () {
  describe("attacks from the payment token's refund", function () {
    const reentryError = (f: ReentrantDisputesFixture) =>
      f.DisputeManager.interface.encodeErrorResult("ReentrancyGuardReentrantCall");

    for (const { inner, outer, path, refund } of ATTACKS) {
      it(`blocks re-entry into ${inner} from the refund inside ${outer} (${refund}); the client is refunded exactly once`, async function () {
        const f = await loadFixture(reentrantDisputesFixture);
        const settlement = await SETTLEMENTS[path](f);
        await f.token.arm(await f.DisputeManager.getAddress(), await reentryPayload(f, inner, settlement));

        await expectFaultSettlement(f, settlement.disputeId, settlement.challenger, settlement.send, f.token);
        expect(await f.token.lastReentrySucceeded()).to.equal(false);
        expect(await f.token.lastReentryError()).to.equal(reentryError(f));
        expect(await f.DisputeManager.disputeCount()).to.equal(settlement.disputeId);
      });
    }
  });
});

/**
 * `dispute:step` and `dispute:reveal`: the next move of whichever side the sender is, checked against the
 * dispute's turn and deadline.
 */
import { hexlify } from "ethers";
import { chainTime } from "../../../src/chain/clock";
import {
  bisectionSteps,
  type DisputeRecord,
  DisputeStatus,
  disputeStatusName,
  isOpenDispute,
  isProviderTurn,
  readDispute,
  revealedChildrenAt,
  revealedChunk,
} from "../../../src/chain/disputes";
import { committedTerms, type JobRecord, readJobRecord } from "../../../src/chain/jobs";
import { childNode, childToDispute, proofFromSteps, revealedChildren } from "../../../src/commitments/bisection";
import { ResultTree } from "../../../src/commitments/result-tree";
import { UserError } from "../../../src/errors";
import { referenceOutput } from "../../../src/jobs/job-data";
import { formatMoment } from "../../../src/markdown";
import { fetchContent } from "../../../src/store/factory";
import { encodeFraudProof, proofCommitment } from "../../../src/disputes/proofs";
import { checkRevealedChunk } from "../../../src/disputes/revealed-chunk";
import { providerOf } from "../../../src/chain/provider";
import type { DisputeContext } from "./context";
import { decodeJob, findingBase, jobInputs, revealCommittedProof, wordOf, wrongWord } from "./evidence";
import {
  OUTCOMES,
  actorName,
  chunkOf,
  command,
  readFailure,
  requireBeforeDeadline,
  requireDispute,
  requireJobNotSlashed,
  requireOpen,
  turnOf,
} from "./reading";

/** A move made: what it was, its transaction, and what the dispute waits for now. */
export interface Move {
  readonly disputeId: bigint;
  readonly jobId: bigint;
  readonly did: string;
  readonly tx: string;
  readonly next: string;
}

/** What dispute `id` waits for now, in a sentence for people. */
export async function nextOf(ctx: DisputeContext, id: bigint, provider: string): Promise<string> {
  const dispute = await readDispute(ctx.system.DisputeManager, id);
  if (!isOpenDispute(dispute.status)) return `The dispute ended: ${OUTCOMES[dispute.status]}.`;
  const now = await chainTime(providerOf(ctx.signer));
  const turn = turnOf(dispute);
  return `Next: ${actorName(turn, dispute, provider)} to ${turn.action}, by ${formatMoment(dispute.deadline, now)}.`;
}

/** The dispute, its job and the chain time, for a move; refuses an ended dispute or one past its deadline. */
async function moveContext(
  ctx: DisputeContext,
  id: bigint,
): Promise<{ dispute: DisputeRecord; record: JobRecord; now: bigint; me: string }> {
  const dispute = await requireDispute(ctx, id);
  requireOpen(dispute, "there is no move to make");
  const record = await readJobRecord(ctx.system.JobEscrow, dispute.jobId, ctx.history);
  requireJobNotSlashed(ctx, dispute, record);
  const now = await chainTime(providerOf(ctx.signer));
  requireBeforeDeadline(ctx, dispute, now);
  return { dispute, record, now, me: await ctx.signer.getAddress() };
}

/** Refuses a caller that is not the one whose turn it is. */
function requireActor(dispute: DisputeRecord, record: JobRecord, now: bigint, me: string): void {
  const turn = turnOf(dispute);
  const expected = turn.actor === "provider" ? record.job.provider : dispute.challenger;
  if (me.toLowerCase() === expected.toLowerCase()) return;
  throw new UserError(
    `Dispute ${dispute.id} waits for ${actorName(turn, dispute, record.job.provider)} to ${turn.action}, by ` +
      `${formatMoment(dispute.deadline, now)}; ${me} has no move in it now.`,
  );
}

/** The provider's move: the children of the disputed node, or its chunk, from the output at `resultURI`. */
async function providerMove(
  ctx: DisputeContext,
  dispute: DisputeRecord,
  record: JobRecord,
  resultURI: string | undefined,
): Promise<Move> {
  const { id, jobId, node } = dispute;
  // A disputed job has a submitted result.
  const uri = resultURI ?? record.submitted!.resultURI;
  let output: Uint8Array;
  try {
    output = await fetchContent(uri, ctx.fetchConfig);
  } catch (error) {
    throw new UserError(
      `Cannot read the output to reveal${readFailure(uri, error)}; pass --result-uri where job ${jobId}'s output is.`,
    );
  }
  let tree: ResultTree | undefined;
  try {
    tree = new ResultTree(output);
  } catch {
    tree = undefined;
  }
  if (tree?.root !== record.job.resultRoot) {
    throw new UserError(
      `The output at ${uri} is not the one job ${jobId} committed to (root ${record.job.resultRoot}); pass --result-uri where that output is.`,
    );
  }
  const disputes = ctx.system.DisputeManager.connect(ctx.signer);
  const terms = committedTerms(record.job);
  let did: string;
  let tx: string;
  if (dispute.status === DisputeStatus.AwaitingChildren) {
    const { left, right } = revealedChildren(tree, node);
    tx = (await (await disputes.revealChildren(id, terms, left, right)).wait())!.hash;
    did = `revealed the children of node ${node}`;
  } else {
    const chunkIndex = chunkOf(dispute);
    tx = (await (await disputes.revealChunk(id, terms, tree.chunk(chunkIndex))).wait())!.hash;
    did = `revealed chunk ${chunkIndex}`;
  }
  return { disputeId: id, jobId, did, tx, next: await nextOf(ctx, id, record.job.provider) };
}

/** The challenger's move at a node: the child whose revealed hash differs from the correct output's tree. */
async function chooseChild(ctx: DisputeContext, dispute: DisputeRecord, record: JobRecord, now: bigint): Promise<Move> {
  const { id, jobId, node } = dispute;
  const job = decodeJob(record);
  const correct = new ResultTree(await referenceOutput(job, await jobInputs(ctx, record, job)));
  const children = await revealedChildrenAt(ctx.system.DisputeManager, id, node, ctx.history);
  const disputeRight = childToDispute(correct, node, children);
  if (disputeRight === undefined) {
    throw new UserError(
      `Both children the provider revealed at node ${node} of dispute ${id} are correct: this dispute cannot be won; ` +
        `at its deadline ${formatMoment(dispute.deadline, now)} the bond goes to the provider.`,
    );
  }
  const tx = await ctx.system.DisputeManager.connect(ctx.signer).chooseChild(
    id,
    children.left,
    children.right,
    disputeRight,
  );
  const hash = (await tx.wait())!.hash;
  const side = disputeRight ? "right" : "left";
  return {
    disputeId: id,
    jobId,
    did: `disputed the ${side} child of node ${node} (node ${childNode(node, disputeRight)})`,
    tx: hash,
    next: await nextOf(ctx, id, record.job.provider),
  };
}

/** The challenger's move in the proof path: reveals the proof it committed to, recomputed from the job's data. */
async function revealProofMove(ctx: DisputeContext, dispute: DisputeRecord, record: JobRecord): Promise<Move> {
  const { id, jobId } = dispute;
  const finding = await wrongWord(ctx, record, decodeJob(record));
  const proof = encodeFraudProof(finding);
  if (proofCommitment(dispute.challenger, jobId, proof) !== dispute.hash) {
    throw new UserError(
      `The proof of word ${wordOf(finding)} found in job ${jobId} is not the one dispute ${id} committed to, so it ` +
        `cannot be revealed there; at the deadline the bond goes to the provider.`,
    );
  }
  const tx = await revealCommittedProof(ctx, dispute, record, proof);
  return {
    disputeId: id,
    jobId,
    did: `revealed the proof that word ${wordOf(finding)} is wrong`,
    tx,
    next: await nextOf(ctx, id, record.job.provider),
  };
}

/** Anyone's move after a chunk is revealed: proves a word of it wrong, or refuses if every word is right. */
async function proveChunkWrong(
  ctx: DisputeContext,
  dispute: DisputeRecord,
  record: JobRecord,
  now: bigint,
): Promise<Move> {
  const { id, jobId } = dispute;
  const { system, history } = ctx;
  const job = decodeJob(record);
  const inputs = await jobInputs(ctx, record, job);
  const { chunkIndex, chunk } = await revealedChunk(system.DisputeManager, id, history);
  const steps = await bisectionSteps(system.DisputeManager, id, history);
  const revealed = { chunkIndex, chunk: hexlify(chunk), proof: proofFromSteps(steps) };
  const correct = new ResultTree(await referenceOutput(job, inputs));
  const wrong = checkRevealedChunk(findingBase(record, job), job, inputs, revealed, { correct, steps });
  if (wrong === undefined) {
    throw new UserError(
      `Chunk ${chunkIndex} revealed in dispute ${id} checks out: there is nothing to prove; after ` +
        `${formatMoment(dispute.deadline, now)} the bond goes to the provider.`,
    );
  }
  const tx = await system.DisputeManager.connect(ctx.signer).proveChunkWrong(
    id,
    committedTerms(record.job),
    record.created.params,
    encodeFraudProof(wrong),
  );
  return {
    disputeId: id,
    jobId,
    did: `proved word ${wordOf(wrong)} of the revealed chunk ${chunkIndex} wrong`,
    tx: (await tx.wait())!.hash,
    next: await nextOf(ctx, id, record.job.provider),
  };
}

/**
 * Makes the caller's next move in dispute `id`: the challenger reveals its committed proof or names the child it
 * disputes (recomputing the correct output from the job's inputs); the provider reveals children or the chunk from
 * its output (`resultURI`, default the submitted one); anyone proves a revealed chunk wrong if it is.
 */
export async function stepDispute(ctx: DisputeContext, id: bigint, resultURI?: string): Promise<Move> {
  const { dispute, record, now, me } = await moveContext(ctx, id);
  switch (dispute.status) {
    case DisputeStatus.AwaitingRuling:
      throw new UserError(
        `Dispute ${id} waits for the arbiter's ruling, by ${formatMoment(dispute.deadline, now)}: an ARBITER runs ` +
          `${command(ctx, "dispute:arbitrate", `--dispute ${id} --fault yes|no`)}.`,
      );
    case DisputeStatus.ChunkRevealed:
      return proveChunkWrong(ctx, dispute, record, now);
    case DisputeStatus.AwaitingChildren:
    case DisputeStatus.AwaitingChunk:
      requireActor(dispute, record, now, me);
      return providerMove(ctx, dispute, record, resultURI);
    case DisputeStatus.AwaitingChoice:
      requireActor(dispute, record, now, me);
      return chooseChild(ctx, dispute, record, now);
    default:
      requireActor(dispute, record, now, me);
      return revealProofMove(ctx, dispute, record);
  }
}

/** The provider's manual move in dispute `id`: reveals the children or the chunk asked for, from `resultURI`. */
export async function revealForDispute(ctx: DisputeContext, id: bigint, resultURI?: string): Promise<Move> {
  const dispute = await requireDispute(ctx, id);
  if (!isProviderTurn(dispute.status)) {
    throw new UserError(`Dispute ${id} is ${disputeStatusName(dispute.status)}; there is nothing to reveal.`);
  }
  const { record, now, me } = await moveContext(ctx, id);
  requireActor(dispute, record, now, me);
  return providerMove(ctx, dispute, record, resultURI);
}

/**
 * Getting a client's payment back: cancelling a job no provider accepted, and reclaiming one a provider accepted
 * and abandoned past its submit deadline (the escrow's claimTimeout, which also pays the client the liveness
 * penalty out of the provider's collateral). Both check the job's status, its client and its deadline against the
 * chain's clock before sending, so a refusal says what to do instead of showing a revert.
 */
import type { Signer } from "ethers";

import { committedTerms, JobStatus, jobStatusName, readJob, type StoredJob } from "../chain/jobs";
import type { HistorySource } from "../chain/logs";
import { emittedEvent, requireReceipt } from "../chain/receipts";
import { revertName } from "../chain/reverts";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { readTokenInfo, type TokenInfo } from "./amounts";
import { formatUtc, span } from "../markdown";

/** Why job `job` cannot take the refund `wanted` names, and what to do instead. */
function notRefundable(job: StoredJob, wanted: "cancel" | "reclaim", now: bigint): string {
  const state = `Job ${job.id} is ${jobStatusName(job.status)}`;
  switch (job.status) {
    case JobStatus.Open:
      return `${state}: no provider accepted it; cancel it instead (npx hardhat job:cancel --id ${job.id}).`;
    case JobStatus.Assigned:
      return (
        `${state}: provider ${job.provider} accepted it, so it cannot be cancelled; ` +
        `${reclaimableFrom(job, now)} (npx hardhat job:reclaim --id ${job.id}).`
      );
    case JobStatus.Submitted:
      return `${state}: a result was submitted; it settles with job:finalize once its challenge window ends at ${formatUtc(job.deadline)}, or through a dispute.`;
    case JobStatus.Disputed:
      return `${state}: a dispute decides it; the client is refunded if the provider is found at fault.`;
    default:
      return `${state}: it is closed, there is nothing to ${wanted}.`;
  }
}

/** When an Assigned job's payment can be reclaimed: the escrow takes it back from the second after the deadline. */
function reclaimableFrom(job: StoredJob, now: bigint): string {
  const from = job.deadline + 1n;
  return from <= now
    ? "its submit deadline has passed: reclaim it"
    : `it can be reclaimed from ${formatUtc(from)}, in ${span(from - now)}`;
}

/** The one line for a revert of a transaction sent after the checks passed: the job changed in between. */
function raced(system: WeftSystem, id: bigint, error: unknown): never {
  const name = revertName(system.JobEscrow, error);
  if (name === "JobNotInStatus" || name === "JobTermsMismatch" || name === "SubmitDeadlineNotReached") {
    throw new UserError(
      `Job ${id} changed while the transaction was sent (${name}); see npx hardhat job:status --id ${id}.`,
    );
  }
  throw error;
}

export interface CancelledJob {
  readonly txHash: string;
  readonly client: string;
  readonly refund: bigint;
  readonly token: TokenInfo;
}

/** The client (`signer`) cancels Open job `id` and is refunded its payment in full. */
export async function cancelJob(
  system: WeftSystem,
  signer: Signer,
  id: bigint,
  now: bigint,
  history: HistorySource,
): Promise<CancelledJob> {
  const escrow = system.JobEscrow.connect(signer);
  const job = await readJob(escrow, id, history);
  if (job.status !== JobStatus.Open) throw new UserError(notRefundable(job, "cancel", now));
  const sender = await signer.getAddress();
  if (sender !== job.client) {
    throw new UserError(
      `Only job ${id}'s client ${job.client} can cancel it: run it with that account's --account (this one is ${sender}).`,
    );
  }
  const receipt = await escrow
    .cancelJob(id, committedTerms(job))
    .then(async (tx) => requireReceipt(await tx.wait(), "cancelJob"))
    .catch((error: unknown) => raced(system, id, error));
  const cancelled = await emittedEvent(escrow, receipt, "JobCancelled", "cancelJob");
  return {
    txHash: receipt.hash,
    client: job.client,
    refund: cancelled.args.refund as bigint,
    token: await readTokenInfo(job.paymentToken, signer),
  };
}

export interface ReclaimedJob {
  readonly txHash: string;
  readonly client: string;
  readonly provider: string;
  readonly refund: bigint;
  readonly token: TokenInfo;
  /** The collateral the provider had locked for the job, in WEFT base units. */
  readonly collateral: bigint;
  /** WEFT taken from the provider's stake (what its free stake allowed of the liveness penalty). */
  readonly forfeited: bigint;
  readonly forfeitedTo: string;
}

/**
 * Closes Assigned job `id` after its submit deadline (anyone may send it; the refund always goes to the client):
 * the client gets its payment back and the liveness penalty out of the provider's collateral.
 */
export async function reclaimJob(
  system: WeftSystem,
  signer: Signer,
  id: bigint,
  now: bigint,
  history: HistorySource,
): Promise<ReclaimedJob> {
  const escrow = system.JobEscrow.connect(signer);
  const job = await readJob(escrow, id, history);
  if (job.status !== JobStatus.Assigned) throw new UserError(notRefundable(job, "reclaim", now));
  // The escrow needs a block after the deadline; the next block's timestamp is at least now + 1.
  if (now < job.deadline) {
    throw new UserError(
      `Job ${id}'s provider has until ${formatUtc(job.deadline)} to submit; ${reclaimableFrom(job, now)}.`,
    );
  }
  const receipt = await escrow
    .claimTimeout(id, committedTerms(job))
    .then(async (tx) => requireReceipt(await tx.wait(), "claimTimeout"))
    .catch((error: unknown) => raced(system, id, error));
  const timedOut = await emittedEvent(escrow, receipt, "JobTimedOut", "claimTimeout");
  const forfeit = await emittedEvent(system.ProviderRegistry, receipt, "CollateralForfeited", "claimTimeout");
  return {
    txHash: receipt.hash,
    client: job.client,
    provider: job.provider,
    refund: timedOut.args.refund as bigint,
    token: await readTokenInfo(job.paymentToken, signer),
    collateral: job.collateral,
    forfeited: timedOut.args.penalty as bigint,
    forfeitedTo: forfeit.args.recipient as string,
  };
}

/**
 * A dispute as the chain holds it, read for a command: whose turn it is, its chunk, its deadline, and the
 * refusals a command makes before it sends anything.
 */
import {
  type DisputeRecord,
  DisputeStatus,
  disputeStatusName,
  isOpenDispute,
  isProviderTurn,
  readDispute,
} from "../../../src/chain/disputes";
import { type JobRecord, JobStatus } from "../../../src/chain/jobs";
import { chunkIndexOfNode, leafCountOf } from "../../../src/commitments/bisection";
import { errorMessage, UserError } from "../../../src/errors";
import { formatMoment } from "../../../src/markdown";
import type { DisputeContext } from "./context";

export function command(ctx: DisputeContext, task: string, args = ""): string {
  return `npx hardhat ${[task, args].filter((part) => part !== "").join(" ")}${ctx.network === undefined ? "" : ` --network ${ctx.network}`}`;
}

/** " at <uri> (<why>)", or ": <why>" when the store's message names the URI already. */
export function readFailure(uri: string, error: unknown): string {
  const why = errorMessage(error);
  return why.includes(uri) ? `: ${why}` : ` at ${uri} (${why})`;
}

/** Dispute `id`, or a refusal if it does not exist. */
export async function requireDispute(ctx: DisputeContext, id: bigint): Promise<DisputeRecord> {
  const dispute = await readDispute(ctx.system.DisputeManager, id);
  if (dispute.status === DisputeStatus.None) {
    const count = await ctx.system.DisputeManager.disputeCount();
    throw new UserError(
      `Dispute ${id} does not exist (${count} disputes have been opened). List the disputes with ${command(ctx, "dispute:list")}.`,
    );
  }
  return dispute;
}

/** Refuses an ended dispute; `what` ends the sentence ("nothing to resolve"). */
export function requireOpen(dispute: DisputeRecord, what: string): void {
  if (!isOpenDispute(dispute.status)) {
    throw new UserError(`Dispute ${dispute.id} has ended (${disputeStatusName(dispute.status)}): ${what}.`);
  }
}

/** Refuses a move in a dispute whose job another dispute has slashed: it can only end Moot. */
export function requireJobNotSlashed(ctx: DisputeContext, dispute: DisputeRecord, record: JobRecord): void {
  if (record.job.status === JobStatus.Slashed) {
    throw new UserError(
      `Job ${dispute.jobId} was slashed by another dispute: end dispute ${dispute.id} as Moot (its bond goes back to ` +
        `its challenger) with ${command(ctx, "dispute:resolve", `--dispute ${dispute.id}`)}.`,
    );
  }
}

/** Refuses a move after the dispute's current deadline. */
export function requireBeforeDeadline(ctx: DisputeContext, dispute: DisputeRecord, now: bigint): void {
  if (now >= dispute.deadline) {
    throw new UserError(
      `Dispute ${dispute.id}'s deadline passed ${formatMoment(dispute.deadline, now)}: no move is left; end it with ` +
        `${command(ctx, "dispute:resolve", `--dispute ${dispute.id}`)}.`,
    );
  }
}

/** The chunk index of the leaf a withheld-data dispute has reached. */
export function chunkOf(dispute: DisputeRecord): number {
  return chunkIndexOfNode(dispute.node, leafCountOf(dispute.totalWords));
}

/** Who moves next in an open dispute, and what the move is. */
export interface Turn {
  readonly actor: "provider" | "challenger" | "anyone" | "arbiter";
  readonly action: string;
}

export function turnOf(dispute: DisputeRecord): Turn {
  switch (dispute.status) {
    case DisputeStatus.AwaitingProof:
      return { actor: "challenger", action: "reveal its committed proof" };
    case DisputeStatus.AwaitingChildren:
      return { actor: "provider", action: `reveal the children of node ${dispute.node}` };
    case DisputeStatus.AwaitingChoice:
      return { actor: "challenger", action: `name the child of node ${dispute.node} it disputes` };
    case DisputeStatus.AwaitingChunk:
      return { actor: "provider", action: `reveal chunk ${chunkOf(dispute)}` };
    case DisputeStatus.ChunkRevealed:
      return { actor: "anyone", action: `prove a word of the revealed chunk ${chunkOf(dispute)} wrong` };
    default:
      return { actor: "arbiter", action: "rule" };
  }
}

export function actorName(turn: Turn, dispute: DisputeRecord, provider: string): string {
  switch (turn.actor) {
    case "provider":
      return `the provider (${provider})`;
    case "challenger":
      return `the challenger (${dispute.challenger})`;
    case "anyone":
      return "anyone";
    case "arbiter":
      return "the arbiter (ARBITER role)";
  }
}

/** What ending dispute `dispute` at its deadline decides. */
export function outcomeAtDeadline(dispute: DisputeRecord): string {
  return isProviderTurn(dispute.status) ? "the provider is slashed" : "the bond goes to the provider";
}

export const OUTCOMES: Partial<Record<number, string>> = {
  [DisputeStatus.ProviderAtFault]: "the provider was slashed and the bond went back to the challenger",
  [DisputeStatus.NoFault]: "no fault: the bond went to the provider",
  [DisputeStatus.Moot]: "another dispute of the job proved the fault first: the bond went back to the challenger",
};

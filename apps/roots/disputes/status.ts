/**
 * `dispute:status` and the one-line reports of the other commands.
 */
import { formatEther } from "ethers";
import {
  disputeIdsOf,
  DisputeKind,
  disputeKindName,
  type DisputeRecord,
  DisputeStatus,
  disputeStatusName,
  isOpenDispute,
  isProviderTurn,
  readDispute,
} from "../../../src/chain/disputes";
import { jobStatusName, readJob } from "../../../src/chain/jobs";
import { isLeafNode, leafCountOf } from "../../../src/commitments/bisection";
import { formatMoment } from "../../../src/markdown";
import type { DisputeContext, StatusTarget } from "./context";
import type { Move } from "./moves";
import type { OpenedDispute } from "./open";
import { OUTCOMES, actorName, chunkOf, command, outcomeAtDeadline, requireDispute, turnOf } from "./reading";
import type { Settled } from "./settle";

function clockLines(dispute: DisputeRecord, now: bigint): string[] {
  const left = (seconds: bigint) => `${seconds > 0n ? seconds : 0n} s left`;
  const running = dispute.deadline - now;
  const provider = isProviderTurn(dispute.status) ? `${left(running)} (running)` : left(dispute.providerTime);
  const challenger =
    dispute.status === DisputeStatus.AwaitingChoice ? `${left(running)} (running)` : left(dispute.challengerTime);
  return [`  provider clock    ${provider}`, `  challenger clock  ${challenger}`];
}

function nodeLine(dispute: DisputeRecord): string {
  const leaves = leafCountOf(dispute.totalWords);
  const where = isLeafNode(dispute.node, leaves)
    ? `the leaf of chunk ${chunkOf(dispute)}`
    : dispute.node === 0
      ? "the root"
      : "an inner node";
  return `  node              ${dispute.node}, ${where}, of a ${dispute.totalWords}-word output in ${leaves} chunks`;
}

/** One dispute, in lines for people. */
function formatOne(dispute: DisputeRecord, provider: string, now: bigint): string[] {
  const lines = [
    `Dispute ${dispute.id} on job ${dispute.jobId}: ${disputeKindName(dispute.kind)}, ${disputeStatusName(dispute.status)}`,
    `  challenger        ${dispute.challenger}`,
    `  bond              ${formatEther(dispute.bond)} WEFT`,
  ];
  if (!isOpenDispute(dispute.status)) return [...lines, `  outcome           ${OUTCOMES[dispute.status] ?? ""}`];
  const turn = turnOf(dispute);
  const when = formatMoment(dispute.deadline, now);
  lines.push(
    now < dispute.deadline
      ? `  turn              ${actorName(turn, dispute, provider)}: ${turn.action}, by ${when}`
      : `  turn              over: the deadline passed ${when}; dispute:resolve ends it (${outcomeAtDeadline(dispute)})`,
  );
  if (dispute.kind === DisputeKind.Proof) {
    lines.push(`  committed         ${formatMoment(dispute.deadline - dispute.challengerTime, now)}`);
  }
  if (dispute.kind === DisputeKind.Withheld) lines.push(nodeLine(dispute), ...clockLines(dispute, now));
  return lines;
}

/** Every dispute of a job, or one dispute, in lines for people. */
export async function formatDisputeStatus(ctx: DisputeContext, target: StatusTarget, now: bigint): Promise<string> {
  const { system, history } = ctx;
  if ("disputeId" in target) {
    const dispute = await requireDispute(ctx, target.disputeId);
    const job = await readJob(system.JobEscrow, dispute.jobId, history);
    return formatOne(dispute, job.provider, now).join("\n");
  }
  const job = await readJob(system.JobEscrow, target.jobId, history);
  const ids = await disputeIdsOf(system.DisputeManager, target.jobId, history);
  if (ids.length === 0) return `Job ${target.jobId} has never been disputed.`;
  const disputes = await Promise.all(ids.map((id) => readDispute(system.DisputeManager, id)));
  const open = disputes.filter((d) => isOpenDispute(d.status)).length;
  const header = `Job ${target.jobId} (${jobStatusName(job.status)}): ${ids.length} dispute${ids.length === 1 ? "" : "s"}, ${open} open`;
  return [header, ...disputes.flatMap((d) => ["", ...formatOne(d, job.provider, now)])].join("\n");
}

/** What dispute:open did, and what comes next. */
export function formatOpened(ctx: DisputeContext, opened: OpenedDispute): string {
  const { disputeId, jobId } = opened;
  if (opened.path === "proof") {
    return [
      `Dispute ${disputeId} on job ${jobId} (proof): proof committed in tx ${opened.commitTx}`,
      `Dispute ${disputeId}: proof revealed in tx ${opened.revealTx}; word ${opened.wordIndex} is wrong and the provider is slashed.`,
    ].join("\n");
  }
  const first = `Dispute ${disputeId} on job ${jobId} (${opened.path}) opened in tx ${opened.tx}`;
  if (opened.path === "arbitration") return `${first}\n${opened.next} A silent arbiter rules for the provider.`;
  return (
    `${first}\n${opened.next} Play this account's moves with ` +
    `${command(ctx, "dispute:step", `--dispute ${disputeId}`)} (a verifier:run with this account that finds the ` +
    `job wrong plays them too).`
  );
}

/** What dispute:step or dispute:reveal did. */
export function formatMove(move: Move): string {
  return `Dispute ${move.disputeId} on job ${move.jobId}: ${move.did} in tx ${move.tx}. ${move.next}`;
}

/** What dispute:resolve or dispute:arbitrate did. */
export function formatSettled(settledDispute: Settled, verb: string): string {
  const { disputeId, jobId, tx, status, outcome } = settledDispute;
  return `Dispute ${disputeId} on job ${jobId} ${verb} in tx ${tx}: ${status} (${outcome}).`;
}

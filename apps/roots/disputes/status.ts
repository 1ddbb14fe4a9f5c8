/**
 * `dispute:status` and the one-line reports of the other commands. dispute:status reads the chain once into a
 * {@link DisputeStatusReport}; the text and the JSON are both written from the {@link DisputeFacts} of its disputes,
 * so that they cannot disagree.
 */
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
import { formatWeft, weftJson } from "../../../src/jobs/amounts";
import { formatMoment, momentJson, span } from "../../../src/markdown";
import type { DisputeContext, StatusTarget } from "./context";
import type { Move } from "./moves";
import type { OpenedDispute } from "./open";
import { OUTCOMES, actorName, chunkOf, command, outcomeAtDeadline, requireDispute, type Turn, turnOf } from "./reading";
import type { Settled } from "./settle";

/** What dispute:status reports: one dispute, or every dispute of a job, with the job's provider. */
export type DisputeStatusReport =
  | { readonly target: "dispute"; readonly provider: string; readonly dispute: DisputeRecord }
  | {
      readonly target: "job";
      readonly jobId: bigint;
      readonly jobStatus: number;
      readonly provider: string;
      readonly disputes: readonly DisputeRecord[];
    };

/** Reads what dispute:status shows: the dispute or the job's disputes, oldest first. */
export async function readDisputeStatus(ctx: DisputeContext, target: StatusTarget): Promise<DisputeStatusReport> {
  const { system, history } = ctx;
  if ("disputeId" in target) {
    const dispute = await requireDispute(ctx, target.disputeId);
    const job = await readJob(system.JobEscrow, dispute.jobId, history);
    return { target: "dispute", provider: job.provider, dispute };
  }
  const job = await readJob(system.JobEscrow, target.jobId, history);
  const ids = await disputeIdsOf(system.DisputeManager, target.jobId, history);
  const disputes = await Promise.all(ids.map((id) => readDispute(system.DisputeManager, id)));
  return { target: "job", jobId: target.jobId, jobStatus: job.status, provider: job.provider, disputes };
}

/** A side's time to move in a withheld-data dispute: what is left of it, and whether it is being spent now. */
interface Clock {
  readonly left: bigint;
  readonly running: boolean;
}

/** Where a withheld-data dispute's bisection stands in the result tree. */
interface NodeFacts {
  readonly index: number;
  readonly position: "root" | "inner node" | "leaf";
  /** The chunk of the output the node is the leaf of. */
  readonly chunk?: number;
  readonly totalWords: number;
  readonly chunks: number;
}

/** Who moves next in an open dispute, what the move is, and what ending it at the deadline decides. */
interface TurnFacts extends Turn {
  /** The mover as people read it: "the provider (0x...)". */
  readonly who: string;
  /** The mover's address, when one account moves. */
  readonly address?: string;
  readonly deadlinePassed: boolean;
  readonly outcomeAtDeadline: string;
}

/** One dispute as dispute:status shows it at `now`; the optional parts exist for the disputes they belong to. */
interface DisputeFacts {
  readonly dispute: DisputeRecord;
  /** How an ended dispute ended. */
  readonly outcome?: string;
  readonly turn?: TurnFacts;
  /** When a proof dispute's commitment was made. */
  readonly committedAt?: bigint;
  readonly node?: NodeFacts;
  readonly clocks?: { readonly provider: Clock; readonly challenger: Clock };
}

function nodeFacts(dispute: DisputeRecord): NodeFacts {
  const chunks = leafCountOf(dispute.totalWords);
  const facts = { index: dispute.node, totalWords: dispute.totalWords, chunks };
  if (isLeafNode(dispute.node, chunks)) return { ...facts, position: "leaf", chunk: chunkOf(dispute) };
  return { ...facts, position: dispute.node === 0 ? "root" : "inner node" };
}

/** The clocks of a withheld-data dispute: the side whose turn it is spends its time until the deadline. */
function clocksOf(dispute: DisputeRecord, now: bigint): { readonly provider: Clock; readonly challenger: Clock } {
  const running = dispute.deadline > now ? dispute.deadline - now : 0n;
  const clock = (turn: boolean, banked: bigint): Clock =>
    turn ? { left: running, running: true } : { left: banked > 0n ? banked : 0n, running: false };
  return {
    provider: clock(isProviderTurn(dispute.status), dispute.providerTime),
    challenger: clock(dispute.status === DisputeStatus.AwaitingChoice, dispute.challengerTime),
  };
}

function factsOf(dispute: DisputeRecord, provider: string, now: bigint): DisputeFacts {
  if (!isOpenDispute(dispute.status)) return { dispute, outcome: OUTCOMES[dispute.status] ?? "" };
  const turn = turnOf(dispute);
  const address = turn.actor === "provider" ? provider : turn.actor === "challenger" ? dispute.challenger : undefined;
  const facts: DisputeFacts = {
    dispute,
    turn: {
      ...turn,
      who: actorName(turn, dispute, provider),
      address,
      deadlinePassed: now >= dispute.deadline,
      outcomeAtDeadline: outcomeAtDeadline(dispute),
    },
  };
  if (dispute.kind === DisputeKind.Proof) return { ...facts, committedAt: dispute.deadline - dispute.challengerTime };
  if (dispute.kind === DisputeKind.Withheld) {
    return { ...facts, node: nodeFacts(dispute), clocks: clocksOf(dispute, now) };
  }
  return facts;
}

function factsOfReport(report: DisputeStatusReport, now: bigint): DisputeFacts[] {
  const disputes = report.target === "dispute" ? [report.dispute] : report.disputes;
  return disputes.map((dispute) => factsOf(dispute, report.provider, now));
}

const clockText = (clock: Clock) => `${span(clock.left)} left${clock.running ? " (running)" : ""}`;

function nodeText(node: NodeFacts): string {
  const where = node.position === "leaf" ? `the leaf of chunk ${node.chunk}` : `the ${node.position}`;
  return `${node.index}, ${where}, of a ${node.totalWords}-word output in ${node.chunks} chunks`;
}

/** One dispute, in lines for people. */
function formatOne(facts: DisputeFacts, now: bigint): string[] {
  const { dispute, turn, node, clocks } = facts;
  const lines = [
    `Dispute ${dispute.id} on job ${dispute.jobId}: ${disputeKindName(dispute.kind)}, ${disputeStatusName(dispute.status)}`,
    `  challenger        ${dispute.challenger}`,
    `  bond              ${formatWeft(dispute.bond)}`,
  ];
  if (turn === undefined) return [...lines, `  outcome           ${facts.outcome}`];
  const when = formatMoment(dispute.deadline, now);
  lines.push(
    turn.deadlinePassed
      ? `  turn              over: the deadline passed ${when}; dispute:resolve ends it (${turn.outcomeAtDeadline})`
      : `  turn              ${turn.who}: ${turn.action}, by ${when}`,
  );
  if (facts.committedAt !== undefined) lines.push(`  committed         ${formatMoment(facts.committedAt, now)}`);
  if (node !== undefined) lines.push(`  node              ${nodeText(node)}`);
  if (clocks !== undefined) {
    lines.push(
      `  provider clock    ${clockText(clocks.provider)}`,
      `  challenger clock  ${clockText(clocks.challenger)}`,
    );
  }
  return lines;
}

/** Every dispute of a job, or one dispute, in lines for people. */
export function formatDisputeStatus(report: DisputeStatusReport, now: bigint): string {
  const facts = factsOfReport(report, now);
  if (report.target === "dispute") return formatOne(facts[0], now).join("\n");
  const count = facts.length;
  if (count === 0) return `Job ${report.jobId} has never been disputed.`;
  const open = facts.filter((f) => f.turn !== undefined).length;
  const header = `Job ${report.jobId} (${jobStatusName(report.jobStatus)}): ${count} dispute${count === 1 ? "" : "s"}, ${open} open`;
  return [header, ...facts.flatMap((f) => ["", ...formatOne(f, now)])].join("\n");
}

const clockJson = (clock: Clock) => ({
  secondsLeft: clock.left.toString(),
  left: span(clock.left),
  running: clock.running,
});

/** One dispute for programs: the bond in base units and formatted, times in unix seconds and UTC, names for enums. */
function disputeJson(facts: DisputeFacts) {
  const { dispute, turn, node, clocks } = facts;
  return {
    id: dispute.id.toString(),
    jobId: dispute.jobId.toString(),
    kind: disputeKindName(dispute.kind),
    status: disputeStatusName(dispute.status),
    open: turn !== undefined,
    challenger: dispute.challenger,
    bond: weftJson(dispute.bond),
    outcome: facts.outcome ?? null,
    deadline: turn === undefined ? null : momentJson(dispute.deadline),
    turn:
      turn === undefined
        ? null
        : {
            actor: turn.actor,
            address: turn.address ?? null,
            action: turn.action,
            deadlinePassed: turn.deadlinePassed,
            outcomeAtDeadline: turn.outcomeAtDeadline,
          },
    committedAt: facts.committedAt === undefined ? null : momentJson(facts.committedAt),
    node:
      node === undefined
        ? null
        : {
            index: node.index,
            position: node.position,
            chunk: node.chunk ?? null,
            totalWords: node.totalWords,
            chunks: node.chunks,
          },
    clocks:
      clocks === undefined ? null : { provider: clockJson(clocks.provider), challenger: clockJson(clocks.challenger) },
  };
}

/** dispute:status --json: the dispute, or the job with its disputes, as read at `now`. */
export function disputeStatusJson(report: DisputeStatusReport, now: bigint): string {
  const facts = factsOfReport(report, now);
  const body =
    report.target === "dispute"
      ? disputeJson(facts[0])
      : {
          jobId: report.jobId.toString(),
          jobStatus: jobStatusName(report.jobStatus),
          provider: report.provider,
          disputes: facts.map(disputeJson),
        };
  return JSON.stringify({ asOf: momentJson(now), ...body }, null, 2);
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

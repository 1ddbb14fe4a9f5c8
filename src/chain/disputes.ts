/** Disputes as the off-chain code reads them. */
import type { DeferredTopicFilter, Result } from "ethers";

import type { DisputeManager } from "../../typechain-types";
import type { BisectionStep } from "../commitments/bisection";
import { providerOfContract } from "./jobs";
import { type ChainLog, type HistorySource, historyOf } from "./logs";

/** IDisputeManager.DisputeStatus by name. */
export const DisputeStatus = {
  None: 0,
  AwaitingProof: 1,
  AwaitingChildren: 2,
  AwaitingChoice: 3,
  AwaitingChunk: 4,
  ChunkRevealed: 5,
  AwaitingRuling: 6,
  ProviderAtFault: 7,
  NoFault: 8,
  Moot: 9,
} as const;

export function disputeStatusName(status: number): string {
  return Object.entries(DisputeStatus).find(([, value]) => value === status)?.[0] ?? `Unknown(${status})`;
}

/** Whether a dispute in `status` is still running. */
export function isOpenDispute(status: number): boolean {
  return status !== DisputeStatus.None && status < DisputeStatus.ProviderAtFault;
}

/** Whether `status` waits for the provider's move (its clock runs; missing the deadline is a fault). */
export function isProviderTurn(status: number): boolean {
  return status === DisputeStatus.AwaitingChildren || status === DisputeStatus.AwaitingChunk;
}

/** IDisputeManager.DisputeKind by name. */
export const DisputeKind = { None: 0, Proof: 1, Withheld: 2, Arbitration: 3 } as const;

export function disputeKindName(kind: number): string {
  return Object.entries(DisputeKind).find(([, value]) => value === kind)?.[0] ?? `Unknown(${kind})`;
}

/** A dispute as IDisputeManager.dispute returns it, with numbers where they fit. */
export interface DisputeRecord {
  readonly id: bigint;
  readonly jobId: bigint;
  readonly challenger: string;
  readonly bond: bigint;
  readonly kind: number;
  readonly status: number;
  readonly deadline: bigint;
  readonly providerTime: bigint;
  readonly challengerTime: bigint;
  readonly node: number;
  readonly totalWords: number;
  readonly hash: string;
}

export async function readDispute(disputes: DisputeManager, id: bigint): Promise<DisputeRecord> {
  const d = await disputes.dispute(id);
  return {
    id,
    jobId: d.jobId,
    challenger: d.challenger,
    bond: d.bond,
    kind: Number(d.kind),
    status: Number(d.status),
    deadline: d.deadline,
    providerTime: d.providerTime,
    challengerTime: d.challengerTime,
    node: Number(d.node),
    totalWords: Number(d.totalWords),
    hash: d.hash,
  };
}

/** The events of `filter` (a DisputeManager filter) from `history`, parsed, in chain order. */
async function eventsOf(
  disputes: DisputeManager,
  filter: DeferredTopicFilter,
  history: HistorySource,
): Promise<{ readonly log: ChainLog; readonly args: Result }[]> {
  const logs = await historyOf(history, providerOfContract(disputes)).logs({
    address: await disputes.getAddress(),
    topics: await filter.getTopicFilter(),
  });
  return logs.map((log) => {
    const parsed = disputes.interface.parseLog(log);
    if (parsed === null) throw new Error(`Unexpected log ${log.topics[0]} from the dispute manager`);
    return { log, args: parsed.args };
  });
}

/** The ids of the disputes opened on job `jobId` (every job's if undefined; by `challenger` only, if given), oldest first. */
export async function disputeIdsOf(
  disputes: DisputeManager,
  jobId: bigint | undefined,
  history: HistorySource,
  challenger?: string,
): Promise<bigint[]> {
  const events = await eventsOf(disputes, disputes.filters.DisputeOpened(undefined, jobId, challenger), history);
  return events.map((event) => event.args.disputeId as bigint);
}

/** Disputes opened in blocks `fromBlock`..`toBlock` (one bounded range): their ids and jobs. */
export async function disputesOpenedIn(
  disputes: DisputeManager,
  fromBlock: number,
  toBlock: number,
): Promise<{ id: bigint; jobId: bigint; blockNumber: number }[]> {
  const events = await disputes.queryFilter(disputes.filters.DisputeOpened(), fromBlock, toBlock);
  return events.map((event) => ({ id: event.args.disputeId, jobId: event.args.jobId, blockNumber: event.blockNumber }));
}

/**
 * The bisection steps of dispute `id` so far, from its ChildrenRevealed and ChildChosen events: each node whose
 * children the provider revealed, the children, and which one the challenger then disputed (steps still waiting
 * for the challenger's choice are left out).
 */
export async function bisectionSteps(
  disputes: DisputeManager,
  id: bigint,
  history: HistorySource,
): Promise<BisectionStep[]> {
  const [revealed, chosen] = await Promise.all([
    eventsOf(disputes, disputes.filters.ChildrenRevealed(id), history),
    eventsOf(disputes, disputes.filters.ChildChosen(id), history),
  ]);
  const chosenNodes = new Set(chosen.map((event) => Number(event.args.node)));
  return revealed.flatMap(({ args }) => {
    const node = Number(args.node);
    const right = 2 * node + 2;
    const left = 2 * node + 1;
    if (!chosenNodes.has(left) && !chosenNodes.has(right)) return [];
    return [{ node, left: args.left as string, right: args.right as string, disputedRight: chosenNodes.has(right) }];
  });
}

/** The children the provider revealed at `node` in dispute `id`. */
export async function revealedChildrenAt(
  disputes: DisputeManager,
  id: bigint,
  node: number,
  history: HistorySource,
): Promise<{ left: string; right: string }> {
  const events = await eventsOf(disputes, disputes.filters.ChildrenRevealed(id), history);
  const event = events.find((e) => Number(e.args.node) === node);
  if (event === undefined) throw new Error(`dispute ${id} has no ChildrenRevealed event for node ${node}`);
  return { left: event.args.left as string, right: event.args.right as string };
}

/** The chunk revealed in dispute `id`. */
export async function revealedChunk(
  disputes: DisputeManager,
  id: bigint,
  history: HistorySource,
): Promise<{ chunkIndex: number; chunk: string }> {
  const event = (await eventsOf(disputes, disputes.filters.ChunkRevealed(id), history)).at(-1);
  if (event === undefined) throw new Error(`dispute ${id} has no ChunkRevealed event`);
  return { chunkIndex: Number(event.args.chunkIndex), chunk: event.args.chunk as string };
}

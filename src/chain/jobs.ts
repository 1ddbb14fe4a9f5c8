/**
 * Jobs as the off-chain agents see them. The escrow stores only a hash of each job's terms and its status; the terms
 * come from the job's events (JobCreated, JobAccepted, ResultSubmitted), checked against that hash, and go back to
 * the escrow with every call about the job. Everything here reads the chain; nothing sends a transaction.
 */
import { keccak256, type Log, type LogDescription, ZeroHash } from "ethers";
import type { JobEscrow } from "../../typechain-types";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import type { JobCreatedEvent, ResultSubmittedEvent } from "../../typechain-types/contracts/market/JobEscrow";
import { UserError } from "../errors";

/** IJobEscrow.JobStatus by name. */
export const JobStatus = {
  None: 0,
  Open: 1,
  Assigned: 2,
  Submitted: 3,
  Disputed: 4,
  Finalized: 5,
  Cancelled: 6,
  TimedOut: 7,
  Slashed: 8,
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

export function jobStatusName(status: number): string {
  return Object.entries(JobStatus).find(([, value]) => value === status)?.[0] ?? `Unknown(${status})`;
}

/** A job's terms as the escrow commits to them (IJobEscrow.Job), with plain types. */
export interface CommittedTerms {
  readonly client: string;
  readonly payment: bigint;
  readonly provider: string;
  readonly collateral: bigint;
  readonly paymentToken: string;
  /** End of the current phase (see IJobEscrow.Job), unix seconds. */
  readonly deadline: bigint;
  readonly feeBps: number;
  readonly workloadId: string;
  readonly paramsHash: string;
  readonly inputRoot: string;
  readonly resultRoot: string;
}

/** A job: its id, its terms (every call about it takes them) and its status. */
export interface StoredJob extends CommittedTerms {
  readonly id: bigint;
  readonly status: JobStatus;
  /** When a job in a final status closed (finalized, cancelled, timed out or slashed), unix seconds. */
  readonly closedAt?: bigint;
}

/** What the JobCreated event says about a job. */
export interface CreatedJob {
  readonly id: bigint;
  readonly client: string;
  /** The directed provider, or the zero address for an open job. */
  readonly provider: string;
  readonly workloadId: string;
  readonly params: string;
  readonly inputRoot: string;
  readonly inputURI: string;
  readonly paymentToken: string;
  readonly payment: bigint;
  readonly submitDeadline: bigint;
  readonly blockNumber: number;
}

/** What the ResultSubmitted event says about a job. */
export interface SubmittedResult {
  readonly id: bigint;
  readonly provider: string;
  readonly resultRoot: string;
  readonly resultURI: string;
  readonly challengeEndsAt: bigint;
  readonly blockNumber: number;
  readonly logIndex: number;
}

/** The terms as the escrow's functions take them (an IJobEscrow.Job struct). */
export function committedTerms(job: CommittedTerms): IJobEscrow.JobStruct {
  return {
    client: job.client,
    payment: job.payment,
    provider: job.provider,
    collateral: job.collateral,
    paymentToken: job.paymentToken,
    deadline: job.deadline,
    feeBps: job.feeBps,
    workloadId: job.workloadId,
    paramsHash: job.paramsHash,
    inputRoot: job.inputRoot,
    resultRoot: job.resultRoot,
  };
}

/** Job `id`'s terms as its escrow calls take them (see {@link readJob}). */
export async function readTerms(escrow: JobEscrow, id: bigint, fromBlock = 0): Promise<IJobEscrow.JobStruct> {
  return committedTerms(await readJob(escrow, id, fromBlock));
}

const TERM_EVENTS = ["JobCreated", "JobAccepted", "ResultSubmitted"] as const;
/** The events that close a job (DisputeResolved only when the provider was at fault). */
const CLOSING_EVENTS = ["JobFinalized", "JobCancelled", "JobTimedOut", "DisputeResolved"] as const;
const FINAL_STATUSES: readonly JobStatus[] = [
  JobStatus.Finalized,
  JobStatus.Cancelled,
  JobStatus.TimedOut,
  JobStatus.Slashed,
];

/**
 * Job `id`'s terms and status: the terms rebuilt from its events since `fromBlock` (the deployment block; 0 searches
 * the whole chain) and checked by the escrow against the hash it stores (a finalized job's are not: it keeps its
 * settlement instead).
 */
export async function readJob(escrow: JobEscrow, id: bigint, fromBlock = 0): Promise<StoredJob> {
  const topics = [...TERM_EVENTS, ...CLOSING_EVENTS].map((name) => escrow.interface.getEvent(name).topicHash);
  const provider = escrow.runner?.provider;
  if (!provider) throw new Error("The escrow contract is not connected to a provider: connect it to read jobs.");
  const logs: Log[] = await provider.getLogs({
    address: await escrow.getAddress(),
    topics: [topics, `0x${id.toString(16).padStart(64, "0")}`],
    fromBlock,
  });
  let terms: CommittedTerms | undefined;
  let closedIn: number | undefined;
  for (const log of logs) {
    const event = escrow.interface.parseLog(log);
    if (event === null) throw new Error(`Unexpected log ${log.topics[0]} from the escrow`);
    if (isClosing(event)) closedIn = log.blockNumber;
    else terms = applyTermEvent(terms, event);
  }
  if (terms === undefined) {
    const status = Number(await escrow.jobStatus(id));
    if (status === JobStatus.None) {
      throw new UserError(`Job ${id} does not exist (the escrow has ${await escrow.jobCount()} jobs).`);
    }
    throw new UserError(`No JobCreated event for job ${id} since block ${fromBlock}: search from an earlier block.`);
  }
  const status = Number(await escrow.verifiedStatus(id, committedTerms(terms))) as JobStatus;
  if (!FINAL_STATUSES.includes(status) || closedIn === undefined) return { id, ...terms, status };
  const block = await provider.getBlock(closedIn);
  if (block === null) throw new Error(`Block ${closedIn}, which closed job ${id}, is not available from the node`);
  return { id, ...terms, status, closedAt: BigInt(block.timestamp) };
}

function isClosing(event: LogDescription): boolean {
  if (event.name === "DisputeResolved") return event.args.providerAtFault as boolean;
  return (CLOSING_EVENTS as readonly string[]).includes(event.name);
}

/** The terms after one of the events that change them. */
function applyTermEvent(terms: CommittedTerms | undefined, parsed: LogDescription): CommittedTerms {
  const { args } = parsed;
  if (parsed.name === "JobCreated") {
    return {
      client: args.client as string,
      payment: args.payment as bigint,
      provider: args.provider as string,
      collateral: 0n,
      paymentToken: args.paymentToken as string,
      deadline: args.submitDeadline as bigint,
      feeBps: Number(args.feeBps as bigint),
      workloadId: args.workloadId as string,
      paramsHash: keccak256(args.params as string),
      inputRoot: args.inputRoot as string,
      resultRoot: ZeroHash,
    };
  }
  if (terms === undefined) throw new Error(`Job event ${parsed.name} before its JobCreated`);
  if (parsed.name === "JobAccepted") {
    return { ...terms, provider: args.provider as string, collateral: args.collateral as bigint };
  }
  if (parsed.name === "ResultSubmitted") {
    return { ...terms, resultRoot: args.resultRoot as string, deadline: args.challengeEndsAt as bigint };
  }
  return terms;
}

function toCreatedJob(log: JobCreatedEvent.Log): CreatedJob {
  const { args } = log;
  return {
    id: args.jobId,
    client: args.client,
    provider: args.provider,
    workloadId: args.workloadId,
    params: args.params,
    inputRoot: args.inputRoot,
    inputURI: args.inputURI,
    paymentToken: args.paymentToken,
    payment: args.payment,
    submitDeadline: args.submitDeadline,
    blockNumber: log.blockNumber,
  };
}

function toSubmittedResult(log: ResultSubmittedEvent.Log): SubmittedResult {
  const { args } = log;
  return {
    id: args.jobId,
    provider: args.provider,
    resultRoot: args.resultRoot,
    resultURI: args.resultURI,
    challengeEndsAt: args.challengeEndsAt,
    blockNumber: log.blockNumber,
    logIndex: log.index,
  };
}

/** JobCreated events in [fromBlock, toBlock], in chain order. */
export async function createdJobsIn(escrow: JobEscrow, fromBlock: number, toBlock: number): Promise<CreatedJob[]> {
  const logs = await escrow.queryFilter(escrow.filters.JobCreated(), fromBlock, toBlock);
  return logs.map(toCreatedJob);
}

/** ResultSubmitted events in [fromBlock, toBlock], in chain order. */
export async function submittedResultsIn(
  escrow: JobEscrow,
  fromBlock: number,
  toBlock: number,
): Promise<SubmittedResult[]> {
  const logs = await escrow.queryFilter(escrow.filters.ResultSubmitted(), fromBlock, toBlock);
  return logs.map(toSubmittedResult);
}

/** The JobCreated event of job `id` (searched from `fromBlock`, the deployment block). */
export async function readCreatedJob(escrow: JobEscrow, id: bigint, fromBlock: number): Promise<CreatedJob> {
  const [log] = await escrow.queryFilter(escrow.filters.JobCreated(id), fromBlock);
  if (log === undefined) throw new UserError(`No JobCreated event for job ${id} since block ${fromBlock}.`);
  return toCreatedJob(log);
}

/** The latest ResultSubmitted event of job `id`, or undefined if no result was submitted. */
export async function readSubmittedResult(
  escrow: JobEscrow,
  id: bigint,
  fromBlock: number,
): Promise<SubmittedResult | undefined> {
  const logs = await escrow.queryFilter(escrow.filters.ResultSubmitted(id), fromBlock);
  const log = logs.at(-1);
  return log === undefined ? undefined : toSubmittedResult(log);
}

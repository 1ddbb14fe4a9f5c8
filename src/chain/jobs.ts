/**
 * Jobs as the off-chain agents see them: the stored job plus what only its events carry (the params bytes, the
 * input and result URIs). Everything here reads the chain; nothing sends a transaction.
 */
import type { JobEscrow } from "../../typechain-types";
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

/** A job as stored on-chain, with plain types. */
export interface StoredJob {
  readonly id: bigint;
  readonly client: string;
  readonly payment: bigint;
  readonly provider: string;
  readonly collateral: bigint;
  readonly paymentToken: string;
  /** End of the current phase (see IJobEscrow.Job), unix seconds. */
  readonly deadline: bigint;
  readonly feeBps: number;
  readonly status: JobStatus;
  readonly workloadId: string;
  readonly paramsHash: string;
  readonly inputRoot: string;
  readonly resultRoot: string;
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

export async function readJob(escrow: JobEscrow, id: bigint): Promise<StoredJob> {
  const job = await escrow.job(id);
  if (Number(job.status) === JobStatus.None) {
    throw new UserError(`Job ${id} does not exist (the escrow has ${await escrow.jobCount()} jobs).`);
  }
  return {
    id,
    client: job.client,
    payment: job.payment,
    provider: job.provider,
    collateral: job.collateral,
    paymentToken: job.paymentToken,
    deadline: job.deadline,
    feeBps: Number(job.feeBps),
    status: Number(job.status) as JobStatus,
    workloadId: job.workloadId,
    paramsHash: job.paramsHash,
    inputRoot: job.inputRoot,
    resultRoot: job.resultRoot,
  };
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

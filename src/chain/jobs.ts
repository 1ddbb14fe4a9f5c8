/**
 * Jobs as the off-chain agents see them. The escrow stores only a hash of each job's terms and its status; the terms
 * come from the job's events (JobCreated, JobAccepted, ResultSubmitted), checked against that hash, and go back to
 * the escrow with every call about the job. Everything here reads the chain; nothing sends a transaction.
 */
import { keccak256, type Provider, toBeHex, ZeroHash } from "ethers";
import type { JobEscrow } from "../../typechain-types";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import type {
  JobAcceptedEvent,
  JobCreatedEvent,
  ResultSubmittedEvent,
} from "../../typechain-types/contracts/market/JobEscrow";
import { UserError } from "../errors";
import { type ChainLog, type HistorySource, historyOf } from "./logs";
import { revertName } from "./reverts";

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
  /** The payment valued in WEFT at the token's rate when the job was created. */
  readonly paymentValue: bigint;
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
  /** The payment valued in WEFT at the token's rate when the job was created. */
  readonly paymentValue: bigint;
  readonly submitDeadline: bigint;
  /** The protocol fee in force when the job was created, in basis points. */
  readonly feeBps: number;
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
    paymentValue: job.paymentValue,
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

/** Everything one job's events say: the job, its creation and its result. */
export interface JobRecord {
  readonly job: StoredJob;
  readonly created: CreatedJob;
  readonly submitted?: SubmittedResult;
  /** The block of the event that closed the job (finalized, cancelled, timed out or slashed), if it is closed. */
  readonly closedInBlock?: number;
}

/** Job `id`'s terms as its escrow calls take them (see {@link readJobRecord}). */
export async function readTerms(
  escrow: JobEscrow,
  id: bigint,
  history: HistorySource = 0,
): Promise<IJobEscrow.JobStruct> {
  return committedTerms(await readJob(escrow, id, history));
}

/** Job `id`'s terms and status (see {@link readJobRecord}). */
export async function readJob(escrow: JobEscrow, id: bigint, history: HistorySource = 0): Promise<StoredJob> {
  return (await readJobRecord(escrow, id, history)).job;
}

/** The chain `contract` reads through; reading history needs one. */
export function providerOfContract(contract: {
  readonly runner: { readonly provider: Provider | null } | null;
}): Provider {
  const provider = contract.runner?.provider;
  if (!provider) throw new Error("The contract is not connected to a provider: connect it to read its events.");
  return provider;
}

const JOB_EVENTS = [
  "JobCreated",
  "JobAccepted",
  "ResultSubmitted",
  "JobFinalized",
  "JobCancelled",
  "JobTimedOut",
  "DisputeResolved",
] as const;

/**
 * Job `id`'s events from `history` (an index, or a bounded walk back from the head that stops at the job's
 * creation), and its terms rebuilt from them and checked by the escrow against the hash it stores (a finalized job's
 * are not: it keeps its settlement instead).
 */
export async function readJobRecord(escrow: JobEscrow, id: bigint, history: HistorySource = 0): Promise<JobRecord> {
  const source = historyOf(history, providerOfContract(escrow));
  const created = escrow.interface.getEvent("JobCreated").topicHash;
  const filter = {
    address: await escrow.getAddress(),
    topics: [JOB_EVENTS.map((name) => escrow.interface.getEvent(name).topicHash), toBeHex(id, 32)],
  };
  const complete = (found: readonly ChainLog[]) => found.some((log) => log.topics[0] === created);
  try {
    return await jobRecordFrom(escrow, id, await source.logs(filter, complete));
  } catch (error) {
    // The job changed in blocks the history has not reached yet: read those too.
    if (source.toHead === undefined || revertName(escrow, error) !== "JobTermsMismatch") throw error;
    return jobRecordFrom(escrow, id, await source.toHead().logs(filter, complete));
  }
}

/** The record of job `id` rebuilt from its events `logs` (in chain order), its status read from the escrow. */
export async function jobRecordFrom(escrow: JobEscrow, id: bigint, logs: readonly ChainLog[]): Promise<JobRecord> {
  let created: CreatedJob | undefined;
  let accepted: Pick<CommittedTerms, "provider" | "collateral"> | undefined;
  let submitted: SubmittedResult | undefined;
  let closedInBlock: number | undefined;
  for (const log of logs) {
    const event = escrow.interface.parseLog(log);
    if (event === null) throw new Error(`Unexpected log ${log.topics[0]} from the escrow`);
    if (event.name === "JobCreated") {
      created = createdFrom((event as unknown as JobCreatedEvent.LogDescription).args, log.blockNumber);
    } else if (event.name === "JobAccepted") {
      const { args } = event as unknown as JobAcceptedEvent.LogDescription;
      accepted = { provider: args.provider, collateral: args.collateral };
    } else if (event.name === "ResultSubmitted") {
      submitted = submittedFrom((event as unknown as ResultSubmittedEvent.LogDescription).args, log);
    } else if (event.name !== "DisputeResolved" || (event.args.providerAtFault as boolean)) {
      closedInBlock = log.blockNumber;
    }
  }
  if (created === undefined) {
    const status = Number(await escrow.jobStatus(id));
    if (status === JobStatus.None) {
      throw new UserError(`Job ${id} does not exist (the escrow has ${await escrow.jobCount()} jobs).`);
    }
    throw new UserError(`No JobCreated event for job ${id} in the blocks searched: search from an earlier block.`);
  }
  const terms: CommittedTerms = {
    client: created.client,
    payment: created.payment,
    paymentValue: created.paymentValue,
    provider: accepted?.provider ?? created.provider,
    collateral: accepted?.collateral ?? 0n,
    paymentToken: created.paymentToken,
    deadline: submitted?.challengeEndsAt ?? created.submitDeadline,
    feeBps: created.feeBps,
    workloadId: created.workloadId,
    paramsHash: keccak256(created.params),
    inputRoot: created.inputRoot,
    resultRoot: submitted?.resultRoot ?? ZeroHash,
  };
  const status = Number(await escrow.verifiedStatus(id, committedTerms(terms))) as JobStatus;
  return { job: { id, ...terms, status }, created, submitted, closedInBlock };
}

function createdFrom(args: JobCreatedEvent.OutputObject, blockNumber: number): CreatedJob {
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
    paymentValue: args.paymentValue,
    submitDeadline: args.submitDeadline,
    feeBps: Number(args.feeBps),
    blockNumber,
  };
}

function submittedFrom(args: ResultSubmittedEvent.OutputObject, log: ChainLog): SubmittedResult {
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

/** What a JobCreated log says (`log` must be one). */
export function createdJobOf(escrow: JobEscrow, log: ChainLog): CreatedJob {
  const event = escrow.interface.parseLog(log) as unknown as JobCreatedEvent.LogDescription | null;
  if (event?.name !== "JobCreated") throw new Error(`Log ${log.blockNumber}:${log.index} is no JobCreated event`);
  return createdFrom(event.args, log.blockNumber);
}

/** What a ResultSubmitted log says (`log` must be one). */
export function submittedResultOf(escrow: JobEscrow, log: ChainLog): SubmittedResult {
  const event = escrow.interface.parseLog(log) as unknown as ResultSubmittedEvent.LogDescription | null;
  if (event?.name !== "ResultSubmitted")
    throw new Error(`Log ${log.blockNumber}:${log.index} is no ResultSubmitted event`);
  return submittedFrom(event.args, log);
}

/** JobCreated events in [fromBlock, toBlock], in chain order (one bounded range: the caller follows the chain). */
export async function createdJobsIn(escrow: JobEscrow, fromBlock: number, toBlock: number): Promise<CreatedJob[]> {
  const logs = await escrow.queryFilter(escrow.filters.JobCreated(), fromBlock, toBlock);
  return logs.map((log) => createdFrom(log.args, log.blockNumber));
}

/** ResultSubmitted events in [fromBlock, toBlock], in chain order (one bounded range). */
export async function submittedResultsIn(
  escrow: JobEscrow,
  fromBlock: number,
  toBlock: number,
): Promise<SubmittedResult[]> {
  const logs = await escrow.queryFilter(escrow.filters.ResultSubmitted(), fromBlock, toBlock);
  return logs.map((log) => submittedFrom(log.args, log));
}

/** The JobCreated event of job `id`. */
export async function readCreatedJob(escrow: JobEscrow, id: bigint, history: HistorySource): Promise<CreatedJob> {
  const [log] = await historyOf(history, providerOfContract(escrow)).logs(
    {
      address: await escrow.getAddress(),
      topics: [escrow.interface.getEvent("JobCreated").topicHash, toBeHex(id, 32)],
    },
    (found) => found.length > 0,
  );
  if (log === undefined) throw new UserError(`No JobCreated event for job ${id} in the blocks searched.`);
  return createdFrom(
    (escrow.interface.parseLog(log) as unknown as JobCreatedEvent.LogDescription).args,
    log.blockNumber,
  );
}

/** The latest ResultSubmitted event of job `id`, or undefined if no result was submitted. */
export async function readSubmittedResult(
  escrow: JobEscrow,
  id: bigint,
  history: HistorySource,
): Promise<SubmittedResult | undefined> {
  return (await readJobRecord(escrow, id, history)).submitted;
}

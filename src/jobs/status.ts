/**
 * A job from the client's side: what state it is in, what its current deadline means, what it committed to,
 * its receipt, and settling it once its challenge window has passed. Times are judged by the chain's clock
 * (`now`, the latest block's timestamp), which is what the escrow checks, not by this machine's.
 */
import { ethers, type Signer } from "ethers";

import {
  committedTerms,
  type CreatedJob,
  type JobRecord,
  JobStatus,
  jobStatusName,
  readJob,
  readJobRecord,
  type StoredJob,
  type SubmittedResult,
} from "../chain/jobs";
import type { HistorySource } from "../chain/logs";
import { emittedEvent, requireReceipt } from "../chain/receipts";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { MANDELBROT_ONE } from "../workloads/mandelbrot-q/tile";
import { MATMUL_I8_NAME } from "../workloads/matmul-i8/shape";
import { describeMlpParams, MLP_I8_NAME } from "../workloads/mlp-i8/network";
import { decodeJobParams, workloadById } from "../workloads/registry";
import { formatMoment, formatUtc, momentJson, relative, shortAddress } from "../markdown";
import { amountJson, formatAmount, formatWeft, readTokenInfo, type TokenInfo, weftJson } from "./amounts";
import { providerOf } from "../chain/provider";
import { textTable } from "../table";

/** Jobs read from the node at once when listing. */
const LIST_BATCH = 25;

/** What the job's `deadline` (or, once it is closed, its closing time `closedAt`) means in its current status. */
export function explainPhase(job: StoredJob, now: bigint, closedAt?: bigint): string {
  const at = formatMoment(closedAt ?? job.deadline, now);
  switch (job.status) {
    case JobStatus.Open:
      return `waiting for a provider; the result is due ${at}`;
    case JobStatus.Assigned:
      return now >= job.deadline
        ? `the provider missed its deadline ${at}: reclaim it (npx hardhat job:reclaim --id ${job.id})`
        : `the provider's result is due ${at}; after that the client can reclaim it (job:reclaim)`;
    case JobStatus.Submitted:
      return now < job.deadline
        ? `the challenge window ends ${at}; then anyone can finalize`
        : `the challenge window ended ${at}: ready to finalize (npx hardhat job:finalize --id ${job.id})`;
    case JobStatus.Disputed:
      return `frozen by a dispute; its challenge window ends ${at}`;
    case JobStatus.Finalized:
      return `settled ${at}`;
    case JobStatus.Cancelled:
      return `cancelled by the client ${at}`;
    case JobStatus.TimedOut:
      return `timed out ${at}`;
    case JobStatus.Slashed:
      return `the provider was slashed ${at}`;
    default:
      return at;
  }
}

/** The workload's name, or the raw id of a workload this version does not know. */
/** The workload's registered name, or its raw id if no workload of this build has it. */
export function workloadLabel(workloadId: string): string {
  try {
    return workloadById(workloadId).name;
  } catch {
    return workloadId;
  }
}

/** A job's params in one line (m=… k=… n=…, a tile, the layers), or the raw bytes if they do not decode. */
export function describeParams(created: Pick<CreatedJob, "workloadId" | "params">): string {
  try {
    const job = decodeJobParams(created.workloadId, created.params);
    if (job.name === MATMUL_I8_NAME) return `m=${job.params.m} k=${job.params.k} n=${job.params.n}`;
    if (job.name === MLP_I8_NAME) return describeMlpParams(job.params);
    const { x0, y0, step, width, height, maxIter } = job.params;
    const real = (q: number) => q / MANDELBROT_ONE;
    return `x0=${real(x0)} y0=${real(y0)} step=${real(step)} ${width}x${height} maxIter=${maxIter}`;
  } catch {
    return `${created.params} (not valid for this workload)`;
  }
}

/** Everything job:status shows about one job. */
export interface JobDetails {
  readonly job: StoredJob;
  readonly created: CreatedJob;
  readonly result?: SubmittedResult;
  /** When the job closed, if it is closed (unix seconds). */
  readonly closedAt?: bigint;
  readonly token: TokenInfo;
  /** The receipt's current owner (its token id is the job id), once the job is finalized. */
  readonly receiptOwner?: string;
}

/** Reads job `id`, its events from `history` and its receipt. */
export async function readJobDetails(system: WeftSystem, id: bigint, history: HistorySource): Promise<JobDetails> {
  const escrow = system.JobEscrow;
  const record = await readJobRecord(escrow, id, history);
  const { job, created, submitted } = record;
  const [closedAt, token, receiptOwner] = await Promise.all([
    closedAtOf(escrow, record),
    readTokenInfo(job.paymentToken, escrow.runner!),
    job.status === JobStatus.Finalized ? system.ComputeReceipt.ownerOf(id) : undefined,
  ]);
  return { job, created, result: submitted, closedAt, token, receiptOwner };
}

/** The timestamp of the block that closed the job, if it is closed. */
async function closedAtOf(escrow: WeftSystem["JobEscrow"], record: JobRecord): Promise<bigint | undefined> {
  if (record.closedInBlock === undefined) return undefined;
  const block = await providerOf(escrow).getBlock(record.closedInBlock);
  if (block === null) throw new Error(`Block ${record.closedInBlock} is not available from the node`);
  return BigInt(block.timestamp);
}

export function formatJobDetails(details: JobDetails, now: bigint): string {
  const { job, created, result, closedAt, token, receiptOwner } = details;
  const directed = created.provider !== ethers.ZeroAddress;
  const provider =
    job.provider === ethers.ZeroAddress
      ? "(any provider may accept)"
      : `${job.provider}${directed ? " (directed)" : ""}`;
  const table = textTable();
  table.push(
    { job: job.id.toString() },
    { status: jobStatusName(job.status) },
    { phase: explainPhase(job, now, closedAt) },
    { workload: `${workloadLabel(job.workloadId)} ${describeParams(created)}` },
    { client: job.client },
    { provider },
    {
      payment:
        `${formatAmount(job.payment, token)} (protocol fee ${job.feeBps / 100}%), ` +
        `valued at ${formatWeft(job.paymentValue)}`,
    },
    { collateral: job.collateral === 0n ? "(none locked)" : formatWeft(job.collateral) },
    { created: `block ${created.blockNumber}, submit deadline ${formatMoment(created.submitDeadline, now)}` },
    { "params hash": job.paramsHash },
    { "input root": job.inputRoot },
    { "input URI": created.inputURI === "" ? "(none: the params are the whole input)" : created.inputURI },
    { "result root": job.resultRoot === ethers.ZeroHash ? "(not submitted)" : job.resultRoot },
    { "result URI": result?.resultURI ?? "(not submitted)" },
    { receipt: receiptOwner === undefined ? "(minted when finalized)" : `#${job.id} owned by ${receiptOwner}` },
  );
  return table.toString();
}

/** One row of the job list: a job, the token it is paid in, and when its current phase ends (or it closed). */
export interface JobListRow {
  readonly job: StoredJob;
  readonly token: TokenInfo;
  readonly phaseEnds: bigint;
}

/** The latest `limit` jobs (all of them without a limit), oldest first, read from `history`. */
export async function readJobList(system: WeftSystem, history: HistorySource, limit?: number): Promise<JobListRow[]> {
  const escrow = system.JobEscrow;
  const count = await escrow.jobCount();
  const first = limit === undefined || BigInt(limit) >= count ? 1n : count - BigInt(limit) + 1n;
  const tokens = new Map<string, Promise<TokenInfo>>();
  const tokenInfo = (address: string) => {
    if (!tokens.has(address)) tokens.set(address, readTokenInfo(address, escrow.runner!));
    return tokens.get(address)!;
  };
  const rows: JobListRow[] = [];
  for (let start = first; start <= count; start += BigInt(LIST_BATCH)) {
    const ids: bigint[] = [];
    for (let id = start; id <= count && id < start + BigInt(LIST_BATCH); id++) ids.push(id);
    const records = await Promise.all(ids.map((id) => readJobRecord(escrow, id, history)));
    for (const record of records) {
      const { job } = record;
      const [token, closedAt] = await Promise.all([tokenInfo(job.paymentToken), closedAtOf(escrow, record)]);
      rows.push({ job, token, phaseEnds: closedAt ?? job.deadline });
    }
  }
  return rows;
}

/** The job list as a table of at most 100 columns. */
export function formatJobList(rows: readonly JobListRow[], now: bigint): string {
  if (rows.length === 0) return "No jobs yet. Create one with npx hardhat job:create.";
  const table = textTable({ head: ["job", "status", "workload", "client", "provider", "payment", "phase ends"] });
  for (const { job, token, phaseEnds } of rows) {
    table.push([
      job.id.toString(),
      jobStatusName(job.status),
      workloadLabel(job.workloadId),
      shortAddress(job.client),
      job.provider === ethers.ZeroAddress ? "(any)" : shortAddress(job.provider),
      formatAmount(job.payment, token),
      `${formatUtc(phaseEnds)}\n${relative(phaseEnds, now)}`,
    ]);
  }
  return table.toString();
}

function jobJson(job: StoredJob, token: TokenInfo) {
  return {
    id: job.id.toString(),
    status: jobStatusName(job.status),
    workload: workloadLabel(job.workloadId),
    client: job.client,
    provider: job.provider === ethers.ZeroAddress ? null : job.provider,
    payment: { ...amountJson(job.payment, token), token: job.paymentToken },
    paymentValue: weftJson(job.paymentValue),
    feeBps: job.feeBps,
    collateral: weftJson(job.collateral),
    deadline: momentJson(job.deadline),
  };
}

/** The job list as JSON: amounts in base units and formatted, times in unix seconds and UTC. */
export function jobListJson(rows: readonly JobListRow[]): string {
  return JSON.stringify(
    rows.map(({ job, token, phaseEnds }) => ({ ...jobJson(job, token), phaseEnds: momentJson(phaseEnds) })),
    null,
    2,
  );
}

/** One job as JSON, as `job:status --id N --json` prints it. */
export function jobDetailsJson(details: JobDetails): string {
  const { job, created, result, closedAt, token, receiptOwner } = details;
  return JSON.stringify(
    {
      ...jobJson(job, token),
      directed: created.provider !== ethers.ZeroAddress,
      createdInBlock: created.blockNumber,
      submitDeadline: momentJson(created.submitDeadline),
      closedAt: closedAt === undefined ? null : momentJson(closedAt),
      paramsHash: job.paramsHash,
      inputRoot: job.inputRoot,
      inputURI: created.inputURI,
      resultRoot: job.resultRoot === ethers.ZeroHash ? null : job.resultRoot,
      resultURI: result?.resultURI ?? null,
      receiptOwner: receiptOwner ?? null,
    },
    null,
    2,
  );
}

/** Why a job in `status` cannot be finalized, and what to do. */
function notFinalizable(job: StoredJob): string {
  const name = jobStatusName(job.status);
  switch (job.status) {
    case JobStatus.Open:
    case JobStatus.Assigned:
      return `Job ${job.id} is ${name}: it can be finalized once a provider has submitted a result and the challenge window has passed.`;
    case JobStatus.Disputed:
      return `Job ${job.id} is Disputed: it settles when the dispute is resolved.`;
    case JobStatus.Finalized:
      return `Job ${job.id} is already Finalized; its receipt is #${job.id}.`;
    default:
      return `Job ${job.id} is ${name}: it is closed and there is nothing to finalize.`;
  }
}

export interface FinalizedJob {
  readonly txHash: string;
  readonly gasUsed: bigint;
  readonly providerPayout: string;
  readonly fee: string;
  readonly receiptOwner: string;
}

/**
 * Settles a Submitted job whose challenge window has passed by `now` (chain time). Refuses with a UserError that
 * says when the window ends, rather than sending a transaction that would revert.
 */
export async function finalizeJob(
  system: WeftSystem,
  signer: Signer,
  id: bigint,
  now: bigint,
  history: HistorySource,
): Promise<FinalizedJob> {
  const escrow = system.JobEscrow.connect(signer);
  const job = await readJob(escrow, id, history);
  if (job.status !== JobStatus.Submitted) throw new UserError(notFinalizable(job));
  if (now < job.deadline) {
    throw new UserError(
      `Job ${id}'s challenge window is open until ${formatMoment(job.deadline, now)}; finalize after that.`,
    );
  }
  const tx = await escrow.finalize(id, committedTerms(job));
  const receipt = requireReceipt(await tx.wait(), "finalize");
  const finalized = await emittedEvent(escrow, receipt, "JobFinalized", "finalize");
  const token = await readTokenInfo(job.paymentToken, signer);
  return {
    txHash: tx.hash,
    gasUsed: receipt.gasUsed,
    providerPayout: formatAmount(finalized.args.providerPayout as bigint, token),
    fee: formatAmount(finalized.args.fee as bigint, token),
    receiptOwner: await system.ComputeReceipt.ownerOf(id),
  };
}

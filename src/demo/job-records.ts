/**
 * What happened to each job, read back from the chain once the demo is over: its final status, what the escrow paid
 * out or refunded, what a dispute slashed, and the gas of every transaction that touched it (create, accept,
 * submit, dispute, reveal, finalize), found through the escrow's and the DisputeManager's events, which name it.
 */
import type { Log, Provider } from "ethers";

import { DisputeKind } from "../chain/disputes";
import { type JobStatus, readJob } from "../chain/jobs";
import type { WeftSystem } from "../deploy/system";
import type { PlannedJob } from "./plan";

export interface JobRecord {
  readonly id: bigint;
  readonly plan: PlannedJob;
  readonly provider: string;
  readonly client: string;
  readonly status: JobStatus;
  readonly payment: bigint;
  readonly feeBps: number;
  /** The verifier's verdict: valid, or the kind of its finding; undefined if it never checked the job. */
  readonly verdict: string | undefined;
  /** JobFinalized: to the provider and to the treasury. */
  readonly settlement?: { readonly payout: bigint; readonly fee: bigint };
  /** DisputeResolved at fault: refunded to the client. */
  readonly refund?: bigint;
  /** DisputeSettled: how the dispute was opened and what it slashed. */
  readonly dispute?: { readonly kind: number; readonly slashed: bigint };
  readonly gasUsed: bigint;
  readonly transactions: number;
}

interface JobEvents {
  readonly hashes: Set<string>;
  settlement?: { payout: bigint; fee: bigint };
  refund?: bigint;
  slashed?: bigint;
}

type Contracts = Pick<WeftSystem, "JobEscrow" | "DisputeManager">;

/** The escrow's and the DisputeManager's events since `fromBlock`, by job id. */
async function eventsByJob(system: Contracts, provider: Provider, fromBlock: number): Promise<Map<bigint, JobEvents>> {
  const byJob = new Map<bigint, JobEvents>();
  const logs: Log[] = await provider.getLogs({
    address: [await system.JobEscrow.getAddress(), await system.DisputeManager.getAddress()],
    fromBlock,
  });
  const escrowAddress = (await system.JobEscrow.getAddress()).toLowerCase();
  for (const log of logs) {
    const contract = log.address.toLowerCase() === escrowAddress ? system.JobEscrow : system.DisputeManager;
    const event = contract.interface.parseLog(log);
    if (event === null || event.fragment.inputs[0]?.name !== "jobId") continue;
    const id = event.args[0] as bigint;
    const entry = byJob.get(id) ?? { hashes: new Set<string>() };
    byJob.set(id, entry);
    entry.hashes.add(log.transactionHash);
    if (event.name === "JobFinalized") entry.settlement = { payout: event.args[2], fee: event.args[3] };
    if (event.name === "DisputeResolved" && event.args[1] === true) entry.refund = event.args[2];
    if (event.name === "DisputeSettled") entry.slashed = event.args[2];
  }
  return byJob;
}

export async function readJobRecords(
  system: Contracts,
  provider: Provider,
  fromBlock: number,
  jobs: ReadonlyMap<bigint, PlannedJob>,
  verdictOf: (id: bigint) => Promise<string | undefined>,
): Promise<JobRecord[]> {
  const events = await eventsByJob(system, provider, fromBlock);
  const records: JobRecord[] = [];
  for (const [id, plan] of jobs) {
    const job = await readJob(system.JobEscrow, id, fromBlock);
    const entry = events.get(id) ?? { hashes: new Set<string>() };
    let gasUsed = 0n;
    for (const hash of entry.hashes) gasUsed += (await provider.getTransactionReceipt(hash))?.gasUsed ?? 0n;
    const dispute = await system.DisputeManager.dispute(id);
    records.push({
      id,
      plan,
      provider: job.provider,
      client: job.client,
      status: job.status,
      payment: job.payment,
      feeBps: job.feeBps,
      verdict: await verdictOf(id),
      settlement: entry.settlement,
      refund: entry.refund,
      dispute:
        Number(dispute.kind) === DisputeKind.None
          ? undefined
          : { kind: Number(dispute.kind), slashed: entry.slashed ?? 0n },
      gasUsed,
      transactions: entry.hashes.size,
    });
  }
  return records;
}

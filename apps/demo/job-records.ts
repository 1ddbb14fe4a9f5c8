/**
 * What happened to each job, read back from the chain once the demo is over: its final status, what the escrow paid
 * out or refunded, its disputes (by id: a job may have several) and what the deciding one slashed, and the gas of
 * every transaction that touched it (create, accept, submit, each dispute's moves, finalize), found through the
 * escrow's and the DisputeManager's events, which name it.
 */
import type { Log, Provider } from "ethers";

import { disputeIdsOf, DisputeStatus, readDispute } from "../../src/chain/disputes";
import { type JobStatus, readJob } from "../../src/chain/jobs";
import type { WeftSystem } from "../../src/deploy/system";
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
  /**
   * The dispute that decided the job (the one that proved the fault, else the last one opened): its id, how it was
   * opened and what it slashed; `count` is how many disputes the job had.
   */
  readonly dispute?: { readonly id: bigint; readonly kind: number; readonly slashed: bigint; readonly count: number };
  readonly gasUsed: bigint;
  readonly transactions: number;
}

interface JobEvents {
  readonly hashes: Set<string>;
  settlement?: { payout: bigint; fee: bigint };
  refund?: bigint;
  /** DisputeSettled: what each dispute slashed, by dispute id. */
  readonly slashed: Map<bigint, bigint>;
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
    // The escrow's events name the job first, the DisputeManager's after the dispute.
    const jobArg = event?.fragment.inputs.findIndex((input) => input.name === "jobId") ?? -1;
    if (event === null || jobArg < 0) continue;
    const id = event.args[jobArg] as bigint;
    const entry = byJob.get(id) ?? { hashes: new Set<string>(), slashed: new Map<bigint, bigint>() };
    byJob.set(id, entry);
    entry.hashes.add(log.transactionHash);
    if (event.name === "JobFinalized") entry.settlement = { payout: event.args.providerPayout, fee: event.args.fee };
    if (event.name === "DisputeResolved" && event.args.providerAtFault === true) entry.refund = event.args.refund;
    if (event.name === "DisputeSettled") entry.slashed.set(event.args.disputeId, event.args.slashed);
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
    const entry = events.get(id) ?? { hashes: new Set<string>(), slashed: new Map<bigint, bigint>() };
    let gasUsed = 0n;
    for (const hash of entry.hashes) gasUsed += (await provider.getTransactionReceipt(hash))?.gasUsed ?? 0n;
    const disputes = [];
    for (const disputeId of await disputeIdsOf(system.DisputeManager, id, fromBlock)) {
      disputes.push(await readDispute(system.DisputeManager, disputeId));
    }
    const deciding = disputes.find((d) => d.status === DisputeStatus.ProviderAtFault) ?? disputes.at(-1);
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
        deciding === undefined
          ? undefined
          : {
              id: deciding.id,
              kind: deciding.kind,
              slashed: entry.slashed.get(deciding.id) ?? 0n,
              count: disputes.length,
            },
      gasUsed,
      transactions: entry.hashes.size,
    });
  }
  return records;
}

/**
 * The protocol's history as the explorer keeps it: every indexed log of the deployment, folded in chain order into
 * jobs, disputes, providers, slashes, fees, claims and proposals. Folding is pure (no RPC call): a page built from the
 * ledger costs the chain nothing, and only the figures the events do not carry (stake locked now, a proposal's
 * votes) are read with view calls, for the page that shows them.
 */
import type { Interface, Result } from "ethers";

import type { ChainLog } from "../chain/logs";
import type { JobState } from "./api";

/** One parsed event and where it happened. */
export interface LedgerEvent {
  readonly name: string;
  readonly args: Result;
  readonly log: ChainLog;
}

export interface LedgerJob {
  readonly id: bigint;
  readonly created: LedgerEvent;
  state: JobState;
  provider: string;
  /** The end of the current phase; undefined once closed. */
  phaseEnds?: bigint;
  readonly events: LedgerEvent[];
  readonly disputeIds: bigint[];
}

export interface LedgerDispute {
  readonly id: bigint;
  readonly jobId: bigint;
  readonly opened: LedgerEvent;
  /** The deadline of the current step, as the last event set it. */
  deadline: bigint;
  settled?: LedgerEvent;
  readonly events: LedgerEvent[];
}

export interface LedgerProvider {
  readonly address: string;
  gpuModel: string;
  vramGb: number;
  metadataURI: string;
}

export interface LedgerSlash {
  readonly provider: string;
  readonly jobId: bigint;
  readonly taken: bigint;
  readonly log: ChainLog;
}

export interface LedgerProposal {
  readonly id: bigint;
  readonly created: LedgerEvent;
  readonly events: LedgerEvent[];
}

/** The contracts whose events the ledger folds, by the role each plays. */
export interface LedgerContracts {
  readonly escrow: { readonly address: string; readonly abi: Interface };
  readonly disputes: { readonly address: string; readonly abi: Interface };
  readonly registry: { readonly address: string; readonly abi: Interface };
  readonly rewards: { readonly address: string; readonly abi: Interface };
  readonly governor: { readonly address: string; readonly abi: Interface };
}

/** What each escrow event makes of a job's state (IJobEscrow: the status each function stores). */
const STATE_AFTER: Readonly<Record<string, JobState>> = {
  JobCreated: "Open",
  JobAccepted: "Assigned",
  ResultSubmitted: "Submitted",
  JobDisputed: "Disputed",
  JobFinalized: "Finalized",
  JobCancelled: "Cancelled",
  JobTimedOut: "TimedOut",
};

const DISPUTE_STEPS = new Set(["ChildChosen", "ChildrenRevealed", "ChunkRevealed"]);
const PROPOSAL_EVENTS = new Set(["ProposalQueued", "ProposalExecuted", "ProposalCanceled", "ProposalExtended"]);

export class Ledger {
  readonly jobs = new Map<bigint, LedgerJob>();
  readonly disputes = new Map<bigint, LedgerDispute>();
  /** By lower-case address. */
  readonly providers = new Map<string, LedgerProvider>();
  readonly slashes: LedgerSlash[] = [];
  /**
   * Protocol fees of finalized jobs in chain order, valued in WEFT at each job's rate when it was created (a fee is
   * paid in the job's token; the WEFT value makes fees in several tokens add up).
   */
  readonly fees: { readonly value: bigint; readonly log: ChainLog }[] = [];
  /** Rewards claimed, by provider (lower case), then epoch. */
  readonly claims = new Map<string, Map<number, bigint>>();
  readonly proposals = new Map<bigint, LedgerProposal>();
  /** Every block that holds a folded event: the blocks whose times the pages show. */
  readonly eventBlocks = new Set<number>();
  private readonly roles: ReadonlyMap<string, { readonly role: keyof LedgerContracts; readonly abi: Interface }>;

  constructor(contracts: LedgerContracts) {
    this.roles = new Map(
      (Object.keys(contracts) as (keyof LedgerContracts)[]).map((role) => [
        contracts[role].address.toLowerCase(),
        { role, abi: contracts[role].abi },
      ]),
    );
  }

  /** The lower-case addresses whose logs the ledger folds: the index to feed it reads these. */
  get addresses(): string[] {
    return [...this.roles.keys()];
  }

  /** Folds `logs`, which come after every log folded so far, in chain order. */
  fold(logs: readonly ChainLog[]): void {
    for (const log of logs) {
      const source = this.roles.get(log.address.toLowerCase());
      const parsed = source?.abi.parseLog(log);
      if (source === undefined || parsed == null) continue;
      const event: LedgerEvent = { name: parsed.name, args: parsed.args, log };
      this.eventBlocks.add(log.blockNumber);
      if (source.role === "escrow") this.foldEscrow(event);
      else if (source.role === "disputes") this.foldDispute(event);
      else if (source.role === "registry") this.foldRegistry(event);
      else if (source.role === "rewards") this.foldRewards(event);
      else this.foldGovernor(event);
    }
  }

  private foldEscrow(event: LedgerEvent): void {
    const { name, args } = event;
    if (name === "JobCreated") {
      const id = args.jobId as bigint;
      this.jobs.set(id, {
        id,
        created: event,
        state: "Open",
        provider: args.provider as string,
        phaseEnds: args.submitDeadline as bigint,
        events: [event],
        disputeIds: [],
      });
      return;
    }
    const job = args.jobId === undefined ? undefined : this.jobs.get(args.jobId as bigint);
    if (job === undefined) return;
    job.events.push(event);
    if (name === "DisputeResolved") {
      job.state = (args.providerAtFault as boolean) ? "Slashed" : "Submitted";
    } else if (STATE_AFTER[name] !== undefined) {
      job.state = STATE_AFTER[name];
    }
    if (name === "JobAccepted") job.provider = args.provider as string;
    if (name === "ResultSubmitted") job.phaseEnds = args.challengeEndsAt as bigint;
    if (name === "JobFinalized") {
      const { payment, paymentValue } = job.created.args as unknown as { payment: bigint; paymentValue: bigint };
      const value = payment === 0n ? 0n : ((args.fee as bigint) * paymentValue) / payment;
      this.fees.push({ value, log: event.log });
    }
    if (job.state !== "Open" && job.state !== "Assigned" && job.state !== "Submitted") job.phaseEnds = undefined;
  }

  private foldDispute(event: LedgerEvent): void {
    const { name, args } = event;
    if (name === "DisputeOpened") {
      const id = args.disputeId as bigint;
      const jobId = args.jobId as bigint;
      this.disputes.set(id, { id, jobId, opened: event, deadline: args.deadline as bigint, events: [event] });
      this.jobs.get(jobId)?.disputeIds.push(id);
      return;
    }
    const dispute = args.disputeId === undefined ? undefined : this.disputes.get(args.disputeId as bigint);
    if (dispute === undefined) return;
    dispute.events.push(event);
    if (DISPUTE_STEPS.has(name)) dispute.deadline = (args.deadline ?? args.followUpDeadline) as bigint;
    if (name === "DisputeSettled") dispute.settled = event;
  }

  private foldRegistry(event: LedgerEvent): void {
    const { name, args } = event;
    if (name === "ProviderRegistered") {
      const address = (args.provider as string).toLowerCase();
      this.providers.set(address, {
        address: args.provider as string,
        gpuModel: args.gpuModel as string,
        vramGb: Number(args.vramGb),
        metadataURI: args.metadataURI as string,
      });
    } else if (name === "ProfileUpdated") {
      const provider = this.providers.get((args.provider as string).toLowerCase());
      if (provider === undefined) return;
      provider.gpuModel = args.gpuModel as string;
      provider.vramGb = Number(args.vramGb);
      provider.metadataURI = args.metadataURI as string;
    } else if (name === "Slashed") {
      this.slashes.push({
        provider: args.provider as string,
        jobId: args.jobId as bigint,
        taken: args.taken as bigint,
        log: event.log,
      });
    }
  }

  private foldRewards(event: LedgerEvent): void {
    if (event.name !== "RewardClaimed") return;
    const provider = (event.args.provider as string).toLowerCase();
    const byEpoch = this.claims.get(provider) ?? new Map<number, bigint>();
    const epoch = Number(event.args.epoch);
    byEpoch.set(epoch, (byEpoch.get(epoch) ?? 0n) + (event.args.amount as bigint));
    this.claims.set(provider, byEpoch);
  }

  private foldGovernor(event: LedgerEvent): void {
    if (event.name === "ProposalCreated") {
      const id = event.args.proposalId as bigint;
      this.proposals.set(id, { id, created: event, events: [event] });
    } else if (PROPOSAL_EVENTS.has(event.name)) {
      this.proposals.get(event.args.proposalId as bigint)?.events.push(event);
    }
  }
}

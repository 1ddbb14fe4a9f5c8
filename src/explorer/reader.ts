/**
 * Builds each page's JSON from the ledger (free) and the few view calls that page needs (the stake locked now, the
 * governor's votes, a receipt's art): nothing here queries event history, so a page costs the same on the thousandth
 * day as on the first.
 */
import { ethers } from "ethers";

import { type TokenUnits, WEFT_UNITS } from "../cli/flags";
import { disputeKindName, disputeStatusName, readDispute } from "../chain/disputes";
import { JobStatus, jobStatusName } from "../chain/jobs";
import type { WeftSystem } from "../deploy/system";
import { type ContractDirectory, contractDirectory } from "../dao/decode";
import { isSettledProposal } from "../dao/proposals";
import { stateOf } from "../dao/governor";
import { formatAmount, formatWeft, readTokenInfo } from "../jobs/amounts";
import { describeParams, workloadLabel } from "../jobs/status";
import { formatBps, formatUtc } from "../markdown";
import { readProviderStatus } from "../staking/status";
import {
  type Amount,
  type ChainHead,
  type DisputeRow,
  type EpochFigures,
  JOB_STATES,
  type JobPage,
  type JobRow,
  type JobState,
  type Moment,
  type Overview,
  type ParameterRow,
  type ProposalRow,
  type ProviderPage,
  type ProviderRow,
  type ReceiptCard,
  type SlashRow,
  type TimelineEntry,
} from "./api";
import type { BlockTimes } from "./block-times";
import type { Ledger, LedgerDispute, LedgerEvent, LedgerJob } from "./ledger";
import { parameterRows, readGovernedValues } from "./parameters";
import { proposalRows } from "./proposals";
import { settlement, summarize } from "./timeline";

/** Epochs the overview charts: the last ones with fees or claims, and the current one. */
export const CHARTED_EPOCHS = 12;
/** Receipts the gallery shows, newest first: each image is an eth_call that renders an SVG. */
export const GALLERY_SIZE = 48;
/** Ended epochs whose unclaimed rewards a provider's page lists. */
const PENDING_REWARD_EPOCHS = 8;

const moment = (unix: bigint | number): Moment => ({ unix: Number(unix), utc: formatUtc(BigInt(unix)) });
const weft = (value: bigint): Amount => ({ raw: value.toString(), text: formatWeft(value) });

export class NotFoundError extends Error {}

export class ExplorerReader {
  private readonly tokens = new Map<string, Promise<TokenUnits>>();
  private readonly receiptArts = new Map<bigint, Promise<Pick<ReceiptCard, "name" | "image">>>();
  private directory?: Promise<ContractDirectory>;

  constructor(
    private readonly system: WeftSystem,
    private readonly ledger: Ledger,
    private readonly times: BlockTimes,
    /** Where the reader is: the pages count down from `head.now`. */
    private readonly head: () => ChainHead,
  ) {}

  async overview(): Promise<Overview> {
    const { ledger, system } = this;
    const jobsByState = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    for (const job of ledger.jobs.values()) jobsByState[job.state] += 1;
    const [totalStake, epochs, proposalStates] = await Promise.all([
      system.ProviderRegistry.totalStake(),
      this.epochFigures(),
      Promise.all([...ledger.proposals.keys()].map((id) => stateOf(system.ComputeGovernor, id))),
    ]);
    return {
      chain: this.head(),
      totalStake: weft(totalStake),
      providers: ledger.providers.size,
      jobs: ledger.jobs.size,
      jobsByState,
      openDisputes: [...ledger.disputes.values()].filter((d) => d.settled === undefined).length,
      activeProposals: proposalStates.filter((state) => !isSettledProposal(state)).length,
      epochs,
      slashes: ledger.slashes.map((slash) => this.slashRow(slash)),
    };
  }

  async jobs(filter: (job: LedgerJob) => boolean = () => true): Promise<JobRow[]> {
    const jobs = [...this.ledger.jobs.values()].filter(filter);
    return Promise.all(jobs.reverse().map((job) => this.jobRow(job)));
  }

  async job(id: bigint): Promise<JobPage> {
    const job = this.ledger.jobs.get(id);
    if (job === undefined) throw new NotFoundError(`No job ${id} in blocks up to ${this.head().indexed}.`);
    const escrow = this.system.JobEscrow;
    const [row, status, token] = await Promise.all([
      this.jobRow(job),
      escrow.jobStatus(id),
      this.token(job.created.args.paymentToken as string),
    ]);
    const disputes = job.disputeIds.map((disputeId) => this.ledger.disputes.get(disputeId)!);
    const events = [...job.events, ...disputes.flatMap((d) => d.events)].sort(
      (a, b) => a.log.blockNumber - b.log.blockNumber || a.log.index - b.log.index,
    );
    const finalized = Number(status) === JobStatus.Finalized;
    return {
      job: { ...row, state: jobStatusName(Number(status)) as JobState },
      terms: this.terms(job, token),
      timeline: events.map((event) => this.timelineEntry(event, token)),
      disputes: await Promise.all(disputes.map((d) => this.disputeRow(d))),
      receipt: finalized ? await this.receipt(id) : undefined,
    };
  }

  async receipts(): Promise<ReceiptCard[]> {
    const finalized = [...this.ledger.jobs.values()].filter((job) => job.state === "Finalized");
    return Promise.all(
      finalized
        .slice(-GALLERY_SIZE)
        .reverse()
        .map((job) => this.receipt(job.id)),
    );
  }

  async providers(): Promise<ProviderRow[]> {
    return Promise.all([...this.ledger.providers.values()].map((p) => this.providerRow(p.address)));
  }

  async provider(address: string): Promise<ProviderPage> {
    const known = ethers.isAddress(address) ? this.ledger.providers.get(address.toLowerCase()) : undefined;
    if (known === undefined)
      throw new NotFoundError(`No provider ${address} registered up to block ${this.head().indexed}.`);
    const now = BigInt(this.head().now.unix);
    const [row, status, jobs, rewards] = await Promise.all([
      this.providerRow(known.address),
      readProviderStatus(this.system, known.address, now),
      this.jobs((job) => job.provider.toLowerCase() === address.toLowerCase()),
      this.rewards(known.address),
    ]);
    return {
      provider: row,
      metadataURI: known.metadataURI,
      free: weft(status.free),
      locked: weft(status.locked),
      unbonding: status.unbonding.map((u) => ({ amount: weft(u.amount), maturesAt: moment(u.maturesAt) })),
      debt: weft(status.debt),
      jobsTimedOut: Number(status.jobsTimedOut),
      canAcceptJobs: status.canAcceptJobs,
      blockers: status.blockers,
      jobs,
      slashes: this.ledger.slashes
        .filter((slash) => slash.provider.toLowerCase() === address.toLowerCase())
        .map((slash) => this.slashRow(slash)),
      rewards,
    };
  }

  async disputes(): Promise<DisputeRow[]> {
    return Promise.all([...this.ledger.disputes.values()].reverse().map((d) => this.disputeRow(d)));
  }

  async proposals(): Promise<ProposalRow[]> {
    const [directory, governed] = await Promise.all([this.contractDirectory(), readGovernedValues(this.system)]);
    const proposals = [...this.ledger.proposals.values()];
    return proposalRows(this.system, directory, governed, proposals, this.head().network);
  }

  async parameters(): Promise<ParameterRow[]> {
    return parameterRows(await readGovernedValues(this.system));
  }

  /** Fetches the times of every block the ledger holds an event in; pages read them without a call. */
  async fetchTimes(): Promise<void> {
    await this.times.fetch(this.ledger.eventBlocks);
  }

  private at(event: { readonly log: { readonly blockNumber: number } }): Moment {
    return moment(this.times.of(event.log.blockNumber));
  }

  private token(address: string): Promise<TokenUnits> {
    if (!this.tokens.has(address)) {
      const weftAddress = this.system.ComputeToken.getAddress();
      this.tokens.set(
        address,
        weftAddress.then((w) => (w === address ? WEFT_UNITS : readTokenInfo(address, this.system.JobEscrow.runner!))),
      );
    }
    return this.tokens.get(address)!;
  }

  private contractDirectory(): Promise<ContractDirectory> {
    this.directory ??= contractDirectory(this.system);
    return this.directory;
  }

  private async jobRow(job: LedgerJob): Promise<JobRow> {
    const { args } = job.created;
    const token = await this.token(args.paymentToken as string);
    return {
      id: job.id.toString(),
      state: job.state,
      workload: workloadLabel(args.workloadId as string),
      client: args.client as string,
      provider: job.provider,
      payment: { raw: (args.payment as bigint).toString(), text: formatAmount(args.payment as bigint, token) },
      created: this.at(job.created),
      phaseEnds: job.phaseEnds === undefined ? undefined : moment(job.phaseEnds),
    };
  }

  private terms(job: LedgerJob, token: TokenUnits): { label: string; value: string }[] {
    const { args } = job.created;
    const submitted = job.events.find((e) => e.name === "ResultSubmitted");
    const accepted = job.events.find((e) => e.name === "JobAccepted");
    return [
      {
        label: "Workload",
        value: `${workloadLabel(args.workloadId as string)} ${describeParams({ workloadId: args.workloadId as string, params: args.params as string })}`,
      },
      { label: "Client", value: args.client as string },
      { label: "Provider", value: job.provider === ethers.ZeroAddress ? "(any provider may accept)" : job.provider },
      {
        label: "Payment",
        value: `${formatAmount(args.payment as bigint, token)}, valued at ${formatWeft(args.paymentValue as bigint)}`,
      },
      { label: "Protocol fee", value: formatBps(args.feeBps as bigint) },
      {
        label: "Collateral",
        value: accepted === undefined ? "(none locked)" : formatWeft(accepted.args.collateral as bigint),
      },
      { label: "Submit deadline", value: formatUtc(args.submitDeadline as bigint) },
      { label: "Input root", value: args.inputRoot as string },
      { label: "Input URI", value: (args.inputURI as string) || "(none: the params are the whole input)" },
      {
        label: "Result root",
        value: submitted === undefined ? "(not submitted)" : (submitted.args.resultRoot as string),
      },
      {
        label: "Result URI",
        value: submitted === undefined ? "(not submitted)" : (submitted.args.resultURI as string),
      },
    ];
  }

  private timelineEntry(event: LedgerEvent, token: TokenUnits): TimelineEntry {
    return {
      event: event.name,
      summary: summarize(event, token),
      block: event.log.blockNumber,
      at: this.at(event),
      tx: event.log.transactionHash,
    };
  }

  private async disputeRow(dispute: LedgerDispute): Promise<DisputeRow> {
    const { args } = dispute.opened;
    // A settled dispute's status is its outcome; an open one's step is read, as the events only give its deadline.
    const status =
      dispute.settled === undefined
        ? disputeStatusName((await readDispute(this.system.DisputeManager, dispute.id)).status)
        : disputeStatusName(Number(dispute.settled.args.outcome));
    return {
      id: dispute.id.toString(),
      jobId: dispute.jobId.toString(),
      kind: disputeKindName(Number(args.kind)),
      status,
      challenger: args.challenger as string,
      provider: this.ledger.jobs.get(dispute.jobId)?.provider ?? ethers.ZeroAddress,
      bond: weft(args.bond as bigint),
      deadline: dispute.settled === undefined ? moment(dispute.deadline) : undefined,
      opened: this.at(dispute.opened),
      outcome: dispute.settled === undefined ? undefined : settlement(dispute.settled),
    };
  }

  private async receipt(jobId: bigint): Promise<ReceiptCard> {
    const receipts = this.system.ComputeReceipt;
    const [art, owner] = await Promise.all([this.receiptArt(jobId), receipts.ownerOf(jobId)]);
    return { jobId: jobId.toString(), owner, ...art };
  }

  /**
   * A receipt's name and image, read once: the art is drawn from the job's settlement, which never changes, so a
   * gallery open for days costs one tokenURI per receipt, not one per block.
   */
  private receiptArt(jobId: bigint): Promise<Pick<ReceiptCard, "name" | "image">> {
    let art = this.receiptArts.get(jobId);
    if (art === undefined) {
      art = this.system.ComputeReceipt.tokenURI(jobId).then((uri) => {
        const prefix = "data:application/json;base64,";
        if (!uri.startsWith(prefix))
          throw new Error(`Receipt ${jobId}'s tokenURI is not inline JSON: ${uri.slice(0, 40)}…`);
        const { name, image } = JSON.parse(Buffer.from(uri.slice(prefix.length), "base64").toString("utf8")) as {
          name: string;
          image: string;
        };
        return { name, image };
      });
      // A failed read is not kept: the next page asks again.
      art.catch(() => this.receiptArts.delete(jobId));
      this.receiptArts.set(jobId, art);
    }
    return art;
  }

  private async providerRow(address: string): Promise<ProviderRow> {
    const known = this.ledger.providers.get(address.toLowerCase())!;
    const state = await this.system.ProviderRegistry.providerState(address);
    const jailed = state.jailedUntil > BigInt(this.head().now.unix);
    return {
      address: known.address,
      gpuModel: known.gpuModel,
      vramGb: known.vramGb,
      staked: weft(state.staked),
      jobsCompleted: Number(state.jobsCompleted),
      jobsSlashed: Number(state.jobsSlashed),
      jailedUntil: jailed ? moment(state.jailedUntil) : undefined,
    };
  }

  private slashRow(slash: Ledger["slashes"][number]): SlashRow {
    return {
      provider: slash.provider,
      jobId: slash.jobId.toString(),
      taken: weft(slash.taken),
      block: slash.log.blockNumber,
      at: this.at(slash),
      tx: slash.log.transactionHash,
    };
  }

  /** Claimed rewards from the ledger, and what the last ended epochs still owe `provider`. */
  private async rewards(provider: string): Promise<ProviderPage["rewards"]> {
    const rewards = this.system.RewardDistributor;
    const claimed = this.ledger.claims.get(provider.toLowerCase()) ?? new Map<number, bigint>();
    const current = Number(await rewards.currentEpoch());
    const recent = Array.from({ length: Math.min(PENDING_REWARD_EPOCHS, current) }, (_, i) => current - 1 - i);
    const pending = await Promise.all(
      recent
        .filter((epoch) => !claimed.has(epoch))
        .map(async (epoch) => ({ epoch, amount: await rewards.pendingReward(provider, epoch) })),
    );
    return [
      ...[...claimed].map(([epoch, amount]) => ({ epoch, amount: weft(amount), claimed: true })),
      ...pending.filter((p) => p.amount > 0n).map((p) => ({ epoch: p.epoch, amount: weft(p.amount), claimed: false })),
    ].sort((a, b) => b.epoch - a.epoch);
  }

  /**
   * The epochs with fees or claims, and the current one (the last {@link CHARTED_EPOCHS} of them): fees by the time
   * of each finalization, claims from the ledger, each epoch's emission and end read from the distributor.
   */
  private async epochFigures(): Promise<EpochFigures[]> {
    const rewards = this.system.RewardDistributor;
    const [current, length] = (await Promise.all([rewards.currentEpoch(), rewards.epochLength()])).map(Number);
    const currentEnd = Number(await rewards.epochEnd(current));
    // Epoch e ends at currentEnd - (current - e) * length: exact since the last change of the epoch length, which
    // the distributor's views do not look back past.
    const epochAt = (time: number) => current - Math.floor((currentEnd - 1 - time) / length);
    const fees = new Map<number, bigint>();
    for (const { value, log } of this.ledger.fees) {
      const epoch = epochAt(this.times.of(log.blockNumber));
      fees.set(epoch, (fees.get(epoch) ?? 0n) + value);
    }
    const claims = new Map<number, bigint>();
    for (const byEpoch of this.ledger.claims.values()) {
      for (const [epoch, amount] of byEpoch) claims.set(epoch, (claims.get(epoch) ?? 0n) + amount);
    }
    const epochs = [...new Set([...fees.keys(), ...claims.keys(), current])]
      .sort((a, b) => a - b)
      .slice(-CHARTED_EPOCHS);
    const emissions = await Promise.all(epochs.map((epoch) => rewards.emission(epoch)));
    return epochs.map((epoch, i) => ({
      epoch,
      end: moment(currentEnd - (current - epoch) * length),
      fees: weft(fees.get(epoch) ?? 0n),
      emission: weft(emissions[i]),
      claimed: weft(claims.get(epoch) ?? 0n),
    }));
  }
}

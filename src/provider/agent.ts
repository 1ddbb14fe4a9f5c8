/**
 * The provider agent: watches the escrow for jobs it can take (directed to it, or open and within its policy),
 * accepts them when its free stake covers the collateral, computes them, publishes the output, submits the result
 * root, and finalizes its jobs once their challenge window has passed.
 *
 * Before accepting, a job's params must decode to a known workload, hash to the job's paramsHash, pass the policy,
 * and its inputs must be fetchable and match the job's inputRoot: a provider never takes on collateral risk for a
 * job it cannot do. Every step is recorded in the state file (state.ts) before the next one starts, and the chain
 * is re-read before each step, so a restarted agent picks up exactly where it stopped.
 *
 * What it costs an RPC endpoint: each tick reads the head block and the escrow's and dispute manager's logs of the
 * new blocks into an event index (agents/event-index.ts), whatever the number of jobs in flight; a job costs a call
 * only when something happens to it (a new event, its window closing, a dispute deadline), so an idle tick is two
 * calls, and two more at most once a minute for the stake and gas gauges. The events also tell it at once when one of
 * its jobs is slashed (one read then, for the jail's end), timed out or taken by someone else.
 *
 * A job whose work keeps failing is retried with back-off and given up after a limit (job-retries.ts): before it
 * is accepted it is then never accepted; after, the log says what the liveness penalty will take and when.
 */
import { keccak256, type Provider, type Signer, ZeroAddress } from "ethers";

import { LOCAL_FOLLOWING } from "../agents/following";
import type { LoopHealth, TickReport } from "../agents/health";
import { consoleLogger, type Logger } from "../agents/logger";
import { runPollingLoop } from "../agents/loop";
import { latestBlock } from "../chain/clock";
import { DisputeStatus } from "../chain/disputes";
import { EventIndex } from "../agents/event-index";
import { jobIdOf, type JobEventSources } from "../chain/job-events";
import {
  committedTerms,
  type CreatedJob,
  createdJobOf,
  JobStatus,
  jobStatusName,
  readJob,
  type StoredJob,
  type SubmittedResult,
  submittedResultOf,
} from "../chain/jobs";
import type { ChainLog } from "../chain/logs";
import { type RetryOptions, withRetry } from "../chain/retry";
import { revertName } from "../chain/reverts";
import { ResultTree } from "../commitments/result-tree";
import type { WeftSystem } from "../deploy/system";
import { errorMessage } from "../errors";
import { formatMoment, formatUtc, relative, span } from "../markdown";
import { formatWeft } from "../jobs/amounts";
import type { ContentStore } from "../store/content-store";
import type { ContentStoreConfig } from "../store/factory";
import { InvalidWorkloadError } from "../workloads/errors";
import { decodeJobParams, type DecodedJob } from "../workloads/registry";
import { type ComputeBackend, describeJob, requireOutputSize } from "./backends/backend";
import { type CheatConfig, Cheater, honest, unpublishedUri } from "./cheat";
import { ProviderAccount } from "./account";
import { fetchJobInputs, InputsMismatchError } from "./inputs";
import { DEFAULT_JOB_RETRY, JobRetries, type JobRetryPolicy } from "./job-retries";
import { ProviderMetrics } from "./metrics";
import { type AcceptancePolicy, DEFAULT_POLICY, policyRefusal } from "./policy";
import { type JobTerms, ProviderState, termsOf, type TrackedJob } from "./state";
import type { DisputeResponder } from "./disputes";
import type { OutputKeeper } from "./outputs";

export interface ProviderAgentConfig {
  readonly system: Pick<WeftSystem, "JobEscrow" | "ProviderRegistry" | "DisputeManager">;
  /** The provider's account; it must be connected to a provider. */
  readonly signer: Signer;
  readonly backend: ComputeBackend;
  /** Where outputs are published. */
  readonly store: ContentStore;
  /** How inputs are read (an IPFS gateway for ipfs:// URIs). */
  readonly fetchConfig?: ContentStoreConfig;
  readonly policy?: AcceptancePolicy;
  /** Fault injection (tests and the demo only). */
  readonly cheat?: CheatConfig;
  readonly stateFile: string;
  /** The deployment's event index; one beside the state file by default. */
  readonly index?: EventIndex;
  /** First block to read when there is no state file yet (the deployment block). */
  readonly startBlock: number;
  /**
   * How long jobs waiting for collateral, eligibility or inputs wait before they are checked again (at once when one
   * of this provider's jobs settles and frees stake). 0 checks them every tick.
   */
  readonly waitingRetryMs?: number;
  /** Blocks mined on top of a block before its jobs are considered. */
  readonly confirmations?: number;
  /** Most blocks per log query. */
  readonly maxBlockRange?: number;
  readonly logger?: Logger;
  readonly metrics?: ProviderMetrics;
  /** For every RPC read (never for transactions, which are sent once). */
  readonly retry?: RetryOptions;
  /** Back-off and give-up of a job whose work keeps failing (DEFAULT_JOB_RETRY unless given). */
  readonly jobRetry?: JobRetryPolicy;
  /** Answers the disputes of this provider's jobs; without it they go unanswered. */
  readonly disputes?: DisputeResponder;
  /** Keeps a copy of every output this provider commits to until the job settles (disputes are answered from it). */
  readonly outputs?: OutputKeeper;
}

/** Why a job is not taken; the metric label of weft_provider_jobs_declined_total. */
type DeclineReason =
  "invalid-params" | "params-mismatch" | "policy" | "inputs-mismatch" | "taken" | "closed" | "failing";
/** Why a wanted job cannot be taken yet. */
type WaitReason = "ineligible" | "collateral" | "inputs-unavailable";

type Verdict =
  | { readonly kind: "accept"; readonly job: DecodedJob; readonly inputs: Uint8Array; readonly collateral: bigint }
  | { readonly kind: "decline"; readonly reason: DeclineReason; readonly detail: string }
  | { readonly kind: "wait"; readonly reason: WaitReason; readonly detail: string };

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The event index of a provider agent whose state is in `stateFile`. */
export function eventIndexBeside(stateFile: string): string {
  return `${stateFile.replace(/\.json$/, "")}.events.jsonl`;
}

/** A failure repeated every tick is logged when it first happens and then once a minute. */
const REPEATED_FAILURE_LOG_MS = 60_000;
/** The stages that do a job's work; they back off and give up (the others retry every tick: see tick). */
type WorkStage = "consider" | "complete";
const WORK_STAGES: readonly string[] = ["consider", "complete"] satisfies WorkStage[];
const BPS = 10_000n;

export class ProviderAgent {
  readonly metrics: ProviderMetrics;
  private readonly logger: Logger;
  private readonly policy: AcceptancePolicy;
  private readonly cheater: Cheater | undefined;
  /** Inputs fetched while deciding to accept, reused to compute in the same tick. */
  private readonly inputsCache = new Map<bigint, Uint8Array>();
  /** Jobs with new events in this tick. */
  private readonly touched = new Set<bigint>();
  /** The last failure of each job's stage, so that one repeated every tick is not logged every tick. */
  private readonly failures = new Map<string, { message: string; loggedAt: number; repeats: number }>();
  /** When each failing job's work is tried again, and when it is given up. */
  private readonly retries: JobRetries;
  /** Accepted jobs given up: left alone until they time out (or the agent restarts). */
  private readonly abandoned = new Set<bigint>();
  /** The latest block's timestamp, read once per tick. */
  private now = 0n;
  /** Whether the registry lets this provider take jobs, and its free stake, read at most once per tick. */
  private eligible: boolean | undefined;
  private freeStake: bigint | undefined;
  /** This provider's registry record and gas balance, and their gauges. */
  private readonly account: ProviderAccount;
  private firstTick = true;
  private waitingCheckedAt = 0;
  /** One of this provider's jobs settled since the waiting jobs were last checked: its stake may be free again. */
  private stakeFreed = false;

  private constructor(
    private readonly config: ProviderAgentConfig,
    private readonly provider: Provider,
    /** The provider's address. */
    readonly address: string,
    private readonly state: ProviderState,
    private readonly index: EventIndex,
    private readonly sources: JobEventSources,
  ) {
    this.logger = config.logger ?? consoleLogger("provider");
    this.metrics = config.metrics ?? new ProviderMetrics();
    this.policy = config.policy ?? DEFAULT_POLICY;
    this.cheater = config.cheat === undefined ? undefined : new Cheater(config.cheat);
    this.retries = new JobRetries(config.jobRetry ?? DEFAULT_JOB_RETRY);
    const registry = config.system.ProviderRegistry;
    this.account = new ProviderAccount(
      {
        record: () => this.read("the provider's state", () => registry.providerState(address)),
        gasBalance: () => this.read("the gas balance", () => provider.getBalance(address)),
      },
      this.metrics,
    );
    this.metrics.lastProcessedBlock.set(state.nextBlock - 1);
  }

  /** Connects to the chain and loads (or starts) the state file. */
  static async create(config: ProviderAgentConfig): Promise<ProviderAgent> {
    const provider = config.signer.provider;
    if (provider === null) throw new Error("the provider agent's signer must be connected to a provider");
    const address = await config.signer.getAddress();
    const { chainId } = await withRetry("chain id", () => provider.getNetwork(), config.retry);
    const sources = {
      escrow: await config.system.JobEscrow.getAddress(),
      disputeManager: await config.system.DisputeManager.getAddress(),
    };
    const state = ProviderState.load(
      config.stateFile,
      { provider: address, escrow: sources.escrow, chainId: Number(chainId) },
      config.startBlock,
    );
    const index =
      config.index ??
      (await EventIndex.forDeployment({
        file: eventIndexBeside(config.stateFile),
        provider,
        ...sources,
        startBlock: state.nextBlock,
        deploymentBlock: config.startBlock,
        maxBlockRange: config.maxBlockRange ?? LOCAL_FOLLOWING.maxBlockRange,
        retry: {
          ...config.retry,
          onRetry: (error, attempt, delayMs) =>
            (config.logger ?? consoleLogger("provider")).warn(
              `reading logs failed (attempt ${attempt}), retrying in ${delayMs} ms: ${errorMessage(error)}`,
            ),
        },
      }));
    return new ProviderAgent(config, provider, address, state, index, sources);
  }

  /** Polls every `intervalMs` until `signal` aborts; the step in progress then runs to its end. */
  run(signal: AbortSignal, intervalMs: number, health?: LoopHealth): Promise<void> {
    return runPollingLoop(() => this.tick(), { intervalMs, signal, logger: this.logger, health });
  }

  /**
   * One full step: considers jobs created since the last step and those still waiting, completes accepted jobs,
   * and finalizes submitted jobs whose challenge window has passed. A failure on one job is logged and counted;
   * the job is retried (with back-off, see job-retries.ts) and the others go on.
   */
  async tick(): Promise<TickReport> {
    const head = await this.read("the latest block", () => latestBlock(this.provider));
    this.now = head.timestamp;
    this.eligible = undefined;
    this.freeStake = undefined;
    this.account.startTick(head.timestamp);
    // Jobs that were already waiting or assigned; those that get there during this step are retried next step.
    const waiting = this.state.jobsIn("waiting");
    const assigned = this.state.jobsIn("assigned");
    this.touched.clear();
    if (this.firstTick) {
      // After a (re)start nothing is known of the disputes of submitted jobs: look at each once.
      for (const [id] of this.state.jobsIn("submitted")) this.touched.add(id);
      this.firstTick = false;
    }
    await this.follow(head.number - (this.config.confirmations ?? LOCAL_FOLLOWING.confirmations));
    const checkWaiting = this.waitingDue();
    for (const [id, job] of waiting) {
      if (this.state.job(id)?.phase !== "waiting" || !(checkWaiting || this.touched.has(id))) continue;
      await this.guarded("consider", id, () => this.consider(id, job.terms));
    }
    for (const [id, job] of assigned) {
      if (this.state.job(id)?.phase !== "assigned" || this.abandoned.has(id)) continue;
      await this.guarded("complete", id, () => this.complete(id, job.terms));
    }
    const now = this.now;
    const { disputes } = this.config;
    for (const [id, job] of this.state.jobsIn("submitted")) {
      if (disputes !== undefined && (this.touched.has(id) || disputes.isDue(id, now))) {
        await this.guarded("dispute", id, () => disputes.respond(id, job.resultURI, now, this.index));
      }
      await this.guarded("finalize", id, () => this.settle(id, job, now));
    }
    try {
      await this.account.refresh();
      this.failures.delete("gauges");
    } catch (error) {
      this.logFailure("gauges", `reading the stake and gas gauges failed: ${errorMessage(error)}`);
    }
    return { headBlock: head.number };
  }

  // ---------------------------------------------------------------- steps

  /** Indexes the confirmed blocks up to `toBlock` and routes their events to the jobs they are about. */
  private async follow(toBlock: number): Promise<void> {
    await this.index.sync(toBlock);
    // From the agent's own checkpoint: logs indexed before a kill, but not yet acted on, are routed now.
    for (const log of this.index.logsSince(this.state.nextBlock)) await this.route(log);
    if (this.state.nextBlock !== this.index.nextBlock) {
      this.state.nextBlock = this.index.nextBlock;
      this.state.save();
    }
    this.metrics.lastProcessedBlock.set(this.index.nextBlock - 1);
  }

  private async route(log: ChainLog): Promise<void> {
    const id = jobIdOf(log, this.sources);
    if (id === undefined) return;
    const { JobEscrow: escrow, DisputeManager: disputes } = this.config.system;
    const fromEscrow = sameAddress(log.address, this.sources.escrow);
    const event = (fromEscrow ? escrow.interface : disputes.interface).parseLog(log);
    if (event?.name === "JobCreated") return this.considerCreated(createdJobOf(escrow, log));
    const tracked = this.state.job(id);
    if (tracked === undefined) return;
    this.touched.add(id);
    switch (event?.name) {
      case "JobAccepted":
        if (tracked.phase === "waiting" && !sameAddress(event.args.provider as string, this.address)) {
          this.decline(id, "taken", `another provider accepted it first (${event.args.provider})`);
        }
        return;
      case "JobCancelled":
        if (tracked.phase === "waiting") this.decline(id, "closed", "its client cancelled it");
        return;
      case "DisputeSettled":
        // The escrow's DisputeResolved(providerAtFault) comes first in the same transaction; this one says how much.
        if (Number(event.args.outcome) === DisputeStatus.ProviderAtFault) {
          await this.slashed(id, event.args.disputeId as bigint, event.args.slashed as bigint);
        }
        return;
      case "JobTimedOut":
        this.logger.error(`job ${id}: timed out: its client was refunded and this provider paid the liveness penalty`);
        this.metrics.errors.inc({ stage: "deadline" });
        this.settled(id);
        return;
      case "JobFinalized":
        this.logger.info(`job ${id}: finalized by someone else`);
        this.metrics.jobsFinalized.inc();
        this.settled(id);
        return;
    }
  }

  /** A new job: considered unless it is directed to another provider or already known. */
  private async considerCreated(job: CreatedJob): Promise<void> {
    const forSomeoneElse = job.provider !== ZeroAddress && !sameAddress(job.provider, this.address);
    if (forSomeoneElse || this.state.job(job.id) !== undefined) return;
    const terms = termsOf(job);
    // A job that fails to be considered is kept, so that moving the checkpoint past it does not lose it.
    await this.guarded("consider", job.id, () => this.consider(job.id, terms), terms);
  }

  /** Whether the waiting jobs are checked again this tick. */
  private waitingDue(): boolean {
    const due = this.stakeFreed || Date.now() - this.waitingCheckedAt >= (this.config.waitingRetryMs ?? 0);
    if (due) {
      this.waitingCheckedAt = Date.now();
      this.stakeFreed = false;
    }
    return due;
  }

  /** Decides about a job not accepted yet, and accepts and completes it if it can. */
  private async consider(id: bigint, terms: JobTerms): Promise<void> {
    const stored = await this.readStoredJob(id);
    if (stored.status !== JobStatus.Open) return this.considerClosed(id, terms, stored);
    const verdict = await this.evaluate(terms, stored);
    switch (verdict.kind) {
      case "decline":
        return this.decline(id, verdict.reason, verdict.detail);
      case "wait": {
        const tracked = this.state.job(id);
        const detail = `${verdict.reason}: ${verdict.detail}`;
        if (tracked?.phase !== "waiting" || tracked.reason !== detail) {
          this.logger.info(`job ${id}: waiting (${detail})`);
          this.state.set(id, { phase: "waiting", terms, reason: detail });
        }
        return;
      }
      case "accept": {
        const accepted = await this.accept(id, stored, verdict);
        if (accepted !== undefined) {
          this.state.set(id, { phase: "assigned", terms });
          this.inputsCache.set(id, verdict.inputs);
          await this.guarded("complete", id, () => this.complete(id, terms, accepted));
        }
      }
    }
  }

  /** A job that is no longer Open: ours if an earlier run accepted or submitted it before it could record that. */
  private considerClosed(id: bigint, terms: JobTerms, stored: StoredJob): void {
    const ours = sameAddress(stored.provider, this.address);
    if (ours && stored.status === JobStatus.Assigned) {
      this.logger.warn(`job ${id}: assigned to this provider but not in the state file; completing it`);
      this.state.set(id, { phase: "assigned", terms });
    } else if (ours && (stored.status === JobStatus.Submitted || stored.status === JobStatus.Disputed)) {
      this.logger.warn(`job ${id}: submitted by this provider but not in the state file; tracking it to finalize`);
      this.state.set(id, this.submittedRecord(terms, stored));
    } else {
      this.decline(id, "closed", `it is ${jobStatusName(stored.status)}, no longer Open`);
    }
  }

  private async evaluate(terms: JobTerms, stored: StoredJob): Promise<Verdict> {
    let job: DecodedJob;
    try {
      job = decodeJobParams(terms.workloadId, terms.params);
    } catch (error) {
      if (error instanceof InvalidWorkloadError)
        return { kind: "decline", reason: "invalid-params", detail: error.message };
      throw error;
    }
    if (keccak256(terms.params) !== stored.paramsHash) {
      return { kind: "decline", reason: "params-mismatch", detail: `its params do not hash to ${stored.paramsHash}` };
    }
    const refusal = policyRefusal(
      this.policy,
      { job, paymentToken: stored.paymentToken, payment: stored.payment, submitDeadline: stored.deadline },
      this.now,
    );
    if (refusal !== undefined) return { kind: "decline", reason: "policy", detail: refusal };

    const { JobEscrow: escrow, ProviderRegistry: registry } = this.config.system;
    // Read once per tick, however many jobs it considers; each acceptance takes its collateral off locally. The
    // record that gives the free stake also feeds the gauges.
    this.eligible ??= await this.read("eligibility", () => registry.canAcceptJobs(this.address));
    if (!this.eligible) {
      return { kind: "wait", reason: "ineligible", detail: await this.ineligibility() };
    }
    // The escrow's own rule: the job's value in WEFT (fixed at creation) times the ratio, and at least the floor.
    const collateral = await this.read("the collateral", () => escrow.collateralFor(stored.paymentValue));
    if (this.freeStake === undefined) {
      const account = await this.account.recordOnce();
      this.freeStake = account.staked - account.locked;
    }
    const free = this.freeStake;
    if (free < collateral) {
      return {
        kind: "wait",
        reason: "collateral",
        detail: `it needs ${formatWeft(collateral)} of free stake as collateral, this provider has ${formatWeft(free)}`,
      };
    }
    try {
      const inputs = await fetchJobInputs(job, terms.inputURI, terms.inputRoot, this.config.fetchConfig ?? {});
      return { kind: "accept", job, inputs, collateral };
    } catch (error) {
      if (error instanceof InputsMismatchError)
        return { kind: "decline", reason: "inputs-mismatch", detail: error.message };
      return { kind: "wait", reason: "inputs-unavailable", detail: errorMessage(error) };
    }
  }

  /** Why the registry refuses this provider jobs, in the words of the rule it breaks. */
  private async ineligibility(): Promise<string> {
    const registry = this.config.system.ProviderRegistry;
    const now = this.now;
    const [state, minStake] = await Promise.all([
      this.account.recordOnce(),
      this.read("the minimum provider stake", () => registry.minProviderStake()),
    ]);
    if (!state.registered) return "this provider is not registered; run provider:register";
    if (now < state.jailedUntil) return `this provider is jailed until ${formatMoment(state.jailedUntil, now)}`;
    if (state.staked < minStake) {
      return `this provider has ${formatWeft(state.staked)} staked, less than the ${formatWeft(minStake)} minimum; run provider:stake`;
    }
    return `this provider owes ${formatWeft(state.debt)} of collateral debt, repaid as its other jobs settle`;
  }

  /** Sends acceptJob; returns the job as accepted, or undefined if another provider got there first. */
  private async accept(
    id: bigint,
    job: StoredJob,
    verdict: Extract<Verdict, { kind: "accept" }>,
  ): Promise<StoredJob | undefined> {
    let accepted: StoredJob;
    try {
      const receipt = await (
        await this.config.system.JobEscrow.connect(this.config.signer).acceptJob(id, committedTerms(job))
      ).wait();
      this.recordOwn(receipt);
      accepted = { ...job, provider: this.address, collateral: verdict.collateral, status: JobStatus.Assigned };
    } catch (error) {
      if (this.revertName(error) !== "JobNotInStatus") throw error;
      accepted = await this.readStoredJob(id);
      // A retried send can find its own earlier transaction mined.
      if (!(accepted.status === JobStatus.Assigned && sameAddress(accepted.provider, this.address))) {
        this.decline(id, "taken", `another provider accepted it first (${accepted.provider})`);
        return undefined;
      }
    }
    if (this.freeStake !== undefined) this.freeStake -= verdict.collateral;
    this.account.locked(verdict.collateral);
    this.metrics.jobsAccepted.inc({ workload: verdict.job.name });
    this.logger.info(`job ${id}: accepted (${describeJob(verdict.job)}, collateral ${formatWeft(verdict.collateral)})`);
    return accepted;
  }

  /** Computes, publishes and submits the result of an accepted job (`known`: as this step just accepted it). */
  private async complete(id: bigint, terms: JobTerms, known?: StoredJob): Promise<void> {
    const stored = known ?? (await this.readStoredJob(id));
    if (!sameAddress(stored.provider, this.address) || stored.status !== JobStatus.Assigned) {
      return this.completeClosed(id, terms, stored);
    }
    if (this.now > stored.deadline) {
      this.logger.error(`job ${id}: missed its submit deadline (${stored.deadline}); the client can claim a timeout`);
      this.metrics.errors.inc({ stage: "deadline" });
      return this.drop(id);
    }
    const job = decodeJobParams(terms.workloadId, terms.params);
    const inputs =
      this.inputsCache.get(id) ??
      (await fetchJobInputs(job, terms.inputURI, terms.inputRoot, this.config.fetchConfig ?? {}));

    const backend = this.config.backend;
    const stopTimer = this.metrics.computeSeconds.startTimer({ workload: job.name, backend: backend.name });
    const output = requireOutputSize(`the ${backend.name} backend`, job, await backend.compute(job, inputs));
    stopTimer();

    const submission = this.cheater?.submission(output, job) ?? honest(output);
    if (submission.kind !== "honest") {
      this.logger.warn(`job ${id}: CHEATING (${submission.kind}, fault injection): ${submission.detail}`);
    }
    const resultRoot = new ResultTree(submission.output).root;
    // Kept before the root is committed, so no committed output is ever without its copy. A withholding cheater
    // keeps nothing, as if it had lost its output.
    if (submission.publish) this.config.outputs?.keep(id, submission.output);
    const resultURI = submission.publish
      ? await this.config.store.put(submission.output)
      : unpublishedUri(this.config.store, submission.output);
    const receipt = await (
      await this.config.system.JobEscrow.connect(this.config.signer).submitResult(
        id,
        committedTerms(stored),
        resultRoot,
        resultURI,
      )
    ).wait();
    this.recordOwn(receipt);
    const submitted = this.submittedIn(receipt);
    this.state.set(id, {
      phase: "submitted",
      terms,
      resultRoot: submitted.resultRoot,
      resultURI,
      challengeEndsAt: submitted.challengeEndsAt.toString(),
    });
    this.inputsCache.delete(id);
    this.metrics.resultsSubmitted.inc({ workload: job.name, submission: submission.kind });
    this.logger.info(`job ${id}: submitted result ${resultRoot} at ${resultURI}`);
  }

  /** An accepted job the chain says is no longer Assigned to us. */
  private completeClosed(id: bigint, terms: JobTerms, stored: StoredJob): void {
    const ours = sameAddress(stored.provider, this.address);
    if (ours && (stored.status === JobStatus.Submitted || stored.status === JobStatus.Disputed)) {
      // Submitted before the agent could record it: follow it to finalization.
      this.state.set(id, this.submittedRecord(terms, stored));
      return;
    }
    this.logger.warn(`job ${id}: it is ${jobStatusName(stored.status)}; nothing left to do`);
    this.drop(id);
  }

  /** Finalizes a submitted job once its challenge window has passed. */
  private async settle(id: bigint, tracked: Extract<TrackedJob, { phase: "submitted" }>, now: bigint): Promise<void> {
    if (now < BigInt(tracked.challengeEndsAt)) return;
    const stored = await this.readStoredJob(id);
    switch (stored.status) {
      case JobStatus.Submitted:
        if (now < stored.deadline) {
          // Back from a dispute that found no fault, with a new window.
          this.state.set(id, { ...tracked, challengeEndsAt: stored.deadline.toString() });
          return;
        }
        try {
          await (
            await this.config.system.JobEscrow.connect(this.config.signer).finalize(id, committedTerms(stored))
          ).wait();
        } catch (error) {
          // Someone else finalized it first; the next step sees it Finalized.
          if (this.revertName(error) === "JobNotInStatus") return;
          throw error;
        }
        this.metrics.jobsFinalized.inc();
        this.logger.info(`job ${id}: finalized`);
        return this.settled(id);
      case JobStatus.Disputed:
        if (BigInt(tracked.challengeEndsAt) !== stored.deadline) {
          this.logger.warn(`job ${id}: disputed; not finalizing before the dispute ends (${stored.deadline})`);
          this.state.set(id, { ...tracked, challengeEndsAt: stored.deadline.toString() });
        }
        return;
      case JobStatus.Finalized:
        this.logger.info(`job ${id}: finalized by someone else`);
        return this.settled(id);
      default:
        this.logger.warn(`job ${id}: it is ${jobStatusName(stored.status)}; nothing left to do`);
        return this.settled(id);
    }
  }

  // ---------------------------------------------------------------- helpers

  private submittedRecord(terms: JobTerms, stored: StoredJob, resultURI?: string): TrackedJob {
    return {
      phase: "submitted",
      terms,
      resultRoot: stored.resultRoot,
      resultURI,
      challengeEndsAt: stored.deadline.toString(),
    };
  }

  private decline(id: bigint, reason: DeclineReason, detail: string): void {
    this.logger.info(`job ${id}: not taken: ${detail}`);
    this.metrics.jobsDeclined.inc({ reason });
    this.drop(id);
  }

  /** One of this provider's jobs is over: its collateral is free again (or gone), so waiting jobs are checked. */
  private settled(id: bigint): void {
    this.stakeFreed = true;
    this.account.stakeMoved();
    this.drop(id);
  }

  /** A dispute proved job `id`'s result wrong: one line with what was taken and until when the provider is jailed. */
  private async slashed(id: bigint, disputeId: bigint, taken: bigint): Promise<void> {
    this.metrics.errors.inc({ stage: "slashed" });
    this.settled(id);
    let jail: string;
    try {
      // The one read a slash costs: the registry's jail end (a later slash may have extended an earlier jail).
      const { jailedUntil } = await this.account.read();
      jail =
        jailedUntil > this.now
          ? `jailed until ${formatUtc(jailedUntil)} (${relative(jailedUntil, this.now)}): no new jobs until then`
          : "not jailed any more";
    } catch (error) {
      jail = `jailed (reading until when failed: ${errorMessage(error)})`;
    }
    this.logger.error(
      `job ${id}: SLASHED: dispute ${disputeId} proved the result this provider committed to wrong; ` +
        `${formatWeft(taken)} taken from its stake (the job's collateral first), client refunded; ${jail}`,
    );
  }

  /** The ResultSubmitted event of a submitResult transaction's receipt. */
  private submittedIn(receipt: { readonly logs: readonly ChainLog[] } | null): SubmittedResult {
    const escrow = this.config.system.JobEscrow;
    const topic = escrow.interface.getEvent("ResultSubmitted").topicHash;
    const log = receipt?.logs.find((candidate) => candidate.topics[0] === topic);
    if (log === undefined) throw new Error("the submitResult transaction emitted no ResultSubmitted event");
    return submittedResultOf(escrow, log);
  }

  /** Lets the job's next read see what this provider's own transaction just did. */
  private recordOwn(receipt: { readonly logs: readonly ChainLog[] } | null): void {
    if (receipt !== null) this.index.recordOwn(receipt.logs);
  }

  private drop(id: bigint): void {
    this.inputsCache.delete(id);
    this.abandoned.delete(id);
    for (const stage of WORK_STAGES) this.retries.clear(`${stage}:${id}`);
    this.config.outputs?.forget(id);
    if (this.state.job(id) !== undefined) this.state.forget(id);
  }

  /**
   * Runs one job's step; a failure is logged and counted, and the job stays in the state file to be retried.
   * `untracked` is recorded as waiting when the job was not in the state file yet.
   */
  private async guarded(stage: string, id: bigint, step: () => Promise<void>, untracked?: JobTerms): Promise<void> {
    const key = `${stage}:${id}`;
    const work = WORK_STAGES.includes(stage);
    if (work && !this.retries.due(key)) return;
    try {
      await step();
      this.failures.delete(key);
      this.retries.clear(key);
    } catch (error) {
      this.metrics.errors.inc({ stage });
      if (untracked !== undefined && this.state.job(id) === undefined) {
        this.state.set(id, { phase: "waiting", terms: untracked, reason: `error: ${errorMessage(error)}` });
      }
      if (work) await this.workFailed(stage as WorkStage, id, errorMessage(error));
      else this.logFailure(key, `job ${id}: ${stage} failed (retrying next step): ${errorMessage(error)}`);
    }
  }

  /** A failed attempt at a job's work: it is tried again later, or given up after the limit. */
  private async workFailed(stage: WorkStage, id: bigint, message: string): Promise<void> {
    const outcome = this.retries.failed(`${stage}:${id}`);
    const { attempts } = this.retries.policy;
    if (outcome.kind === "retry") {
      const next = span(BigInt(Math.ceil(outcome.delayMs / 1000)));
      this.logger.error(
        `job ${id}: ${stage} failed (attempt ${outcome.attempt} of ${attempts}, next in ${next}): ${message}`,
      );
      return;
    }
    this.metrics.errors.inc({ stage: "gave-up" });
    if (stage === "consider" && this.state.job(id)?.phase === "waiting") {
      this.logger.error(`job ${id}: GAVE UP after ${attempts} failed attempts to take it (last: ${message})`);
      return this.decline(id, "failing", `given up after ${attempts} failed attempts; it will not be accepted`);
    }
    this.abandoned.add(id);
    this.logger.error(
      `job ${id}: GAVE UP after ${attempts} failed attempts to complete it (last: ${message}); ` +
        `${await this.livenessConsequence(id)}. Fix the backend and restart the agent before then to try again.`,
    );
  }

  /** What an accepted job left undone will cost: the liveness penalty on its collateral, and from when. */
  private async livenessConsequence(id: bigint): Promise<string> {
    try {
      const [stored, penaltyBps] = await Promise.all([
        this.readStoredJob(id),
        this.read("the liveness penalty", () => this.config.system.JobEscrow.livenessPenaltyBps()),
      ]);
      const penalty = (stored.collateral * penaltyBps) / BPS;
      return (
        `its ${formatWeft(stored.collateral)} of collateral stays locked, and once its submit deadline ` +
        `${formatUtc(stored.deadline)} (${relative(stored.deadline, this.now)}) passes the client can claim a ` +
        `timeout: the liveness penalty then takes ${formatWeft(penalty)} of it (${Number(penaltyBps) / 100}%)`
      );
    } catch (error) {
      return (
        `its collateral stays locked, and the liveness penalty takes part of it once the submit deadline passes ` +
        `(reading how much failed: ${errorMessage(error)})`
      );
    }
  }

  /** Logs a failure, unless the same one was logged less than a minute ago; then counts it for the next line. */
  private logFailure(key: string, line: string): void {
    const previous = this.failures.get(key);
    const now = Date.now();
    if (previous?.message === line && now - previous.loggedAt < REPEATED_FAILURE_LOG_MS) {
      previous.repeats++;
      return;
    }
    const repeated =
      previous?.message === line && previous.repeats > 0 ? ` (${previous.repeats} more times since)` : "";
    this.logger.error(`${line}${repeated}`);
    this.failures.set(key, { message: line, loggedAt: now, repeats: 0 });
  }

  private read<T>(what: string, call: () => Promise<T>): Promise<T> {
    return withRetry(what, call, {
      ...this.config.retry,
      onRetry: (error, attempt, delayMs) =>
        this.logger.warn(
          `reading ${what} failed (attempt ${attempt}), retrying in ${delayMs} ms: ${errorMessage(error)}`,
        ),
    });
  }

  private readStoredJob(id: bigint): Promise<StoredJob> {
    return this.read(`job ${id}`, () => readJob(this.config.system.JobEscrow, id, this.index));
  }

  /** The escrow custom error a transaction reverted with, if any. */
  private revertName(error: unknown): string | undefined {
    return revertName(this.config.system.JobEscrow, error);
  }
}

/**
 * The verifier: follows ResultSubmitted events from a checkpoint, over confirmed blocks only, checks each
 * submitted result once, and hands every finding to a dispute sink exactly once (state.ts, filing.ts).
 *
 * Failure handling: every RPC call and content fetch is retried with backoff (chain/retry.ts). An RPC call that
 * still fails aborts the tick before the checkpoint moves; the polling loop logs it and the next tick resumes from
 * the saved state. A content fetch that still fails is a verdict: output-unavailable for the output (withheld
 * data), inputs-unverifiable for the inputs.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";

import type { Provider } from "ethers";

import type { Logger } from "../agents/logger";
import type { LoopHealth } from "../agents/health";
import { runPollingLoop } from "../agents/loop";
import { type BlockRange, validateConfirmedRangeOptions } from "../chain/blocks";
import { EventIndex } from "../agents/event-index";
import { readCreatedJob, type SubmittedResult, submittedResultOf } from "../chain/jobs";
import { type RetryOptions, withRetry } from "../chain/retry";
import { errorMessage, UserError } from "../errors";
import { inputByteLength } from "../commitments/job-inputs";
import { type ContentStoreConfig, fetchOutcome } from "../store/factory";
import { readJobInputsOutcome } from "../jobs/input-content";
import { InvalidWorkloadError } from "../workloads/errors";
import { type DecodedJob, decodeJobParams } from "../workloads/registry";
import type { JobEscrow } from "../../typechain-types";
import { type CheckOptions, checkResult } from "../findings/checks/check-result";
import { fileFinding, filePendingFindings } from "./filing";
import type { VerifierMetrics } from "./metrics";
import type { DisputeReceipt, DisputeSink } from "../findings/sink";
import { VerifierState } from "./state";
import { describeFinding, type Fetched, type Finding, type Verdict, verdictLabel } from "../findings/verdict";

export interface VerifierOptions {
  /** The escrow to watch; a read-only connection is enough. */
  readonly escrow: JobEscrow;
  readonly provider: Provider;
  readonly stateDir: string;
  /** First block to read when the state directory holds no checkpoint yet. */
  readonly startBlock: number;
  /** Where JobCreated events are searched from (the deployment block). */
  readonly deploymentBlock: number;
  /** The deployment's event index; one in `stateDir` (of the escrow's events only) by default. */
  readonly index?: EventIndex;
  readonly confirmations: number;
  readonly maxBlockRange: number;
  readonly sink: DisputeSink;
  readonly metrics: VerifierMetrics;
  readonly logger: Logger;
  /** Gateway for ipfs:// URIs. */
  readonly ipfsGateway?: string;
  readonly check?: CheckOptions;
  /** Retries of RPC calls. */
  readonly rpcRetry?: RetryOptions;
  /** Retries of content fetches before the content counts as unavailable. */
  readonly fetchRetry?: RetryOptions;
  /** Carries the disputes filed on-chain to their end (proof reveals, bisection moves, follow-ups, timeouts). */
  readonly follower?: DisputeFollower;
}

/** What the verifier asks of whoever follows its on-chain disputes (disputes/follower.ts). */
export interface DisputeFollower {
  /** Moves the disputes of `filed` on; returns the jobs whose disputes need nothing more. */
  tick(filed: readonly { receipt: DisputeReceipt; finding?: Finding }[]): Promise<readonly string[]>;
}

/** Where a verifier keeps its event index unless given one. */
export function eventIndexIn(stateDir: string): string {
  return path.join(stateDir, "events.jsonl");
}

/** What one tick did. */
export interface TickSummary {
  /** Ranges fully processed (the checkpoint moved past each). */
  readonly ranges: BlockRange[];
  /** Jobs checked in this tick (jobs already checked before a restart are not counted again). */
  readonly checked: number;
  /** Findings filed in this tick, re-filed pending ones included. */
  readonly filed: number;
  /** The chain head this tick read. */
  readonly headBlock: number;
}

const DEFAULT_FETCH_RETRY: RetryOptions = { attempts: 4, initialDelayMs: 500 };

export class Verifier {
  private constructor(
    private readonly options: VerifierOptions,
    readonly state: VerifierState,
    private readonly index: EventIndex,
    /** The escrow's address, lower case, as indexed logs carry it. */
    private readonly escrowAddress: string,
  ) {}

  /** Opens (or creates) the state in `stateDir`, bound to this chain and escrow. */
  static async open(options: VerifierOptions): Promise<Verifier> {
    validateConfirmedRangeOptions(options);
    const { chainId } = await withRetry("eth_chainId", () => options.provider.getNetwork(), options.rpcRetry);
    const identity = { chainId: Number(chainId), escrow: await options.escrow.getAddress() };
    const state = VerifierState.load(options.stateDir, identity, options.startBlock);
    if (state.nextBlock > 0) options.metrics.lastProcessedBlock.set(state.nextBlock - 1);
    const index =
      options.index ??
      (await EventIndex.forDeployment({
        file: eventIndexIn(options.stateDir),
        provider: options.provider,
        escrow: identity.escrow,
        startBlock: state.nextBlock,
        deploymentBlock: options.deploymentBlock,
        maxBlockRange: options.maxBlockRange,
        retry: options.rpcRetry,
      }));
    return new Verifier(options, state, index, identity.escrow.toLowerCase());
  }

  /**
   * Files pending findings, then processes confirmed ranges from the checkpoint until caught up (or `signal`
   * aborts: it stops between jobs, the checked ones recorded, the checkpoint where it was).
   */
  async tick(signal?: AbortSignal): Promise<TickSummary> {
    const { escrow, provider, sink, logger, metrics } = this.options;
    const pending = await filePendingFindings(this.state, sink, logger);
    metrics.disputesFiled.inc(pending.length);
    const head = await this.rpc("eth_blockNumber", () => provider.getBlockNumber(), signal);
    const summary = { ranges: [] as BlockRange[], checked: 0, filed: pending.length, headBlock: head };
    // Retried range by range inside; a range that still fails aborts the tick with the checkpoint where it was.
    await this.index.sync(head - this.options.confirmations);
    const fromBlock = this.state.nextBlock;
    const toBlock = this.index.nextBlock - 1;
    if (toBlock < fromBlock) {
      await this.follow();
      return summary;
    }
    const submittedTopic = escrow.interface.getEvent("ResultSubmitted").topicHash;
    for (const log of this.index.logsSince(fromBlock)) {
      if (log.topics[0] !== submittedTopic || log.address !== this.escrowAddress) continue;
      if (signal?.aborted) return summary;
      const submitted = submittedResultOf(escrow, log);
      if (this.state.isChecked(submitted.id)) continue;
      summary.filed += await this.checkJob(submitted, signal);
      summary.checked++;
    }
    this.state.advance(toBlock);
    metrics.lastProcessedBlock.set(toBlock);
    summary.ranges.push({ fromBlock, toBlock });
    await this.follow();
    return summary;
  }

  /** Moves this verifier's disputes on, and stops following (and keeping) those that need nothing more. */
  private async follow(): Promise<void> {
    const { follower } = this.options;
    if (follower === undefined) return;
    for (const jobId of await follower.tick(this.onChainFilings())) this.state.finishFollowing(jobId);
  }

  /**
   * Findings that this verifier's sink filed on-chain (none when it does not file on-chain), whatever its receipt says: a dispute whose
   * transaction landed but whose answer was lost (or a kill before the receipt was written) is filed again as
   * "already disputed", and still needs following. The follower reads each dispute from the chain, so following a
   * job with no open dispute costs a few reads and does nothing.
   */
  private onChainFilings(): { receipt: DisputeReceipt; finding?: Finding }[] {
    const { sink } = this.options;
    if (!sink.filesOnChain) return [];
    return this.state.filedFindings().filter(({ receipt }) => receipt.sink === sink.name);
  }

  /** Ticks every `intervalMs` until `signal` aborts; a failed tick is logged and retried. */
  run(signal: AbortSignal, intervalMs: number, health?: LoopHealth): Promise<void> {
    const { logger } = this.options;
    logger.info(`watching from block ${this.state.nextBlock} (state ${this.state.file})`);
    const tick = async () => {
      try {
        return await this.tick(signal);
      } catch (error) {
        // A shutdown that interrupts a retry's backoff is not a failure worth a log line.
        if (!signal.aborted) throw error;
      }
    };
    return runPollingLoop(tick, { intervalMs, signal, logger, health });
  }

  /** Checks one job, records it, and files its finding; returns the number of findings filed (0 or 1). */
  private async checkJob(submitted: SubmittedResult, signal?: AbortSignal): Promise<number> {
    const { sink, logger, metrics } = this.options;
    const started = performance.now();
    const { workload, verdict } = await this.verdictFor(submitted, signal);
    const seconds = (performance.now() - started) / 1000;
    const ms = Math.round(seconds * 1000);
    const finding = verdict.verdict === "finding" ? verdict.finding : undefined;
    const label = verdictLabel(verdict);
    this.state.recordCheck(
      submitted.id,
      { verdict: verdict.verdict, label, block: submitted.blockNumber, checkedAt: new Date().toISOString(), ms },
      finding,
    );
    metrics.recordCheck(verdict.verdict, seconds, finding?.kind);
    const detail =
      verdict.verdict === "finding"
        ? `: ${describeFinding(verdict.finding)}`
        : verdict.verdict === "inputs-unverifiable"
          ? `: ${verdict.reason}`
          : "";
    logger.info(`job ${submitted.id} ${workload} ${label} ${ms} ms${detail}`);
    if (finding === undefined) return 0;
    const receipt = await fileFinding(this.state, sink, finding, logger);
    if (receipt === undefined) return 0;
    // Nothing follows a finding kept off-chain: it is done once filed.
    if (!sink.filesOnChain) this.state.finishFollowing(receipt.jobId);
    metrics.disputesFiled.inc();
    return 1;
  }

  private async verdictFor(
    submitted: SubmittedResult,
    signal?: AbortSignal,
  ): Promise<{ workload: string; verdict: Verdict }> {
    const created = await this.rpc(
      `JobCreated of job ${submitted.id}`,
      () => readCreatedJob(this.options.escrow, submitted.id, this.index),
      signal,
    );
    let job: DecodedJob;
    try {
      job = decodeJobParams(created.workloadId, created.params);
    } catch (error) {
      if (!(error instanceof InvalidWorkloadError)) throw error;
      // A job nobody can check (an unknown workload, invalid params) was the client's to get right.
      return {
        workload: created.workloadId,
        verdict: { verdict: "inputs-unverifiable", reason: `job params: ${error.message}` },
      };
    }
    const [inputs, output] = await Promise.all([
      this.fetchInputs(job, created.inputURI),
      this.fetch(submitted.resultURI),
    ]);
    const verdict = checkResult(
      { jobId: submitted.id, job, inputRoot: created.inputRoot, resultRoot: submitted.resultRoot, inputs, output },
      this.options.check,
    );
    return { workload: job.name, verdict };
  }

  private async fetch(uri: string): Promise<Fetched> {
    return fetchOutcome(uri, this.readableStore(uri), { ...DEFAULT_FETCH_RETRY, ...this.options.fetchRetry });
  }

  private async fetchInputs(job: DecodedJob, uri: string): Promise<Fetched> {
    if (inputByteLength(job) === 0) return { ok: true, bytes: new Uint8Array(0) };
    const retry = { ...DEFAULT_FETCH_RETRY, ...this.options.fetchRetry };
    return readJobInputsOutcome(job, uri, this.readableStore(uri), retry);
  }

  /** The store configuration to read `uri` with; throws if this verifier cannot read it at all. */
  private readableStore(uri: string): ContentStoreConfig {
    const { ipfsGateway } = this.options;
    if (uri.startsWith("ipfs://") && ipfsGateway === undefined) {
      // Not the provider's fault: this verifier cannot read ipfs:// at all. Stop here rather than dispute.
      throw new UserError(`${uri} needs an IPFS gateway: pass --ipfs-gateway or set WEFT_IPFS_GATEWAY.`);
    }
    return { ipfsGateway };
  }

  private rpc<T>(what: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const { logger } = this.options;
    return withRetry(what, call, {
      signal,
      onRetry: (error, attempt, delayMs) =>
        logger.warn(`${what} failed (attempt ${attempt}), retrying in ${delayMs} ms: ${errorMessage(error)}`),
      ...this.options.rpcRetry,
    });
  }
}

/**
 * Carries withheld-data disputes to their end. A dispute the verifier opened because a provider's output was
 * unusable has two ways to go: no reveal by the response deadline, and the follower calls resolveTimeout (the
 * provider is slashed); a reveal, and the follower checks the revealed chunk against the reference and, if a word is
 * wrong, proves it within the follow-up window. A revealed chunk that checks out is left alone: at the follow-up
 * deadline the bond goes to the provider, as the protocol says.
 *
 * The chain is the follower's state: it reads each dispute's status every tick, so a restart or another watcher
 * acting first never leads to a second transaction (a lost race reverts and is read as settled on the next tick).
 */
import type { Signer } from "ethers";

import type { Logger } from "../agents/logger";
import { chainTime } from "../chain/clock";
import { DisputeStatus } from "../chain/disputes";
import { committedTerms, readJobRecord, readTerms } from "../chain/jobs";
import type { WeftSystem } from "../deploy/system";
import { inputByteLength } from "../jobs/job-data";
import { type ContentStoreConfig, fetchContent } from "../store/factory";
import type { FindingBase } from "../verifier/verdict";
import { decodeJobParams } from "../workloads/registry";
import { encodeFraudProof } from "./proofs";
import { checkRevealedChunk } from "./revealed-chunk";

export interface WithheldDisputeFollowerOptions {
  readonly system: Pick<WeftSystem, "DisputeManager" | "JobEscrow">;
  /** Sends resolveTimeout and follow-up proofs. */
  readonly signer: Signer;
  /** Where JobCreated and ChunkRevealed events are searched from. */
  readonly deploymentBlock: number;
  readonly fetchConfig?: ContentStoreConfig;
  readonly logger: Logger;
}

export class WithheldDisputeFollower {
  /** Jobs whose dispute needs nothing more from this follower. */
  private readonly finished = new Set<bigint>();

  constructor(private readonly options: WithheldDisputeFollowerOptions) {}

  /** Advances the dispute of each job in `jobIds` that still needs something; a failure is logged and retried. */
  async tick(jobIds: readonly bigint[]): Promise<void> {
    for (const id of jobIds) {
      if (this.finished.has(id)) continue;
      try {
        await this.follow(id);
      } catch (error) {
        this.options.logger.warn(
          `following the dispute of job ${id} failed, retrying next tick: ${(error as Error).message}`,
        );
      }
    }
  }

  private async follow(id: bigint): Promise<void> {
    const { system, signer, logger } = this.options;
    const disputes = system.DisputeManager.connect(signer);
    const dispute = await disputes.dispute(id);
    const status = Number(dispute.status);
    const now = await chainTime(signer.provider!);
    if (status === DisputeStatus.AwaitingReveal) {
      if (now < dispute.deadline) return;
      const tx = await disputes.resolveTimeout(id, await readTerms(system.JobEscrow, id, this.options.deploymentBlock));
      await tx.wait();
      logger.info(`job ${id}: no reveal by the response deadline; resolved as a fault in tx ${tx.hash}`);
    } else if (status === DisputeStatus.Revealed && now < dispute.deadline) {
      await this.checkReveal(id);
    }
    this.finished.add(id);
  }

  private async checkReveal(id: bigint): Promise<void> {
    const { logger } = this.options;
    const outcome = await proveRevealedChunk(this.options, id);
    if (outcome.proven) {
      logger.info(
        `job ${id}: the revealed chunk ${outcome.chunkIndex} is wrong at word ${outcome.wordIndex}; proven in tx ${outcome.txHash}`,
      );
    } else {
      logger.info(`job ${id}: the revealed chunk ${outcome.chunkIndex} checks out; the bond goes to the provider`);
    }
  }
}

/** What checking a revealed chunk came to: a fraud proof sent, or a chunk that checks out. */
export type RevealOutcome =
  | { readonly proven: true; readonly chunkIndex: number; readonly wordIndex: number; readonly txHash: string }
  | { readonly proven: false; readonly chunkIndex: number };

/**
 * Checks the chunk revealed in job `id`'s withheld-data dispute against the reference and, if a word is wrong,
 * proves it with disputeWithProof (the follow-up: anyone may send it before the follow-up deadline).
 */
export async function proveRevealedChunk(
  options: Omit<WithheldDisputeFollowerOptions, "logger">,
  id: bigint,
): Promise<RevealOutcome> {
  const { system, signer, deploymentBlock, fetchConfig } = options;
  const disputes = system.DisputeManager.connect(signer);
  const reveals = await disputes.queryFilter(disputes.filters.ChunkRevealed(id), deploymentBlock);
  const reveal = reveals.at(-1);
  if (reveal === undefined) throw new Error(`job ${id} is Revealed but no ChunkRevealed event was found`);
  const { job: stored, created } = await readJobRecord(system.JobEscrow, id, deploymentBlock);
  const job = decodeJobParams(created.workloadId, created.params);
  const inputs = inputByteLength(job) > 0 ? await fetchContent(created.inputURI, fetchConfig) : new Uint8Array(0);
  const base: FindingBase = {
    jobId: id.toString(),
    workload: job.name,
    params: created.params,
    inputRoot: created.inputRoot,
    resultRoot: stored.resultRoot,
  };
  const chunkIndex = Number(reveal.args.chunkIndex);
  const finding = checkRevealedChunk(base, job, inputs, {
    chunkIndex,
    chunk: reveal.args.chunk,
    proof: [...reveal.args.proof],
  });
  if (finding === undefined) return { proven: false, chunkIndex };
  const tx = await disputes.disputeWithProof(id, committedTerms(stored), created.params, encodeFraudProof(finding));
  await tx.wait();
  const wordIndex = finding.kind === "wrong-element" ? finding.wordIndex : finding.pixelIndex;
  return { proven: true, chunkIndex, wordIndex, txHash: tx.hash };
}

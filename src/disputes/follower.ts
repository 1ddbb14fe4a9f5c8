/**
 * Carries the verifier's disputes to their end, and backs up other challengers' disputes on the same jobs:
 *  - proof path: reveals its committed proof in a later block than the commit: once the chain has moved past the
 *    commit's timestamp, or at once if the next block will (a call against the pending block says so; on a chain that
 *    mines only on demand, such as a local node, nothing else would ever produce that later block);
 *  - withheld data: plays the bisection, at each node naming the child whose hash differs from the tree of the
 *    output it recomputed, down to the chunk the provider must reveal;
 *  - a revealed chunk (in any dispute of the job) that is wrong is proven wrong within the follow-up window (the
 *    dispute's challenger is paid, whoever sends it);
 *  - a provider that misses its turn's deadline (in any dispute of the job) is resolved as at fault;
 *  - once the job is slashed (by any dispute), this challenger's other open disputes of it are resolved as Moot, so
 *    their bonds come back.
 * A bisection this verifier cannot win (both revealed children are correct: its finding was wrong, e.g. the output
 * was only unavailable for a while) is reported once and left to run out on its clock.
 *
 * The chain is the follower's state: it reads each dispute before every move, so a restart or another watcher acting
 * first never leads to a second transaction (a lost race reverts and is read as settled on the next tick).
 */
import { hexlify, type Signer } from "ethers";

import type { Logger } from "../agents/logger";
import type { HistorySource } from "../chain/logs";
import { errorMessage } from "../errors";
import { chainTime } from "../chain/clock";
import {
  bisectionSteps,
  disputeIdsOf,
  type DisputeRecord,
  DisputeStatus,
  isOpenDispute,
  isProviderTurn,
  readDispute,
  revealedChildrenAt,
  revealedChunk,
} from "../chain/disputes";
import { JobStatus, readJobRecord, readTerms } from "../chain/jobs";
import { childToDispute, proofFromSteps } from "../commitments/bisection";
import { ResultTree } from "../commitments/result-tree";
import type { WeftSystem } from "../deploy/system";
import { referenceOutput } from "../jobs/job-data";
import { readJobInputs } from "../jobs/input-content";
import type { ContentStoreConfig } from "../store/factory";
import type { DisputeReceipt } from "../findings/sink";
import { type Finding, type FindingBase, isProofFinding } from "../findings/verdict";
import { type DecodedJob, decodeJobParams } from "../workloads/registry";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import { encodeFraudProof } from "./proofs";
import { checkRevealedChunk } from "./revealed-chunk";
import { providerOf } from "../chain/provider";

export interface ChallengeFollowerOptions {
  readonly system: Pick<WeftSystem, "DisputeManager" | "JobEscrow">;
  /** The challenger: sends its moves, reveals, follow-up proofs and resolutions. */
  readonly signer: Signer;
  /** Where job and dispute events are read: the deployment's event index, or the deployment block to scan from. */
  readonly history: HistorySource;
  readonly fetchConfig?: ContentStoreConfig;
  readonly logger: Logger;
}

/** A finding this verifier filed on-chain, as its state keeps it. */
export interface FiledFinding {
  readonly receipt: DisputeReceipt;
  readonly finding?: Finding;
}

/** What the job's data gives the follower: its decoded params and inputs, and the correct output's tree. */
interface JobData {
  readonly base: FindingBase;
  readonly job: DecodedJob;
  readonly inputs: Uint8Array;
  readonly correct: ResultTree;
}

export class ChallengeFollower {
  /** The recomputed output of each followed job (recomputed once per process). */
  private readonly jobData = new Map<string, JobData>();
  /** Revealed chunks already found correct, by dispute id. */
  private readonly correctChunks = new Set<bigint>();
  /** This verifier's bisections that cannot be won (reported once), by dispute id. */
  private readonly lost = new Set<bigint>();

  constructor(private readonly options: ChallengeFollowerOptions) {}

  /**
   * Advances the disputes of each filed job that still needs something; a failure is logged and retried. Returns the
   * jobs whose disputes need nothing more, for the verifier to stop following (and forget) them.
   */
  async tick(filed: readonly FiledFinding[]): Promise<string[]> {
    const finished: string[] = [];
    for (const item of filed) {
      const { jobId } = item.receipt;
      try {
        if (await this.follow(item)) finished.push(jobId);
      } catch (error) {
        this.options.logger.warn(
          `following the disputes of job ${jobId} failed, retrying next tick: ${errorMessage(error)}`,
        );
      }
    }
    return finished;
  }

  /** Moves the job's disputes on; true when none is open any more and the job has left its dispute. */
  private async follow({ receipt, finding }: FiledFinding): Promise<boolean> {
    const { system, signer, history } = this.options;
    const jobId = BigInt(receipt.jobId);
    const me = (await signer.getAddress()).toLowerCase();
    const slashed = Number(await system.JobEscrow.jobStatus(jobId)) === JobStatus.Slashed;
    const ids = await disputeIdsOf(system.DisputeManager, jobId, history);
    let open = 0;
    for (const id of ids) {
      const dispute = await readDispute(system.DisputeManager, id);
      if (!isOpenDispute(dispute.status)) continue;
      const mine = dispute.challenger.toLowerCase() === me;
      if (slashed) {
        if (mine) await this.endMoot(dispute);
        continue;
      }
      open++;
      await this.move(dispute, mine, finding);
    }
    return open === 0 && Number(await system.JobEscrow.jobStatus(jobId)) !== JobStatus.Disputed;
  }

  /** Another dispute slashed the job first: this verifier's own dispute ends Moot and its bond comes back. */
  private async endMoot(dispute: DisputeRecord): Promise<void> {
    const { system, signer, logger, history } = this.options;
    const terms = await readTerms(system.JobEscrow, dispute.jobId, history);
    const tx = await system.DisputeManager.connect(signer).resolve(dispute.id, terms);
    await tx.wait();
    logger.info(
      `job ${dispute.jobId}: slashed through another dispute first; dispute ${dispute.id} ended, bond back, in tx ${tx.hash}`,
    );
  }

  private async move(dispute: DisputeRecord, mine: boolean, finding: Finding | undefined): Promise<void> {
    const { system, signer, logger, history } = this.options;
    const disputes = system.DisputeManager.connect(signer);
    const now = await chainTime(providerOf(signer));
    const { id, jobId, status } = dispute;
    const terms = () => readTerms(system.JobEscrow, jobId, history);
    if (now >= dispute.deadline) {
      if (!isProviderTurn(status)) return; // Its end favours the provider: the provider resolves it.
      const tx = await disputes.resolve(id, await terms());
      await tx.wait();
      logger.info(
        `job ${jobId}: the provider missed its deadline in dispute ${id}; resolved as a fault in tx ${tx.hash}`,
      );
      return;
    }
    if (status === DisputeStatus.AwaitingProof && mine) {
      if (finding === undefined || !isProofFinding(finding)) {
        throw new Error(`dispute ${id} waits for a proof, but this verifier kept no proof finding for job ${jobId}`);
      }
      const args = [id, await terms(), finding.params, encodeFraudProof(finding)] as const;
      // The reveal must land in a block later than the commit's: wait while the chain is still at the commit's
      // timestamp, unless the next block will be later (a node that mines on demand makes no block by itself).
      if (now <= dispute.deadline - dispute.challengerTime && !(await this.succeedsInPendingBlock(args))) return;
      const tx = await disputes.revealProof(...args);
      await tx.wait();
      logger.info(`job ${jobId}: proof revealed in dispute ${id}; the provider is slashed (tx ${tx.hash})`);
    } else if (status === DisputeStatus.AwaitingChoice && mine) {
      const { correct } = await this.dataOf(jobId);
      const children = await revealedChildrenAt(system.DisputeManager, id, dispute.node, history);
      const disputeRight = childToDispute(correct, dispute.node, children);
      if (disputeRight === undefined) {
        if (this.lost.has(id)) return;
        this.lost.add(id);
        logger.warn(
          `job ${jobId}: dispute ${id}: both children of node ${dispute.node} the provider revealed are correct; ` +
            `this dispute cannot be won and is left to end at its deadline (${new Date(Number(dispute.deadline) * 1000).toISOString()}), its bond to the provider`,
        );
        return;
      }
      const tx = await disputes.chooseChild(id, children.left, children.right, disputeRight);
      await tx.wait();
      logger.info(
        `job ${jobId}: dispute ${id}: disputed the ${disputeRight ? "right" : "left"} child of node ${dispute.node} in tx ${tx.hash}`,
      );
    } else if (status === DisputeStatus.ChunkRevealed && !this.correctChunks.has(id)) {
      await this.proveRevealedChunk(dispute);
    }
  }

  /** Whether revealProof(...args) would succeed in the block the node builds next. */
  private async succeedsInPendingBlock(
    args: readonly [bigint, IJobEscrow.JobStruct, string, string],
  ): Promise<boolean> {
    const disputes = this.options.system.DisputeManager.connect(this.options.signer);
    try {
      await disputes.revealProof.staticCall(...args, { blockTag: "pending" });
      return true;
    } catch {
      return false;
    }
  }

  /** Proves the chunk revealed in `dispute` wrong if it is; remembers it if it is correct. */
  private async proveRevealedChunk(dispute: DisputeRecord): Promise<void> {
    const { system, signer, logger, history } = this.options;
    const { id, jobId } = dispute;
    const { base, job, inputs, correct } = await this.dataOf(jobId);
    const { chunkIndex, chunk } = await revealedChunk(system.DisputeManager, id, history);
    if (chunk.toLowerCase() === hexlify(correct.chunk(chunkIndex)).toLowerCase()) {
      this.correctChunks.add(id);
      logger.info(`job ${jobId}: the chunk ${chunkIndex} revealed in dispute ${id} is correct`);
      return;
    }
    const steps = await bisectionSteps(system.DisputeManager, id, history);
    const proof = proofFromSteps(steps);
    const wrong = checkRevealedChunk(base, job, inputs, { chunkIndex, chunk, proof }, { correct, steps });
    if (wrong === undefined) throw new Error(`dispute ${id}: chunk ${chunkIndex} differs but no word of it is wrong`);
    const tx = await system.DisputeManager.connect(signer).proveChunkWrong(
      id,
      await readTerms(system.JobEscrow, jobId, history),
      base.params,
      encodeFraudProof(wrong),
    );
    await tx.wait();
    logger.info(`job ${jobId}: the chunk ${chunkIndex} revealed in dispute ${id} is wrong; proven in tx ${tx.hash}`);
  }

  private async dataOf(jobId: bigint): Promise<JobData> {
    const key = jobId.toString();
    const cached = this.jobData.get(key);
    if (cached !== undefined) return cached;
    const { system, history, fetchConfig } = this.options;
    const { job: stored, created } = await readJobRecord(system.JobEscrow, jobId, history);
    const job = decodeJobParams(created.workloadId, created.params);
    const inputs = await readJobInputs(job, created.inputURI, fetchConfig);
    const data: JobData = {
      base: {
        jobId: key,
        workload: job.name,
        params: created.params,
        inputRoot: created.inputRoot,
        resultRoot: stored.resultRoot,
      },
      job,
      inputs,
      correct: new ResultTree(await referenceOutput(job, inputs)),
    };
    this.jobData.set(key, data);
    return data;
  }
}

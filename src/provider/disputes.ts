/**
 * The provider's side of every dispute on its jobs, whoever opened it: in the withheld-data bisection, reveal the
 * children of each node it is asked about and, at the leaf, the chunk, all from the output it committed to (its own
 * copy first: outputs.ts); and once a dispute's deadline has passed on the challenger's side (no choice made, a
 * revealed chunk nobody proved wrong, a proof never revealed, a silent arbiter), resolve it so the bond is paid and
 * the job can settle. When the published copy of the output is missing or corrupted, the kept copy is published
 * again. A move it cannot make is one log line with the deadline and the command to make it by hand, once.
 *
 * The chain is the responder's state: every dispute's status is read before acting, and a move repeated after a
 * restart or raced by someone else reverts and is re-read on the next tick. The agent asks it about a job only when
 * the job has new events or one of its disputes reaches the deadline read last time ({@link DisputeResponder.isDue}).
 */
import type { Signer } from "ethers";

import type { Logger } from "../agents/logger";
import {
  disputeIdsOf,
  type DisputeRecord,
  DisputeStatus,
  disputeStatusName,
  isOpenDispute,
  readDispute,
} from "../chain/disputes";
import { JobStatus, readJob, readTerms } from "../chain/jobs";
import type { HistorySource } from "../chain/logs";
import { chunkIndexOfNode, leafCountOf, revealedChildren } from "../commitments/bisection";
import { ResultTree } from "../commitments/result-tree";
import type { WeftSystem } from "../deploy/system";
import { errorMessage } from "../errors";
import type { ContentStore } from "../store/content-store";
import { type ContentStoreConfig, fetchContent } from "../store/factory";
import type { OutputKeeper } from "./outputs";

export interface DisputeResponderOptions {
  readonly system: Pick<WeftSystem, "DisputeManager" | "JobEscrow">;
  readonly signer: Signer;
  readonly fetchConfig?: ContentStoreConfig;
  readonly logger: Logger;
  /** The provider's own copies of its outputs. */
  readonly outputs?: OutputKeeper;
  /** Where a lost or corrupted output is published again. */
  readonly store?: ContentStore;
  /** The network name, for the manual command in a log line. */
  readonly network?: string;
}

/** Where a committed output was found. */
interface CommittedOutput {
  readonly tree: ResultTree;
  readonly from: "kept copy" | "published copy";
}

export class DisputeResponder {
  /** Disputes whose unanswerable move was already reported. */
  private readonly reported = new Set<bigint>();
  /** Jobs whose published output was checked (and published again if needed) during a dispute. */
  private readonly republished = new Set<bigint>();
  /** The earliest deadline of each job's open disputes, as last read: the chain time it needs looking at again. */
  private readonly nextDeadline = new Map<bigint, bigint>();

  constructor(private readonly options: DisputeResponderOptions) {}

  /**
   * Does what the disputes of job `id` need from its provider at chain time `now`; `resultURI` is where it published,
   * `history` where the job's and disputes' events are read. Costs one read while the job is not Disputed.
   */
  async respond(id: bigint, resultURI: string | undefined, now: bigint, history: HistorySource): Promise<void> {
    const { system } = this.options;
    this.nextDeadline.delete(id);
    if (Number(await system.JobEscrow.jobStatus(id)) !== JobStatus.Disputed) return;
    try {
      for (const disputeId of await disputeIdsOf(system.DisputeManager, id, history)) {
        const dispute = await readDispute(system.DisputeManager, disputeId);
        if (!isOpenDispute(dispute.status)) continue;
        const earliest = this.nextDeadline.get(id);
        if (earliest === undefined || dispute.deadline < earliest) this.nextDeadline.set(id, dispute.deadline);
        await this.answer(dispute, resultURI, now, history);
      }
    } catch (error) {
      this.nextDeadline.set(id, 0n); // Due again at once: the next tick retries.
      throw error;
    }
  }

  /** Whether one of job `id`'s open disputes, as last read, has reached its deadline at chain time `now`. */
  isDue(id: bigint, now: bigint): boolean {
    const deadline = this.nextDeadline.get(id);
    return deadline !== undefined && now >= deadline;
  }

  private async answer(
    dispute: DisputeRecord,
    resultURI: string | undefined,
    now: bigint,
    history: HistorySource,
  ): Promise<void> {
    const { system, signer, logger } = this.options;
    const disputes = system.DisputeManager.connect(signer);
    const { id, jobId, status, node } = dispute;
    const providerTurn = status === DisputeStatus.AwaitingChildren || status === DisputeStatus.AwaitingChunk;
    if (!providerTurn) {
      if (now < dispute.deadline) return;
      const tx = await disputes.resolve(id, await readTerms(system.JobEscrow, jobId, history));
      await tx.wait();
      logger.info(
        `job ${jobId}: dispute ${id} ended at its deadline in ${disputeStatusName(status)}; resolved, bond collected, in tx ${tx.hash}`,
      );
      return;
    }
    if (now >= dispute.deadline) return; // Too late: the challenger resolves it as a fault.
    const output = await this.committedOutput(dispute, resultURI, history);
    if (output === undefined) return;
    const terms = await readTerms(system.JobEscrow, jobId, history);
    if (status === DisputeStatus.AwaitingChildren) {
      const { left, right } = revealedChildren(output.tree, node);
      const tx = await disputes.revealChildren(id, terms, left, right);
      await tx.wait();
      logger.info(
        `job ${jobId}: dispute ${id}: revealed the children of node ${node} (${output.from}) in tx ${tx.hash}`,
      );
    } else {
      const chunkIndex = chunkIndexOfNode(node, leafCountOf(dispute.totalWords));
      const tx = await disputes.revealChunk(id, terms, output.tree.chunk(chunkIndex));
      await tx.wait();
      logger.info(`job ${jobId}: dispute ${id}: revealed chunk ${chunkIndex} (${output.from}) in tx ${tx.hash}`);
    }
  }

  /** The output job `dispute.jobId` committed to: the kept copy, else the published one; undefined (reported once). */
  private async committedOutput(
    dispute: DisputeRecord,
    resultURI: string | undefined,
    history: HistorySource,
  ): Promise<CommittedOutput | undefined> {
    const { jobId } = dispute;
    const { resultRoot } = await readJob(this.options.system.JobEscrow, jobId, history);
    const kept = this.options.outputs?.read(jobId);
    if (kept !== undefined) {
      const tree = new ResultTree(kept);
      if (tree.root === resultRoot) {
        await this.republishIfLost(jobId, kept, resultRoot, resultURI);
        return { tree, from: "kept copy" };
      }
    }
    let problem: string;
    if (resultURI === undefined) {
      problem = "no copy is kept and the result URI was not recorded";
    } else {
      try {
        const bytes = await fetchContent(resultURI, this.options.fetchConfig);
        const tree = new ResultTree(bytes);
        if (tree.root === resultRoot) return { tree, from: "published copy" };
        problem = `${resultURI} has root ${tree.root}, not the committed ${resultRoot}`;
      } catch (error) {
        problem = `${resultURI} cannot be read (${errorMessage(error)})`;
      }
    }
    this.reportOnce(dispute, problem);
    return undefined;
  }

  /** Publishes the kept output again, once per job, when the published copy is gone or does not match its root. */
  private async republishIfLost(
    jobId: bigint,
    output: Uint8Array,
    resultRoot: string,
    resultURI: string | undefined,
  ): Promise<void> {
    const { store, fetchConfig, logger } = this.options;
    if (store === undefined || resultURI === undefined || this.republished.has(jobId)) return;
    this.republished.add(jobId);
    try {
      if (new ResultTree(await fetchContent(resultURI, fetchConfig)).root === resultRoot) return;
    } catch {
      // Unreadable: publish it again below.
    }
    const uri = await store.put(output);
    logger.warn(
      `job ${jobId}: the published output at ${resultURI} was lost or corrupted; published the kept copy at ${uri}`,
    );
  }

  private reportOnce(dispute: DisputeRecord, problem: string): void {
    if (this.reported.has(dispute.id)) return;
    this.reported.add(dispute.id);
    const network = this.options.network === undefined ? "" : ` --network ${this.options.network}`;
    this.options.logger.error(
      `job ${dispute.jobId}: cannot answer dispute ${dispute.id} (${disputeStatusName(dispute.status)}): ${problem}. ` +
        `Answer by ${new Date(Number(dispute.deadline) * 1000).toISOString()} (chain time) or be slashed: ` +
        `npx hardhat dispute:reveal --dispute ${dispute.id} --result-uri <where the output is>${network}`,
    );
  }
}

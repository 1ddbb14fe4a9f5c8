/**
 * The provider's side of a withheld-data dispute: reveal the named result chunk with its proof before the response
 * deadline (an honest provider always can: it published the output), and once a reveal's follow-up window has passed
 * without a fraud proof, close the dispute so the bond is paid and the job settles.
 */
import type { Signer } from "ethers";

import type { Logger } from "../agents/logger";
import { DisputeStatus } from "../chain/disputes";
import { readJob, readTerms } from "../chain/jobs";
import { RESULT_CHUNK_WORDS, ResultTree } from "../commitments/result-tree";
import type { WeftSystem } from "../deploy/system";
import { type ContentStoreConfig, fetchContent } from "../store/factory";

export interface DisputeResponderOptions {
  readonly system: Pick<WeftSystem, "DisputeManager" | "JobEscrow">;
  readonly signer: Signer;
  readonly fetchConfig?: ContentStoreConfig;
  readonly logger: Logger;
  /** Where job events start (the deployment block): the jobs' terms are read from there. */
  readonly deploymentBlock: number;
}

export class DisputeResponder {
  constructor(private readonly options: DisputeResponderOptions) {}

  /**
   * Does what the dispute of job `id` (if any) needs from its provider at chain time `now`; `resultURI` is where it
   * published.
   */
  async respond(id: bigint, resultURI: string | undefined, now: bigint): Promise<void> {
    const { system, signer, logger } = this.options;
    const disputes = system.DisputeManager.connect(signer);
    const dispute = await disputes.dispute(id);
    const status = Number(dispute.status);
    if (status === DisputeStatus.AwaitingReveal && now < dispute.deadline) {
      const chunkIndex = Math.floor(Number(dispute.wordIndex) / RESULT_CHUNK_WORDS);
      const tree = await this.committedOutput(id, resultURI);
      const tx = await disputes.reveal(
        id,
        await readTerms(system.JobEscrow, id, this.options.deploymentBlock),
        tree.chunk(chunkIndex),
        tree.chunkProof(chunkIndex),
      );
      await tx.wait();
      logger.info(`job ${id}: withheld-data dispute answered: revealed chunk ${chunkIndex} in tx ${tx.hash}`);
    } else if (status === DisputeStatus.Revealed && now >= dispute.deadline) {
      const tx = await disputes.resolveTimeout(id, await readTerms(system.JobEscrow, id, this.options.deploymentBlock));
      await tx.wait();
      logger.info(`job ${id}: no fraud proven after the reveal; dispute closed, bond collected, in tx ${tx.hash}`);
    }
  }

  /** The output this provider committed to, re-read from where it published it. */
  private async committedOutput(id: bigint, resultURI: string | undefined): Promise<ResultTree> {
    if (resultURI === undefined) {
      throw new Error(`cannot reveal: the result URI of job ${id} was not recorded before a restart`);
    }
    const tree = new ResultTree(await fetchContent(resultURI, this.options.fetchConfig));
    const { resultRoot } = await readJob(this.options.system.JobEscrow, id, this.options.deploymentBlock);
    if (tree.root !== resultRoot) {
      throw new Error(`cannot reveal: ${resultURI} has root ${tree.root}, not the committed ${resultRoot}`);
    }
    return tree;
  }
}

/**
 * Files the verifier's findings with the DisputeManager: a wrong element or pixel by the proof path (decided in
 * the same transaction), anything that makes the committed output unusable by the withheld-data path.
 *
 * Idempotent per job, as every sink must be (verifier/sinks.ts): the job's status is read first, and a job that is
 * no longer Submitted (disputed already, by this verifier before a crash or by anyone else; settled) or whose
 * challenge window has closed is reported as done without a transaction.
 */
import type { Signer } from "ethers";

import type { Logger } from "../agents/logger";
import type { WeftSystem } from "../deploy/system";
import { chainTime } from "../chain/clock";
import { JobStatus, jobStatusName, readJob, committedTerms } from "../chain/jobs";
import type { DisputeReceipt, DisputeSink } from "../verifier/sinks";
import type { Finding } from "../verifier/verdict";
import { encodeFraudProof, withheldElement } from "./proofs";

export interface OnChainDisputeSinkOptions {
  readonly system: Pick<WeftSystem, "DisputeManager" | "JobEscrow" | "ComputeToken">;
  /** The challenger: pays the bond and receives the challenger's share of a slash. */
  readonly signer: Signer;
  readonly logger: Logger;
  /** Where job events start (the deployment block): the jobs' terms are read from there. */
  readonly deploymentBlock: number;
}

export const ON_CHAIN_SINK = "dispute-manager";

export class OnChainDisputeSink implements DisputeSink {
  constructor(private readonly options: OnChainDisputeSinkOptions) {}

  async fileDispute(finding: Finding): Promise<DisputeReceipt> {
    const { system, signer, logger } = this.options;
    const disputes = system.DisputeManager.connect(signer);
    const id = BigInt(finding.jobId);
    const receipt = (reference: string): DisputeReceipt => ({
      jobId: finding.jobId,
      kind: finding.kind,
      sink: ON_CHAIN_SINK,
      reference,
      filedAt: new Date().toISOString(),
    });
    const job = await readJob(system.JobEscrow, id, this.options.deploymentBlock);
    if (job.status !== JobStatus.Submitted) return receipt(`not filed: the job is ${jobStatusName(job.status)}`);
    const now = await chainTime(signer.provider!);
    if (now >= job.deadline) return receipt(`not filed: its challenge window closed at ${job.deadline}`);

    await this.ensureBondAllowance();
    const tx =
      finding.kind === "wrong-element" || finding.kind === "wrong-pixel"
        ? await disputes.disputeWithProof(id, committedTerms(job), finding.params, encodeFraudProof(finding))
        : await (async () => {
            const { row, col } = withheldElement(finding);
            return disputes.disputeWithheld(id, committedTerms(job), finding.params, row, col);
          })();
    await tx.wait();
    logger.info(`job ${id}: ${finding.kind} disputed on-chain in tx ${tx.hash}`);
    return receipt(tx.hash);
  }

  /** The proof path takes the bond and returns it in the same transaction; the withheld path holds it. */
  private async ensureBondAllowance(): Promise<void> {
    const { system, signer } = this.options;
    const spender = await system.DisputeManager.getAddress();
    const bond = await system.DisputeManager.bond();
    const token = system.ComputeToken.connect(signer);
    if ((await token.allowance(await signer.getAddress(), spender)) >= bond) return;
    await (await token.approve(spender, bond)).wait();
  }
}

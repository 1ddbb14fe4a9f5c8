/**
 * Files the verifier's findings with the DisputeManager, opening this verifier's own dispute whatever others have
 * opened: a wrong element or pixel by the proof path's first step (a commitment to the proof bound to this
 * challenger; the follower reveals it a block later), anything that makes the committed output unusable by the
 * withheld-data bisection (the follower plays it).
 *
 * Idempotent per job, as every sink must be (findings/sink.ts): a job that is no longer Submitted or Disputed, or
 * whose challenge window has closed, is reported as done without a transaction, and so is a job on which this
 * challenger already opened a dispute (a filing that landed before a crash is found again, never sent twice).
 */
import type { Signer } from "ethers";

import type { Logger } from "../agents/logger";
import type { HistorySource } from "../chain/logs";
import type { WeftSystem } from "../deploy/system";
import { chainTime } from "../chain/clock";
import { disputeIdsOf } from "../chain/disputes";
import { JobStatus, jobStatusName, readJob, committedTerms } from "../chain/jobs";
import { formatUtc } from "../markdown";
import type { DisputeReceipt, DisputeSink } from "../findings/sink";
import { type Finding, isProofFinding } from "../findings/verdict";
import type { DisputeManager } from "../../typechain-types";
import { ensureBondAllowance } from "./bond";
import { encodeFraudProof, proofCommitment } from "./proofs";
import { providerOf } from "../chain/provider";

export interface OnChainDisputeSinkOptions {
  readonly system: Pick<WeftSystem, "DisputeManager" | "JobEscrow" | "ComputeToken">;
  /** The challenger: pays the bond and receives the challenger's share of a slash. */
  readonly signer: Signer;
  readonly logger: Logger;
  /** Where job and dispute events are read: the deployment's event index, or the deployment block to scan from. */
  readonly history: HistorySource;
}

/** The id of the dispute a mined transaction opened, from its DisputeOpened event. */
export function openedDisputeId(
  disputes: DisputeManager,
  receipt: { logs: readonly { topics: readonly string[]; data: string }[] },
): bigint {
  for (const log of receipt.logs) {
    try {
      const parsed = disputes.interface.parseLog(log);
      if (parsed?.name === "DisputeOpened") return parsed.args.disputeId as bigint;
    } catch {
      // Another contract's log.
    }
  }
  throw new Error("the transaction opened no dispute");
}

export class OnChainDisputeSink implements DisputeSink {
  readonly name = "dispute-manager";
  readonly filesOnChain = true;

  constructor(private readonly options: OnChainDisputeSinkOptions) {}

  async fileDispute(finding: Finding): Promise<DisputeReceipt> {
    const { system, signer, logger, history } = this.options;
    const disputes = system.DisputeManager.connect(signer);
    const id = BigInt(finding.jobId);
    const receipt = (reference: string, disputeId?: bigint): DisputeReceipt => ({
      jobId: finding.jobId,
      kind: finding.kind,
      sink: this.name,
      reference,
      ...(disputeId === undefined ? {} : { disputeId: disputeId.toString() }),
      filedAt: new Date().toISOString(),
    });
    const notFiled = (because: string): DisputeReceipt => ({ ...receipt(""), notFiledBecause: because });
    const job = await readJob(system.JobEscrow, id, history);
    if (job.status !== JobStatus.Submitted && job.status !== JobStatus.Disputed) {
      return notFiled(`the job is already ${jobStatusName(job.status)}`);
    }
    const now = await chainTime(providerOf(signer));
    if (now >= job.deadline) return notFiled(`its challenge window closed at ${formatUtc(job.deadline)}`);
    const challenger = await signer.getAddress();
    const earlier = await disputeIdsOf(system.DisputeManager, id, history, challenger);
    if (earlier.length > 0) return receipt(`already disputed by ${challenger}`, earlier.at(-1));

    await ensureBondAllowance(system, signer, await system.DisputeManager.bond());
    const terms = committedTerms(job);
    const tx = isProofFinding(finding)
      ? await disputes.commitProof(id, terms, proofCommitment(challenger, id, encodeFraudProof(finding)))
      : await disputes.disputeWithheld(id, terms, finding.params);
    const disputeId = openedDisputeId(system.DisputeManager, (await tx.wait())!);
    const path = isProofFinding(finding) ? "proof committed" : "bisection opened";
    logger.info(`job ${id}: ${finding.kind} disputed on-chain (dispute ${disputeId}, ${path}) in tx ${tx.hash}`);
    return receipt(tx.hash, disputeId);
  }
}

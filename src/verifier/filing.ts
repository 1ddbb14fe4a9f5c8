/**
 * Exactly-once hand-off of findings to a sink. A finding is recorded `pending` with its check before the sink
 * is called (state.ts) and marked `filed` after the sink returns, so a crash in between re-files it on restart
 * (sinks are idempotent per job) and a filed finding is never offered to a sink again.
 */
import type { Logger } from "../agents/logger";
import { errorMessage } from "../errors";
import type { DisputeReceipt, DisputeSink } from "../findings/sink";
import type { VerifierState } from "./state";
import type { Finding } from "../findings/verdict";

/**
 * Files `finding` unless it was filed already, and returns the receipt of a filing; a sink that found nothing left to
 * dispute marks it done without one. A sink failure is logged and leaves it pending.
 */
export async function fileFinding(
  state: VerifierState,
  sink: DisputeSink,
  finding: Finding,
  logger: Logger,
): Promise<DisputeReceipt | undefined> {
  if (state.findingRecord(finding.jobId)?.status === "filed") return undefined;
  let receipt: DisputeReceipt;
  try {
    receipt = await sink.fileDispute(finding);
  } catch (error) {
    logger.error(
      `filing the ${finding.kind} finding of job ${finding.jobId} failed; it stays pending and is retried on the next tick: ${errorMessage(error)}`,
    );
    return undefined;
  }
  state.markFiled(receipt);
  const { jobId, kind } = finding;
  if (receipt.notFiledBecause !== undefined) {
    logger.info(`job ${jobId}: ${kind} not filed to ${receipt.sink}: ${receipt.notFiledBecause}`);
    return undefined;
  }
  logger.info(`job ${jobId}: ${kind} filed to ${receipt.sink} (${receipt.reference})`);
  return receipt;
}

/** Files every pending finding (those a previous run recorded but did not finish filing). */
export async function filePendingFindings(
  state: VerifierState,
  sink: DisputeSink,
  logger: Logger,
): Promise<DisputeReceipt[]> {
  const receipts: DisputeReceipt[] = [];
  for (const finding of state.pendingFindings()) {
    const receipt = await fileFinding(state, sink, finding, logger);
    if (receipt !== undefined) receipts.push(receipt);
  }
  return receipts;
}

/** The sink that keeps each finding as an evidence file, for an operator (or a later on-chain filing) to use. */
import path from "node:path";

import { writeJsonAtomic } from "../state/json-file";
import type { DisputeReceipt, DisputeSink } from "../findings/sink";
import type { Finding } from "../findings/verdict";

/** The evidence file of job `jobId` under `directory`. */
export function evidenceFilePath(directory: string, jobId: string): string {
  return path.join(directory, `job-${jobId}.json`);
}

/**
 * Writes each finding, evidence and all, to <directory>/job-<id>.json, atomically. Idempotent: a job has one file,
 * rewritten whole. An operator, or the on-chain sink, reads disputes from there.
 */
export class EvidenceFileSink implements DisputeSink {
  readonly name = "evidence-file";
  readonly filesOnChain = false;

  constructor(readonly directory: string) {}

  /** The sink `verifier:run` uses: <stateDir>/findings. */
  static inStateDir(stateDir: string): EvidenceFileSink {
    return new EvidenceFileSink(path.join(stateDir, "findings"));
  }

  async fileDispute(finding: Finding): Promise<DisputeReceipt> {
    const file = evidenceFilePath(this.directory, finding.jobId);
    writeJsonAtomic(file, finding);
    return {
      jobId: finding.jobId,
      kind: finding.kind,
      sink: this.name,
      reference: file,
      filedAt: new Date().toISOString(),
    };
  }
}

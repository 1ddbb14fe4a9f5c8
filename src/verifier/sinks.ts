/**
 * Where findings go. Exactly-once filing (filing.ts) calls a sink again for a finding that was pending when the
 * verifier stopped, so every sink must be idempotent per job: filing the same job's finding twice has the effect
 * of filing it once. The on-chain sink must therefore read the job's status first and treat a job that is
 * already Disputed, Slashed or past its challenge window as done rather than send a second transaction.
 */
import path from "node:path";

import { writeJsonAtomic } from "../state/json-file";
import type { Finding, FindingKind } from "./verdict";

/** What a sink did with a finding (JSON, kept in the state file). */
export interface DisputeReceipt {
  readonly jobId: string;
  readonly kind: FindingKind;
  /** Which sink filed it, e.g. "evidence-file". */
  readonly sink: string;
  /** Where to find what was filed: a file path, a transaction hash. */
  readonly reference: string;
  /** The on-chain dispute this filing opened (or found already open), as a decimal string. */
  readonly disputeId?: string;
  readonly filedAt: string;
}

export interface DisputeSink {
  fileDispute(finding: Finding): Promise<DisputeReceipt>;
}

/** The evidence file of job `jobId` under `directory`. */
export function evidenceFilePath(directory: string, jobId: string): string {
  return path.join(directory, `job-${jobId}.json`);
}

/**
 * Writes each finding, evidence and all, to <directory>/job-<id>.json, atomically. Idempotent: a job has one file,
 * rewritten whole. An operator, or the on-chain sink, reads disputes from there.
 */
export class EvidenceFileSink implements DisputeSink {
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
      sink: "evidence-file",
      reference: file,
      filedAt: new Date().toISOString(),
    };
  }
}

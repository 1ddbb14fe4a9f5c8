/**
 * Where findings go. Exactly-once filing calls a sink again for a finding that was pending when the verifier
 * stopped, so every sink must be idempotent per job: filing the same job's finding twice has the effect of filing
 * it once. A sink that files on-chain must therefore read the job's status first and treat a job that is already
 * Disputed, Slashed or past its challenge window as done rather than send a second transaction.
 */
import type { Finding, FindingKind } from "./verdict";

/** What a sink did with a finding (JSON, kept in the state file). */
export interface DisputeReceipt {
  readonly jobId: string;
  readonly kind: FindingKind;
  /** Which sink filed it, e.g. "evidence-file". */
  readonly sink: string;
  /** Where to find what was filed: a file path, a transaction hash; empty when nothing was. */
  readonly reference: string;
  /**
   * Set when the sink sent nothing because nothing was left to dispute (the job settled, its window closed): why.
   * The finding is done all the same.
   */
  readonly notFiledBecause?: string;
  /** The on-chain dispute this filing opened (or found already open), as a decimal string. */
  readonly disputeId?: string;
  readonly filedAt: string;
}

export interface DisputeSink {
  /** The name its receipts carry in `sink`. */
  readonly name: string;
  /** Whether it opens disputes on-chain: the verifier then follows what it filed through the dispute game. */
  readonly filesOnChain: boolean;
  fileDispute(finding: Finding): Promise<DisputeReceipt>;
}

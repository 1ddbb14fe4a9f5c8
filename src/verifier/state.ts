/**
 * The verifier's memory across restarts, in <stateDir>/state.json, rewritten whole and atomically (write, fsync,
 * rename) after every change, so a kill -9 at any moment leaves the last saved state intact:
 *  - nextBlock: the checkpoint; every block before it has been fully processed;
 *  - checked: the jobs already checked in the range after the checkpoint, by job id, so re-reading that range
 *    after a crash neither re-checks nor double-counts them (the checkpoint's advance prunes them: a job has one
 *    ResultSubmitted event, so a job before the checkpoint is never read again);
 *  - findings: by job id, `pending` (recorded in the same write as the check, before the sink is called) or
 *    `filed` (after the sink returned). A pending finding is filed again after a restart, a filed one never.
 */
import path from "node:path";

import { isRecord, loadState, saveState } from "../agents/state-file";
import type { DisputeReceipt } from "../findings/sink";
import type { Finding, VerdictName } from "../findings/verdict";

export const STATE_FILE_NAME = "state.json";
const STATE_VERSION = 1;

/** Which deployment a state belongs to: a state is never reused against another chain or escrow. */
export interface VerifierIdentity {
  readonly chainId: number;
  /** The JobEscrow address. */
  readonly escrow: string;
}

export interface CheckedJob {
  readonly verdict: VerdictName;
  /** The verdict or the finding's kind. */
  readonly label: string;
  /** Block of the job's ResultSubmitted event. */
  readonly block: number;
  readonly checkedAt: string;
  readonly ms: number;
}

export type FindingRecord =
  | { readonly status: "pending"; readonly finding: Finding; readonly recordedAt: string }
  /** `finding` is kept while filed: following the dispute (revealing the proof, bisecting) needs its evidence. */
  | { readonly status: "filed"; readonly receipt: DisputeReceipt; readonly finding?: Finding };

export interface VerifierStateData {
  readonly version: number;
  readonly identity: VerifierIdentity;
  nextBlock: number;
  checked: Record<string, CheckedJob>;
  findings: Record<string, FindingRecord>;
  /** Jobs checked since the state was created, by verdict label. */
  totals: Record<string, number>;
}

export class VerifierState {
  private constructor(
    readonly file: string,
    private readonly data: VerifierStateData,
  ) {}

  /** Loads <stateDir>/state.json, or starts a fresh state at `startBlock` if there is none. */
  static load(stateDir: string, identity: VerifierIdentity, startBlock: number): VerifierState {
    const file = path.join(stateDir, STATE_FILE_NAME);
    const escrow = identity.escrow.toLowerCase();
    const data = loadState<VerifierStateData>({
      file,
      version: STATE_VERSION,
      remedy: "use another --state-dir (or remove this one after a redeploy).",
      fresh: () => ({
        version: STATE_VERSION,
        identity: { chainId: identity.chainId, escrow },
        nextBlock: startBlock,
        checked: {},
        findings: {},
        totals: {},
      }),
      isShaped: (saved) =>
        isRecord(saved.identity) &&
        typeof saved.identity.chainId === "number" &&
        typeof saved.identity.escrow === "string" &&
        Number.isSafeInteger(saved.nextBlock) &&
        isRecord(saved.checked) &&
        isRecord(saved.findings) &&
        isRecord(saved.totals),
      foreignOwner: (saved) =>
        saved.identity.chainId === identity.chainId && saved.identity.escrow === escrow
          ? undefined
          : `belongs to escrow ${saved.identity.escrow} on chain ${saved.identity.chainId}, ` +
            `not ${identity.escrow} on chain ${identity.chainId}`,
    });
    return new VerifierState(file, data);
  }

  get nextBlock(): number {
    return this.data.nextBlock;
  }

  isChecked(jobId: bigint): boolean {
    return this.data.checked[jobId.toString()] !== undefined;
  }

  checkedJob(jobId: bigint): CheckedJob | undefined {
    return this.data.checked[jobId.toString()];
  }

  /** Jobs checked since the state was created, by verdict label. */
  get totals(): Readonly<Record<string, number>> {
    return this.data.totals;
  }

  findingRecord(jobId: string): FindingRecord | undefined {
    return this.data.findings[jobId];
  }

  /** Findings recorded but not yet filed, oldest first. */
  pendingFindings(): Finding[] {
    return Object.values(this.data.findings).flatMap((record) => (record.status === "pending" ? [record.finding] : []));
  }

  /** The findings filed so far with their receipts, oldest first. */
  filedFindings(): { receipt: DisputeReceipt; finding?: Finding }[] {
    return Object.values(this.data.findings).flatMap((record) =>
      record.status === "filed" ? [{ receipt: record.receipt, finding: record.finding }] : [],
    );
  }

  /** Records a check and, in the same write, its finding as pending. */
  recordCheck(jobId: bigint, checked: CheckedJob, finding?: Finding): void {
    const id = jobId.toString();
    this.data.checked[id] = checked;
    this.data.totals[checked.label] = (this.data.totals[checked.label] ?? 0) + 1;
    if (finding !== undefined && this.data.findings[id] === undefined) {
      this.data.findings[id] = { status: "pending", finding, recordedAt: checked.checkedAt };
    }
    this.save();
  }

  markFiled(receipt: DisputeReceipt): void {
    const record = this.data.findings[receipt.jobId];
    const finding = record?.status === "pending" ? record.finding : record?.finding;
    this.data.findings[receipt.jobId] = { status: "filed", receipt, finding };
    this.save();
  }

  /** Moves the checkpoint past `toBlock` and forgets the jobs checked up to it. */
  advance(toBlock: number): void {
    this.data.nextBlock = toBlock + 1;
    for (const [id, job] of Object.entries(this.data.checked)) {
      if (job.block <= toBlock) delete this.data.checked[id];
    }
    this.save();
  }

  private save(): void {
    saveState(this.file, this.data);
  }
}

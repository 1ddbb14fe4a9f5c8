/**
 * The verifier's memory across restarts, in <stateDir>/state.json, a journal (agents/state-file.ts): every change is
 * appended and flushed before the method returns, so a kill -9 at any moment loses no recorded change:
 *  - nextBlock: the checkpoint; every block before it has been fully processed;
 *  - checked: the jobs already checked in the range after the checkpoint, by job id, so re-reading that range
 *    after a crash neither re-checks nor double-counts them (the checkpoint's advance prunes them: a job has one
 *    ResultSubmitted event, so a job before the checkpoint is never read again);
 *  - findings: by job id, `pending` (recorded in the same write as the check, before the sink is called) or
 *    `filed` (after the sink returned). A pending finding is filed again after a restart, a filed one never;
 *  - followingFinished: filed findings whose disputes need nothing more (the dispute follower says so). Such a
 *    finding is dropped, with its mark, once the checkpoint has passed its job: nothing can ask for it again, so
 *    neither the checked jobs nor the findings grow with the history.
 * The file keeps its name from when it was one JSON document, so existing state directories carry on (converted).
 */
import path from "node:path";

import { readStateFile, type StateFileFormat, StateJournal } from "../agents/state-file";
import type { DisputeReceipt } from "../findings/sink";
import type { Finding, VerdictName } from "../findings/verdict";
import { hasFieldsOf, isRecord, type Patch } from "../state/patch";

export const STATE_FILE_NAME = "state.json";
/** 1: one JSON document rewritten whole on every change (converted when read); 2: a journal. */
const STATE_VERSION = 2;

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
  /** Filed findings whose disputes need no more following, by job id. */
  followingFinished: Record<string, true>;
}

/** What the journal keeps: the owner is in its header. */
type StateBody = Omit<VerifierStateData, "version" | "identity">;

const IDENTITY_FIELDS: VerifierIdentity = { chainId: 0, escrow: "" };

/** The layout of the state in `stateDir`, starting at `startBlock` when there is none yet. */
function stateFormat(stateDir: string, startBlock: number): StateFileFormat<StateBody, VerifierIdentity> {
  return {
    file: path.join(stateDir, STATE_FILE_NAME),
    version: STATE_VERSION,
    remedy: "use another --state-dir (or remove this one after a redeploy).",
    fresh: () => ({ nextBlock: startBlock, checked: {}, findings: {}, totals: {}, followingFinished: {} }),
    isIdentity: (saved): saved is VerifierIdentity => hasFieldsOf(IDENTITY_FIELDS, saved),
    legacy: {
      version: 1,
      isShaped: (saved) =>
        isRecord(saved.identity) &&
        typeof saved.identity.chainId === "number" &&
        typeof saved.identity.escrow === "string" &&
        Number.isSafeInteger(saved.nextBlock) &&
        isRecord(saved.checked) &&
        isRecord(saved.findings) &&
        isRecord(saved.totals),
      convert: (saved) => ({
        identity: saved.identity as unknown as VerifierIdentity,
        body: {
          nextBlock: saved.nextBlock as number,
          checked: saved.checked as StateBody["checked"],
          findings: saved.findings as StateBody["findings"],
          totals: saved.totals as StateBody["totals"],
          followingFinished: {},
        },
      }),
    },
  };
}

/** A map patch that deletes `ids`. */
const deleting = (ids: readonly string[]): Record<string, null> => Object.fromEntries(ids.map((id) => [id, null]));

export class VerifierState {
  private constructor(private readonly journal: StateJournal<StateBody>) {}

  /** Loads <stateDir>/state.json, or starts a fresh state at `startBlock` if there is none. */
  static load(stateDir: string, identity: VerifierIdentity, startBlock: number): VerifierState {
    const escrow = identity.escrow.toLowerCase();
    const journal = StateJournal.open({
      ...stateFormat(stateDir, startBlock),
      identity: { chainId: identity.chainId, escrow },
      foreignOwner: (saved) =>
        saved.chainId === identity.chainId && saved.escrow === escrow
          ? undefined
          : `belongs to escrow ${saved.escrow} on chain ${saved.chainId}, ` +
            `not ${identity.escrow} on chain ${identity.chainId}`,
    });
    return new VerifierState(journal);
  }

  /** What <stateDir>/state.json holds, whoever it belongs to, without changing it; undefined when there is none. */
  static peek(stateDir: string): VerifierStateData | undefined {
    const saved = readStateFile(stateFormat(stateDir, 0));
    return saved && { version: STATE_VERSION, identity: saved.identity, ...saved.body };
  }

  get file(): string {
    return this.journal.file;
  }

  private get data(): StateBody {
    return this.journal.state;
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

  /** The findings filed so far with their receipts whose disputes still need following, oldest first. */
  filedFindings(): { receipt: DisputeReceipt; finding?: Finding }[] {
    return Object.entries(this.data.findings).flatMap(([id, record]) =>
      record.status === "filed" && this.data.followingFinished[id] === undefined
        ? [{ receipt: record.receipt, finding: record.finding }]
        : [],
    );
  }

  /** Records a check and, in the same write, its finding as pending. */
  recordCheck(jobId: bigint, checked: CheckedJob, finding?: Finding): void {
    const id = jobId.toString();
    const patch: Patch<StateBody> = {
      checked: { [id]: checked },
      totals: { [checked.label]: (this.data.totals[checked.label] ?? 0) + 1 },
    };
    if (finding !== undefined && this.data.findings[id] === undefined) {
      patch.findings = { [id]: { status: "pending", finding, recordedAt: checked.checkedAt } };
    }
    this.journal.change(patch);
  }

  markFiled(receipt: DisputeReceipt): void {
    const record = this.data.findings[receipt.jobId];
    const finding = record?.status === "pending" ? record.finding : record?.finding;
    this.journal.change({ findings: { [receipt.jobId]: { status: "filed", receipt, finding } } });
  }

  /**
   * Records that the disputes of job `jobId` need no more following: filedFindings() leaves it out from now on, across
   * restarts. Only a filed finding is followed; for any other job this does nothing.
   */
  finishFollowing(jobId: string): void {
    if (this.data.findings[jobId]?.status !== "filed" || this.isFollowingFinished(jobId)) return;
    // Past the checkpoint (its check pruned) no re-read can ask for the finding again: drop it now.
    if (this.data.checked[jobId] === undefined) this.journal.change({ findings: deleting([jobId]) });
    else this.journal.change({ followingFinished: { [jobId]: true } });
  }

  /**
   * Whether this verifier has nothing (more) to follow for job `jobId`: its following was finished, or it holds no
   * finding of the job (none was found, or it was dropped after its following finished). A pending finding is not
   * finished: it is still to be filed, then followed.
   */
  isFollowingFinished(jobId: string): boolean {
    return this.data.findings[jobId] === undefined || this.data.followingFinished[jobId] !== undefined;
  }

  /**
   * Moves the checkpoint past `toBlock`, forgets the jobs checked up to it, and drops their findings whose following
   * is finished.
   */
  advance(toBlock: number): void {
    const passed = Object.entries(this.data.checked)
      .filter(([, job]) => job.block <= toBlock)
      .map(([id]) => id);
    const done = passed.filter((id) => this.data.followingFinished[id] !== undefined);
    const patch: Patch<StateBody> = { nextBlock: toBlock + 1 };
    if (passed.length > 0) patch.checked = deleting(passed);
    if (done.length > 0) {
      patch.findings = deleting(done);
      patch.followingFinished = deleting(done);
    }
    this.journal.change(patch);
  }
}

/**
 * The provider agent's state file: the next block to read JobCreated logs from, and every job the agent is
 * working on with its phase. Each step is recorded in the file (a journal: agents/state-file.ts) before the next one
 * starts, so a restarted agent neither accepts a job twice nor forgets one it accepted. Jobs leave the state when
 * they are done (finalized, lost, declined, closed).
 *
 *   waiting    seen and wanted, but not acceptable yet (collateral short, inputs unreachable, ...): retried each tick
 *   assigned   accepted on-chain; the result is still to be computed and submitted
 *   submitted  result submitted; to be finalized once the challenge window has passed
 */
import { readStateFile, type StateFileFormat, StateJournal } from "../agents/state-file";
import type { CreatedJob } from "../chain/jobs";
import { hasFieldsOf, isRecord, type Patch } from "../state/patch";

/** What the agent keeps of a job's JobCreated event (bigints as decimal strings). */
export interface JobTerms {
  readonly workloadId: string;
  readonly params: string;
  readonly inputRoot: string;
  readonly inputURI: string;
  readonly paymentToken: string;
  readonly payment: string;
  readonly submitDeadline: string;
}

export type TrackedJob =
  | { readonly phase: "waiting"; readonly terms: JobTerms; readonly reason: string }
  | { readonly phase: "assigned"; readonly terms: JobTerms }
  | {
      readonly phase: "submitted";
      readonly terms: JobTerms;
      readonly resultRoot: string;
      /** Absent when the agent found its submission on-chain after a restart, before it could record the URI. */
      readonly resultURI?: string;
      /** When the challenge window closes, unix seconds. */
      readonly challengeEndsAt: string;
    };

export type JobPhase = TrackedJob["phase"];

/** Whose state this is: a file is only ever used by one provider on one deployment. */
export interface StateIdentity {
  readonly provider: string;
  readonly escrow: string;
  readonly chainId: number;
}

/** What the state file holds besides its owner. */
export interface ProviderStateData {
  nextBlock: number;
  jobs: Record<string, TrackedJob>;
}

/** 1: one JSON document rewritten whole on every step (converted when read); 2: a journal. */
const STATE_VERSION = 2;
const IDENTITY_FIELDS: StateIdentity = { provider: "", escrow: "", chainId: 0 };

/** The layout of a provider's state file, starting at `startBlock` when there is none yet. */
function stateFormat(file: string, startBlock: number): StateFileFormat<ProviderStateData, StateIdentity> {
  return {
    file,
    version: STATE_VERSION,
    remedy: "pass another --state.",
    fresh: () => ({ nextBlock: startBlock, jobs: {} }),
    isIdentity: (saved): saved is StateIdentity => hasFieldsOf(IDENTITY_FIELDS, saved),
    legacy: {
      version: 1,
      isShaped: (saved) =>
        typeof saved.provider === "string" &&
        typeof saved.escrow === "string" &&
        typeof saved.chainId === "number" &&
        Number.isSafeInteger(saved.nextBlock) &&
        isRecord(saved.jobs),
      convert: (saved) => ({
        identity: { provider: saved.provider, escrow: saved.escrow, chainId: saved.chainId } as StateIdentity,
        body: { nextBlock: saved.nextBlock, jobs: saved.jobs } as ProviderStateData,
      }),
    },
  };
}

export function termsOf(created: CreatedJob): JobTerms {
  return {
    workloadId: created.workloadId,
    params: created.params,
    inputRoot: created.inputRoot,
    inputURI: created.inputURI,
    paymentToken: created.paymentToken,
    payment: created.payment.toString(),
    submitDeadline: created.submitDeadline.toString(),
  };
}

export class ProviderState {
  /** A checkpoint set but not yet recorded: the next save (or change of a job) records it. */
  private unsavedNextBlock: number | undefined;

  private constructor(private readonly journal: StateJournal<ProviderStateData>) {}

  /** Reads `file`, or starts afresh at `startBlock` if it does not exist; refuses another provider's file. */
  static load(file: string, identity: StateIdentity, startBlock: number): ProviderState {
    const journal = StateJournal.open({
      ...stateFormat(file, startBlock),
      identity,
      foreignOwner: (saved) =>
        saved.provider.toLowerCase() === identity.provider.toLowerCase() &&
        saved.escrow.toLowerCase() === identity.escrow.toLowerCase() &&
        saved.chainId === identity.chainId
          ? undefined
          : `is the state of provider ${saved.provider} on escrow ${saved.escrow} (chain ${saved.chainId}), ` +
            `not of ${identity.provider} on ${identity.escrow} (chain ${identity.chainId})`,
    });
    return new ProviderState(journal);
  }

  /** What `file` holds, whoever it belongs to, without changing it; undefined when there is no file. */
  static peek(file: string): (ProviderStateData & { readonly identity: StateIdentity }) | undefined {
    const saved = readStateFile(stateFormat(file, 0));
    return saved && { identity: saved.identity, ...saved.body };
  }

  get file(): string {
    return this.journal.file;
  }

  get nextBlock(): number {
    return this.unsavedNextBlock ?? this.journal.state.nextBlock;
  }

  set nextBlock(block: number) {
    this.unsavedNextBlock = block === this.journal.state.nextBlock ? undefined : block;
  }

  job(id: bigint): TrackedJob | undefined {
    return this.journal.state.jobs[id.toString()];
  }

  /** Jobs in `phase`, oldest id first. */
  jobsIn<Phase extends JobPhase>(phase: Phase): [bigint, Extract<TrackedJob, { phase: Phase }>][] {
    return Object.entries(this.journal.state.jobs)
      .filter((entry): entry is [string, Extract<TrackedJob, { phase: Phase }>] => entry[1].phase === phase)
      .map(([id, job]): [bigint, Extract<TrackedJob, { phase: Phase }>] => [BigInt(id), job])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Records `job` and saves. */
  set(id: bigint, job: TrackedJob): void {
    this.record({ [id.toString()]: job });
  }

  /** Forgets job `id` and saves. */
  forget(id: bigint): void {
    this.record({ [id.toString()]: null });
  }

  /** Records the checkpoint, if it moved since it was last recorded. */
  save(): void {
    this.record({});
  }

  /** Records the changed jobs, with the checkpoint if it moved, as one change. */
  private record(jobs: Record<string, TrackedJob | null>): void {
    const patch: Patch<ProviderStateData> = {};
    if (Object.keys(jobs).length > 0) patch.jobs = jobs;
    if (this.unsavedNextBlock !== undefined) patch.nextBlock = this.unsavedNextBlock;
    if (Object.keys(patch).length === 0) return;
    this.journal.change(patch);
    this.unsavedNextBlock = undefined;
  }
}

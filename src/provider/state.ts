/**
 * The provider agent's state file: the next block to read JobCreated logs from, and every job the agent is
 * working on with its phase. Saved atomically after each step, so a restarted agent neither accepts a job twice
 * nor forgets one it accepted. Jobs leave the file when they are done (finalized, lost, declined, closed).
 *
 *   waiting    seen and wanted, but not acceptable yet (collateral short, inputs unreachable, ...): retried each tick
 *   assigned   accepted on-chain; the result is still to be computed and submitted
 *   submitted  result submitted; to be finalized once the challenge window has passed
 */
import { isRecord, loadState, saveState } from "../agents/state-file";
import type { CreatedJob } from "../chain/jobs";

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

const STATE_VERSION = 1;

interface StateFile extends StateIdentity {
  readonly version: number;
  nextBlock: number;
  jobs: Record<string, TrackedJob>;
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
  private constructor(
    readonly file: string,
    private readonly data: StateFile,
  ) {}

  /** Reads `file`, or starts afresh at `startBlock` if it does not exist; refuses another provider's file. */
  static load(file: string, identity: StateIdentity, startBlock: number): ProviderState {
    const data = loadState<StateFile>({
      file,
      version: STATE_VERSION,
      remedy: "pass another --state.",
      fresh: () => ({ version: STATE_VERSION, ...identity, nextBlock: startBlock, jobs: {} }),
      isShaped: (saved) =>
        typeof saved.provider === "string" &&
        typeof saved.escrow === "string" &&
        typeof saved.chainId === "number" &&
        Number.isSafeInteger(saved.nextBlock) &&
        isRecord(saved.jobs),
      foreignOwner: (saved) =>
        saved.provider.toLowerCase() === identity.provider.toLowerCase() &&
        saved.escrow.toLowerCase() === identity.escrow.toLowerCase() &&
        saved.chainId === identity.chainId
          ? undefined
          : `is the state of provider ${saved.provider} on escrow ${saved.escrow} (chain ${saved.chainId}), ` +
            `not of ${identity.provider} on ${identity.escrow} (chain ${identity.chainId})`,
    });
    return new ProviderState(file, data);
  }

  get nextBlock(): number {
    return this.data.nextBlock;
  }

  set nextBlock(block: number) {
    this.data.nextBlock = block;
  }

  job(id: bigint): TrackedJob | undefined {
    return this.data.jobs[id.toString()];
  }

  /** Jobs in `phase`, oldest id first. */
  jobsIn<Phase extends JobPhase>(phase: Phase): [bigint, Extract<TrackedJob, { phase: Phase }>][] {
    return Object.entries(this.data.jobs)
      .filter((entry): entry is [string, Extract<TrackedJob, { phase: Phase }>] => entry[1].phase === phase)
      .map(([id, job]): [bigint, Extract<TrackedJob, { phase: Phase }>] => [BigInt(id), job])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Records `job` and saves. */
  set(id: bigint, job: TrackedJob): void {
    this.data.jobs[id.toString()] = job;
    this.save();
  }

  /** Forgets job `id` and saves. */
  forget(id: bigint): void {
    delete this.data.jobs[id.toString()];
    this.save();
  }

  save(): void {
    saveState(this.file, this.data);
  }
}

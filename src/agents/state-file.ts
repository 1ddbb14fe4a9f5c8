/**
 * The state file of a long-lived agent: one JSON document with a version and the identity of the deployment (and
 * account) it belongs to, rewritten whole and atomically (write, fsync, rename) on every save, so a kill -9 at any
 * moment leaves the last saved state intact. A file of another version, shape or identity is refused with what to
 * do, never silently reused or overwritten.
 */
import { UserError } from "../errors";
import { readJsonFile, writeJsonAtomic } from "../state/json-file";

export interface VersionedState {
  readonly version: number;
}

export interface StateFileSpec<State extends VersionedState> {
  readonly file: string;
  /** The version this agent reads and writes. */
  readonly version: number;
  /** Appended to every refusal: what the operator does instead, e.g. "pass another --state." */
  readonly remedy: string;
  /** The state a missing file starts as. */
  fresh(): State;
  /** Whether a file of this version holds every field the agent reads. */
  isShaped(saved: Record<string, unknown>): boolean;
  /** Why the file belongs to another deployment or account, or undefined when it is this agent's own. */
  foreignOwner(saved: State): string | undefined;
}

/** A JSON object (not an array, not null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads the state at `spec.file`, or `spec.fresh()` when there is no file yet. */
export function loadState<State extends VersionedState>(spec: StateFileSpec<State>): State {
  const saved = readJsonFile<unknown>(spec.file);
  if (saved === undefined) return spec.fresh();
  if (!isRecord(saved) || typeof saved.version !== "number") {
    throw new UserError(`${spec.file} is not a state file of this agent (it has no version); ${spec.remedy}`);
  }
  if (saved.version !== spec.version) {
    throw new UserError(
      `${spec.file} has state version ${saved.version}, this agent reads ${spec.version}; ${spec.remedy}`,
    );
  }
  if (!spec.isShaped(saved)) {
    throw new UserError(`${spec.file} is not a state file of this agent (fields are missing); ${spec.remedy}`);
  }
  const state = saved as unknown as State;
  const owner = spec.foreignOwner(state);
  if (owner !== undefined) throw new UserError(`${spec.file} ${owner}; ${spec.remedy}`);
  return state;
}

/** Saves `state` to `file` atomically. */
export function saveState(file: string, state: VersionedState): void {
  writeJsonAtomic(file, state);
}

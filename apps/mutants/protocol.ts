/** The messages between the mutation runner and its workers (Node IPC, one request in flight per worker). */
import type { Mutant } from "./operators";

/** How a mutant ended. Only killed and survived count in the score. */
export type MutantStatus = "killed" | "survived" | "timeout" | "no-compile" | "identical";

export interface RunRequest {
  readonly kind: "run";
  /** Absent: run the tests on the unmutated contracts (the baseline every mutant is compared with). */
  readonly mutant?: Mutant;
  readonly tests: readonly string[];
  /** Mocha's per-test timeout for this run. */
  readonly testTimeoutMs: number;
  /**
   * The test that killed this mutant last time (`killedBy` of the recorded result): it runs alone first, and the
   * rest only if it passes, so a rerun after a change of the tests costs one test per mutant still killed.
   */
  readonly killedBefore?: string;
}

export interface RunResult {
  readonly kind: "result";
  readonly status: Exclude<MutantStatus, "timeout">;
  /** The first failing test's full title and the first line of its error. */
  readonly killedBy?: string;
  readonly passed: number;
  /** How many deployments of the tests ran the mutant's code instead of the original. */
  readonly mutatedDeployments: number;
  readonly compileMs: number;
  readonly testMs: number;
  /** The compiler's error, for a mutant that does not compile. */
  readonly compileError?: string;
}

export interface WorkerFailure {
  readonly kind: "failure";
  readonly message: string;
}

export type WorkerReply = RunResult | WorkerFailure;

/**
 * A recorded `killedBy` is `<full title>: <first line of the error>`, and both may hold ": ". The matcher accepts a
 * test whose full title is any prefix of it ending before a ": ", which in practice is the one test that failed.
 */
export function titleMatcher(killedBy: string): RegExp {
  const prefixes: string[] = [];
  for (let at = killedBy.indexOf(": "); at !== -1; at = killedBy.indexOf(": ", at + 1)) {
    prefixes.push(killedBy.slice(0, at).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  }
  return new RegExp(`^(?:${prefixes.join("|")})$`);
}

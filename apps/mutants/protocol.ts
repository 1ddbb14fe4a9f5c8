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

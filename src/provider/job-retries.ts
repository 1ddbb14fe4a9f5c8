/**
 * The give-up policy for a job whose work keeps failing (deciding and accepting it, or computing, publishing and
 * submitting its result): each failure puts the job's next attempt off exponentially, from `initialDelayMs` doubling
 * up to `maxDelayMs`, and after `attempts` failures in a row the agent stops working on it. A success clears the
 * count. Counts live in memory: a restarted agent (after its backend is fixed, which the self-test checks) tries an
 * accepted job again from the first attempt.
 *
 * The delays are deterministic (no jitter): one agent retrying its own jobs does not stampede an endpoint, and an
 * operator reads the next attempt's time in the log. No back-off library is a dependency; the formula is the one
 * the RPC retries use (chain/retry.ts).
 */
import { backoffDelayMs } from "../chain/retry";

export interface JobRetryPolicy {
  /** Failed attempts in a row after which the agent gives the job up. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * 8 attempts over about 10 minutes (waits of 10 s, 20 s, 40 s, 80 s, 160 s, then 5 min): an endpoint or content
 * store that is down for minutes is ridden out, a kernel that fails every time is given up before it costs more.
 */
export const DEFAULT_JOB_RETRY: JobRetryPolicy = { attempts: 8, initialDelayMs: 10_000, maxDelayMs: 300_000 };

export type FailureOutcome =
  | { readonly kind: "retry"; readonly attempt: number; readonly delayMs: number }
  | { readonly kind: "give-up"; readonly attempts: number };

export class JobRetries {
  private readonly failures = new Map<string, { count: number; nextAttemptAt: number }>();

  constructor(
    readonly policy: JobRetryPolicy = DEFAULT_JOB_RETRY,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(Number.isSafeInteger(policy.attempts) && policy.attempts >= 1)) {
      throw new RangeError(`attempts must be a whole number of at least 1, got ${policy.attempts}`);
    }
  }

  /** Whether `key`'s next attempt is due (a key that never failed always is). */
  due(key: string): boolean {
    const failure = this.failures.get(key);
    return failure === undefined || this.clock() >= failure.nextAttemptAt;
  }

  /** Records a failure of `key`: when to try again, or that it has failed `attempts` times in a row. */
  failed(key: string): FailureOutcome {
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    const { attempts, initialDelayMs, maxDelayMs } = this.policy;
    if (count >= attempts) {
      this.failures.delete(key);
      return { kind: "give-up", attempts: count };
    }
    const delayMs = backoffDelayMs(count, initialDelayMs, maxDelayMs);
    this.failures.set(key, { count, nextAttemptAt: this.clock() + delayMs });
    return { kind: "retry", attempt: count, delayMs };
  }

  /** Forgets `key`'s failures (it succeeded, or its job is over). */
  clear(key: string): void {
    this.failures.delete(key);
  }
}

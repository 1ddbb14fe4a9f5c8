/**
 * Retries for calls to an RPC endpoint: a long-lived agent must outlast a node that errors, stalls or restarts.
 * Errors that a retry cannot fix (a revert, a bad argument, missing funds) are thrown at once.
 *
 * Our own loop rather than a library's, as none behaves as the agents need: p-retry (7, the last for Node 20) calls
 * its failure hook before it knows whether it will retry and never says how long it will wait (the agents log
 * "retrying in N ms"), and gives up at once on a TypeError it does not take for a network error;
 * exponential-backoff and async-retry cannot abort the wait between attempts, so an agent asked to stop would sit
 * out a back-off of up to 15 s first. None bounds an attempt that never settles (a stalled endpoint).
 */
import { isError } from "ethers";

export interface RetryOptions {
  /** Attempts in all, the first included; Infinity retries until `signal` aborts. */
  readonly attempts?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A call that has not settled after this long counts as failed (a stalled endpoint). */
  readonly timeoutMs?: number;
  /** Aborting stops the wait between attempts and throws the abort reason (an agent shutting down). */
  readonly signal?: AbortSignal;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, "signal" | "onRetry">> = {
  attempts: 6,
  initialDelayMs: 250,
  maxDelayMs: 15_000,
  timeoutMs: 30_000,
};

export class CallTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not answer within ${timeoutMs} ms`);
    this.name = "CallTimeoutError";
  }
}

/** Errors that say the request itself is wrong: the same request would fail again. */
export function isPermanentError(error: unknown): boolean {
  return (
    isError(error, "CALL_EXCEPTION") ||
    isError(error, "INVALID_ARGUMENT") ||
    isError(error, "INSUFFICIENT_FUNDS") ||
    isError(error, "ACTION_REJECTED") ||
    isError(error, "UNSUPPORTED_OPERATION") ||
    isError(error, "NOT_IMPLEMENTED")
  );
}

/** Resolves after `ms`, or rejects with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function withTimeout<T>(what: string, call: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeoutError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

/** The wait after failed attempt `attempt` (1 first): `initialDelayMs` doubled per attempt, at most `maxDelayMs`. */
export function backoffDelayMs(attempt: number, initialDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
}

/** Runs `call` until it succeeds, backing off exponentially (with jitter) between attempts. */
export async function withRetry<T>(what: string, call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts, initialDelayMs, maxDelayMs, timeoutMs } = { ...DEFAULT_RETRY, ...options };
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(what, call(), timeoutMs);
    } catch (error) {
      if (isPermanentError(error) || attempt >= attempts || options.signal?.aborted) throw error;
      const backoff = backoffDelayMs(attempt, initialDelayMs, maxDelayMs);
      const delayMs = Math.round(backoff / 2 + (Math.random() * backoff) / 2);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}

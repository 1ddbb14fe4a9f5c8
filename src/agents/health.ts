/**
 * Whether an agent's polling loop is alive, for a supervisor (a Kubernetes probe, systemd, a load balancer): healthy
 * while a tick succeeded less than `maxAgeMs` ago (or, before the first, the agent started less than that ago).
 * A loop stuck on an endpoint or failing every tick turns unhealthy; one that is merely idle does not.
 */

/** What GET /healthz answers, as JSON. */
export interface HealthReport {
  /** "ok" (HTTP 200) or "stale" (503). */
  readonly status: "ok" | "stale";
  /** When the last tick ended, successful or not (ISO 8601 UTC); null before the first. */
  readonly lastTickAt: string | null;
  /** When the last successful tick ended; null before the first. */
  readonly lastSuccessAt: string | null;
  /** The chain head the last successful tick read; null if none did. */
  readonly headBlock: number | null;
  /** Why the last tick failed, if it did. */
  readonly lastError: string | null;
  /** The age of the last success past which the loop is stale. */
  readonly maxAgeSeconds: number;
}

/** What a tick may tell the health: the head block it read. */
export interface TickReport {
  readonly headBlock?: number;
}

/** At least this long, and at least this many poll intervals, before a loop reads as stale. */
const MIN_MAX_AGE_MS = 120_000;
const MAX_AGE_POLL_INTERVALS = 10;

/**
 * The default staleness threshold for a loop polling every `pollIntervalMs`: ten polls, and at least 2 min, so that a
 * slow endpoint's retries are not taken for a dead loop.
 */
export function defaultHealthMaxAgeMs(pollIntervalMs: number): number {
  return Math.max(MIN_MAX_AGE_MS, MAX_AGE_POLL_INTERVALS * pollIntervalMs);
}

export class LoopHealth {
  private readonly startedAt: number;
  private lastTickAt: number | undefined;
  private lastSuccessAt: number | undefined;
  private headBlock: number | undefined;
  private lastError: string | undefined;

  constructor(
    readonly maxAgeMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(maxAgeMs > 0)) throw new RangeError(`maxAgeMs must be positive, got ${maxAgeMs}`);
    this.startedAt = clock();
  }

  succeeded(report?: TickReport | void): void {
    this.lastTickAt = this.lastSuccessAt = this.clock();
    if (report?.headBlock !== undefined) this.headBlock = report.headBlock;
    this.lastError = undefined;
  }

  failed(message: string): void {
    this.lastTickAt = this.clock();
    this.lastError = message;
  }

  report(): HealthReport {
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    const age = this.clock() - (this.lastSuccessAt ?? this.startedAt);
    return {
      status: age <= this.maxAgeMs ? "ok" : "stale",
      lastTickAt: iso(this.lastTickAt),
      lastSuccessAt: iso(this.lastSuccessAt),
      headBlock: this.headBlock ?? null,
      lastError: this.lastError ?? null,
      maxAgeSeconds: this.maxAgeMs / 1000,
    };
  }
}

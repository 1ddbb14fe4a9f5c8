/**
 * JSON-RPC calls as an endpoint sees them, counted by method and by what became of them, so that a test can hold a
 * client in another process to a budget ("at most N calls per job", "O(1) calls per idle tick"). Every entry of a
 * batch is a call of its own, as providers bill them. (call-counter.ts counts the calls of a client in this process.)
 */

/** Why the endpoint answered a call itself instead of the node's answer. */
export type Refusal =
  /** HTTP 429: over the rate limit (the client may retry after Retry-After). */
  | "rate-limited"
  /** An HTTP 5xx page from the gateway. */
  | "server-error"
  /** eth_getLogs over more blocks than the cap. */
  | "too-many-blocks"
  /** eth_getLogs that matched more logs than the cap (the node did run it; the client got the error). */
  | "too-many-logs"
  /** A node-control method (hardhat_*, evm_*, anvil_*) that a public endpoint does not serve. */
  | "unsupported-method";

export const REFUSALS: readonly Refusal[] = [
  "rate-limited",
  "server-error",
  "too-many-blocks",
  "too-many-logs",
  "unsupported-method",
];

export type MethodCounts = Readonly<Record<string, number>>;

export interface EndpointCallCounts {
  /** Calls answered by the node, by method. */
  readonly forwarded: MethodCounts;
  /** Calls refused, by reason, then by method. */
  readonly refused: Readonly<Record<Refusal, MethodCounts>>;
}

function emptyRefusals(): Record<Refusal, Record<string, number>> {
  return Object.fromEntries(REFUSALS.map((reason) => [reason, {}])) as Record<Refusal, Record<string, number>>;
}

const copyOf = (counts: MethodCounts): MethodCounts => ({ ...counts });

const sum = (counts: MethodCounts, method?: string): number =>
  method === undefined ? Object.values(counts).reduce((a, b) => a + b, 0) : (counts[method] ?? 0);

/** Calls that reached the node, of `method` or of all methods. */
export function forwardedCalls(counts: EndpointCallCounts, method?: string): number {
  return sum(counts.forwarded, method);
}

/** Calls refused (for `reason`, or any), of `method` or of all methods. */
export function refusedCalls(counts: EndpointCallCounts, method?: string, reason?: Refusal): number {
  const reasons = reason === undefined ? REFUSALS : [reason];
  return reasons.reduce((total, r) => total + sum(counts.refused[r], method), 0);
}

/** Every call the client made, forwarded or refused: what a budget of calls counts. */
export function totalCalls(counts: EndpointCallCounts, method?: string): number {
  return forwardedCalls(counts, method) + refusedCalls(counts, method);
}

export class EndpointCallCounter {
  private forwarded: Record<string, number> = {};
  private refused = emptyRefusals();

  record(method: string, outcome: "forwarded" | Refusal): void {
    const counts = outcome === "forwarded" ? this.forwarded : this.refused[outcome];
    counts[method] = (counts[method] ?? 0) + 1;
  }

  /** The counts so far; later calls do not change the copy. */
  snapshot(): EndpointCallCounts {
    return {
      forwarded: copyOf(this.forwarded),
      refused: Object.fromEntries(REFUSALS.map((r) => [r, copyOf(this.refused[r])])) as EndpointCallCounts["refused"],
    };
  }

  /** The counts so far, and starts again from zero: what a test takes between two steps it budgets. */
  reset(): EndpointCallCounts {
    const counts = this.snapshot();
    this.forwarded = {};
    this.refused = emptyRefusals();
    return counts;
  }
}

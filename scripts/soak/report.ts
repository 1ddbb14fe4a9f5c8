/**
 * The soak's findings as a table: for each phase and each agent, the calls it made through its endpoint, split into
 * reads and the calls that send and confirm its transactions, per unit of work (an idle tick, a job), the methods it
 * called most and what the endpoint refused.
 */
import Table from "cli-table3";

import { TRANSACTION_METHODS } from "../../test/helpers/call-counter";
import {
  type EndpointCallCounts,
  REFUSALS,
  forwardedCalls,
  refusedCalls,
  totalCalls,
} from "../../test/helpers/endpoint-calls";

export interface Measurement {
  readonly phase: string;
  readonly agent: string;
  readonly counts: EndpointCallCounts;
  /** What the costs are divided by, e.g. "idle tick" or "job". */
  readonly unit: string;
  readonly units: number;
  /** Reads to take away before dividing: the agent's idle cost over the phase, when the unit is a job. */
  readonly baselineReads?: number;
}

/** Every call of `counts` by method, forwarded or refused. */
function byMethod(counts: EndpointCallCounts): Map<string, number> {
  const methods = new Set([
    ...Object.keys(counts.forwarded),
    ...REFUSALS.flatMap((r) => Object.keys(counts.refused[r])),
  ]);
  return new Map([...methods].map((method) => [method, totalCalls(counts, method)]));
}

function transactionCalls(counts: EndpointCallCounts): number {
  return [...byMethod(counts)].filter(([method]) => TRANSACTION_METHODS.has(method)).reduce((a, [, n]) => a + n, 0);
}

/** Reads per unit: the cost a budget ("at most N reads per job", "O(1) reads per idle tick") is held to. */
export function readsPerUnit(measurement: Measurement): number {
  const reads = totalCalls(measurement.counts) - transactionCalls(measurement.counts);
  return (reads - (measurement.baselineReads ?? 0)) / measurement.units;
}

/** One decimal; a cost that rounds to nothing shows as 0.0, not -0.0, when the idle baseline slightly exceeds it. */
const round = (value: number) => (Number.isFinite(value) ? (Math.abs(value) < 0.05 ? 0 : value).toFixed(1) : "-");

function mostCalled(counts: EndpointCallCounts, top = 3): string {
  const ranked = [...byMethod(counts)].sort(([, a], [, b]) => b - a).slice(0, top);
  return ranked.map(([method, n]) => `${method} ${n}`).join(", ");
}

function refusals(counts: EndpointCallCounts): string {
  const parts = REFUSALS.map((reason) => [reason, refusedCalls(counts, undefined, reason)] as const);
  return (
    parts
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(", ") || "none"
  );
}

export function formatReport(measurements: readonly Measurement[]): string {
  const head = ["phase", "agent", "calls (answered)", "reads per unit", "tx calls per unit", "most called", "refused"];
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const m of measurements) {
    table.push([
      m.phase,
      m.agent,
      `${totalCalls(m.counts)} (${forwardedCalls(m.counts)})`,
      `${round(readsPerUnit(m))} per ${m.unit}`,
      round(transactionCalls(m.counts) / m.units),
      mostCalled(m.counts),
      refusals(m.counts),
    ]);
  }
  return table.toString();
}

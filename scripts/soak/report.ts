/**
 * The soak's findings as a table: for each phase and each agent, the calls it made through its endpoint, the calls
 * per unit of work (an idle tick, a job), and what the endpoint refused.
 */
import Table from "cli-table3";

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
  /** What `perUnit` divides by, e.g. "idle tick" or "job". */
  readonly unit: string;
  readonly units: number;
  /** Calls to take away before dividing: the agent's idle cost over the phase, when the unit is a job. */
  readonly baseline?: number;
}

const round = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "-");

/** The calls per unit: the cost a budget ("at most N per job", "O(1) per idle tick") is held to. */
export function perUnit(measurement: Measurement): number {
  return (totalCalls(measurement.counts) - (measurement.baseline ?? 0)) / measurement.units;
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
  const table = new Table({ head: ["phase", "agent", "calls", "eth_getLogs", "per unit", "refused"] });
  for (const m of measurements) {
    table.push([
      m.phase,
      m.agent,
      `${totalCalls(m.counts)} (${forwardedCalls(m.counts)} answered)`,
      String(totalCalls(m.counts, "eth_getLogs")),
      `${round(perUnit(m))} per ${m.unit}`,
      refusals(m.counts),
    ]);
  }
  return table.toString();
}

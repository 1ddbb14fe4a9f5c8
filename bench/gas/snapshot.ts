/**
 * The gas snapshot (in the manner of Uniswap v4's .forge-snapshots): one committed JSON of operation -> gas, the
 * steady-state gas of every user-facing operation (the ops table of gas.json), the job lifecycle, the proof path at
 * k = 256 and 4,096, and the whole withheld-data path on a 1,024 x 1,024 output. `npm run gas:snapshot` rewrites it on
 * purpose; `npm run gas:check` measures again and fails when any operation costs more than TOLERANCE_PERCENT above its
 * snapshot. It measures what `npm run bench` measures, with the same code, but only the protocol's own gas: not the
 * floors, the OpenZeppelin baselines, the settlement delay or the scale and verifier benches, which change for other
 * reasons and take longer.
 */
import { measureFraudProofs } from "./fraud-proof";
import { LIFECYCLE_OPS } from "./lifecycle";
import { measureOps } from "./ops";
import { WITHHELD_PATH_SHAPE, measureWithheldPath } from "./withheld-path";

/** Where the snapshot lives, from the repository root. */
export const SNAPSHOT_FILE = "bench/gas-snapshot.json";

/**
 * How much more gas than its snapshot an operation may use before gas:check fails, in percent. Gas is deterministic
 * here except for calldata: deadlines and permit signatures change from run to run, and each zero byte among them
 * costs 12 gas less than a nonzero one, a few dozen gas at most, far below 1% of the cheapest operation (40,000).
 * Any real change in the contracts (one more SSTORE, a cold read, an event) exceeds it.
 */
export const TOLERANCE_PERCENT = 1;

/** The proof path is measured at these k (the ops table has it at k = 256 on other jobs). */
export const SNAPSHOT_PROOF_K = [256, 4096] as const;

export type GasSnapshot = Record<string, number>;

/** Measures every operation of the snapshot, in a fixed order. */
export async function measureSnapshot(progress: (line: string) => void): Promise<GasSnapshot> {
  const ops = await measureOps(progress);
  const snapshot: GasSnapshot = {};
  for (const [name, { gas }] of Object.entries(ops)) snapshot[name] = gas;
  snapshot[`lifecycle (${LIFECYCLE_OPS.join(" + ")})`] = LIFECYCLE_OPS.reduce((sum, op) => sum + ops[op].gas, 0);
  for (const point of await measureFraudProofs(SNAPSHOT_PROOF_K, progress)) {
    snapshot[`proof path k=${point.k}: commitProof`] = point.commitGas;
    snapshot[`proof path k=${point.k}: revealProof`] = point.revealGas;
  }
  const withheld = await measureWithheldPath(progress);
  const { m, k, n } = WITHHELD_PATH_SHAPE;
  snapshot[`withheld path ${m}x${n} k=${k}: all ${withheld.steps.length} transactions`] = withheld.total;
  return snapshot;
}

/** `within tolerance` either way: a change of at most TOLERANCE_PERCENT, up or down, is calldata noise or too small to
 * matter; beyond it an operation is a `regression` (fails the check) or an `improvement` (passes, and the snapshot
 * should record it). */
export type Verdict = "regression" | "within tolerance" | "improvement" | "unchanged" | "new" | "gone";

export interface Comparison {
  readonly operation: string;
  readonly before: number | undefined;
  readonly after: number | undefined;
  readonly verdict: Verdict;
}

/** Percent change from `before` to `after`. */
export const deltaPercent = (before: number, after: number): number => ((after - before) / before) * 100;

/** Every operation of either snapshot, in the current measurement's order, then those gone from it. */
export function compare(before: GasSnapshot, after: GasSnapshot, tolerancePercent: number): Comparison[] {
  const names = [...Object.keys(after), ...Object.keys(before).filter((name) => !(name in after))];
  return names.map((operation) => {
    const [old, now] = [before[operation], after[operation]];
    let verdict: Verdict;
    if (old === undefined) verdict = "new";
    else if (now === undefined) verdict = "gone";
    else if (now === old) verdict = "unchanged";
    else if (Math.abs(deltaPercent(old, now)) <= tolerancePercent) verdict = "within tolerance";
    else verdict = now > old ? "regression" : "improvement";
    return { operation, before: old, after: now, verdict };
  });
}

/** A check fails on a regression, and on an operation the snapshot lacks or no longer measured: either way the
 * snapshot no longer describes the contracts and must be regenerated on purpose. */
export const failsCheck = (c: Comparison): boolean =>
  c.verdict === "regression" || c.verdict === "new" || c.verdict === "gone";

/** A plain-text table of the operations whose gas changed (all of them if `all`), old / new / delta / delta %. */
export function renderComparison(rows: readonly Comparison[], all = false): string {
  const shown = rows.filter((row) => all || row.verdict !== "unchanged");
  const gas = (value: number | undefined) => (value === undefined ? "-" : value.toLocaleString("en-US"));
  const cells = shown.map((row) => {
    const { before, after } = row;
    const known = before !== undefined && after !== undefined;
    const delta = known ? after - before : undefined;
    const sign = delta !== undefined && delta > 0 ? "+" : "";
    return [
      row.operation,
      gas(before),
      gas(after),
      delta === undefined ? "-" : `${sign}${delta.toLocaleString("en-US")}`,
      known ? `${sign}${deltaPercent(before, after).toFixed(2)}%` : "-",
      row.verdict,
    ];
  });
  const header = ["operation", "snapshot", "now", "delta", "delta %", "result"];
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i].length)));
  const line = (cell: string[]) =>
    cell
      .map((text, i) => (i === 0 || i === cell.length - 1 ? text.padEnd(widths[i]) : text.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

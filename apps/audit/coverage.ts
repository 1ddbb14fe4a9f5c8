/**
 * Coverage of the contracts from istanbul's json-summary (coverage/coverage-summary.json, written by
 * `npm run coverage`), and the gate it must pass. scripts/coverage-gate.ts enforces the same gate.
 */
import fs from "node:fs";
import path from "node:path";

export const COVERAGE_COMMAND = "npm run coverage";
/** Where the command writes istanbul's json-summary, relative to the project root. */
export const COVERAGE_SUMMARY = path.join("coverage", "coverage-summary.json");

/** The least coverage the contracts (mocks excluded) must reach, in percent, over all files together. */
export const COVERAGE_GATE = { lines: 100, functions: 100, branches: 95 } as const;
export type GatedMetric = keyof typeof COVERAGE_GATE;
export type Metric = GatedMetric | "statements";
export const METRICS: readonly Metric[] = ["lines", "functions", "branches", "statements"];

export interface Counts {
  readonly total: number;
  readonly covered: number;
  readonly pct: number;
}
export type CoverageSummary = Record<string, Record<Metric, Counts>>;

export interface MetricTotal extends Counts {
  readonly metric: Metric;
  /** Undefined for a metric the gate does not check. */
  readonly gate?: number;
  readonly holds?: boolean;
}

export type CoverageSection =
  | {
      readonly found: true;
      readonly file: string;
      readonly files: readonly { readonly file: string; readonly counts: Record<Metric, Counts> }[];
      readonly totals: readonly MetricTotal[];
      readonly gateHolds: boolean;
    }
  | { readonly found: false; readonly file: string; readonly command: string };

/** The summary's per-file entries for the contracts, without the total and the mocks under contracts/test/. */
export function contractFiles(summary: CoverageSummary): [string, Record<Metric, Counts>][] {
  return Object.entries(summary).filter(([file]) => file !== "total" && !/[/\\]contracts[/\\]test[/\\]/.test(file));
}

/** Each metric summed over `files`, with the gate's verdict for the gated ones. */
export function coverageTotals(files: readonly [string, Record<Metric, Counts>][]): MetricTotal[] {
  return METRICS.map((metric) => {
    const total = files.reduce((sum, [, counts]) => sum + counts[metric].total, 0);
    const covered = files.reduce((sum, [, counts]) => sum + counts[metric].covered, 0);
    const pct = total === 0 ? 100 : (100 * covered) / total;
    if (metric === "statements") return { metric, total, covered, pct };
    const gate = COVERAGE_GATE[metric];
    return { metric, total, covered, pct, gate, holds: pct >= gate };
  });
}

/** The coverage section from `file` (relative to `root`, or absolute); or where it should be and how to write it. */
export function readCoverage(root: string, file: string): CoverageSection {
  const absolute = path.resolve(root, file);
  if (!fs.existsSync(absolute)) return { found: false, file, command: COVERAGE_COMMAND };
  const files = contractFiles(JSON.parse(fs.readFileSync(absolute, "utf8")) as CoverageSummary);
  const totals = coverageTotals(files);
  return {
    found: true,
    file,
    files: files.map(([name, counts]) => ({ file: path.relative(root, name), counts })),
    totals,
    gateHolds: totals.every((t) => t.holds !== false),
  };
}

/**
 * `npm run bench`: gas, scale, verifier and end-to-end benchmarks in one run, then BENCHMARKS.md from their results. A full run
 * writes bench/results/*.json and BENCHMARKS.md at the repository root; `--quick` (fewer sizes and runs) writes both
 * to .weft/bench-quick/ (local and git-ignored) so that it never replaces the committed figures.
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { UserError } from "../src/errors";
import { readJsonFile, writeJsonAtomic } from "../src/state/json-file";
import { runEndToEndBench } from "./end-to-end";
import { runGasBench } from "./gas";
import { runMlpBench } from "./mlp";
import { renderReport, type BenchResults } from "./report";
import { runInfo } from "./run-info";
import { runScaleBench } from "./scale";
import { runVerifierBench } from "./verifier";

export interface BenchOptions {
  readonly quick: boolean;
}

export const BENCH_NAMES = ["gas", "scale", "verifier", "endToEnd", "mlp"] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

/** Regenerates the report of a full (or quick) run from its result files, without measuring anything. */
export function writeReport(quick: boolean): string {
  const { resultsDir, report } = outputsOf(quick);
  const read = <T>(name: string): T => {
    const value = readJsonFile<T>(path.join(resultsDir, `${name}.json`));
    if (value === undefined) throw new UserError(`No ${name}.json in ${resultsDir}: run npm run bench first.`);
    return value;
  };
  const results: BenchResults = {
    gas: read<BenchResults["gas"]>("gas"),
    scale: read<BenchResults["scale"]>("scale"),
    verifier: read<BenchResults["verifier"]>("verifier"),
    endToEnd: read<BenchResults["endToEnd"]>("endToEnd"),
    // Result files from before mlp-i8's bench have no mlp.json: the report then leaves its section out.
    mlp: readJsonFile<BenchResults["mlp"]>(path.join(resultsDir, "mlp.json")),
  };
  fs.writeFileSync(report, renderReport(results));
  return report;
}

const ROOT = path.join(__dirname, "..");

/** Where a run writes: the result files and the report. */
export function outputsOf(quick: boolean): { resultsDir: string; report: string } {
  const resultsDir = quick ? path.join(ROOT, ".weft", "bench-quick") : path.join(__dirname, "results");
  return { resultsDir, report: quick ? path.join(resultsDir, "BENCHMARKS.md") : path.join(ROOT, "BENCHMARKS.md") };
}

export async function runBench(
  options: BenchOptions,
  log: (line: string) => void = console.log,
): Promise<BenchResults> {
  const { start, progress } = progressLog(log);
  progress(`bench${options.quick ? " (quick)" : ""}: gas, then scale, then the verifier, then end to end, then mlp-i8`);
  const gas = await runGasBench(options.quick, progress);
  progress(`gas: lifecycle ${gas.lifecycle.gas.toLocaleString("en-US")} gas, ${gas.lifecycle.ratio}x its floor`);
  const scale = await runScaleBench(options.quick, progress);
  progress(`scale: largest spread ${scale.maxSpread}`);
  const verifier = await runVerifierBench(options.quick, progress);
  const endToEnd = await runEndToEndBench(options.quick, progress);
  const mlp = await runMlpBench(options.quick, progress);

  const run = runInfo(options.quick, (performance.now() - start) / 1000);
  const results: BenchResults = {
    gas: { run, ...gas },
    scale: { run, ...scale },
    verifier: { run, ...verifier },
    endToEnd: { run, ...endToEnd },
    mlp: { run, ...mlp },
  };
  const { resultsDir, report } = outputsOf(options.quick);
  fs.mkdirSync(resultsDir, { recursive: true });
  for (const [name, value] of Object.entries(results)) writeJsonAtomic(path.join(resultsDir, `${name}.json`), value);
  fs.writeFileSync(report, renderReport(results));
  progress(
    `wrote ${path.relative(process.cwd(), resultsDir)}/{gas,scale,verifier,endToEnd,mlp}.json and ${path.relative(process.cwd(), report)}`,
  );
  return results;
}

/** Log lines prefixed with the time since the run started. */
function progressLog(log: (line: string) => void): { start: number; progress: (line: string) => void } {
  const start = performance.now();
  const elapsed = () => {
    const seconds = Math.round((performance.now() - start) / 1000);
    return `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
  };
  return { start, progress: (line: string) => log(`[${elapsed()}] ${line}`) };
}

/**
 * `npm run bench -- --only <names>`: runs only those benches and writes only their result files (so a narrow run
 * never replaces the other benches' figures); the report is rewritten when every result file it needs is there.
 */
export async function runOnly(
  options: BenchOptions & { readonly only: readonly BenchName[] },
  log: (line: string) => void = console.log,
): Promise<Partial<BenchResults>> {
  const { quick, only } = options;
  const { start, progress } = progressLog(log);
  progress(`bench${quick ? " (quick)" : ""}: only ${only.join(", ")}`);
  const runners: Record<BenchName, () => Promise<object>> = {
    gas: () => runGasBench(quick, progress),
    scale: () => runScaleBench(quick, progress),
    verifier: () => runVerifierBench(quick, progress),
    endToEnd: () => runEndToEndBench(quick, progress),
    mlp: () => runMlpBench(quick, progress),
  };
  const measured: Partial<Record<BenchName, object>> = {};
  for (const name of only) measured[name] = await runners[name]();
  const run = runInfo(quick, (performance.now() - start) / 1000);
  const { resultsDir } = outputsOf(quick);
  fs.mkdirSync(resultsDir, { recursive: true });
  const results: Partial<Record<BenchName, object>> = {};
  for (const [name, value] of Object.entries(measured)) {
    const command = `npm run bench -- ${quick ? "--quick " : ""}--only ${only.join(",")}`;
    results[name as BenchName] = { run: { ...run, command }, ...value };
    writeJsonAtomic(path.join(resultsDir, `${name}.json`), results[name as BenchName]);
  }
  const written = `${path.relative(process.cwd(), resultsDir)}/{${Object.keys(results).join(",")}}.json`;
  try {
    progress(`wrote ${written} and ${path.relative(process.cwd(), writeReport(quick))}`);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    progress(`wrote ${written}; no report: ${error.message}`);
  }
  return results as Partial<BenchResults>;
}

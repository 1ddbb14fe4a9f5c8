/**
 * Runs the forge invariant suite (test/invariant) and writes a machine-readable summary for the audit report:
 * reports/invariants.json for the default profile (256 runs x depth 100), reports/invariants-<profile>.json for
 * another (FOUNDRY_PROFILE=ci: 64 x 50), so a quick local pass never overwrites the full run's figures.
 * Extra arguments go to `forge test` (e.g. `-- --match-test invariant_slashesNeverExceedStake`).
 * Run: npm run test:invariant
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const FORGE = require.resolve("@foundry-rs/forge/bin.mjs");
const PROFILE = process.env.FOUNDRY_PROFILE ?? "default";
const REPORT = path.join(ROOT, "reports", PROFILE === "default" ? "invariants.json" : `invariants-${PROFILE}.json`);
/** forge test --json output can hold setup traces; its default 1 MiB pipe buffer is too small. */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

interface ForgeConfig {
  invariant: { runs: number; depth: number };
}

/** One call of a failing sequence, as forge reports it. */
interface ForgeCall {
  contract_name: string;
  signature: string;
  raw_args: string;
}

interface ForgeTestResult {
  status: "Success" | "Failure" | "Skipped";
  reason: string | null;
  /** An invariant's shrunk failing sequence: [length before shrinking, calls]. */
  counterexample: { Sequence?: [number, ForgeCall[]] } | null;
  kind: { Invariant?: { runs: number; calls: number; reverts: number } };
}

type ForgeReport = Record<string, { test_results: Record<string, ForgeTestResult> }>;

/** One invariant's line in the summary. */
export interface InvariantResult {
  contract: string;
  name: string;
  runs: number;
  calls: number;
  reverts: number;
  passed: boolean;
}

/** reports/invariants.json. */
export interface InvariantSummary {
  command: string;
  profile: string;
  date: string;
  wallSeconds: number;
  runs: number;
  depth: number;
  invariants: InvariantResult[];
}

function forge(args: string[], stdout: "pipe" | "inherit"): SpawnSyncReturns<string> {
  const result = spawnSync(process.execPath, [FORGE, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: MAX_OUTPUT_BYTES,
    stdio: ["ignore", stdout, "inherit"],
  });
  if (result.error) throw result.error;
  return result;
}

function invariantResults(report: ForgeReport): InvariantResult[] {
  return Object.entries(report).flatMap(([suite, { test_results }]) =>
    Object.entries(test_results).flatMap(([test, result]) => {
      const stats = result.kind.Invariant;
      if (stats === undefined) return [];
      return [
        {
          contract: suite.slice(suite.lastIndexOf(":") + 1),
          name: test.replace(/\(\)$/, ""),
          runs: stats.runs,
          calls: stats.calls,
          reverts: stats.reverts,
          passed: result.status === "Success",
        },
      ];
    }),
  );
}

function printFailures(report: ForgeReport): void {
  for (const [suite, { test_results }] of Object.entries(report)) {
    for (const [test, result] of Object.entries(test_results)) {
      if (result.status !== "Failure") continue;
      console.error(`\nFAIL ${suite} ${test}: ${result.reason ?? "no reason given"}`);
      for (const call of result.counterexample?.Sequence?.[1] ?? []) {
        const handler = call.contract_name.slice(call.contract_name.lastIndexOf(":") + 1);
        console.error(`  ${handler}.${call.signature.replace(/\(.*/, "")}(${call.raw_args})`);
      }
    }
  }
}

function main(): number {
  // Compile first, with forge's own output, so that the wall time below is the fuzzing alone.
  if (forge(["build"], "inherit").status !== 0) return 1;
  const config = JSON.parse(forge(["config", "--json"], "pipe").stdout) as ForgeConfig;

  // `npm run test:invariant -- <args>` drops the `--`; a direct ts-node run keeps it.
  const forwarded = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--"));
  const testArgs = ["test", "--json", ...forwarded];
  const started = process.hrtime.bigint();
  const run = forge(testArgs, "pipe");
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.stdout.trim() === "") {
    console.error(`forge test printed no results (exit ${run.status}); see its errors above.`);
    return 1;
  }
  const report = JSON.parse(run.stdout) as ForgeReport;
  const invariants = invariantResults(report);
  if (invariants.length === 0) {
    console.error("forge ran no invariant: check test/invariant and the arguments given.");
    return 1;
  }

  const summary: InvariantSummary = {
    command: ["forge", ...testArgs].join(" "),
    profile: PROFILE,
    date: new Date().toISOString(),
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    runs: config.invariant.runs,
    depth: config.invariant.depth,
    invariants,
  };
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.writeFileSync(REPORT, `${JSON.stringify(summary, null, 2)}\n`);

  console.table(invariants);
  printFailures(report);
  const passed = invariants.filter((i) => i.passed).length;
  // Not "N passed, N failed": CI counts the test run by that line, which only the mocha summary prints.
  console.log(`invariants: ${passed} held, ${invariants.length - passed} broken`);
  console.log(`profile ${PROFILE}: ${summary.runs} runs x depth ${summary.depth} in ${summary.wallSeconds}s`);
  console.log(`summary: ${path.relative(ROOT, REPORT)}`);
  return passed === invariants.length && run.status === 0 ? 0 : 1;
}

process.exitCode = main();

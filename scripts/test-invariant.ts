/**
 * Runs the forge invariant suite (test/invariant) and writes a machine-readable summary for the audit report:
 * reports/invariants.json for the full run of the default profile (256 runs x depth 100), and a file beside it for any
 * other run, so a quick or narrowed pass never overwrites the full run's figures: reports/invariants-<profile>.json
 * for another profile (FOUNDRY_PROFILE=ci: 64 x 50), with `-partial` added when arguments were forwarded.
 * Extra arguments go to `forge test` (e.g. `-- --match-test invariant_slashesNeverExceedStake`).
 * Run: npm run test:invariant
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { INVARIANTS_FILE, type InvariantResult, type InvariantsRun } from "../apps/audit/invariants";

const ROOT = path.resolve(__dirname, "..");
const FORGE = require.resolve("@foundry-rs/forge/bin.mjs");
const PROFILE = process.env.FOUNDRY_PROFILE ?? "default";
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

/**
 * Where a run's summary goes: INVARIANTS_FILE, which the audit report reads, only for the default profile's full run.
 * Forwarded arguments may select a subset of the invariants or change the run (a seed, a depth), so such a run is
 * `partial` even under the default profile.
 */
function reportFile(profile: string, forwarded: readonly string[]): string {
  const qualifiers = [...(profile === "default" ? [] : [profile]), ...(forwarded.length > 0 ? ["partial"] : [])];
  if (qualifiers.length === 0) return path.resolve(ROOT, INVARIANTS_FILE);
  const { dir, name, ext } = path.parse(INVARIANTS_FILE);
  return path.resolve(ROOT, dir, `${[name, ...qualifiers].join("-")}${ext}`);
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
  const report = reportFile(PROFILE, forwarded);
  const testArgs = ["test", "--json", ...forwarded];
  const started = process.hrtime.bigint();
  const run = forge(testArgs, "pipe");
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.stdout.trim() === "") {
    console.error(`forge test printed no results (exit ${run.status}); see its errors above.`);
    return 1;
  }
  const forgeReport = JSON.parse(run.stdout) as ForgeReport;
  const invariants = invariantResults(forgeReport);
  if (invariants.length === 0) {
    console.error("forge ran no invariant: check test/invariant and the arguments given.");
    return 1;
  }

  // Field for field what apps/audit/invariants.ts reads back (isInvariantsRun), in the order the file has always had.
  const summary: InvariantsRun = {
    command: ["forge", ...testArgs].join(" "),
    profile: PROFILE,
    date: new Date().toISOString(),
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    runs: config.invariant.runs,
    depth: config.invariant.depth,
    invariants,
  };
  fs.mkdirSync(path.dirname(report), { recursive: true });
  fs.writeFileSync(report, `${JSON.stringify(summary, null, 2)}\n`);

  console.table(invariants);
  printFailures(forgeReport);
  const passed = invariants.filter((i) => i.passed).length;
  // Not "N passed, N failed": CI counts the test run by that line, which only the mocha summary prints.
  console.log(`invariants: ${passed} held, ${invariants.length - passed} broken`);
  console.log(`profile ${PROFILE}: ${summary.runs} runs x depth ${summary.depth} in ${summary.wallSeconds}s`);
  console.log(`summary: ${path.relative(ROOT, report)}`);
  return passed === invariants.length && run.status === 0 ? 0 : 1;
}

process.exitCode = main();

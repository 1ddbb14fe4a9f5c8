import { execFile } from "node:child_process";
import path from "node:path";
import hre from "hardhat";

export const ROOT = path.resolve(__dirname, "..", "..");
const HARDHAT = path.join(ROOT, "node_modules", ".bin", "hardhat");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx hardhat <args>` in `env`, with its exit code and its output without colours. */
export function execHardhat(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(HARDHAT, args, { cwd: ROOT, env }, (error, stdout, stderr) => {
      const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: plain(stdout), stderr: plain(stderr) });
    });
  });
}

/** Whether coverage is running: it instruments contracts in this process, and a CLI in subprocesses adds nothing. */
export function coverageRunning(): boolean {
  return (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
}

/** The variable `npm run test:cli` sets: the suites of test/cli run many CLI processes, minutes in all. */
export const CLI_TESTS_VAR = "WEFT_CLI_TESTS";

/** Skips the calling suite unless `npm run test:cli` (or .ci/run) asked for the long CLI suites. */
export function onlyWithCliTests(context: Mocha.Context): void {
  if (process.env[CLI_TESTS_VAR] === "1" && !coverageRunning()) return;
  console.log(`      (skipped: minutes of CLI runs against a node; npm run test:cli sets ${CLI_TESTS_VAR}=1)`);
  context.skip();
}

/**
 * A mutation worker: one process with the Hardhat runtime loaded once, which runs mutant after mutant on its own
 * in-process chain. A mutant is compiled in memory (./compiler) and reaches the tests at deployment: every contract
 * creation whose code starts with an original contract's creation code gets the mutant's code instead, with the same
 * constructor arguments. Fixtures built by Ignition, ethers factories and TypeChain factories alike thus deploy the
 * mutant, and no file of the checkout changes, so workers share it.
 *
 * Started by ./runner with `fork`, under ts-node, from the project root.
 */
import fs from "node:fs";
import path from "node:path";

import hre from "hardhat";
import { clearSnapshots } from "@nomicfoundation/hardhat-network-helpers/dist/src/loadFixture";
import Mocha from "mocha";

import { MutantCompiler, type CreationCode } from "./compiler";
import { applyMutant } from "./operators";
import { titleMatcher, type RunRequest, type RunResult, type WorkerReply } from "./protocol";
import { projectSources } from "./targets";

const root = hre.config.paths.root;
const compiler = new MutantCompiler(
  root,
  solcSettings(),
  projectSources(root),
  path.join(hre.config.paths.cache, "mutants"),
);

/** Original creation code -> the mutant's, for the mutant under test. */
let substitutions = new Map<string, string>();
let mutatedDeployments = 0;

interleaveDeployments();
// A test left running when bail stopped the run may still fail later (mocha then throws "done() called multiple
// times" outside any test). That failure belongs to a mutant already counted as killed: it must not end the worker.
process.on("uncaughtException", (error) => console.error(`ignored a late failure of a finished run: ${error.message}`));
process.on("unhandledRejection", (reason) =>
  console.error(`ignored a late rejection of a finished run: ${String(reason)}`),
);

process.on("message", (request: RunRequest) => {
  run(request).then(reply, (error: unknown) =>
    reply({ kind: "failure", message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

function reply(message: WorkerReply): void {
  process.send?.(message);
}

async function run(request: RunRequest): Promise<RunResult> {
  const started = Date.now();
  substitutions = new Map();
  mutatedDeployments = 0;
  if (request.mutant !== undefined) {
    const mutant = request.mutant;
    const source = fs.readFileSync(path.join(root, mutant.file), "utf8");
    const build = compiler.build(mutant.file, applyMutant(source, mutant));
    const compileMs = Date.now() - started;
    if (!build.compiled) {
      return {
        kind: "result",
        status: "no-compile",
        passed: 0,
        mutatedDeployments,
        compileMs,
        testMs: 0,
        compileError: build.error,
      };
    }
    substitutions = await changedCode(compiler.baseline(mutant.file), build.code);
    if (substitutions.size === 0) {
      return { kind: "result", status: "identical", passed: 0, mutatedDeployments, compileMs, testMs: 0 };
    }
  }
  const compileMs = Date.now() - started;
  const previousKiller = request.killedBefore === undefined ? undefined : titleMatcher(request.killedBefore);
  const first =
    previousKiller === undefined ? undefined : await runTests(request.tests, request.testTimeoutMs, previousKiller);
  const outcome = first?.killedBy !== undefined ? first : await runTests(request.tests, request.testTimeoutMs);
  return {
    kind: "result",
    status: outcome.killedBy === undefined ? "survived" : "killed",
    killedBy: outcome.killedBy,
    passed: outcome.passed,
    mutatedDeployments,
    compileMs,
    testMs: Date.now() - started - compileMs,
  };
}

/**
 * The substitutions a mutant needs: for each contract whose code the mutant changed, the artifact's creation code
 * (what the tests deploy) mapped to the mutant's. Both builds leave metadata out, so equal code means the mutant
 * changed nothing the EVM runs.
 */
async function changedCode(baseline: CreationCode, mutated: CreationCode): Promise<Map<string, string>> {
  const changed = new Map<string, string>();
  for (const [name, code] of mutated) {
    if (baseline.get(name) === code) continue;
    const artifact = await hre.artifacts.readArtifact(name);
    changed.set(artifact.bytecode.toLowerCase(), code.toLowerCase());
  }
  return changed;
}

/** Rewrites the code of contract creations (and of the gas estimates and calls made for them) to the mutant's. */
function interleaveDeployments(): void {
  const provider = hre.network.provider;
  const request = provider.request.bind(provider);
  const creationMethods = new Set(["eth_sendTransaction", "eth_estimateGas", "eth_call"]);
  provider.request = async (args) => {
    if (substitutions.size > 0 && creationMethods.has(args.method) && Array.isArray(args.params)) {
      const [transaction, ...rest] = args.params as [Record<string, unknown>, ...unknown[]];
      const replaced = transaction === undefined || transaction.to ? undefined : substitute(transaction);
      if (replaced !== undefined) {
        if (args.method === "eth_sendTransaction") mutatedDeployments += 1;
        return request({ method: args.method, params: [replaced, ...rest] });
      }
    }
    return request(args);
  };
  // hardhat-ethers calls `send`, which would reach the wrapped provider without passing through `request`.
  provider.send = (method: string, params?: unknown[]) => provider.request({ method, params });
}

function substitute(transaction: Record<string, unknown>): Record<string, unknown> | undefined {
  for (const field of ["data", "input"] as const) {
    const data = transaction[field];
    if (typeof data !== "string") continue;
    const lower = data.toLowerCase();
    for (const [original, mutated] of substitutions) {
      if (lower.startsWith(original)) return { ...transaction, [field]: mutated + lower.slice(original.length) };
    }
  }
  return undefined;
}

/**
 * Runs `files` on a fresh chain, stopping at the first failure; only the tests whose full title matches `grep`, when
 * given.
 */
async function runTests(
  files: readonly string[],
  testTimeoutMs: number,
  grep?: RegExp,
): Promise<{ passed: number; killedBy?: string }> {
  await hre.network.provider.request({ method: "hardhat_reset", params: [] });
  clearSnapshots();
  // The test modules hold fixtures and state of the last run: load them afresh. The library below them has none.
  const testsDirectory = path.join(root, "test") + path.sep;
  for (const loaded of Object.keys(require.cache)) if (loaded.startsWith(testsDirectory)) delete require.cache[loaded];

  const mocha = new Mocha({ ...hre.config.mocha, timeout: testTimeoutMs, bail: true, reporter: SilentReporter, grep });
  for (const file of files) mocha.addFile(path.join(root, file));
  let passed = 0;
  let killedBy: string | undefined;
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on("pass", () => (passed += 1));
    runner.on("fail", (test, error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      killedBy ??= `${test.fullTitle()}: ${message.split("\n")[0]}`;
    });
  });
  mocha.dispose();
  return { passed, killedBy };
}

class SilentReporter extends Mocha.reporters.Base {}

function solcSettings(): object {
  const compiler = hre.config.solidity.compilers[0];
  const { outputSelection: _ignored, ...settings } = compiler.settings as { outputSelection?: unknown };
  return settings;
}

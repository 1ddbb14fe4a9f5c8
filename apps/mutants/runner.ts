/**
 * `npm run audit:mutants`: generates the mutants of every production contract, runs each against the tests mapped to
 * its contract (./targets) on a pool of workers (./worker), one per core, reuses the recorded result of every mutant
 * whose contract and tests are unchanged, and writes reports/mutants.json.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { generateMutants, mutantDiff, type Mutant } from "./operators";
import type { RunRequest, RunResult, WorkerReply } from "./protocol";
import {
  FULL_RUN_COMMAND,
  RUNNER_VERSION,
  SCORE_GOAL,
  contractKey,
  mutantKey,
  readEquivalents,
  readReport,
  tally,
  writeReport,
  type ContractRecord,
  type MutantRecord,
  type MutantsReport,
} from "./record";
import { productionContracts, testsFor } from "./targets";

export interface MutationOptions {
  readonly root: string;
  /** Run every mutant, reusing nothing recorded. */
  readonly full: boolean;
  /** Only these contracts (project-relative paths); all when empty. */
  readonly contracts: readonly string[];
  /** Only the contracts whose key differs from the recorded one (what CI runs). */
  readonly changedOnly: boolean;
  /** Only the mutants whose id starts with one of these, run even when recorded (to see a new test kill one). */
  readonly ids: readonly string[];
  readonly workers: number;
  readonly log: (line: string) => void;
}

export interface MutationOutcome {
  readonly report: MutantsReport;
  readonly file: string;
  /** Contracts whose score fell below the recorded one (or below the goal, for a contract not recorded before). */
  readonly regressions: readonly string[];
}

/** Mocha's per-test timeout in a mutant's run: a mutant that makes a test hang is killed by it. */
const TEST_TIMEOUT_MS = 60_000;
/** A mutant's whole run may take this many times its tests' unmutated run, plus the slack below. */
const RUN_TIME_FACTOR = 3;
const RUN_TIME_SLACK_MS = 60_000;
const PROGRESS_EVERY = 25;
/** The key of a contract whose mutants did not all run: never equal to a real one, so the next run picks it up. */
const OUT_OF_DATE = "out of date";

interface Planned {
  readonly contract: string;
  readonly mutant: Mutant;
  readonly key: string;
  readonly diff: string;
}

export async function runMutants(options: MutationOptions): Promise<MutationOutcome> {
  const started = Date.now();
  const { root, log } = options;
  const lastRun = readReport(root);
  const previous = options.full ? undefined : lastRun;
  const recorded = new Map((previous?.mutants ?? []).map((record) => [record.key, record]));
  // The test that killed a mutant last time, whatever changed since: it is tried first.
  const killers = new Map(
    (lastRun?.mutants ?? []).flatMap((record) =>
      record.killedBy === undefined || record.status !== "killed" ? [] : [[record.id, record.killedBy]],
    ),
  );
  const equivalents = readEquivalents(fs.readFileSync(path.join(root, "docs", "known-limitations.md"), "utf8"));

  const all = productionContracts(root);
  for (const contract of options.contracts) {
    if (!all.includes(contract))
      throw new Error(`${contract} is not a production contract: give a path such as ${all[0]}.`);
  }
  // Listed once: the folders are read, and every mutant, baseline and report write needs its contract's list.
  const tests = new Map(all.map((contract) => [contract, testsFor(root, contract)]));
  const keys = new Map(all.map((contract) => [contract, contractKey(root, contract, tests.get(contract) ?? [])]));
  const selected = all.filter(
    (contract) =>
      (options.contracts.length === 0 || options.contracts.includes(contract)) &&
      (!options.changedOnly || previous?.contracts[contract]?.key !== keys.get(contract)),
  );

  const planned: Planned[] = selected.flatMap((contract) => {
    const source = fs.readFileSync(path.join(root, contract), "utf8");
    return generateMutants(contract, source).map((mutant) => ({
      contract,
      mutant,
      key: mutantKey(keys.get(contract) as string, mutant),
      diff: mutantDiff(source, mutant),
    }));
  });
  const chosen = (plan: Planned) => options.ids.some((id) => plan.mutant.id.startsWith(id));
  if (options.ids.length > 0 && !planned.some(chosen)) {
    throw new Error(`No mutant's id starts with ${options.ids.join(" or ")}: ids are listed in reports/mutants.json.`);
  }
  const pending = planned.filter((plan) => (options.ids.length > 0 ? chosen(plan) : !recorded.has(plan.key)));
  log(
    `${planned.length} mutants of ${selected.length} contracts; ${planned.filter((plan) => recorded.has(plan.key)).length} recorded with ` +
      `unchanged contract and tests, ${pending.length} to run on ${options.workers} workers.`,
  );

  const results = new Map<string, MutantRecord>();
  const record = (
    plan: Planned,
    status: MutantRecord["status"],
    ms: number,
    deployments: number,
    killedBy?: string,
  ): MutantRecord => ({
    id: plan.mutant.id,
    file: plan.contract,
    operator: plan.mutant.operator,
    line: plan.mutant.line,
    diff: plan.diff,
    key: plan.key,
    status,
    equivalent: equivalents.get(plan.mutant.id) ?? (status === "identical" ? "compiles to the same code" : undefined),
    killedBy,
    deployments,
    ms,
  });
  for (const plan of planned) {
    const kept = recorded.get(plan.key);
    if (kept !== undefined) results.set(plan.key, record(plan, kept.status, kept.ms, kept.deployments, kept.killedBy));
  }

  let done = 0;
  const report = (): MutantsReport =>
    assemble(options, previous, keys, tests, selected, planned, results, started, done);
  if (pending.length > 0) {
    const pool = new WorkerPool(root, options.workers);
    try {
      const budgets = await baselines(pool, tests, [...new Set(pending.map((plan) => plan.contract))], log);
      await pool.each(pending, async (worker, plan) => {
        const request: RunRequest = {
          kind: "run",
          mutant: plan.mutant,
          tests: tests.get(plan.contract) ?? [],
          testTimeoutMs: TEST_TIMEOUT_MS,
          killedBefore: killers.get(plan.mutant.id),
        };
        const outcome = await worker.run(request, budgets.get(plan.contract) as number);
        const entry =
          outcome === "timeout"
            ? record(plan, "timeout", budgets.get(plan.contract) as number, 0)
            : record(
                plan,
                outcome.status,
                outcome.compileMs + outcome.testMs,
                outcome.mutatedDeployments,
                outcome.killedBy ?? outcome.compileError?.split("\n")[0],
              );
        results.set(plan.key, entry);
        if (entry.status === "survived" && entry.equivalent === undefined) {
          log(`SURVIVED ${entry.id} (${entry.deployments} deployments of the mutant)\n${entry.diff}`);
        }
        done += 1;
        if (done % PROGRESS_EVERY === 0 || done === pending.length) {
          const elapsed = (Date.now() - started) / 1000;
          log(
            `${done}/${pending.length} run, ${Math.round(elapsed)} s; about ${Math.round((elapsed / done) * (pending.length - done))} s left`,
          );
          writeReport(root, report());
        }
      });
    } finally {
      pool.close();
    }
  }

  const final = report();
  const file = writeReport(root, final);
  // A run of chosen mutants (--id) scores part of a contract: nothing to compare.
  const regressions = (options.ids.length > 0 ? [] : selected).filter((contract) => {
    const before = previous?.contracts[contract]?.score ?? SCORE_GOAL;
    return final.contracts[contract].score < before;
  });
  return { report: final, file, regressions };
}

/**
 * Runs each contract's tests unmutated once: they must all pass (a red suite kills every mutant), and their time
 * bounds a mutant's run.
 */
async function baselines(
  pool: WorkerPool,
  tests: ReadonlyMap<string, readonly string[]>,
  contracts: readonly string[],
  log: (line: string) => void,
): Promise<Map<string, number>> {
  const budgets = new Map<string, number>();
  await pool.each(contracts, async (worker, contract) => {
    const request: RunRequest = { kind: "run", tests: tests.get(contract) ?? [], testTimeoutMs: TEST_TIMEOUT_MS };
    const outcome = await worker.run(request, Number.POSITIVE_INFINITY);
    if (outcome === "timeout" || outcome.killedBy !== undefined) {
      throw new Error(
        `The tests of ${contract} fail without any mutant (${outcome === "timeout" ? "timed out" : outcome.killedBy}): ` +
          `fix them before measuring what they catch.`,
      );
    }
    budgets.set(contract, outcome.testMs * RUN_TIME_FACTOR + RUN_TIME_SLACK_MS);
    log(`baseline ${contract}: ${outcome.passed} tests pass in ${(outcome.testMs / 1000).toFixed(1)} s`);
  });
  return budgets;
}

function assemble(
  options: MutationOptions,
  previous: MutantsReport | undefined,
  keys: ReadonlyMap<string, string>,
  tests: ReadonlyMap<string, readonly string[]>,
  selectedContracts: readonly string[],
  planned: readonly Planned[],
  results: ReadonlyMap<string, MutantRecord>,
  started: number,
  ran: number,
): MutantsReport {
  const selected = new Set(selectedContracts);
  const contracts: Record<string, ContractRecord> = { ...(previous?.contracts ?? {}) };
  const mutants = (previous?.mutants ?? []).filter((record) => !selected.has(record.file));
  const before = new Map((previous?.mutants ?? []).map((record) => [record.id, record]));
  for (const contract of selected) {
    const plans = planned.filter((plan) => plan.contract === contract);
    // A mutant not run yet (an interrupted run) keeps its last result, and the contract stays out of date.
    const own = plans.flatMap((plan) => {
      const record = results.get(plan.key) ?? before.get(plan.mutant.id);
      return record === undefined ? [] : [record];
    });
    const complete = plans.every((plan) => results.has(plan.key));
    mutants.push(...own);
    const key = complete ? (keys.get(contract) as string) : OUT_OF_DATE;
    contracts[contract] = { key, tests: tests.get(contract) ?? [], ...tally(own) };
  }
  // A contract that no longer exists leaves the report.
  for (const contract of Object.keys(contracts)) if (!keys.has(contract)) delete contracts[contract];
  const kept = mutants
    .filter((record) => keys.has(record.file))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return {
    runner: RUNNER_VERSION,
    // A run that ran nothing (everything recorded is current) keeps the record of the last run that did.
    ...(ran === 0 && previous !== undefined
      ? { command: previous.command, finishedAt: previous.finishedAt, run: previous.run }
      : {
          command: options.full ? FULL_RUN_COMMAND : "npm run audit:mutants",
          finishedAt: new Date().toISOString(),
          run: {
            wallSeconds: Math.round((Date.now() - started) / 1000),
            workers: options.workers,
            ran,
            reused: results.size - ran,
          },
        }),
    total: tally(kept),
    contracts: Object.fromEntries(Object.entries(contracts).sort(([a], [b]) => a.localeCompare(b))),
    mutants: kept,
  };
}

/** The default pool size: one worker per core. */
export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism());
}

class WorkerPool {
  private readonly idle: Worker[] = [];

  constructor(root: string, size: number) {
    for (let index = 0; index < size; index += 1) this.idle.push(new Worker(root));
  }

  /** Runs `task` on every item, each on the next free worker; the first error stops the rest and is thrown. */
  async each<T>(items: readonly T[], task: (worker: Worker, item: T) => Promise<void>): Promise<void> {
    const queue = [...items];
    let failure: unknown;
    const lane = async (worker: Worker): Promise<void> => {
      for (let item = queue.shift(); item !== undefined && failure === undefined; item = queue.shift()) {
        try {
          await task(worker, item);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(this.idle.map((worker) => lane(worker)));
    if (failure !== undefined) throw failure;
  }

  close(): void {
    for (const worker of this.idle) worker.stop();
  }
}

function crashed(code: number | null): RunResult {
  const killedBy = `the test process exited (code ${code}) during the run`;
  return { kind: "result", status: "killed", killedBy, passed: 0, mutatedDeployments: 0, compileMs: 0, testMs: 0 };
}

/** One worker process, restarted after a mutant that hangs it or brings it down. */
class Worker {
  private process: ChildProcess;

  constructor(private readonly root: string) {
    this.process = this.start();
  }

  /** The mutant's result, or "timeout" when it ran past `budgetMs` (the worker is then restarted). */
  run(request: RunRequest, budgetMs: number): Promise<RunResult | "timeout"> {
    return new Promise((resolve, reject) => {
      const child = this.process;
      const timer = Number.isFinite(budgetMs)
        ? setTimeout(() => {
            cleanup();
            this.restart();
            resolve("timeout");
          }, budgetMs)
        : undefined;
      const onMessage = (message: WorkerReply): void => {
        cleanup();
        if (message.kind === "failure") reject(new Error(`A mutation worker failed: ${message.message}`));
        else resolve(message);
      };
      const onExit = (code: number | null): void => {
        cleanup();
        this.restart();
        if (request.mutant === undefined) {
          reject(
            new Error(`A mutation worker exited (code ${code}) running the unmutated tests: see the error above.`),
          );
        } else {
          // The mutant's tests brought the process down (the error is above): they noticed it, as a failure would.
          resolve(crashed(code));
        }
      };
      const cleanup = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
      child.send(request);
    });
  }

  stop(): void {
    this.process.kill();
  }

  private restart(): void {
    this.process.kill("SIGKILL");
    this.process = this.start();
  }

  private start(): ChildProcess {
    return fork(path.join(__dirname, "worker.ts"), [], {
      cwd: this.root,
      execArgv: ["--require", "ts-node/register/transpile-only"],
      env: { ...process.env, HARDHAT_NETWORK: "hardhat" },
      // The tests' own output would interleave across workers; the results come back over IPC.
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
  }
}

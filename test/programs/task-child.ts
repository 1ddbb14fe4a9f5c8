/**
 * Hardhat tasks run one after another in one process, as a user runs them from the command line against the
 * `localhost` network: Hardhat is loaded as a library, which takes the network from HARDHAT_NETWORK (the node's URL
 * from LOCALHOST_RPC_URL) and the address book from WEFT_DEPLOYMENTS_DIR. Starting Hardhat once instead of once a
 * task keeps a test that runs ten tasks within seconds.
 *
 * Each stdin line is a task as JSON, `{"task": "job:status", "args": {"id": "1"}}`; each task's outcome is one stdout
 * line, RESULT_MARK then JSON (see test/helpers/task-session.ts). What the task prints is captured into its outcome.
 *
 * Start it with `node -r test/programs/register-ts-cached.js test/programs/task-child.ts`.
 */
import { createInterface } from "node:readline";
import { format } from "node:util";

import hre from "hardhat";
import { HardhatPluginError } from "hardhat/plugins";

export const RESULT_MARK = "@@task-outcome ";

export interface TaskOutcome {
  /** What the task printed, one entry per line, without colours. */
  readonly lines: readonly string[];
  /** Absent if the task succeeded; a user error's message alone, any other error with its stack. */
  readonly error?: string;
  readonly ms: number;
}

async function run(task: string, args: Record<string, unknown>): Promise<TaskOutcome> {
  const lines: string[] = [];
  const capture = (...parts: unknown[]) =>
    lines.push(
      ...format(...parts)
        .replace(/\x1b\[[0-9;]*m/g, "")
        .split("\n"),
    );
  const { log, error } = console;
  console.log = capture;
  console.error = capture;
  const started = Date.now();
  try {
    await hre.run(task, args);
    return { lines, ms: Date.now() - started };
  } catch (caught) {
    const message = caught instanceof HardhatPluginError ? caught.message : format(caught);
    return { lines, error: message, ms: Date.now() - started };
  } finally {
    console.log = log;
    console.error = error;
  }
}

async function main(): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    const { task, args } = JSON.parse(line) as { task: string; args: Record<string, unknown> };
    process.stdout.write(`${RESULT_MARK}${JSON.stringify(await run(task, args))}\n`);
  }
}

// Mocha loads every .ts file under test/: run only as a program.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

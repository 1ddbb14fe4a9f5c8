import path from "node:path";

import { HardhatPluginError } from "hardhat/plugins";
import type { HardhatRuntimeEnvironment, RunTaskFunction } from "hardhat/types";

import { UserError } from "../errors";

/** The error a user should see for `error`: a UserError or a contract's refusal as a one-line plugin error. */
async function asUserError(error: unknown): Promise<unknown> {
  if (error instanceof UserError) return new HardhatPluginError("weft", error.message, error);
  if (HardhatPluginError.isHardhatPluginError(error)) return error;
  // Loaded here, not at the top: the decoder needs typechain-types, and hardhat.config.ts loads this module (through
  // tasks/index.ts) before the first compile has generated them.
  const { contractErrorLine } = await import("./contract-error-hints");
  const refusal = contractErrorLine(error);
  return refusal === undefined
    ? error
    : new HardhatPluginError("weft", `Refused by the contract: ${refusal}`, error as Error);
}

/** Tasks running now in this process: the one the command line named, and those it or a test runs inside it. */
let tasksRunning = 0;

/** Counts running tasks (see `userFacing`); installed once per runtime environment, by extendEnvironment. */
export function countRunningTasks(hre: HardhatRuntimeEnvironment): void {
  const run = hre.run;
  const counted: RunTaskFunction = async (...args) => {
    tasksRunning++;
    try {
      return await run(...args);
    } finally {
      tasksRunning--;
    }
  };
  // The type says read-only to task code; Hardhat's runtime keeps `run` as a plain property an extender may wrap.
  Object.assign(hre, { run: counted });
}

/** Whether this process is `npx hardhat ...` rather than a program that loads Hardhat as a library. */
function isHardhatCommandLine(): boolean {
  const main = require.main?.filename;
  return main !== undefined && path.dirname(main) === path.dirname(require.resolve("hardhat/internal/cli/cli"));
}

/** Whether the task calling this is the one `npx hardhat <task>` named, not one run inside it or by a program. */
function isCommandLineTask(): boolean {
  return tasksRunning === 1 && isHardhatCommandLine();
}

/**
 * Wraps a task's action so that a user error (a UserError, a plugin's HardhatPluginError, or a Weft contract's
 * custom error, decoded with what to do about it) is one line and exit code 1, on every machine.
 *
 * Run from the command line, the task prints the line itself: Hardhat would print a stack trace under it wherever it
 * believes it runs on CI, which includes every Linux server without a display, where operators run agents. Asked
 * for with --show-stack-traces, the stack is Hardhat's to print. Run inside another task, a test or a program, it
 * throws a HardhatPluginError for its caller to handle. Any other error is a bug and keeps its stack.
 */
export function userFacing<Args>(
  action: (args: Args, hre: HardhatRuntimeEnvironment) => Promise<void>,
): (args: Args, hre: HardhatRuntimeEnvironment) => Promise<void> {
  return async (args, hre) => {
    try {
      await action(args, hre);
    } catch (error) {
      const userError = await asUserError(error);
      if (!HardhatPluginError.isHardhatPluginError(userError)) throw error;
      if (!isCommandLineTask() || hre.hardhatArguments.showStackTraces) throw userError;
      const from = userError.pluginName === "weft" ? "Error" : `Error in plugin ${userError.pluginName}`;
      console.error(`${from}: ${userError.message}`);
      process.exitCode = 1;
    }
  };
}

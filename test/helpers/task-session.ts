/**
 * Hardhat tasks against a JSON-RPC endpoint, run in one process of their own (test/programs/task-child.ts) as the
 * `localhost` network: the tasks reach the chain only through the URL given, as they would reach a public endpoint.
 */
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

import { RESULT_MARK, type TaskOutcome } from "../programs/task-child";
import { type LocalhostTarget, spawnProgram } from "./hardhat-program";

export type { TaskOutcome };

export class TaskSession {
  /** Lines the process wrote outside any task's outcome (Hardhat's own warnings, a crash). */
  readonly stray: string[] = [];
  private readonly waiting: ((outcome: TaskOutcome) => void)[] = [];
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once("close", () => resolve()));
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        if (line.startsWith(RESULT_MARK)) this.waiting.shift()?.(JSON.parse(line.slice(RESULT_MARK.length)));
        else this.stray.push(line);
      });
    }
  }

  /** Tasks against `target.rpcUrl`, reading (and `deploy` writing) the address book in `target.deploymentsDir`. */
  static start(target: LocalhostTarget): TaskSession {
    return new TaskSession(spawnProgram("task-child.ts", [], target, { stdin: true }));
  }

  /** Runs `task` with `args` (as the task takes them: strings and flags) after the tasks run before it. */
  run(task: string, args: Readonly<Record<string, string | boolean>> = {}): Promise<TaskOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.exited.then(() => reject(new Error(`the task process exited during ${task}:\n${this.stray.join("\n")}`)));
      this.child.stdin!.write(`${JSON.stringify({ task, args })}\n`);
    });
  }

  /** Lets the running task finish, then ends the process. */
  async close(): Promise<void> {
    this.child.stdin!.end();
    await this.exited;
  }
}

/**
 * An agent, `verifier:run` or `provider:run`, as a separate process (test/programs/agent-child.ts) against a JSON-RPC
 * endpoint, with its output kept line by line, so that a test can wait for what it logs, SIGKILL it at any moment and
 * start it again.
 */
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

import { type LocalhostTarget, spawnProgram } from "./hardhat-program";

export interface AgentProcessOptions extends LocalhostTarget {
  /** The agent's task (default verifier:run). */
  readonly task?: "verifier:run" | "provider:run";
  /** The task's arguments, as it takes them (strings and flags). */
  readonly args: Readonly<Record<string, string | boolean>>;
  /** The HTTP client's timeout per request. */
  readonly rpcTimeoutMs?: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class AgentProcess {
  /** stdout and stderr, one entry per line, in arrival order. */
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  private readonly waiters = new Set<() => void>();
  private closed = false;

  private constructor(private readonly child: ChildProcess) {
    // "close", not "exit": by then every line it wrote has been read.
    this.exited = new Promise((resolve) =>
      child.once("close", (code, signal) => {
        this.closed = true;
        this.notify();
        resolve({ code, signal });
      }),
    );
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        this.lines.push(line);
        this.notify();
      });
    }
  }

  static start(options: AgentProcessOptions): AgentProcess {
    const env: NodeJS.ProcessEnv = {};
    if (options.rpcTimeoutMs !== undefined) env.WEFT_RPC_TIMEOUT_MS = String(options.rpcTimeoutMs);
    const task = options.task ?? "verifier:run";
    return new AgentProcess(spawnProgram("agent-child.ts", [task, JSON.stringify(options.args)], options, { env }));
  }

  get running(): boolean {
    return !this.closed;
  }

  /**
   * Resolves with the first line from index `from` on that matches `pattern`; rejects if the process exits first or
   * nothing matches within `timeoutMs`, with the output so far.
   */
  waitForLine(pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no line matching ${pattern} in ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        const line = this.lines.slice(from).find((candidate) => pattern.test(candidate));
        if (line !== undefined) finish(undefined, line);
        else if (!this.running) finish(new Error(`the agent exited before logging a line matching ${pattern}`));
      };
      const finish = (error?: Error, line?: string) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (line !== undefined) resolve(line);
        else reject(new Error(`${error?.message}; its output:\n${this.lines.join("\n")}`));
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends `signal` and waits for the process to exit. */
  async stop(signal: NodeJS.Signals): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

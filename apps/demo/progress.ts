/**
 * The demo's progress as a numbered task list: one line per step with its time, a few indented lines of what it
 * showed, and (with --verbose) every line the agents log. A step that throws is marked failed, its agents' last lines
 * are printed whatever the verbosity, and the error says which step it was.
 */
import { performance } from "node:perf_hooks";
import { stripVTControlCharacters } from "node:util";

import type { Logger } from "../../src/agents/logger";

export interface ProgressOptions {
  readonly verbose: boolean;
  /** Where lines go (the console by default; tests collect them). */
  readonly write?: (line: string) => void;
  /** Show the running step on one line that the result overwrites (a terminal, not a log file). */
  readonly interactive?: boolean;
}

/** A step that failed: its number and title name it in the demo's exit message. */
export class DemoStepError extends Error {
  constructor(
    readonly step: string,
    readonly reason: string,
  ) {
    super(`step ${step} failed: ${reason}`);
    this.name = "DemoStepError";
  }
}

/** Agent lines kept for a failure report when not printed as they come. */
const KEPT_AGENT_LINES = 30;

export class Progress {
  private readonly write: (line: string) => void;
  private steps = 0;
  private details: string[] = [];
  private recent: string[] = [];

  constructor(private readonly options: ProgressOptions) {
    const write = options.write ?? ((line: string) => console.log(line));
    // Tables come coloured; colours are for a terminal, not for a log file or a test.
    this.write = options.interactive ? write : (line) => write(stripVTControlCharacters(line));
  }

  /** Runs one numbered step; a failure becomes a DemoStepError naming it. */
  async step<T>(title: string, run: () => Promise<T>): Promise<T> {
    const name = `${++this.steps}. ${title}`;
    this.details = [];
    this.recent = [];
    const interactive = this.options.interactive === true && !this.options.verbose;
    if (interactive) process.stdout.write(`… ${name}`);
    else if (this.options.verbose) this.write(`… ${name}`);
    const started = performance.now();
    const clearLine = () => interactive && process.stdout.write("\r\x1b[K");
    try {
      const result = await run();
      clearLine();
      this.write(`✔ ${name}  ${((performance.now() - started) / 1000).toFixed(1)} s`);
      this.details.forEach((line) => this.write(line));
      return result;
    } catch (error) {
      clearLine();
      this.write(`✖ ${name}`);
      this.details.forEach((line) => this.write(line));
      if (!this.options.verbose && this.recent.length > 0) {
        this.write("  last agent log lines:");
        this.recent.forEach((line) => this.write(`    ${line}`));
      }
      throw new DemoStepError(name, error instanceof Error ? error.message : String(error));
    }
  }

  /** A line under the current step, shown when it ends. */
  detail(line: string): void {
    this.details.push(...line.split("\n").map((part) => `   ${part}`));
  }

  /** A line outside any step (a table, a heading). */
  print(line = ""): void {
    this.write(line);
  }

  /** The logger of one agent: printed as it comes with --verbose, otherwise kept for a failure report. */
  logger(name: string): Logger {
    const line = (level: string) => (message: string) => {
      const text = `[${name}] ${level} ${message}`;
      if (this.options.verbose) this.write(`   ${text}`);
      else this.recent = [...this.recent.slice(-(KEPT_AGENT_LINES - 1)), text];
    };
    return { info: line("info"), warn: line("warn"), error: line("error") };
  }
}

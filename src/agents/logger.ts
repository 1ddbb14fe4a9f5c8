/**
 * One line per event, timestamped and tagged with the agent's name: a line for people (`text`) or one JSON object
 * per line for log collectors (`json`). Console loggers are pino loggers, so both formats share its record.
 */
import pino from "pino";

import { parseChoice } from "../cli/flags";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What `--log-format` accepts. */
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `--log-format` as typed; text unless given. */
export function parseLogFormat(text: string | undefined): LogFormat {
  return text === undefined ? "text" : parseChoice("--log-format", text, LOG_FORMATS);
}

/** Where a console logger's lines go, each without its newline. */
export interface LogOutput {
  /** Info lines, and every json line. */
  out(line: string): void;
  /** Warnings and errors in text. */
  err(line: string): void;
}

/**
 * The console, as before pino: whoever redirects console.log (a task run in-process, a test) still gets the lines,
 * and in text `2>` still separates warnings and errors.
 */
const CONSOLE: LogOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** The record every console logger writes, as pino serializes it with the options below. */
interface LogRecord {
  readonly level: string;
  readonly time: string;
  readonly name: string;
  readonly msg: string;
}

/**
 * Writes pino's records: in json as they are, one object per line, all on `out` (a collector reads one stream); in
 * text as the line operators have always read, `<ISO time> info  [name] message`. Not pino-pretty: its line is
 * another (`[time] INFO (name): message`), it would send warnings to the same stream as the rest, and the one line
 * here is all the formatting text needs.
 */
function destination(format: LogFormat, output: LogOutput): pino.DestinationStream {
  return {
    write(record: string) {
      if (format === "json") return output.out(record.trimEnd());
      const { level, time, name, msg } = JSON.parse(record) as LogRecord;
      (level === "info" ? output.out : output.err)(`${time} ${level.padEnd(5)} [${name}] ${msg}`);
    },
  };
}

/**
 * A logger for agent `name`. In json each line holds `level` as a word, `time` in ISO 8601 UTC, `name` and `msg`;
 * pid and hostname are the collector's to add.
 */
export function consoleLogger(name: string, format: LogFormat = "text", output: LogOutput = CONSOLE): Logger {
  const logger = pino(
    {
      base: { name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination(format, output),
  );
  return {
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

/** Collects lines in memory (tests and the demo read them back). */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

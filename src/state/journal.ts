/**
 * An append-only file of JSON lines. Each record is appended with one write and flushed to disk (fdatasync) before
 * the append returns, so an acknowledged record survives a kill -9 or a power cut. A kill in the middle of an append
 * can leave the last line cut short (no newline): reading skips it, as it was never acknowledged, and a writer cuts
 * it off before appending. A complete line that is not JSON was damaged after it was written, and is refused.
 *
 * A file of our own rather than a database: the agents change their state synchronously and need each change on
 * disk before their next step. The embedded databases that would do this (better-sqlite3, lmdb, classic-level) are
 * native modules, which cannot be built here; node:sqlite needs Node 22; sql.js keeps the database in memory and
 * exports it whole; nedb appends without flushing each record and lowdb rewrites the whole file.
 */
import fs from "node:fs";

import { UserError } from "../errors";
import { writeFileAtomic } from "./json-file";

/** What a journal file holds up to its last complete line. */
export interface JournalLines {
  /** The complete lines, parsed, in order. */
  readonly records: readonly unknown[];
  /** The byte size of the complete lines: where the next append goes. */
  readonly length: number;
  /** Whether a last line cut short by a crash followed them (and was skipped). */
  readonly torn: boolean;
}

const NEWLINE = 0x0a;

/** The file's bytes, or undefined if it does not exist. */
export function readIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The first line of `bytes` (all of it when it has no newline). */
export function firstLine(bytes: Buffer): string {
  const end = bytes.indexOf(NEWLINE);
  return bytes.toString("utf8", 0, end === -1 ? bytes.length : end);
}

/** Parses the complete lines of `bytes`, read from `file`; refuses a damaged one with what to do. */
export function parseLines(file: string, bytes: Buffer): JournalLines {
  const records: unknown[] = [];
  let start = 0;
  // A newline byte never occurs inside a multi-byte UTF-8 character, so splitting the bytes is safe.
  for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
    const line = bytes.toString("utf8", start, end);
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      throw new UserError(
        `${file} is not valid JSON at line ${records.length + 1} (${(error as Error).message}): a crash only ever ` +
          `cuts the last line short, so the file was damaged after it was written; restore it from a backup, or ` +
          `move it away to start afresh.`,
      );
    }
    start = end + 1;
  }
  return { records, length: start, torn: start < bytes.length };
}

/** Appends `record` as one line and flushes it to disk; returns the bytes written. */
export function appendLine(file: string, record: unknown): number {
  return appendLines(file, [record]);
}

/** Appends `records` one per line in a single write, flushed to disk once; returns the bytes written. */
export function appendLines(file: string, records: readonly unknown[]): number {
  const line = Buffer.from(records.map((record) => JSON.stringify(record) + "\n").join(""));
  flushed(file, "a", (fd) => {
    for (let written = 0; written < line.length;) {
      written += fs.writeSync(fd, line, written, line.length - written);
    }
  });
  return line.length;
}

/** Replaces `file` atomically with one line per record; returns the bytes written. */
export function rewriteLines(file: string, records: readonly unknown[]): number {
  const text = records.map((record) => JSON.stringify(record) + "\n").join("");
  writeFileAtomic(file, text);
  return Buffer.byteLength(text);
}

/** Cuts `file` back to its first `length` bytes (a torn last line), durably. */
export function truncateTo(file: string, length: number): void {
  flushed(file, "r+", (fd) => fs.ftruncateSync(fd, length));
}

/** Opens `file` with `flags` for `change`, then flushes the change to disk before closing it. */
function flushed(file: string, flags: string, change: (fd: number) => void): void {
  const fd = fs.openSync(file, flags);
  try {
    change(fd);
    // The data and the file's new size; the rest of its metadata (times) need not reach the disk.
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Files replaced whole (evidence, results, the snapshots of the agents' journals): written to a temporary file,
 * flushed to disk, then renamed over the old one: rename is atomic, so a kill -9 at any moment leaves either the old
 * file or the new, never a mix.
 *
 * write-file-atomic (npm's own) does the temporary file, the flush and the rename, keeps an existing file's mode and
 * owner, and removes the temporary file when the write fails or the process exits. What it leaves to its caller is
 * kept here: creating the directory, and flushing the directory so that the rename itself survives a power cut.
 */
import fs from "node:fs";
import path from "node:path";

import writeFileAtomicWith from "write-file-atomic";

import { UserError } from "../errors";

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}

/** Replaces `file` with `text` atomically and durably, creating its directory if needed. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomicWith.sync(file, text, { fsync: true });
  // write-file-atomic renames over the file a symbolic link points to: flush the directory that rename changed.
  flushDirectory(path.dirname(fs.realpathSync(file)));
}

/** Flushes a directory's entries to disk, where the platform allows opening a directory. */
function flushDirectory(directory: string): void {
  try {
    const fd = fs.openSync(directory, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not supported on every platform (e.g. Windows); the rename is still atomic.
  }
}

/** The parsed file, or undefined if it does not exist; a corrupt file is a UserError naming it. */
export function readJsonFile<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new UserError(`${file} is not valid JSON (${(error as Error).message}); move it away to start afresh.`);
  }
}

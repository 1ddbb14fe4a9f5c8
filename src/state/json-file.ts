/**
 * Files replaced whole (evidence, results, the snapshots of the agents' journals): written to a temporary file,
 * flushed to disk, then renamed over the old one: rename is atomic, so a kill -9 at any moment leaves either the old
 * file or the new, never a mix.
 */
import fs from "node:fs";
import path from "node:path";

import { UserError } from "../errors";

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}

/** Replaces `file` with `text` atomically, creating its directory if needed. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  // The rename itself lives in the directory: flush it too, where the platform allows opening a directory.
  try {
    const dir = fs.openSync(path.dirname(file), "r");
    fs.fsyncSync(dir);
    fs.closeSync(dir);
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

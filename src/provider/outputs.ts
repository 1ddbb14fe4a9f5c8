/**
 * The provider's own copy of every output it committed to, kept next to its state file until the job settles. A
 * dispute is answered from here, so an output lost or corrupted where it was published never costs an honest
 * provider its stake. Each file is written whole to a temporary name, flushed and renamed (as state files are),
 * before the result is submitted, so a kill -9 never leaves a committed output without its copy.
 */
import fs from "node:fs";
import path from "node:path";

export class OutputKeeper {
  constructor(readonly directory: string) {}

  /** The keeper beside a provider's state file: <state dir>/outputs. */
  static besideState(stateFile: string): OutputKeeper {
    return new OutputKeeper(path.join(path.dirname(stateFile), "outputs"));
  }

  fileOf(jobId: bigint): string {
    return path.join(this.directory, `job-${jobId}.bin`);
  }

  keep(jobId: bigint, output: Uint8Array): void {
    fs.mkdirSync(this.directory, { recursive: true });
    const file = this.fileOf(jobId);
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, output);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  }

  /** The kept output, or undefined if there is none. */
  read(jobId: bigint): Uint8Array | undefined {
    try {
      return new Uint8Array(fs.readFileSync(this.fileOf(jobId)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  forget(jobId: bigint): void {
    fs.rmSync(this.fileOf(jobId), { force: true });
  }
}

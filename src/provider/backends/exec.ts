/**
 * The `exec` backend: runs the provider's own program (a CUDA or Metal kernel, a script, anything) on each job,
 * so a provider with a GPU plugs its kernel in and the agent does the rest.
 *
 * Contract with the program, per job:
 *  - A fresh temporary directory (WEFT_JOB_DIR) holds
 *      inputs.bin   the job's inputs in the workload's byte format (src/workloads/<name>/codec.ts): for matmul-i8
 *                   A then B; empty for mandelbrot-q, whose params are its whole input; for mlp-i8 the model file
 *                   (the .wmlp format of src/workloads/mlp-i8/model.ts) then the batch, batch x inputs int8
 *                   row-major (the content store holds the model once and a job's stored inputs name it by its
 *                   SHA-256, src/jobs/input-content.ts; the program gets the two joined, never the reference)
 *      params.json  the workload name and its decoded params as one JSON object of integers, e.g.
 *                   {"workload":"matmul-i8","m":4,"k":8,"n":2} or
 *                   {"workload":"mandelbrot-q","x0":...,"y0":...,"step":...,"width":64,"height":64,"maxIter":256}
 *                   (x0, y0 and step in the Q23 fixed point of src/workloads/mandelbrot-q/tile.ts), flat for these
 *                   two; mlp-i8's layers are an array of objects, in order:
 *                   {"workload":"mlp-i8","batch":8,"inputs":64,"layers":[{"outputs":32,"multiplier":1234567,
 *                   "shift":30,"activation":1},{"outputs":10,"multiplier":...,"shift":...,"activation":0}]}
 *                   (activation 0 identity, 1 relu; the same values as the model file's layer headers)
 *  - The command runs through the system shell (`sh -c`) in the agent's working directory, with the agent's
 *    environment plus
 *      WEFT_WORKLOAD      the workload name, e.g. matmul-i8
 *      WEFT_PARAMS_JSON   the text of params.json
 *      WEFT_PARAMS_FILE   the path of params.json
 *      WEFT_INPUT_FILE    the path of inputs.bin
 *      WEFT_OUTPUT_FILE   where the program must write the output (output.bin in the job directory, absent at start)
 *      WEFT_OUTPUT_BYTES  the exact size the output must have
 *      WEFT_JOB_DIR       the job directory
 *    The placeholders {workload}, {params}, {input}, {output} and {dir} in the command are replaced by the same
 *    values (the params file's path for {params}), shell-quoted, for programs that take paths as arguments.
 *  - The program writes the output in the workload's byte format (32-bit big-endian words) and exits 0: row-major
 *    C or pixels for matmul-i8 and mandelbrot-q; for mlp-i8 every layer's values in the layout of
 *    src/workloads/mlp-i8/layout.ts: per layer, the batch x outputs int32 accumulators (bias included), then the
 *    batch x outputs int8 activations one per byte, zero-padded to a whole word; after the last layer, zero words up
 *    to a power of two times 128 words (WEFT_OUTPUT_BYTES says how many). test/programs/weft-kernel.js implements
 *    all three formats independently of src/.
 *
 * Every failure is an ExecBackendError naming the command and the job: a non-zero exit or a signal (with the end
 * of the program's stderr), no exit within the timeout (the program's whole process group is killed), a missing
 * output file, or an output of the wrong size. The job directory is removed afterwards, whatever happened.
 * POSIX only (Linux, macOS): the program runs in a process group of its own so that a timeout can kill all of it.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { MLP_I8_NAME } from "../../workloads/mlp-i8/network";
import type { DecodedJob } from "../../workloads/registry";
import { type ComputeBackend, describeJob, jobOutputBytes } from "./backend";

export interface ExecBackendOptions {
  /** A shell command line, e.g. `./matmul-cuda {input} {output}` or `python3 kernel.py`. */
  readonly command: string;
  /** How long one job may run before the program is killed. */
  readonly timeoutMs: number;
}

/** How much of the program's stderr an error message quotes. */
const STDERR_TAIL_CHARS = 2000;

export class ExecBackendError extends Error {
  constructor(command: string, job: DecodedJob, problem: string) {
    super(`exec backend: command \`${command}\` on a ${describeJob(job)} job ${problem}`);
    this.name = "ExecBackendError";
  }
}

/** Quotes `value` as one word for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** params.json: the workload name then its params, keys in the documented order. */
export function paramsJson(job: DecodedJob): string {
  if (job.name === MLP_I8_NAME) {
    const { batch, inputs, layers } = job.params;
    return JSON.stringify({
      workload: job.name,
      batch,
      inputs,
      layers: layers.map(({ outputs, multiplier, shift, activation }) => ({ outputs, multiplier, shift, activation })),
    });
  }
  return JSON.stringify({ workload: job.name, ...job.params });
}

interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stderr: string;
}

function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // The shell's children (the actual program) share its process group, so a kernel that ignores the shell's
    // death still stops.
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function run(command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stderr = "";
    let timedOut = false;
    child.stdout.resume();
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killProcessGroup(child.pid);
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stderr: stderr.trim() });
    });
  });
}

async function readOutput(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export class ExecBackend implements ComputeBackend {
  readonly name = "exec";

  constructor(private readonly options: ExecBackendOptions) {
    if (options.command.trim() === "") throw new RangeError("the exec backend needs a command");
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${options.timeoutMs}`);
  }

  async compute(job: DecodedJob, inputs: Uint8Array): Promise<Uint8Array> {
    const dir = await mkdtemp(join(tmpdir(), "weft-exec-"));
    try {
      const files = {
        input: join(dir, "inputs.bin"),
        params: join(dir, "params.json"),
        output: join(dir, "output.bin"),
      };
      const json = paramsJson(job);
      await writeFile(files.input, inputs);
      await writeFile(files.params, json);
      const expectedBytes = jobOutputBytes(job);
      const placeholders: Record<string, string> = { ...files, workload: job.name, dir };
      const command = this.options.command.replace(/\{(workload|params|input|output|dir)\}/g, (_, name: string) =>
        shellQuote(placeholders[name]),
      );
      const env = {
        ...process.env,
        WEFT_WORKLOAD: job.name,
        WEFT_PARAMS_JSON: json,
        WEFT_PARAMS_FILE: files.params,
        WEFT_INPUT_FILE: files.input,
        WEFT_OUTPUT_FILE: files.output,
        WEFT_OUTPUT_BYTES: String(expectedBytes),
        WEFT_JOB_DIR: dir,
      };
      const fail = (problem: string) => new ExecBackendError(this.options.command, job, problem);
      let result: RunResult;
      try {
        result = await run(command, env, this.options.timeoutMs);
      } catch (error) {
        throw fail(`could not start: ${(error as Error).message}`);
      }
      if (result.timedOut) throw fail(`did not finish within ${this.options.timeoutMs / 1000} s and was killed`);
      if (result.code !== 0) {
        const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
        throw fail(`${how}${result.stderr === "" ? "" : `; its stderr ends: ${result.stderr}`}`);
      }
      const output = await readOutput(files.output);
      if (output === undefined) throw fail(`exited 0 but wrote no output file (WEFT_OUTPUT_FILE, {output})`);
      if (output.length !== expectedBytes) {
        throw fail(`wrote ${output.length} bytes; the output must be ${expectedBytes} bytes`);
      }
      return output;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** What the provider agent computes with: any backend that turns a job's inputs into its output bytes. */
import { MATMUL_I8_NAME } from "../../workloads/matmul-i8/shape";
import { describeMlpParams, MLP_I8_NAME } from "../../workloads/mlp-i8/network";
import { type DecodedJob, jobOutputBytes } from "../../workloads/registry";

export interface ComputeBackend {
  /** For logs and metric labels, e.g. "cpu" or "exec". */
  readonly name: string;
  /**
   * The job's output in its workload's byte format (src/workloads/<name>/codec.ts) from its inputs in the same
   * format. The agent checks the size of what comes back; the backend need not.
   */
  compute(job: DecodedJob, inputs: Uint8Array): Promise<Uint8Array>;
}

/** Thrown when a backend returns an output whose size does not match the job's. */
export class OutputSizeError extends Error {
  constructor(producer: string, job: DecodedJob, expected: number, actual: number) {
    super(`${producer} produced ${actual} bytes for a ${describeJob(job)} job; its output must be ${expected} bytes`);
    this.name = "OutputSizeError";
  }
}

export { jobOutputBytes };

/** Returns `output` if it has the job's output size, else throws an OutputSizeError naming `producer`. */
export function requireOutputSize(producer: string, job: DecodedJob, output: Uint8Array): Uint8Array {
  const expected = jobOutputBytes(job);
  if (output.length !== expected) throw new OutputSizeError(producer, job, expected, output.length);
  return output;
}

/** A short description for messages, e.g. "matmul-i8 4x8x2" or "mandelbrot-q 64x64 (maxIter 256)". */
export function describeJob(job: DecodedJob): string {
  if (job.name === MATMUL_I8_NAME) return `${job.name} ${job.params.m}x${job.params.k}x${job.params.n}`;
  if (job.name === MLP_I8_NAME) return `${job.name} ${describeMlpParams(job.params)}`;
  return `${job.name} ${job.params.width}x${job.params.height} (maxIter ${job.params.maxIter})`;
}

/**
 * The input commitment of a job, whatever its workload: how many input bytes it has and the root they commit to.
 * The client, the provider and the verifier all use these, so they agree by construction.
 */
import { InvalidWorkloadError } from "../workloads/errors";
import { MATMUL_I8_NAME } from "../workloads/matmul-i8/shape";
import type { DecodedJob } from "../workloads/registry";
import { mandelbrotInputRoot } from "./mandelbrot-inputs";
import { MatmulInputTree } from "./matmul-inputs";
import { MlpInputTree } from "./mlp-inputs";
import { decodeMlpInputs, mlpInputByteLength } from "../workloads/mlp-i8/codec";
import { MLP_I8_NAME } from "../workloads/mlp-i8/network";
import { MANDELBROT_Q_NAME } from "../workloads/mandelbrot-q/tile";

/** Size of the job's serialized inputs; 0 for workloads whose params are the whole input (mandelbrot-q). */
export function inputByteLength(job: DecodedJob): number {
  if (job.name === MATMUL_I8_NAME) {
    const { m, k, n } = job.params;
    return m * k + k * n;
  }
  if (job.name === MLP_I8_NAME) return mlpInputByteLength(job.params);
  return 0;
}

/** Throws unless `inputs` has the job's input length. */
export function requireInputLength(job: DecodedJob, inputs: Uint8Array): void {
  const expected = inputByteLength(job);
  if (inputs.length !== expected) {
    throw new InvalidWorkloadError(job.workload.name, `inputs must be ${expected} bytes, got ${inputs.length}`);
  }
}

/** The input root a job with these params and inputs must commit to. */
export function inputRootOf(job: DecodedJob, inputs: Uint8Array): string {
  requireInputLength(job, inputs);
  switch (job.name) {
    case MATMUL_I8_NAME:
      return MatmulInputTree.fromBytes(job.params, inputs).root;
    case MLP_I8_NAME:
      return new MlpInputTree(decodeMlpInputs(job.params, inputs)).root;
    case MANDELBROT_Q_NAME:
      return mandelbrotInputRoot(job.params);
  }
}

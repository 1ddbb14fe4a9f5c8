/**
 * The bytes of a job, whatever its workload: how many input bytes it has, its input root, how to generate its
 * inputs from a seed, and its reference output. The client, the provider's CPU backend and the verifier all use
 * these, so they agree by construction.
 */
import { MatmulInputTree } from "../commitments/matmul-inputs";
import { mandelbrotInputRoot } from "../commitments/mandelbrot-inputs";
import { encodeMandelbrotOutput } from "../workloads/mandelbrot-q/codec";
import { renderMandelbrotTile } from "../workloads/mandelbrot-q/tile";
import {
  decodeMatmulInputs,
  encodeMatmulInputs,
  encodeMatmulOutput,
  generateMatmulOperands,
} from "../workloads/matmul-i8/codec";
import { multiplyI8, type MultiplyOptions } from "../compute/parallel-matmul";
import { InvalidWorkloadError } from "../workloads/errors";
import type { DecodedJob } from "../workloads/registry";
import { MATMUL_I8_NAME } from "../workloads/matmul-i8/shape";

/** Size of the job's serialized inputs; 0 for workloads whose params are the whole input (mandelbrot-q). */
export function inputByteLength(job: DecodedJob): number {
  if (job.name === MATMUL_I8_NAME) {
    const { m, k, n } = job.params;
    return m * k + k * n;
  }
  return 0;
}

function requireInputLength(job: DecodedJob, inputs: Uint8Array): void {
  const expected = inputByteLength(job);
  if (inputs.length !== expected) {
    throw new InvalidWorkloadError(job.workload.name, `inputs must be ${expected} bytes, got ${inputs.length}`);
  }
}

/** The input root a job with these params and inputs must commit to. */
export function inputRootOf(job: DecodedJob, inputs: Uint8Array): string {
  requireInputLength(job, inputs);
  if (job.name === MATMUL_I8_NAME) return MatmulInputTree.fromBytes(job.params, inputs).root;
  return mandelbrotInputRoot(job.params);
}

/** Deterministic inputs for `seed` (matmul-i8: A and B from the prng stream; mandelbrot-q: none). */
export function generateInputs(job: DecodedJob, seed: number): Uint8Array {
  if (job.name === MATMUL_I8_NAME) return encodeMatmulInputs(generateMatmulOperands(job.params, seed));
  return new Uint8Array(0);
}

/** The correct output, computed on the CPU by the reference implementation. */
export async function referenceOutput(
  job: DecodedJob,
  inputs: Uint8Array,
  options: MultiplyOptions = {},
): Promise<Uint8Array> {
  requireInputLength(job, inputs);
  if (job.name === MATMUL_I8_NAME) {
    return encodeMatmulOutput(await multiplyI8(decodeMatmulInputs(job.params, inputs), options));
  }
  return encodeMandelbrotOutput(renderMandelbrotTile(job.params));
}

/**
 * The bytes of a job, whatever its workload: how to generate its inputs from a seed, and its reference output
 * (its input commitment is in commitments/job-inputs.ts). The client, the provider's CPU backend and the verifier
 * all use these, so they agree by construction.
 */
import { requireInputLength } from "../commitments/job-inputs";
import { encodeMandelbrotOutput } from "../workloads/mandelbrot-q/codec";
import { renderMandelbrotTile } from "../workloads/mandelbrot-q/tile";
import {
  decodeMatmulInputs,
  encodeMatmulInputs,
  encodeMatmulOutput,
  generateMatmulOperands,
} from "../workloads/matmul-i8/codec";
import { multiplyI8, type MultiplyOptions } from "../compute/parallel-matmul";
import type { DecodedJob } from "../workloads/registry";
import { MATMUL_I8_NAME } from "../workloads/matmul-i8/shape";
import { MANDELBROT_Q_NAME } from "../workloads/mandelbrot-q/tile";
import {
  decodeMlpInputs,
  encodeMlpInputs,
  encodeMlpOutput,
  generateMlpBatch,
  generateMlpModel,
} from "../workloads/mlp-i8/codec";
import { runMlp } from "../workloads/mlp-i8/inference";
import { encodeModel } from "../workloads/mlp-i8/model";
import { MLP_I8_NAME } from "../workloads/mlp-i8/network";

/** Deterministic inputs for `seed` (matmul-i8: A and B from the prng stream; mandelbrot-q: none). */
export function generateInputs(job: DecodedJob, seed: number): Uint8Array {
  switch (job.name) {
    case MATMUL_I8_NAME:
      return encodeMatmulInputs(generateMatmulOperands(job.params, seed));
    case MLP_I8_NAME:
      return encodeMlpInputs(encodeModel(generateMlpModel(job.params, seed)), generateMlpBatch(job.params, seed));
    case MANDELBROT_Q_NAME:
      return new Uint8Array(0);
  }
}

/** The correct output, computed on the CPU by the reference implementation. */
export async function referenceOutput(
  job: DecodedJob,
  inputs: Uint8Array,
  options: MultiplyOptions = {},
): Promise<Uint8Array> {
  requireInputLength(job, inputs);
  switch (job.name) {
    case MATMUL_I8_NAME:
      return encodeMatmulOutput(await multiplyI8(decodeMatmulInputs(job.params, inputs), options));
    case MLP_I8_NAME: {
      const { model, batch } = decodeMlpInputs(job.params, inputs);
      return encodeMlpOutput(job.params, runMlp(model, batch, job.params.batch));
    }
    case MANDELBROT_Q_NAME:
      return encodeMandelbrotOutput(renderMandelbrotTile(job.params));
  }
}

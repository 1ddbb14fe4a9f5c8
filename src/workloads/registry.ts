/**
 * The workloads Weft can verify, by on-chain id: workloadId = ethers.encodeBytes32String(name).
 * Each entry gives what the chain-facing code needs without knowing the workload: its params codec,
 * validation and output size.
 */
import { type BytesLike, encodeBytes32String, hexlify } from "ethers";

import type { AbiParamsCodec } from "./abi-params";
import { InvalidWorkloadError } from "./errors";
import { mandelbrotParamsCodec } from "./mandelbrot-q/codec";
import { MANDELBROT_Q_NAME, type MandelbrotTile, validateMandelbrotTile } from "./mandelbrot-q/tile";
import { matmulParamsCodec } from "./matmul-i8/codec";
import { MATMUL_I8_NAME, type MatmulShape, validateMatmulShape } from "./matmul-i8/shape";
import { mlpParamsCodec } from "./mlp-i8/codec";
import { MLP_CHUNK_WORDS, mlpOutputLayout } from "./mlp-i8/layout";
import { MLP_I8_NAME, type MlpParams, validateMlpParams } from "./mlp-i8/network";
import { WORD_BYTES } from "./words";

export interface WorkloadDefinition<Params, Name extends string = string> {
  /** Literal per workload, so `job.workload.name` discriminates a DecodedJob. */
  readonly name: Name;
  /** bytes32 id used on-chain. */
  readonly id: string;
  readonly params: AbiParamsCodec<Params>;
  /** Throws an InvalidWorkloadError naming the broken limit. */
  validateParams(params: Params): void;
  /** Number of 32-bit output words. */
  outputWords(params: Params): number;
}

function defineWorkload<Params, Name extends string>(
  definition: Omit<WorkloadDefinition<Params, Name>, "id">,
): WorkloadDefinition<Params, Name> {
  return { ...definition, id: encodeBytes32String(definition.name) };
}

export const matmulI8 = defineWorkload<MatmulShape, typeof MATMUL_I8_NAME>({
  name: MATMUL_I8_NAME,
  params: matmulParamsCodec,
  validateParams: validateMatmulShape,
  outputWords: (shape) => shape.m * shape.n,
});

export const mandelbrotQ = defineWorkload<MandelbrotTile, typeof MANDELBROT_Q_NAME>({
  name: MANDELBROT_Q_NAME,
  params: mandelbrotParamsCodec,
  validateParams: validateMandelbrotTile,
  outputWords: (tile) => tile.width * tile.height,
});

export const mlpI8 = defineWorkload<MlpParams, typeof MLP_I8_NAME>({
  name: MLP_I8_NAME,
  params: mlpParamsCodec,
  validateParams: validateMlpParams,
  outputWords: (params) => mlpOutputLayout(params).totalWords,
});

export type KnownWorkload = typeof matmulI8 | typeof mandelbrotQ | typeof mlpI8;

export const WORKLOADS: readonly KnownWorkload[] = [matmulI8, mandelbrotQ, mlpI8];

/** Output size in bytes (every output word is 4 bytes). */
export function outputBytes<Params>(workload: WorkloadDefinition<Params>, params: Params): number {
  return workload.outputWords(params) * WORD_BYTES;
}

/** The workload with this bytes32 id; throws for an unknown id. */
export function workloadById(id: BytesLike): KnownWorkload {
  const hex = hexlify(id).toLowerCase();
  const found = WORKLOADS.find((workload) => workload.id === hex);
  if (found === undefined) {
    throw new InvalidWorkloadError(
      String(id),
      `unknown workload id; known: ${WORKLOADS.map((w) => `${w.name} (${w.id})`).join(", ")}`,
    );
  }
  return found;
}

/** A job's workload together with its decoded, validated params; switch on `name`. */
export type DecodedJob =
  | { readonly name: typeof MATMUL_I8_NAME; readonly workload: typeof matmulI8; readonly params: MatmulShape }
  | { readonly name: typeof MANDELBROT_Q_NAME; readonly workload: typeof mandelbrotQ; readonly params: MandelbrotTile }
  | { readonly name: typeof MLP_I8_NAME; readonly workload: typeof mlpI8; readonly params: MlpParams };

function decodeFor<Params>(workload: WorkloadDefinition<Params>, data: BytesLike): Params {
  const params = workload.params.decode(data);
  workload.validateParams(params);
  return params;
}

/** Decodes and validates the params of a job of the workload with this id. */
export function decodeJobParams(id: BytesLike, data: BytesLike): DecodedJob {
  const workload = workloadById(id);
  if (workload === matmulI8) return { name: MATMUL_I8_NAME, workload, params: decodeFor(matmulI8, data) };
  if (workload === mlpI8) return { name: MLP_I8_NAME, workload, params: decodeFor(mlpI8, data) };
  return { name: MANDELBROT_Q_NAME, workload: mandelbrotQ, params: decodeFor(mandelbrotQ, data) };
}

/**
 * A job's output as a grid of 32-bit words, as the on-chain checkers' `outputShape` reports it: element (row, col) is
 * word row * cols + col (matmul-i8: C is m x n; mandelbrot-q: pixels are height x width; mlp-i8: its chunks, a power
 * of two of them, MLP_CHUNK_WORDS words each).
 */
export function outputGrid(job: DecodedJob): { rows: number; cols: number } {
  switch (job.name) {
    case MATMUL_I8_NAME:
      return { rows: job.params.m, cols: job.params.n };
    case MANDELBROT_Q_NAME:
      return { rows: job.params.height, cols: job.params.width };
    case MLP_I8_NAME:
      return { rows: mlpOutputLayout(job.params).totalWords / MLP_CHUNK_WORDS, cols: MLP_CHUNK_WORDS };
  }
}

/** The params of a job, ABI-encoded as the contracts hold them. */
export function encodeJobParams(job: DecodedJob): string {
  switch (job.name) {
    case MATMUL_I8_NAME:
      return job.workload.params.encode(job.params);
    case MANDELBROT_Q_NAME:
      return job.workload.params.encode(job.params);
    case MLP_I8_NAME:
      return job.workload.params.encode(job.params);
  }
}

/** Bytes of a job's output. */
export function jobOutputBytes(job: DecodedJob): number {
  switch (job.name) {
    case MATMUL_I8_NAME:
      return outputBytes(job.workload, job.params);
    case MANDELBROT_Q_NAME:
      return outputBytes(job.workload, job.params);
    case MLP_I8_NAME:
      return outputBytes(job.workload, job.params);
  }
}

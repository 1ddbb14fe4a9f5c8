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

export type KnownWorkload = typeof matmulI8 | typeof mandelbrotQ;

export const WORKLOADS: readonly KnownWorkload[] = [matmulI8, mandelbrotQ];

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
  | { readonly name: typeof MANDELBROT_Q_NAME; readonly workload: typeof mandelbrotQ; readonly params: MandelbrotTile };

function decodeFor<Params>(workload: WorkloadDefinition<Params>, data: BytesLike): Params {
  const params = workload.params.decode(data);
  workload.validateParams(params);
  return params;
}

/** Decodes and validates the params of a job of the workload with this id. */
export function decodeJobParams(id: BytesLike, data: BytesLike): DecodedJob {
  const workload = workloadById(id);
  return workload === matmulI8
    ? { name: MATMUL_I8_NAME, workload, params: decodeFor(matmulI8, data) }
    : { name: MANDELBROT_Q_NAME, workload: mandelbrotQ, params: decodeFor(mandelbrotQ, data) };
}

/**
 * A job's output as a grid of 32-bit words, as the on-chain checkers' `outputShape` reports it: element (row, col) is
 * word row * cols + col (matmul-i8: C is m x n; mandelbrot-q: pixels are height x width).
 */
export function outputGrid(job: DecodedJob): { rows: number; cols: number } {
  return job.name === MATMUL_I8_NAME
    ? { rows: job.params.m, cols: job.params.n }
    : { rows: job.params.height, cols: job.params.width };
}

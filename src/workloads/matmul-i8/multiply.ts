/**
 * Reference matmul-i8: C = A x B, A (m x k) and B (k x n) int8 row-major, C (m x n) int32 row-major.
 *
 * Semantics: C[i][j] = (sum over p of A[i][p] * B[p][j]) mod 2^32, reinterpreted as a signed int32
 * (wrapping). The on-chain checker computes the same sum in int256 and truncates with int32(x), which
 * is the same function. Within MATMUL_MAX_K no correct result actually wraps (|C| <= 2^30).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

import { matmulKernelModule, matmulRows, threadMatmulKernel } from "./kernel";
import { type MatmulOperands, validateMatmulOperands } from "./shape";

/**
 * Below this many multiply-adds, starting worker threads costs more than it saves: a worker takes about 0.1 s to
 * start (a fresh V8 isolate), and one thread does 2^33 multiply-adds (n = 2048) in about 0.3 s.
 */
export const MATMUL_PARALLEL_THRESHOLD = 2 ** 33;

export interface MultiplyOptions {
  /** Worker threads to use; default: all cores, and 1 (the calling thread) for small products. */
  readonly workers?: number;
}

/** C = A x B on the calling thread. */
export function multiplyI8Sync(operands: MatmulOperands): Int32Array {
  validateMatmulOperands(operands);
  const { shape, a, b } = operands;
  const c = new Int32Array(shape.m * shape.n);
  matmulRows(threadMatmulKernel(), a, b, c, shape.k, shape.n, 0, shape.m);
  return c;
}

/**
 * Rows [rowStart, rowEnd) of C = A x B, row-major, in O((rows + 1) k n): B is packed for the kernel once, then the
 * rows are multiplied (localizes a wrong element, checks a revealed chunk).
 */
export function multiplyRowsI8(operands: MatmulOperands, rowStart: number, rowEnd: number): Int32Array {
  const { shape, a, b } = operands;
  const { k, n } = shape;
  const out = new Int32Array((rowEnd - rowStart) * n);
  matmulRows(threadMatmulKernel(), a.subarray(rowStart * k, rowEnd * k), b, out, k, n, 0, rowEnd - rowStart);
  return out;
}

/** Row i of C = A x B (see {@link multiplyRowsI8}). */
export const multiplyRowI8 = (operands: MatmulOperands, row: number): Int32Array =>
  multiplyRowsI8(operands, row, row + 1);

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const matmulRows = ${matmulRows.toString()};
const { module, a, b, c, k, n, rowStart, rowEnd } = workerData;
const kernel = new WebAssembly.Instance(module).exports;
matmulRows(kernel, new Int8Array(a), new Int8Array(b), new Int32Array(c), k, n, rowStart, rowEnd);
parentPort.postMessage("done");
`;

function runKernelInWorker(
  buffers: { a: SharedArrayBuffer; b: SharedArrayBuffer; c: SharedArrayBuffer },
  k: number,
  n: number,
  rowStart: number,
  rowEnd: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: matmulKernelModule(), ...buffers, k, n, rowStart, rowEnd },
    });
    worker.once("message", () => resolve());
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`matmul-i8 worker for rows ${rowStart}..${rowEnd} exited with code ${code}`));
    });
  });
}

function sharedCopy(source: Int8Array): Int8Array {
  const copy = new Int8Array(new SharedArrayBuffer(source.length));
  copy.set(source);
  return copy;
}

/** Number of threads multiplyI8 uses for `operands` with `options`. */
export function matmulWorkerCount(operands: MatmulOperands, options: MultiplyOptions = {}): number {
  const { m, k, n } = operands.shape;
  const requested = options.workers ?? (m * k * n < MATMUL_PARALLEL_THRESHOLD ? 1 : availableParallelism());
  if (!Number.isInteger(requested) || requested < 1) {
    throw new RangeError(`workers must be a positive integer, got ${requested}`);
  }
  return Math.min(requested, m);
}

/**
 * C = A x B, split by row blocks over worker threads; each worker packs all of B itself (O(k n), against its
 * O(m k n / workers) of products). The result is bit-identical for any worker count because every element is
 * computed by the same kernel from the same operands.
 */
export async function multiplyI8(operands: MatmulOperands, options: MultiplyOptions = {}): Promise<Int32Array> {
  const workers = matmulWorkerCount(operands, options);
  if (workers === 1) return multiplyI8Sync(operands);
  validateMatmulOperands(operands);
  const { m, k, n } = operands.shape;
  const a = sharedCopy(operands.a);
  const b = sharedCopy(operands.b);
  const c = new Int32Array(new SharedArrayBuffer(m * n * Int32Array.BYTES_PER_ELEMENT));
  const buffers = {
    a: a.buffer as SharedArrayBuffer,
    b: b.buffer as SharedArrayBuffer,
    c: c.buffer as SharedArrayBuffer,
  };
  const rowsPerWorker = Math.ceil(m / workers);
  const jobs: Promise<void>[] = [];
  for (let rowStart = 0; rowStart < m; rowStart += rowsPerWorker) {
    jobs.push(runKernelInWorker(buffers, k, n, rowStart, Math.min(m, rowStart + rowsPerWorker)));
  }
  await Promise.all(jobs);
  return c;
}

/**
 * The node runtime of the kernels: the matmul-i8 reference product split over worker threads. It lives outside
 * src/workloads, which stays pure (no file system, no network, no workers, no chain) so that any runtime can share
 * the reference implementation; this module adds Node's threads on top of it and computes the same function.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

import { matmulKernelModule, matmulRows } from "../workloads/matmul-i8/kernel";
import { multiplyI8Sync } from "../workloads/matmul-i8/multiply";
import { type MatmulOperands, validateMatmulOperands } from "../workloads/matmul-i8/shape";

/**
 * Below this many multiply-adds, starting worker threads costs more than it saves: a worker takes about 0.1 s to
 * start (a fresh V8 isolate), and one thread does 2^33 multiply-adds (n = 2048) in about 0.3 s.
 */
export const MATMUL_PARALLEL_THRESHOLD = 2 ** 33;

export interface MultiplyOptions {
  /** Worker threads to use; default: all cores, and 1 (the calling thread) for small products. */
  readonly workers?: number;
}

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

/**
 * Reference matmul-i8: C = A x B, A (m x k) and B (k x n) int8 row-major, C (m x n) int32 row-major.
 *
 * Semantics: C[i][j] = (sum over p of A[i][p] * B[p][j]) mod 2^32, reinterpreted as a signed int32
 * (wrapping). The on-chain checker computes the same sum in int256 and truncates with int32(x), which
 * is the same function. Within MATMUL_MAX_K no correct result actually wraps (|C| <= 2^30).
 *
 * Everything here runs on the calling thread; the same product split over worker threads is multiplyI8 in
 * src/compute/parallel-matmul.ts, outside src/workloads, which stays pure (no workers, no I/O).
 */
import { matmulRows, threadMatmulKernel } from "./kernel";
import { type MatmulOperands, validateMatmulOperands } from "./shape";

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

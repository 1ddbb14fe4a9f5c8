/**
 * The inner loop of the reference matmul-i8, shared by the main thread and the worker threads.
 *
 * It must stay self-contained (no imports, no outer variables, no TypeScript-only runtime syntax):
 * workers.ts ships `matmulRowsKernel.toString()` to each worker as source text, which is how the
 * same code runs under ts-node (Hardhat tests) and compiled JavaScript without a separate .js file.
 */

/**
 * Writes rows [rowStart, rowEnd) of C = A x B into `c` (row-major, m x n).
 *
 * `bt` is B transposed (n x k), so both operands of every dot product are contiguous. Columns are
 * processed in blocks whose slice of `bt` stays in L2 cache while all rows of the range stream past
 * it, and a 2x2 register block makes each loaded int8 feed two multiply-adds.
 *
 * Wrapping: each sum is accumulated exactly in a double (|sum| <= k * 2^14 < 2^53) and stored into
 * an Int32Array, which applies ToInt32, i.e. the exact sum mod 2^32 reinterpreted as signed.
 */
export function matmulRowsKernel(
  a: Int8Array,
  bt: Int8Array,
  c: Int32Array,
  k: number,
  n: number,
  rowStart: number,
  rowEnd: number,
): void {
  // 64 columns of a 2048-deep B^T are 128 KiB: fits a typical per-core L2.
  const columnBlock = Math.max(2, Math.min(n, Math.floor((1 << 17) / k)) & ~1);
  const dot = (aOffset: number, bOffset: number): number => {
    let sum = 0;
    for (let p = 0; p < k; p++) sum += a[aOffset + p] * bt[bOffset + p];
    return sum;
  };
  for (let j0 = 0; j0 < n; j0 += columnBlock) {
    const j1 = Math.min(j0 + columnBlock, n);
    let i = rowStart;
    for (; i + 1 < rowEnd; i += 2) {
      const a0 = i * k;
      const a1 = a0 + k;
      let j = j0;
      for (; j + 1 < j1; j += 2) {
        const b0 = j * k;
        const b1 = b0 + k;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let p = 0; p < k; p++) {
          const x0 = a[a0 + p];
          const x1 = a[a1 + p];
          const y0 = bt[b0 + p];
          const y1 = bt[b1 + p];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        c[i * n + j] = s00;
        c[i * n + j + 1] = s01;
        c[(i + 1) * n + j] = s10;
        c[(i + 1) * n + j + 1] = s11;
      }
      if (j < j1) {
        c[i * n + j] = dot(a0, j * k);
        c[(i + 1) * n + j] = dot(a1, j * k);
      }
    }
    if (i < rowEnd) {
      for (let j = j0; j < j1; j++) c[i * n + j] = dot(i * k, j * k);
    }
  }
}

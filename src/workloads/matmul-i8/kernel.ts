/**
 * The reference matmul-i8 on one thread: packs the operands into the memory of the WebAssembly kernel (matmul.wat),
 * runs it and copies the rows of C out. Shared by the main thread and the worker threads.
 *
 * `matmulRows` must stay self-contained (no imports, no outer variables, no TypeScript-only runtime syntax):
 * src/compute/parallel-matmul.ts ships `matmulRows.toString()` to each worker as source text, which is how the same
 * code runs under ts-node (Hardhat tests) and compiled JavaScript without a separate .js file.
 */
import { wasmModule } from "../wasm/module";
import { WASM_BASE64 as MATMUL_WASM } from "./matmul.wasm";

/** The exports of an instance of matmul.wat. */
export interface MatmulKernel {
  readonly memory: WebAssembly.Memory;
  readonly packA: (src: number, rows: number, k: number, kp: number, dst: number) => void;
  readonly packB: (src: number, k: number, n: number, np: number, kp: number, dst: number) => void;
  readonly multiplyPacked: (
    a: number,
    rows: number,
    bt: number,
    np: number,
    kp: number,
    c: number,
    colBlock: number,
  ) => void;
}

let kernelModule: WebAssembly.Module | undefined;

/** matmul.wat (its generated matmul.wasm.ts), compiled on first use; workers receive it through workerData. */
export const matmulKernelModule = (): WebAssembly.Module => (kernelModule ??= wasmModule(MATMUL_WASM));

/** One instance per thread, its memory grown as needed and reused by every product. */
let threadKernel: MatmulKernel | undefined;

/** This thread's instance of matmul.wat. */
export function threadMatmulKernel(): MatmulKernel {
  threadKernel ??= new WebAssembly.Instance(matmulKernelModule()).exports as unknown as MatmulKernel;
  return threadKernel;
}

/**
 * Writes rows [rowStart, rowEnd) of C = A x B into `c` (row-major, m x n), from A (m x k) and B (k x n) row-major.
 *
 * Layout in the kernel's memory: B packed once (groups of 16 columns, depth padded to kp), then a block of A's rows
 * (row pairs) and the matching block of C, both sized to stay in cache. B's padding depths are zeros (packB writes
 * them); every other padding value may be left over: A's padding depths only meet B's zero depths, and the results
 * of A's padding row (an odd block) and of B's padding columns are not copied out.
 *
 * Wrapping: the kernel adds in i32, so every element is the exact sum mod 2^32 reinterpreted as signed.
 */
export function matmulRows(
  kernel: MatmulKernel,
  a: Int8Array,
  b: Int8Array,
  c: Int32Array,
  k: number,
  n: number,
  rowStart: number,
  rowEnd: number,
): void {
  const kp = Math.ceil(k / 8) * 8;
  const np = Math.ceil(n / 16) * 16;
  // Packed B columns that fit a typical per-core L2 (256 KiB: 64 columns at k = 2048).
  const colBlock = Math.max(16, Math.floor((1 << 18) / (2 * kp)) & ~15);
  // Rows of A and C per block: about 256 KiB of both, an even count. Many blocks also mean many kernel calls, which
  // matters because V8 switches a WebAssembly function from baseline to optimized code only between calls.
  const blockRows = Math.min(
    Math.ceil((rowEnd - rowStart) / 2) * 2,
    Math.max(2, Math.floor((1 << 18) / (2 * kp + 4 * np)) & ~1),
  );
  const btAt = 0;
  const aAt = btAt + 2 * np * kp;
  const cAt = aAt + 2 * blockRows * kp;
  // The int8 operands are copied here, then packed by the kernel: B first, then each block of A.
  const rawAt = cAt + 4 * blockRows * np;
  // The packing reads up to 15 bytes past the end of the last row.
  const end = rawAt + Math.max(k * n, blockRows * k) + 16;
  const missing = end - kernel.memory.buffer.byteLength;
  if (missing > 0) kernel.memory.grow(Math.ceil(missing / 65536));
  const { buffer } = kernel.memory;
  const raw = new Int8Array(buffer, rawAt);

  raw.set(b);
  kernel.packB(rawAt, k, n, np, kp, btAt);
  const cBlock = new Int32Array(buffer, cAt, blockRows * np);
  for (let i0 = rowStart; i0 < rowEnd; i0 += blockRows) {
    const rows = Math.min(blockRows, rowEnd - i0);
    raw.set(a.subarray(i0 * k, (i0 + rows) * k));
    kernel.packA(rawAt, rows, k, kp, aAt);
    kernel.multiplyPacked(aAt, Math.ceil(rows / 2) * 2, btAt, np, kp, cAt, colBlock);
    for (let r = 0; r < rows; r++) c.set(cBlock.subarray(r * np, r * np + n), (i0 + r) * n);
  }
}

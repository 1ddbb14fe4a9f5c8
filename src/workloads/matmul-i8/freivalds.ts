/**
 * Freivalds' check of a claimed matmul-i8 product: O(mk + kn + mn) per round instead of O(mkn).
 *
 * Arithmetic. With D = C_claimed - A B (an integer matrix), the check computes D r modulo the prime Q = 2^32 - 5 for
 * random vectors r, with every intermediate an exact integer in i64 lanes of the WebAssembly kernel
 * (freivalds.wat), r_j < 2^26 and |A|, |B| <= 2^7:
 *  - y = B r exactly: |y| < n * 2^7 * 2^26 <= 2^49 (MATMUL_MAX_DIMENSION = 2^16), then reduced to a symmetric
 *    residue, |y mod Q| < 2^31 (an i32);
 *  - A (y mod Q) exactly: |sum| <= k * 2^7 * 2^31 <= 2^54 (MATMUL_MAX_K = 2^16);
 *  - C r: each product |c r| < 2^31 * 2^26 = 2^57, and every 32 products a lane x = h 2^32 + l is folded to
 *    5 h + l (congruent, since 2^32 = 5 mod Q, and below 2^35), so no lane exceeds 32 * 2^57 + 2^35 < 2^63.
 *
 * Why one prime is enough. The claimed words are int32 and, within MATMUL_MAX_K, the true product is at most
 * k * 2^14 <= 2^30 in absolute value, so every entry of D is below 2^31 + 2^30 < Q in absolute value: a nonzero
 * entry stays nonzero modulo Q. A wrong row i then has (D r)_i = 0 mod Q with probability at most 2^-26
 * (Schwartz-Zippel over F_Q: fix the other coordinates; at most one value of r_j on the set [0, 2^26), a subset of
 * F_Q, cancels a nonzero d_ij). FREIVALDS_ROUNDS = 2 independent vectors give a false-accept probability of at most
 * 2^-52 < 2^-40. A correct row always gives (D r)_i = 0, so every flagged row really is wrong: localization never
 * chases a false alarm.
 *
 * Layout. The operands are copied into the kernel's memory a block of rows at a time (a few hundred KiB, so the
 * block stays in cache between the copy and the kernel's pass), and both rounds' dot products come out of one pass
 * over each matrix. bench/c/freivalds.c is the same algorithm in C.
 */
import { multiplyRowI8 } from "./multiply";
import { InvalidWorkloadError } from "../errors";
import { wasmModule } from "../wasm/module";
import { WASM_BASE64 as FREIVALDS_WASM } from "./freivalds.wasm";
import { MATMUL_I8_NAME, type MatmulOperands, validateMatmulOperands } from "./shape";

/** The prime modulus: 2^32 - 5, above every |entry| of C - A B, so one prime suffices. */
export const FREIVALDS_MODULUS = 4294967291;
/** Independent random vectors, both evaluated in one pass; each lets a wrong product through with probability <= 2^-26. */
export const FREIVALDS_ROUNDS = 2;
/** r_j is the top 26 bits of a uniform uint32, so uniform on [0, 2^26), a subset of F_Q. */
const SAMPLE_SHIFT = 6;
/** Bytes of matrix rows copied into the kernel's memory per pass: cache-sized. */
const BLOCK_BYTES = 1 << 17;
/** The kernel reads rows 16 bytes at a time past their end; vectors are zero-padded to this many elements. */
const LANE_ELEMENTS = 16;
const SLACK_BYTES = 64;
const WASM_PAGE_BYTES = 1 << 16;
const I32 = Int32Array.BYTES_PER_ELEMENT;
const I16 = Int16Array.BYTES_PER_ELEMENT;
/** Residues from here up are represented as u - Q, so that both 16-bit limbs fit an i16. */
const LIMB_SPLIT = 2 ** 31 - 2 ** 15;

/** Fills `out` with uniformly random uint32 words. Injectable so tests can be reproducible. */
export type RandomWords = (out: Uint32Array) => void;

/** Web Crypto's getRandomValues fills at most 65,536 bytes per call. */
const RANDOM_WORDS_PER_CALL = 65536 / Uint32Array.BYTES_PER_ELEMENT;

/**
 * The default randomness: the Web Crypto global (`globalThis.crypto`, in Node >= 19 and every browser, so no import),
 * a chunk of at most 65,536 bytes at a time.
 */
export const cryptoRandomWords: RandomWords = (out) => {
  for (let i = 0; i < out.length; i += RANDOM_WORDS_PER_CALL) {
    globalThis.crypto.getRandomValues(out.subarray(i, i + RANDOM_WORDS_PER_CALL));
  }
};

export interface FreivaldsOptions {
  readonly random?: RandomWords;
}

/** One wrong element of a claimed product, with the value it should have. */
export interface MatmulFault {
  readonly row: number;
  readonly col: number;
  readonly claimed: number;
  readonly correct: number;
}

export type FreivaldsVerdict =
  { readonly ok: true } | { readonly ok: false; readonly wrongRows: readonly number[]; readonly fault: MatmulFault };

/** A kernel pass over `rows` rows of `len` elements at byte offset `mat`; see freivalds.wat. */
type DotRows = (mat: number, rows: number, len: number, v: number, vStride: number, out1: number, out2: number) => void;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  /** v: four i16 limb vectors vStride bytes apart. */
  readonly dotRowsI8: DotRows;
  /** v: two i32 vectors vStride bytes apart. */
  readonly dotRowsI32: DotRows;
}

/** One instance per thread, its memory grown as needed and reused by every check. */
let kernel: KernelExports | undefined;

function kernelWithMemory(bytes: number): KernelExports {
  kernel ??= new WebAssembly.Instance(wasmModule(FREIVALDS_WASM)).exports as unknown as KernelExports;
  const missing = bytes - kernel.memory.buffer.byteLength;
  if (missing > 0) kernel.memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
  return kernel;
}

const padded = (elements: number) => Math.ceil(elements / LANE_ELEMENTS) * LANE_ELEMENTS;

/** Byte offsets in the kernel's memory (all multiples of 16) and the rows of each block. */
function layout(m: number, k: number, n: number) {
  const bRows = Math.max(1, Math.min(k, Math.floor(BLOCK_BYTES / n)));
  const acRows = Math.max(1, Math.min(m, Math.floor(BLOCK_BYTES / (n * I32))));
  const rStride = padded(n) * I32;
  const rLimbStride = padded(n) * I16;
  const yStride = padded(k) * I32;
  const yLimbStride = padded(k) * I16;
  const rowStride = padded(acRows) * I32;
  const r = 0;
  const rLimbs = r + 2 * rStride;
  const y = rLimbs + 4 * rLimbStride;
  const yLimbs = y + 2 * yStride;
  const rowResults = yLimbs + 4 * yLimbStride;
  const blockA = rowResults + 4 * rowStride;
  const blockC = blockA + padded(acRows * k) + SLACK_BYTES;
  const blockB = blockA;
  const end = Math.max(blockC + acRows * n * I32, blockB + bRows * n) + SLACK_BYTES;
  return {
    bRows,
    acRows,
    r,
    rStride,
    rLimbs,
    rLimbStride,
    y,
    yStride,
    yLimbs,
    yLimbStride,
    rowResults,
    rowStride,
    blockA,
    blockB,
    blockC,
    end,
  };
}

/**
 * Writes residues u in [0, Q) as limbs lo + 2^16 hi of the representative of u in [-2^31 - 2^15, 2^31 - 2^15), the
 * range where both limbs are signed 16-bit (dot_i16x8_s lanes); `limbs` holds lo then hi, each `stride` elements.
 */
function writeLimbs(residues: Uint32Array, limbs: Int16Array, stride: number): void {
  const q = FREIVALDS_MODULUS;
  for (let j = 0; j < residues.length; j++) {
    const u = residues[j];
    const v = u < LIMB_SPLIT ? u : u - q;
    const lo = (v << 16) >> 16;
    limbs[j] = lo;
    limbs[stride + j] = (v - lo) / 0x10000;
  }
  limbs.fill(0, residues.length, stride);
  limbs.fill(0, stride + residues.length, 2 * stride);
}

/** Rows of `claimed` that Freivalds' check proves wrong (empty: accepted). */
export function freivaldsWrongRows(
  operands: MatmulOperands,
  claimed: Int32Array,
  options: FreivaldsOptions = {},
): number[] {
  validateMatmulOperands(operands);
  const { shape, a, b } = operands;
  const { m, k, n } = shape;
  if (claimed.length !== m * n) {
    throw new InvalidWorkloadError(MATMUL_I8_NAME, `claimed C must have ${m * n} elements, got ${claimed.length}`);
  }
  const random = options.random ?? cryptoRandomWords;
  const at = layout(m, k, n);
  const { memory, dotRowsI8, dotRowsI32 } = kernelWithMemory(at.end);
  const { buffer } = memory;
  const words = new Int32Array(buffer);
  const bytes = new Int8Array(buffer);
  for (let round = 0; round < FREIVALDS_ROUNDS; round++) {
    const r = new Uint32Array(buffer, at.r + round * at.rStride, n);
    random(r);
    for (let j = 0; j < n; j++) r[j] >>>= SAMPLE_SHIFT;
    words.fill(0, (at.r + round * at.rStride) / I32 + n, (at.r + (round + 1) * at.rStride) / I32);
    writeLimbs(r, new Int16Array(buffer, at.rLimbs + 2 * round * at.rLimbStride, 2 * padded(n)), padded(n));
  }

  for (let p0 = 0; p0 < k; p0 += at.bRows) {
    const rows = Math.min(at.bRows, k - p0);
    bytes.set(b.subarray(p0 * n, (p0 + rows) * n), at.blockB);
    dotRowsI8(at.blockB, rows, n, at.rLimbs, at.rLimbStride, at.y + p0 * I32, at.y + at.yStride + p0 * I32);
  }
  for (let round = 0; round < FREIVALDS_ROUNDS; round++) {
    const y = new Uint32Array(buffer, at.y + round * at.yStride, k);
    writeLimbs(y, new Int16Array(buffer, at.yLimbs + 2 * round * at.yLimbStride, 2 * padded(k)), padded(k));
  }

  const [ay1, ay2, cr1, cr2] = [0, 1, 2, 3].map((i) => at.rowResults + i * at.rowStride);
  const wrong: number[] = [];
  for (let i0 = 0; i0 < m; i0 += at.acRows) {
    const rows = Math.min(at.acRows, m - i0);
    bytes.set(a.subarray(i0 * k, (i0 + rows) * k), at.blockA);
    words.set(claimed.subarray(i0 * n, (i0 + rows) * n), at.blockC / I32);
    dotRowsI8(at.blockA, rows, k, at.yLimbs, at.yLimbStride, ay1, ay2);
    dotRowsI32(at.blockC, rows, n, at.r, at.rStride, cr1, cr2);
    for (let i = 0; i < rows; i++) {
      if (words[ay1 / I32 + i] !== words[cr1 / I32 + i] || words[ay2 / I32 + i] !== words[cr2 / I32 + i]) {
        wrong.push(i0 + i);
      }
    }
  }
  return wrong;
}

/** Recomputes row `row` (O(k n)) and returns its first wrong element, if any. */
export function locateFaultInRow(operands: MatmulOperands, claimed: Int32Array, row: number): MatmulFault | undefined {
  const { n } = operands.shape;
  const correctRow = multiplyRowI8(operands, row);
  for (let col = 0; col < n; col++) {
    const claimedValue = claimed[row * n + col];
    if (claimedValue !== correctRow[col]) return { row, col, claimed: claimedValue, correct: correctRow[col] };
  }
  return undefined;
}

/**
 * Checks a claimed product with Freivalds' algorithm; on failure names every row it proved wrong and
 * the first wrong element of the first such row, with its correct value.
 */
export function freivaldsCheck(
  operands: MatmulOperands,
  claimed: Int32Array,
  options: FreivaldsOptions = {},
): FreivaldsVerdict {
  const wrongRows = freivaldsWrongRows(operands, claimed, options);
  if (wrongRows.length === 0) return { ok: true };
  const fault = locateFaultInRow(operands, claimed, wrongRows[0]);
  if (fault === undefined) {
    // Unreachable by the argument above (a correct row is never flagged); reaching it means a bug here.
    throw new Error(`Freivalds flagged row ${wrongRows[0]} but recomputing it found no wrong element`);
  }
  return { ok: false, wrongRows, fault };
}

/**
 * Freivalds' check of a claimed matmul-i8 product: O(mk + kn + mn) per round instead of O(mkn).
 *
 * Arithmetic. With D = C_claimed - A B (an integer matrix), the check computes D r for a random vector
 * r modulo two primes P1, P2 < 2^26, every intermediate an exact integer below 2^53 in a double:
 *  - y = B r exactly: |y| <= n * 2^7 * 2^26 < 2^53 for n <= 2^19 (MATMUL_MAX_DIMENSION = 2^16),
 *    then reduced mod each prime;
 *  - A (y mod q): each term < 2^7 * 2^26, k <= 2^16 terms: < 2^49;
 *  - C r: each claimed word is split into c = hi * 2^16 + lo (hi in [-2^15, 2^15), lo in [0, 2^16)), so
 *    each term is below 2^42 and 1024-term blocks below 2^52; blocks are reduced mod each prime.
 *
 * Why two primes. The claimed words are int32 and, within MATMUL_MAX_K, so is the true product (it
 * cannot wrap), hence every entry of D is below 2^32 in absolute value. A nonzero d is divisible by at
 * most one of P1, P2 (P1 * P2 > 2^52), so D is nonzero modulo some q in {P1, P2}; a row i with a nonzero
 * entry mod q then has (D r)_i = 0 mod q with probability at most 1/|S| <= 2^-25.9 (Schwartz-Zippel,
 * r uniform on S = [0, P2) which is a subset of F_q). FREIVALDS_ROUNDS = 2 independent vectors give a
 * false-accept probability below 2^-51 < 2^-40. A correct row always gives (D r)_i = 0, so every flagged
 * row really is wrong: localization never chases a false alarm.
 */
import { randomFillSync } from "node:crypto";

import { multiplyRowI8 } from "./multiply";
import { InvalidWorkloadError } from "../errors";
import { MATMUL_I8_NAME, type MatmulOperands, validateMatmulOperands } from "./shape";

/** The two largest primes below 2^26. */
export const FREIVALDS_PRIMES = [67108859, 67108837] as const;
/** Independent random vectors; each lets a wrong product through with probability <= 2^-25.9. */
export const FREIVALDS_ROUNDS = 2;
/** r is drawn uniformly from [0, FREIVALDS_SAMPLE_BOUND), a subset of both prime fields. */
const FREIVALDS_SAMPLE_BOUND = Math.min(...FREIVALDS_PRIMES);
/** Terms of C r summed before reducing, keeping the block sum below 2^52. */
const CLAIM_BLOCK = 1024;
const HALF_WORD = 0x10000;

/** Fills `out` with uniformly random uint32 words. Injectable so tests can be reproducible. */
export type RandomWords = (out: Uint32Array) => void;

export interface FreivaldsOptions {
  readonly rounds?: number;
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

function mod(x: number, q: number): number {
  const r = x % q;
  return r < 0 ? r + q : r;
}

/** A vector uniform on [0, FREIVALDS_SAMPLE_BOUND)^n, by rejection sampling 26-bit words. */
function randomVector(n: number, random: RandomWords): Float64Array {
  const r = new Float64Array(n);
  const words = new Uint32Array(n);
  let filled = 0;
  while (filled < n) {
    random(words);
    for (let i = 0; i < words.length && filled < n; i++) {
      const candidate = words[i] >>> 6;
      if (candidate < FREIVALDS_SAMPLE_BOUND) r[filled++] = candidate;
    }
  }
  return r;
}

/** Marks in `wrong` each row i where (A (B r))_i != (C r)_i modulo either prime. */
function flagWrongRows(operands: MatmulOperands, claimed: Int32Array, r: Float64Array, wrong: Uint8Array): void {
  const { shape, a, b } = operands;
  const { m, k, n } = shape;
  const [p1, p2] = FREIVALDS_PRIMES;
  const y1 = new Float64Array(k);
  const y2 = new Float64Array(k);
  for (let p = 0; p < k; p++) {
    let sum = 0;
    for (let j = 0, row = p * n; j < n; j++) sum += b[row + j] * r[j];
    y1[p] = mod(sum, p1);
    y2[p] = mod(sum, p2);
  }
  for (let i = 0; i < m; i++) {
    let ay1 = 0;
    let ay2 = 0;
    for (let p = 0, row = i * k; p < k; p++) {
      ay1 += a[row + p] * y1[p];
      ay2 += a[row + p] * y2[p];
    }
    let hi1 = 0;
    let lo1 = 0;
    let hi2 = 0;
    let lo2 = 0;
    for (let j0 = 0, row = i * n; j0 < n; j0 += CLAIM_BLOCK) {
      let hi = 0;
      let lo = 0;
      for (let j = j0, end = Math.min(n, j0 + CLAIM_BLOCK); j < end; j++) {
        const word = claimed[row + j];
        hi += (word >> 16) * r[j];
        lo += (word & 0xffff) * r[j];
      }
      hi1 = mod(hi1 + hi, p1);
      lo1 = mod(lo1 + lo, p1);
      hi2 = mod(hi2 + hi, p2);
      lo2 = mod(lo2 + lo, p2);
    }
    const cr1 = mod(hi1 * HALF_WORD + lo1, p1);
    const cr2 = mod(hi2 * HALF_WORD + lo2, p2);
    if (mod(ay1, p1) !== cr1 || mod(ay2, p2) !== cr2) wrong[i] = 1;
  }
}

/** Rows of `claimed` that Freivalds' check proves wrong (empty: accepted). */
export function freivaldsWrongRows(
  operands: MatmulOperands,
  claimed: Int32Array,
  options: FreivaldsOptions = {},
): number[] {
  validateMatmulOperands(operands);
  const { m, n } = operands.shape;
  if (claimed.length !== m * n) {
    throw new InvalidWorkloadError(MATMUL_I8_NAME, `claimed C must have ${m * n} elements, got ${claimed.length}`);
  }
  const rounds = options.rounds ?? FREIVALDS_ROUNDS;
  const random = options.random ?? randomFillSync;
  const wrong = new Uint8Array(m);
  for (let round = 0; round < rounds; round++) {
    flagWrongRows(operands, claimed, randomVector(n, random), wrong);
  }
  const rows: number[] = [];
  wrong.forEach((flag, row) => flag && rows.push(row));
  return rows;
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

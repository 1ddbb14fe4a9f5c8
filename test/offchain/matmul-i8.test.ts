import { expect } from "chai";
import fc from "fast-check";

import { generateMatmulOperands } from "../../src/workloads/matmul-i8/codec";
import {
  cryptoRandomWords,
  FREIVALDS_MODULUS,
  freivaldsCheck,
  freivaldsWrongRows,
  type RandomWords,
} from "../../src/workloads/matmul-i8/freivalds";
import { multiplyI8 } from "../../src/compute/parallel-matmul";
import { multiplyI8Sync, multiplyRowI8 } from "../../src/workloads/matmul-i8/multiply";
import { matmulRows, threadMatmulKernel } from "../../src/workloads/matmul-i8/kernel";
import { MATMUL_MAX_K, type MatmulOperands, type MatmulShape } from "../../src/workloads/matmul-i8/shape";
import { int8Stream } from "../../src/workloads/prng";
import { seededWords } from "../helpers/random";

/** The definition, written as plainly as possible: exact BigInt sum, wrapped to int32 once. */
function naiveProduct({ shape, a, b }: MatmulOperands): Int32Array {
  const c = new Int32Array(shape.m * shape.n);
  for (let i = 0; i < shape.m; i++) {
    for (let j = 0; j < shape.n; j++) {
      let sum = 0n;
      for (let p = 0; p < shape.k; p++) sum += BigInt(a[i * shape.k + p]) * BigInt(b[p * shape.n + j]);
      c[i * shape.n + j] = Number(BigInt.asIntN(32, sum));
    }
  }
  return c;
}

const int8 = fc.oneof(fc.constantFrom(-128, 127, 0, -1), fc.integer({ min: -128, max: 127 }));

function operandsOf(maxDimension: number): fc.Arbitrary<MatmulOperands> {
  const dimension = fc.integer({ min: 1, max: maxDimension });
  return fc.record({ m: dimension, k: dimension, n: dimension }).chain((shape: MatmulShape) =>
    fc.record({
      shape: fc.constant(shape),
      a: fc.array(int8, { minLength: shape.m * shape.k, maxLength: shape.m * shape.k }).map((v) => Int8Array.from(v)),
      b: fc.array(int8, { minLength: shape.k * shape.n, maxLength: shape.k * shape.n }).map((v) => Int8Array.from(v)),
    }),
  );
}

describe("matmul-i8 reference and Freivalds' check", function () {
  it("equals the naive triple loop for random shapes, including 1xkx1 and edge values", function () {
    fc.assert(
      fc.property(operandsOf(24), (operands) => {
        expect(multiplyI8Sync(operands)).to.deep.equal(naiveProduct(operands));
      }),
      { numRuns: 300 },
    );
    const extreme = {
      shape: { m: 1, k: 1000, n: 1 },
      a: new Int8Array(1000).fill(-128),
      b: new Int8Array(1000).fill(-128),
    };
    expect(multiplyI8Sync(extreme)[0]).to.equal(1000 * 16384);
  });

  it("multiplies exactly across the kernel's padding: any k mod 16, odd m, n mod 16, all-extreme operands", function () {
    // n up to 40 spans one, two and three 16-column groups of packed B, with every tail.
    const shapes = fc.record({
      m: fc.integer({ min: 1, max: 7 }),
      k: fc.integer({ min: 1, max: 70 }),
      n: fc.integer({ min: 1, max: 40 }),
    });
    const operands = shapes.chain((shape: MatmulShape) =>
      fc.record({
        shape: fc.constant(shape),
        a: fc.array(int8, { minLength: shape.m * shape.k, maxLength: shape.m * shape.k }).map((v) => Int8Array.from(v)),
        b: fc.array(int8, { minLength: shape.k * shape.n, maxLength: shape.k * shape.n }).map((v) => Int8Array.from(v)),
      }),
    );
    fc.assert(
      fc.property(operands, (ops) => {
        const expected = naiveProduct(ops);
        expect(multiplyI8Sync(ops)).to.deep.equal(expected);
        for (let row = 0; row < ops.shape.m; row++) {
          expect(multiplyRowI8(ops, row)).to.deep.equal(expected.subarray(row * ops.shape.n, (row + 1) * ops.shape.n));
        }
      }),
      { numRuns: 400 },
    );
    for (const k of [15, 17, 31, 33, 1000]) {
      for (const [x, y] of [
        [-128, -128],
        [-128, 127],
        [127, 127],
      ]) {
        const ops = { shape: { m: 3, k, n: 5 }, a: new Int8Array(3 * k).fill(x), b: new Int8Array(k * 5).fill(y) };
        expect(Array.from(multiplyI8Sync(ops))).to.deep.equal(new Array(15).fill(k * x * y));
      }
    }
  });

  it("gives the same small product after a larger one left other values in the kernel's memory", function () {
    const small = generateMatmulOperands({ m: 3, k: 9, n: 5 }, 3);
    const before = multiplyI8Sync(small);
    multiplyI8Sync(generateMatmulOperands({ m: 67, k: 300, n: 45 }, 4));
    expect(multiplyI8Sync(small)).to.deep.equal(before);
    expect(before).to.deep.equal(naiveProduct(small));
  });

  it("computes products spanning several row and column blocks of the kernel exactly", function () {
    // k = 1100, n = 250 gives 112-column blocks of B and 80-row blocks of A: both loops cross block boundaries.
    const operands = generateMatmulOperands({ m: 413, k: 1100, n: 250 }, 5);
    const product = multiplyI8Sync(operands);
    for (const row of [0, 1, 79, 80, 81, 400, 412]) {
      const rowOperands = {
        shape: { ...operands.shape, m: 1 },
        a: operands.a.subarray(row * 1100, (row + 1) * 1100),
        b: operands.b,
      };
      expect(product.subarray(row * 250, (row + 1) * 250)).to.deep.equal(naiveProduct(rowOperands));
    }
  });

  it("multiplies exactly when B spans several column blocks with a tail, for random k and n and extreme values", function () {
    // k above 2,048 makes the kernel's column blocks 48 columns or fewer (a multiple of 16), so n up to 120 crosses
    // block and 16-column group boundaries with any tail; odd m leaves the padding row of the last row pair.
    const shapes = fc.record({
      m: fc.integer({ min: 1, max: 3 }),
      k: fc.integer({ min: 2049, max: 4200 }),
      n: fc.integer({ min: 33, max: 120 }),
    });
    const operands = shapes.chain((shape: MatmulShape) =>
      fc.record({
        shape: fc.constant(shape),
        a: fc.array(int8, { minLength: shape.m * shape.k, maxLength: shape.m * shape.k }).map((v) => Int8Array.from(v)),
        b: fc.array(int8, { minLength: shape.k * shape.n, maxLength: shape.k * shape.n }).map((v) => Int8Array.from(v)),
      }),
    );
    fc.assert(
      fc.property(operands, (ops) => {
        expect(multiplyI8Sync(ops)).to.deep.equal(naiveProduct(ops));
      }),
      { numRuns: 6 },
    );
  });

  it("wraps sums beyond int32 the way Solidity's int32(int256) truncation does", function () {
    // Validation keeps k <= MATMUL_MAX_K, where no sum wraps; the kernel itself must still wrap.
    const k = 1 << 17;
    const c = new Int32Array(1);
    matmulRows(threadMatmulKernel(), new Int8Array(k).fill(-128), new Int8Array(k).fill(-128), c, k, 1, 0, 1);
    expect(c[0]).to.equal(Number(BigInt.asIntN(32, BigInt(k) * 16384n)));
    expect(c[0]).to.equal(-(2 ** 31));
  });

  it("rejects an inner dimension above MATMUL_MAX_K", function () {
    const k = MATMUL_MAX_K + 1;
    const operands = { shape: { m: 1, k, n: 1 }, a: new Int8Array(k), b: new Int8Array(k) };
    expect(() => multiplyI8Sync(operands)).to.throw(/k must be an integer in \[1, 65536\], got 65537/);
  });

  it("gives identical products with 1 and 2 workers", async function () {
    for (const shape of [
      { m: 3, k: 5, n: 7 },
      { m: 97, k: 131, n: 65 },
      { m: 256, k: 256, n: 256 },
    ]) {
      const operands = generateMatmulOperands(shape, shape.m);
      const single = await multiplyI8(operands, { workers: 1 });
      const double = await multiplyI8(operands, { workers: 2 });
      expect(Array.from(double)).to.deep.equal(Array.from(single));
      expect(single).to.deep.equal(naiveProduct(operands));
    }
  });

  it("generates the same operands from the same seed, with every int8 value reachable", function () {
    const shape = { m: 64, k: 64, n: 64 };
    expect(generateMatmulOperands(shape, 9)).to.deep.equal(generateMatmulOperands(shape, 9));
    expect(generateMatmulOperands(shape, 9).a).not.to.deep.equal(generateMatmulOperands(shape, 10).a);
    expect(new Set(generateMatmulOperands(shape, 1).a).size).to.equal(256);
  });

  it("never rejects a correct product", function () {
    fc.assert(
      fc.property(operandsOf(20), fc.nat(), (operands, seed) => {
        expect(freivaldsCheck(operands, multiplyI8Sync(operands), { random: seededWords(seed) })).to.deep.equal({
          ok: true,
        });
      }),
      { numRuns: 300 },
    );
  });

  it("rejects a product with one wrong element and localizes exactly that element", function () {
    fc.assert(
      fc.property(
        operandsOf(20),
        fc.nat(),
        fc.nat(),
        fc.oneof(
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).filter((d) => d !== 0),
          fc.constantFrom(1, -1, 67108859, 67108837, 2 ** 31),
        ),
        fc.nat(),
        (operands, rowPick, colPick, delta, seed) => {
          const correct = multiplyI8Sync(operands);
          const claimed = correct.slice();
          const row = rowPick % operands.shape.m;
          const col = colPick % operands.shape.n;
          claimed[row * operands.shape.n + col] += delta;
          const verdict = freivaldsCheck(operands, claimed, { random: seededWords(seed) });
          expect(verdict).to.deep.equal({
            ok: false,
            wrongRows: [row],
            fault: {
              row,
              col,
              claimed: claimed[row * operands.shape.n + col],
              correct: correct[row * operands.shape.n + col],
            },
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("names every wrong row of a product with many wrong elements", function () {
    const operands = generateMatmulOperands({ m: 50, k: 30, n: 40 }, 3);
    const claimed = multiplyI8Sync(operands);
    for (const row of [0, 17, 49]) claimed[row * 40 + (row % 40)] ^= 1 << 20;
    expect(freivaldsWrongRows(operands, claimed)).to.deep.equal([0, 17, 49]);
  });

  it("draws its default vectors from Web Crypto, longer than one getRandomValues call (65,536 bytes) fills", function () {
    const words = new Uint32Array(40_000);
    cryptoRandomWords(words);
    for (const start of [0, 16_384, 32_768]) {
      expect(words.subarray(start, start + 7_000).some((word) => word !== 0)).to.equal(true);
    }
    // n = 40,000: each random vector spans three calls, and the wrong element meets the last one.
    const n = 40_000;
    const operands = generateMatmulOperands({ m: 2, k: 3, n }, 5);
    const claimed = multiplyI8Sync(operands);
    expect(freivaldsWrongRows(operands, claimed)).to.deep.equal([]);
    claimed[n + n - 1] += 1;
    expect(freivaldsWrongRows(operands, claimed)).to.deep.equal([1]);
  });

  it("rejects a claimed product of the wrong size", function () {
    const operands = generateMatmulOperands({ m: 2, k: 2, n: 2 }, 1);
    expect(() => freivaldsCheck(operands, new Int32Array(3))).to.throw(/claimed C must have 4 elements, got 3/);
  });

  describe("the WebAssembly kernel", function () {
    const Q = FREIVALDS_MODULUS;
    const int32Edges = [-(2 ** 31), -(2 ** 31) + 1, 2 ** 31 - 1, 2 ** 31 - 2, 2 ** 30, -(2 ** 30), 1, -1];
    /** Matrices of one repeated extreme value, or random int8. */
    const fill = fc.constantFrom<"random" | -128 | 127>("random", -128, 127);

    function extremeOperands(maxDimension: number): fc.Arbitrary<MatmulOperands> {
      return fc.tuple(operandsOf(maxDimension), fill, fill).map(([operands, fillA, fillB]) => ({
        ...operands,
        a: fillA === "random" ? operands.a : operands.a.fill(fillA),
        b: fillB === "random" ? operands.b : operands.b.fill(fillB),
      }));
    }

    /** Rows where the claim differs from the exact BigInt product (which never wraps within MATMUL_MAX_K). */
    function wrongRowsByBigInt(operands: MatmulOperands, claimed: Int32Array): number[] {
      const correct = naiveProduct(operands);
      const { m, n } = operands.shape;
      const rows: number[] = [];
      for (let i = 0; i < m; i++) {
        if (claimed.subarray(i * n, (i + 1) * n).some((word, j) => word !== correct[i * n + j])) rows.push(i);
      }
      return rows;
    }

    /** Vectors r (one per round) of near-maximal entries with the given sums, as the random words encoding them. */
    const vectorsSumming = (sums: readonly number[]): RandomWords => {
      let call = 0;
      return (out) => {
        let left = sums[call++];
        for (let j = 0; j < out.length; j++) {
          const r = Math.min(2 ** 26 - 1, left);
          left -= r;
          out[j] = r * 64; // the top 26 bits of the word
        }
        expect(left).to.equal(0);
      };
    };

    it("flags exactly the rows a BigInt recomputation finds wrong, with wrong words anywhere, up to +-2^31", function () {
      const wrongWord = fc.record({
        row: fc.nat(),
        col: fc.nat(),
        word: fc.oneof(
          fc.constantFrom(...int32Edges),
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          fc.integer({ min: -3, max: 3 }),
        ),
        relative: fc.boolean(),
      });
      fc.assert(
        fc.property(
          extremeOperands(40),
          fc.array(wrongWord, { maxLength: 4 }),
          fc.nat(),
          (operands, wrongWords, seed) => {
            const { m, n } = operands.shape;
            const claimed = multiplyI8Sync(operands);
            for (const { row, col, word, relative } of wrongWords) {
              const index = (row % m) * n + (col % n);
              // Int32Array stores wrap: a relative change of 2^31 lands on the far side of the int32 range.
              claimed[index] = relative ? claimed[index] + word : word;
            }
            expect(freivaldsWrongRows(operands, claimed, { random: seededWords(seed) })).to.deep.equal(
              wrongRowsByBigInt(operands, claimed),
            );
          },
        ),
        { numRuns: 400 },
      );
    });

    it("accepts correct products whose rows span many accumulation blocks, with extreme operands and vectors", function () {
      // Rows longer than the kernel's blocks (1024 bytes of A or B, 128 words of C), and r at its maximum.
      const maxR: RandomWords = (out) => out.fill(0xffffffff);
      fc.assert(
        fc.property(
          fc.record({
            m: fc.integer({ min: 1, max: 3 }),
            k: fc.integer({ min: 1, max: 3000 }),
            n: fc.integer({ min: 1, max: 700 }),
          }),
          fill,
          fill,
          fc.boolean(),
          fc.nat(),
          (shape, fillA, fillB, extremeR, seed) => {
            const [a, b] = [
              [shape.m * shape.k, fillA],
              [shape.k * shape.n, fillB],
            ].map(([length, value]) =>
              value === "random"
                ? Int8Array.from(int8Stream(seed, length as number))
                : new Int8Array(length as number).fill(value as number),
            );
            const operands = { shape, a, b };
            const claimed = multiplyI8Sync(operands);
            const random = extremeR ? maxR : seededWords(seed);
            expect(freivaldsWrongRows(operands, claimed, { random })).to.deep.equal([]);
            const row = seed % shape.m;
            claimed[row * shape.n + (seed % shape.n)] = -(2 ** 31);
            expect(freivaldsWrongRows(operands, claimed, { random })).to.deep.equal([row]);
          },
        ),
        { numRuns: 40 },
      );
    });

    it("accepts the largest correct words (k = MATMUL_MAX_K, all -128) and rejects the words next to them", function () {
      const k = MATMUL_MAX_K;
      const operands = {
        shape: { m: 2, k, n: 3 },
        a: new Int8Array(2 * k).fill(-128),
        b: new Int8Array(3 * k).fill(-128),
      };
      const claimed = naiveProduct(operands);
      expect(claimed[0]).to.equal(2 ** 30);
      expect(freivaldsWrongRows(operands, claimed, { random: seededWords(1) })).to.deep.equal([]);
      for (const word of [2 ** 30 - 1, 2 ** 30 + 1, -(2 ** 31), 2 ** 31 - 1, 2 ** 30 - Q]) {
        const wrong = claimed.slice();
        wrong[4] = word;
        expect(freivaldsWrongRows(operands, wrong, { random: seededWords(word) })).to.deep.equal([1]);
      }
    });

    it("computes C r modulo Q exactly for garbage words: blind only where the arithmetic says so", function () {
      // A = B = 0, so every nonzero claimed word is wrong. A row of 8192 words 2^31 - 1 against an r of near-maximal
      // entries summing to 127 Q is invisible (C r = 0 mod Q), and only exact i64 sums (no lane overflowing past its
      // fold) get that right; the same row against an r summing to 127 Q + 1 is caught.
      const n = 8192;
      const operands = { shape: { m: 2, k: 1, n }, a: new Int8Array(2), b: new Int8Array(n) };
      const claimed = new Int32Array(2 * n).fill(2 ** 31 - 1, n);
      expect(freivaldsWrongRows(operands, claimed, { random: vectorsSumming([127 * Q, 127 * Q]) })).to.deep.equal([]);
      expect(
        freivaldsWrongRows(operands, claimed, { random: vectorsSumming([127 * Q + 1, 127 * Q + 1]) }),
      ).to.deep.equal([1]);
    });

    it("splits B r modulo Q into signed 16-bit limbs correctly on both sides of every boundary", function () {
      // k = 1 and B all ones: y = sum of r, so vectors with a chosen sum put y at each edge of the limb split
      // (2^31 - 2^15), of the int32 range, and of [0, Q).
      const n = 70;
      const a = Int8Array.from([-128, 127, 1, -1, 0]);
      const operands = { shape: { m: a.length, k: 1, n }, a, b: new Int8Array(n).fill(1) };
      const correct = naiveProduct(operands);
      const split = 2 ** 31 - 2 ** 15;
      for (const sums of [
        [split - 1, split],
        [split + 1, split - 2],
        [2 ** 31 - 1, 2 ** 31],
        [Q - 1, 1],
        [2 ** 16 - 1, 2 ** 16],
      ]) {
        expect(freivaldsWrongRows(operands, correct, { random: vectorsSumming(sums) })).to.deep.equal([]);
        const claimed = correct.slice();
        for (let i = 0; i < a.length; i++) claimed[i * n] += i + 1;
        expect(freivaldsWrongRows(operands, claimed, { random: vectorsSumming(sums) })).to.deep.equal([0, 1, 2, 3, 4]);
      }
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";

import { multiplyI8Sync } from "../../src/workloads/matmul-i8/multiply";
import { MATMUL_MAX_K } from "../../src/workloads/matmul-i8/shape";
import type { DotProductBatch, MatmulI8Checker } from "../../typechain-types";
import { casesFor } from "../helpers/coverage";

/** Vector bytes per eth_call of the batch harness: a few million gas, well inside the call gas limit. */
const BYTES_PER_CALL = 256 * 1024;
/** Lanes of one SWAR step: each tail length 0..31 past a multiple of it takes another path through the last word. */
const STEP = 32;
/** The longest vectors of the fraud-proof bench. */
const BENCH_K = 4096;

type Pair = readonly [Int8Array, Int8Array];

/** The TypeScript reference (src/workloads/matmul-i8) on a 1 x k by k x 1 product; zero for empty vectors. */
function referenceDot([a, b]: Pair): bigint {
  if (a.length === 0) return 0n;
  return BigInt(multiplyI8Sync({ shape: { m: 1, k: a.length, n: 1 }, a, b })[0]);
}

const bytesOf = (vector: Int8Array) => new Uint8Array(vector.buffer, vector.byteOffset, vector.length);
const filled = (length: number, value: number) => new Int8Array(length).fill(value);
/** -128, 127, -128, ... or its mirror: extremes of both signs in every lane and every byte of a lane. */
const alternating = (length: number, first: number) =>
  Int8Array.from({ length }, (_, i) => (i % 2 === 0 ? first : first === -128 ? 127 : -128));

/** Every pairing of the extremes at `length`: equal signs, opposite signs, and mixed within the vector. */
function extremePairs(length: number): Pair[] {
  return [
    [filled(length, -128), filled(length, -128)],
    [filled(length, 127), filled(length, 127)],
    [filled(length, -128), filled(length, 127)],
    [filled(length, 127), filled(length, -128)],
    [alternating(length, -128), alternating(length, 127)],
    [alternating(length, -128), alternating(length, -128)],
    [filled(length, -1), filled(length, -1)],
  ];
}

/** Runs dotI8 on every pair through the batch harness, a few hundred kilobytes per eth_call. */
async function onChain(batch: DotProductBatch, checker: MatmulI8Checker, pairs: readonly Pair[]): Promise<bigint[]> {
  const sums: bigint[] = [];
  for (let start = 0; start < pairs.length;) {
    let end = start;
    for (
      let bytes = 0;
      end < pairs.length && (end === start || bytes + 2 * pairs[end][0].length <= BYTES_PER_CALL);
      end++
    ) {
      bytes += 2 * pairs[end][0].length;
    }
    const slice = pairs.slice(start, end);
    sums.push(
      ...(await batch.dots(
        await checker.getAddress(),
        slice.map(([a]) => bytesOf(a)),
        slice.map(([, b]) => bytesOf(b)),
      )),
    );
    start = end;
  }
  return sums;
}

async function expectLikeReference(batch: DotProductBatch, checker: MatmulI8Checker, pairs: readonly Pair[]) {
  const sums = await onChain(batch, checker, pairs);
  pairs.forEach((pair, index) =>
    expect(sums[index]).to.equal(referenceDot(pair), `case ${index} (k = ${pair[0].length})`),
  );
}

describe("Int8DotProduct (MatmulI8Checker.dotI8)", function () {
  let checker: MatmulI8Checker;
  let batch: DotProductBatch;

  before(async function () {
    checker = await ethers.deployContract("MatmulI8Checker");
    batch = await ethers.deployContract("DotProductBatch");
  });

  it("equals the TypeScript reference on thousands of random vectors, short and up to k = 4,096", async function () {
    const pairOf = (maxLength: number) =>
      fc
        .integer({ min: 1, max: maxLength })
        .chain((k) =>
          fc.tuple(fc.int8Array({ minLength: k, maxLength: k }), fc.int8Array({ minLength: k, maxLength: k })),
        );
    const short = fc.sample(pairOf(3 * STEP), { numRuns: casesFor(1800, 180), seed: 20261125 });
    const long = fc.sample(pairOf(BENCH_K), { numRuns: casesFor(300, 30), seed: 20261203 });
    await expectLikeReference(batch, checker, [...short, ...long]);
  });

  it("equals the reference at the int8 extremes for every length 1..64 and every tail length past 4,064", async function () {
    const lengths = [
      ...Array.from({ length: 2 * STEP }, (_, i) => i + 1),
      ...Array.from({ length: STEP + 1 }, (_, tail) => BENCH_K - STEP + tail),
    ];
    await expectLikeReference(batch, checker, lengths.flatMap(extremePairs));
  });

  it("equals the reference on random vectors for every tail length 0..31 past one and many steps", async function () {
    const pairs: Pair[] = [];
    for (const steps of [1, 2, 127]) {
      for (let tail = 0; tail < STEP; tail++) {
        const k = steps * STEP + tail;
        const [a, b] = fc.sample(fc.int8Array({ minLength: k, maxLength: k }), { numRuns: 2, seed: k });
        pairs.push([a, b]);
      }
    }
    await expectLikeReference(batch, checker, pairs);
  });

  it("is zero for empty vectors", async function () {
    expect(await checker.dotI8("0x", "0x")).to.equal(0n);
  });

  it("is exact at the longest vectors the checker accepts, where the sums are largest", async function () {
    expect(await checker.MAX_K()).to.equal(BigInt(MATMUL_MAX_K));
    for (const [a, b] of [
      [filled(MATMUL_MAX_K, -128), filled(MATMUL_MAX_K, -128)],
      [filled(MATMUL_MAX_K, -128), filled(MATMUL_MAX_K, 127)],
      [alternating(MATMUL_MAX_K, -128), alternating(MATMUL_MAX_K, -128)],
    ]) {
      expect(await checker.dotI8(bytesOf(a), bytesOf(b))).to.equal(referenceDot([a, b]));
    }
  });

  it("reverts for vectors longer than the lanes hold exactly, and for vectors of different lengths", async function () {
    const tooLong = new Uint8Array(MATMUL_MAX_K + 1);
    await expect(checker.dotI8(tooLong, tooLong))
      .to.be.revertedWithCustomError(checker, "VectorTooLong")
      .withArgs(MATMUL_MAX_K + 1, MATMUL_MAX_K);
    await expect(checker.dotI8("0x0102", "0x01"))
      .to.be.revertedWithCustomError(checker, "VectorLengthMismatch")
      .withArgs(2, 1);
  });
});

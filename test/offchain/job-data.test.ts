import { expect } from "chai";

import { MatmulInputTree } from "../../src/commitments/matmul-inputs";
import { mandelbrotInputRoot } from "../../src/commitments/mandelbrot-inputs";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { inputByteLength, inputRootOf } from "../../src/commitments/job-inputs";
import { InvalidWorkloadError } from "../../src/workloads/errors";
import { decodeMandelbrotOutput } from "../../src/workloads/mandelbrot-q/codec";
import { MANDELBROT_Q_NAME, renderMandelbrotTile, toFixedPoint } from "../../src/workloads/mandelbrot-q/tile";
import { decodeMatmulInputs, decodeMatmulOutput, generateMatmulOperands } from "../../src/workloads/matmul-i8/codec";
import { MATMUL_I8_NAME } from "../../src/workloads/matmul-i8/shape";
import { type DecodedJob, mandelbrotQ, matmulI8 } from "../../src/workloads/registry";

const SHAPE = { m: 5, k: 7, n: 3 };
const MATMUL_JOB: DecodedJob = { name: MATMUL_I8_NAME, workload: matmulI8, params: SHAPE };
const TILE = {
  x0: toFixedPoint(-2),
  y0: toFixedPoint(-1),
  step: toFixedPoint(1 / 4),
  width: 9,
  height: 5,
  maxIter: 40,
};
const MANDELBROT_JOB: DecodedJob = { name: MANDELBROT_Q_NAME, workload: mandelbrotQ, params: TILE };

/** C = A x B by the textbook triple loop: independent of the blocked, threaded reference. */
function naiveProduct(a: Int8Array, b: Int8Array, { m, k, n }: typeof SHAPE): Int32Array {
  const c = new Int32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
      c[i * n + j] = sum;
    }
  }
  return c;
}

describe("Job data", function () {
  it("sizes matmul-i8 inputs as A then B and mandelbrot-q inputs as empty", function () {
    expect(inputByteLength(MATMUL_JOB)).to.equal(5 * 7 + 7 * 3);
    expect(inputByteLength(MANDELBROT_JOB)).to.equal(0);
  });

  it("generates the same inputs for the same seed, and the codec's operands", function () {
    const inputs = generateInputs(MATMUL_JOB, 42);
    expect(inputs.length).to.equal(inputByteLength(MATMUL_JOB));
    expect(Buffer.from(generateInputs(MATMUL_JOB, 42)).equals(Buffer.from(inputs))).to.equal(true);
    expect(Buffer.from(generateInputs(MATMUL_JOB, 43)).equals(Buffer.from(inputs))).to.equal(false);
    const operands = generateMatmulOperands(SHAPE, 42);
    const decoded = decodeMatmulInputs(SHAPE, inputs);
    expect(Array.from(decoded.a)).to.deep.equal(Array.from(operands.a));
    expect(Array.from(decoded.b)).to.deep.equal(Array.from(operands.b));
    expect(generateInputs(MANDELBROT_JOB, 42).length).to.equal(0);
  });

  it("commits matmul-i8 inputs to the MatmulInputTree root and mandelbrot-q to its params root", function () {
    const inputs = generateInputs(MATMUL_JOB, 7);
    expect(inputRootOf(MATMUL_JOB, inputs)).to.equal(new MatmulInputTree(generateMatmulOperands(SHAPE, 7)).root);
    expect(inputRootOf(MANDELBROT_JOB, new Uint8Array(0))).to.equal(mandelbrotInputRoot(TILE));
    const other = Uint8Array.from(inputs);
    other[0] ^= 1;
    expect(inputRootOf(MATMUL_JOB, other)).not.to.equal(inputRootOf(MATMUL_JOB, inputs));
  });

  it("rejects inputs of the wrong length, naming the length it needs", function () {
    const inputs = generateInputs(MATMUL_JOB, 7);
    expect(() => inputRootOf(MATMUL_JOB, inputs.subarray(1))).to.throw(
      InvalidWorkloadError,
      "inputs must be 56 bytes, got 55",
    );
    expect(() => inputRootOf(MANDELBROT_JOB, Uint8Array.of(1))).to.throw(
      InvalidWorkloadError,
      "inputs must be 0 bytes",
    );
  });

  it("computes the matmul-i8 output of the textbook product", async function () {
    const inputs = generateInputs(MATMUL_JOB, 11);
    const { a, b } = decodeMatmulInputs(SHAPE, inputs);
    const output = decodeMatmulOutput(SHAPE, await referenceOutput(MATMUL_JOB, inputs));
    expect(Array.from(output)).to.deep.equal(Array.from(naiveProduct(a, b, SHAPE)));
  });

  it("computes the mandelbrot-q output of the tile renderer, with the origin inside the set", async function () {
    const pixels = decodeMandelbrotOutput(TILE, await referenceOutput(MANDELBROT_JOB, new Uint8Array(0)));
    expect(Array.from(pixels)).to.deep.equal(Array.from(renderMandelbrotTile(TILE)));
    // Pixel (8, 4) is c = (-2 + 8/4) + (-1 + 4/4)i = 0, which never escapes; pixel (0, 0) is c = -2 - i, whose
    // first iterate -2 - i has |z|^2 = 5 > 4.
    expect(pixels[4 * TILE.width + 8]).to.equal(TILE.maxIter);
    expect(pixels[0]).to.equal(1);
  });
});

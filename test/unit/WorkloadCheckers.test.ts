import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { AbiCoder } from "ethers";

import { MANDELBROT_FRAUD_PROOF, MATMUL_FRAUD_PROOF } from "../../src/disputes/proofs";
import { MatmulInputTree } from "../../src/commitments/matmul-inputs";
import { mandelbrotInputRoot } from "../../src/commitments/mandelbrot-inputs";
import { ResultTree } from "../../src/commitments/result-tree";
import { encodeMandelbrotOutput, mandelbrotParamsCodec } from "../../src/workloads/mandelbrot-q/codec";
import {
  escapeIterations,
  renderMandelbrotTile,
  toFixedPoint,
  type MandelbrotTile,
} from "../../src/workloads/mandelbrot-q/tile";
import { encodeMatmulOutput, matmulParamsCodec } from "../../src/workloads/matmul-i8/codec";
import { multiplyI8Sync } from "../../src/workloads/matmul-i8/multiply";
import { mandelbrotQ, matmulI8 } from "../../src/workloads/registry";
import type { MatmulOperands } from "../../src/workloads/matmul-i8/shape";
import type { MandelbrotChecker, MatmulI8Checker } from "../../typechain-types";
import { casesFor } from "../helpers/coverage";

const coder = AbiCoder.defaultAbiCoder();

const int8 = fc.integer({ min: -128, max: 127 });
function int8Vector(length: number) {
  return fc.array(int8, { minLength: length, maxLength: length }).map((v) => Int8Array.from(v));
}

function word(value: number): string {
  return ethers.toBeHex(BigInt.asUintN(32, BigInt(value)), 4);
}

/** A job's commitments and a fraud proof for C[row][col], from the provider's claimed output. */
function matmulCase(operands: MatmulOperands, claimed: Int32Array, row: number, col: number) {
  const inputs = new MatmulInputTree(operands);
  const result = new ResultTree(encodeMatmulOutput(claimed));
  const rowProof = inputs.rowProof(row);
  const columnProof = inputs.columnProof(col);
  const cell = result.wordProof(row * operands.shape.n + col);
  const proof = coder.encode(
    [MATMUL_FRAUD_PROOF],
    [[row, col, rowProof.vector, rowProof.proof, columnProof.vector, columnProof.proof, cell.chunk, cell.proof]],
  );
  return { inputRoot: inputs.root, resultRoot: result.root, params: matmulParamsCodec.encode(operands.shape), proof };
}

describe("Workload checkers", function () {
  let matmul: MatmulI8Checker;
  let mandelbrot: MandelbrotChecker;

  before(async function () {
    matmul = await ethers.deployContract("MatmulI8Checker");
    mandelbrot = await ethers.deployContract("MandelbrotChecker");
  });

  describe("MatmulI8Checker", function () {
    it("finds a wrong committed element and names its committed and correct value", async function () {
      const shapes = fc.record({
        m: fc.integer({ min: 1, max: 24 }),
        k: fc.integer({ min: 1, max: 70 }),
        n: fc.integer({ min: 1, max: 24 }),
      });
      const cases = fc.sample(
        shapes.chain((shape) =>
          fc.record({
            operands: fc.record({
              shape: fc.constant(shape),
              a: int8Vector(shape.m * shape.k),
              b: int8Vector(shape.k * shape.n),
            }),
            row: fc.integer({ min: 0, max: shape.m - 1 }),
            col: fc.integer({ min: 0, max: shape.n - 1 }),
            delta: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).filter((d) => d !== 0),
          }),
        ),
        { numRuns: casesFor(200, 20), seed: 7 },
      );
      for (const { operands, row, col, delta } of cases) {
        const correct = multiplyI8Sync(operands);
        const claimed = Int32Array.from(correct);
        claimed[row * operands.shape.n + col] += delta;
        const c = matmulCase(operands, claimed, row, col);
        const verdict = await matmul.check(c.inputRoot, c.resultRoot, c.params, c.proof);
        expect(verdict.fraud).to.equal(true);
        expect(verdict.wordIndex).to.equal(row * operands.shape.n + col);
        expect(verdict.committedWord).to.equal(word(claimed[row * operands.shape.n + col]));
        expect(verdict.correctWord).to.equal(word(correct[row * operands.shape.n + col]));
      }
    });

    it("names the workload each checker decides", async function () {
      expect(await matmul.workloadId()).to.equal(matmulI8.id);
      expect(await mandelbrot.workloadId()).to.equal(mandelbrotQ.id);
    });

    it("clears a correct element", async function () {
      const operands: MatmulOperands = {
        shape: { m: 3, k: 5, n: 130 },
        a: Int8Array.from({ length: 15 }, (_, i) => i - 7),
        b: Int8Array.from({ length: 650 }, (_, i) => ((i * 37) % 256) - 128),
      };
      const c = matmulCase(operands, multiplyI8Sync(operands), 2, 129);
      const verdict = await matmul.check(c.inputRoot, c.resultRoot, c.params, c.proof);
      expect(verdict.fraud).to.equal(false);
      expect(verdict.committedWord).to.equal(verdict.correctWord);
    });

    it("reverts when a vector or chunk is not the committed one, or the element is outside the product", async function () {
      const operands: MatmulOperands = {
        shape: { m: 2, k: 3, n: 2 },
        a: Int8Array.from([1, 2, 3, 4, 5, 6]),
        b: Int8Array.from([1, -1, 2, -2, 3, -3]),
      };
      const claimed = multiplyI8Sync(operands);
      const c = matmulCase(operands, claimed, 1, 1);
      const wrongRoot = ethers.id("other inputs");
      await expect(matmul.check(wrongRoot, c.resultRoot, c.params, c.proof)).to.be.revertedWithCustomError(
        matmul,
        "InputVectorNotInTree",
      );
      await expect(matmul.check(c.inputRoot, wrongRoot, c.params, c.proof)).to.be.revertedWithCustomError(
        matmul,
        "ResultChunkNotInTree",
      );
      const outside = matmulParamsCodec.encode({ m: 1, k: 3, n: 2 });
      await expect(matmul.check(c.inputRoot, c.resultRoot, outside, c.proof))
        .to.be.revertedWithCustomError(matmul, "ElementOutOfRange")
        .withArgs(1, 1, 1, 2);
      await expect(matmul.check(c.inputRoot, c.resultRoot, "0x1234", c.proof)).to.be.revertedWithCustomError(
        matmul,
        "InvalidWorkloadParams",
      );
      await expect(matmul.check(c.inputRoot, c.resultRoot, c.params, "0x12")).to.be.revertedWithCustomError(
        matmul,
        "MalformedProof",
      );
    });
    it("reverts for params outside the workload's limits", async function () {
      for (const shape of [
        { m: 0, k: 1, n: 1 },
        { m: 1, k: 0, n: 1 },
        { m: 1, k: 1, n: 0 },
        { m: 1, k: 65537, n: 1 },
      ]) {
        const params = coder.encode(["uint256", "uint256", "uint256"], [shape.m, shape.k, shape.n]);
        await expect(matmul.outputShape(params)).to.be.revertedWithCustomError(matmul, "InvalidWorkloadParams");
      }
      expect(await matmul.outputShape(matmulParamsCodec.encode({ m: 3, k: 4, n: 5 }))).to.deep.equal([3n, 5n]);
    });

    it("accepts a shape at every limit and refuses one a unit beyond it", async function () {
      const max = 65536;
      expect(await matmul.MAX_DIMENSION()).to.equal(BigInt(max));
      expect(await matmul.MAX_K()).to.equal(BigInt(max));
      const encode = (m: number, k: number, n: number) => coder.encode(["uint256", "uint256", "uint256"], [m, k, n]);
      expect(await matmul.outputShape(encode(max, max, max))).to.deep.equal([BigInt(max), BigInt(max)]);
      expect(await matmul.outputShape(encode(1, 1, 1))).to.deep.equal([1n, 1n]);
      for (const [m, k, n] of [
        [max + 1, 1, 1],
        [1, max + 1, 1],
        [1, 1, max + 1],
      ]) {
        await expect(matmul.outputShape(encode(m, k, n)), `${m}x${k}x${n}`).to.be.revertedWithCustomError(
          matmul,
          "InvalidWorkloadParams",
        );
      }
    });

    it("reverts for a column outside the product", async function () {
      const operands: MatmulOperands = {
        shape: { m: 2, k: 3, n: 2 },
        a: Int8Array.from([1, 2, 3, 4, 5, 6]),
        b: Int8Array.from([1, -1, 2, -2, 3, -3]),
      };
      const c = matmulCase(operands, multiplyI8Sync(operands), 1, 1);
      const narrower = matmulParamsCodec.encode({ m: 2, k: 3, n: 1 });
      await expect(matmul.check(c.inputRoot, c.resultRoot, narrower, c.proof))
        .to.be.revertedWithCustomError(matmul, "ElementOutOfRange")
        .withArgs(1, 1, 2, 1);
    });
  });

  describe("MandelbrotChecker", function () {
    const tile: MandelbrotTile = {
      x0: toFixedPoint(-2),
      y0: toFixedPoint(-1.25),
      step: toFixedPoint(2.5 / 64),
      width: 64,
      height: 64,
      maxIter: 200,
    };

    function mandelbrotCase(pixels: Uint32Array, pixelIndex: number) {
      const result = new ResultTree(encodeMandelbrotOutput(pixels));
      const cell = result.wordProof(pixelIndex);
      const proof = coder.encode([MANDELBROT_FRAUD_PROOF], [[pixelIndex, cell.chunk, cell.proof]]);
      return {
        inputRoot: mandelbrotInputRoot(tile),
        resultRoot: result.root,
        params: mandelbrotParamsCodec.encode(tile),
        proof,
      };
    }

    it("recomputes escape counts exactly like the reference, at random points of the plane", async function () {
      const q = fc.integer({ min: toFixedPoint(-2), max: toFixedPoint(2) });
      const points = fc.sample(fc.tuple(q, q, fc.integer({ min: 1, max: 300 })), {
        numRuns: casesFor(300, 30),
        seed: 11,
      });
      const counts = await Promise.all(points.map(([cx, cy, maxIter]) => mandelbrot.escapeIterations(cx, cy, maxIter)));
      points.forEach(([cx, cy, maxIter], index) => expect(counts[index]).to.equal(escapeIterations(cx, cy, maxIter)));
    });

    it("escapes only beyond |z|^2 = 4, as the reference does, for points that land exactly on the circle", async function () {
      // c = -2 stays on the circle forever (z = -2, 2, 2, ...): it never escapes. c = 2 lands on it at the first
      // iteration and escapes at the second.
      for (const [cx, expected] of [
        [toFixedPoint(-2), 50],
        [toFixedPoint(2), 2],
      ]) {
        expect(escapeIterations(cx, 0, 50)).to.equal(expected);
        expect(await mandelbrot.escapeIterations(cx, 0, 50)).to.equal(BigInt(expected));
      }
    });

    it("finds a wrong pixel and clears a correct one", async function () {
      const pixels = renderMandelbrotTile(tile);
      const claimed = Uint32Array.from(pixels);
      claimed[2080] += 1;
      const wrong = mandelbrotCase(claimed, 2080);
      const verdict = await mandelbrot.check(wrong.inputRoot, wrong.resultRoot, wrong.params, wrong.proof);
      expect(verdict.fraud).to.equal(true);
      expect(verdict.committedWord).to.equal(word(claimed[2080]));
      expect(verdict.correctWord).to.equal(word(pixels[2080]));
      const right = mandelbrotCase(claimed, 2081);
      expect((await mandelbrot.check(right.inputRoot, right.resultRoot, right.params, right.proof)).fraud).to.equal(
        false,
      );
    });

    it("reverts for params that are not a valid tile, and reports the tile's output shape", async function () {
      expect(await mandelbrot.outputShape(mandelbrotParamsCodec.encode(tile))).to.deep.equal([64n, 64n]);
      await expect(mandelbrot.outputShape("0x1234")).to.be.revertedWithCustomError(mandelbrot, "InvalidWorkloadParams");
      const invalid = [
        { ...tile, width: 0 },
        { ...tile, height: 8193 },
        { ...tile, maxIter: 0 },
        { ...tile, step: 0 },
        { ...tile, x0: toFixedPoint(1.9) },
        { ...tile, y0: toFixedPoint(-2.5) },
      ];
      for (const bad of invalid) {
        const params = coder.encode(
          ["int64", "int64", "int64", "uint32", "uint32", "uint32"],
          [bad.x0, bad.y0, bad.step, bad.width, bad.height, bad.maxIter],
        );
        await expect(mandelbrot.outputShape(params)).to.be.revertedWithCustomError(mandelbrot, "InvalidWorkloadParams");
      }
    });

    it("accepts a tile at every limit and refuses one a unit beyond it", async function () {
      const max = { side: 8192, iterations: 65536, coordinate: toFixedPoint(2) };
      expect(await mandelbrot.MAX_SIDE()).to.equal(BigInt(max.side));
      expect(await mandelbrot.MAX_ITERATIONS()).to.equal(BigInt(max.iterations));
      expect(await mandelbrot.MAX_COORDINATE()).to.equal(BigInt(max.coordinate));
      const encode = (t: MandelbrotTile) =>
        coder.encode(
          ["int64", "int64", "int64", "uint32", "uint32", "uint32"],
          [t.x0, t.y0, t.step, t.width, t.height, t.maxIter],
        );
      const corner = { x0: -max.coordinate, y0: -max.coordinate, step: 1, width: 1, height: 1, maxIter: 1 };
      const atLimits: MandelbrotTile[] = [
        { ...corner, width: max.side, height: max.side, maxIter: max.iterations },
        // The widest step spans the plane exactly: the last pixel sits on its far edge.
        { ...corner, step: 2 * max.coordinate, width: 2, height: 2 },
        { ...corner, x0: max.coordinate, y0: max.coordinate },
      ];
      for (const edge of atLimits) {
        expect(await mandelbrot.outputShape(encode(edge))).to.deep.equal([BigInt(edge.height), BigInt(edge.width)]);
      }
      const beyond: MandelbrotTile[] = [
        { ...corner, width: max.side + 1 },
        { ...corner, height: max.side + 1 },
        { ...corner, maxIter: max.iterations + 1 },
        { ...corner, step: 2 * max.coordinate + 1, width: 2 },
        { ...corner, step: 2 * max.coordinate + 1, height: 2 },
        { ...corner, x0: -max.coordinate - 1 },
        { ...corner, y0: -max.coordinate - 1 },
        { ...corner, x0: max.coordinate + 1 },
        { ...corner, y0: max.coordinate + 1 },
        { ...corner, step: 2 * max.coordinate, width: 2, x0: -max.coordinate + 1 },
        { ...corner, step: 2 * max.coordinate, height: 2, y0: -max.coordinate + 1 },
      ];
      for (const bad of beyond) {
        await expect(mandelbrot.outputShape(encode(bad)), JSON.stringify(bad)).to.be.revertedWithCustomError(
          mandelbrot,
          "InvalidWorkloadParams",
        );
      }
    });

    it("reverts when the params are not the committed tile or the pixel is outside it", async function () {
      const c = mandelbrotCase(renderMandelbrotTile(tile), 5);
      await expect(mandelbrot.check(ethers.id("x"), c.resultRoot, c.params, c.proof)).to.be.revertedWithCustomError(
        mandelbrot,
        "ParamsNotCommitted",
      );
      const outside = coder.encode([MANDELBROT_FRAUD_PROOF], [[4096, "0x", []]]);
      await expect(mandelbrot.check(c.inputRoot, c.resultRoot, c.params, outside))
        .to.be.revertedWithCustomError(mandelbrot, "PixelOutOfRange")
        .withArgs(4096, 4096);
    });
  });
});

import { expect } from "chai";
import fc from "fast-check";
import { AbiCoder, encodeBytes32String } from "ethers";

import {
  decodeMatmulInputs,
  encodeMatmulInputs,
  encodeMatmulOutput,
  decodeMatmulOutput,
  generateMatmulOperands,
} from "../../src/workloads/matmul-i8/codec";
import { decodeMandelbrotOutput, encodeMandelbrotOutput } from "../../src/workloads/mandelbrot-q/codec";
import { MANDELBROT_ONE } from "../../src/workloads/mandelbrot-q/tile";
import { decodeJobParams, mandelbrotQ, matmulI8, outputBytes, workloadById } from "../../src/workloads/registry";

describe("workload registry and codecs", function () {
  it("identifies workloads by encodeBytes32String(name)", function () {
    expect(workloadById(encodeBytes32String("matmul-i8"))).to.equal(matmulI8);
    expect(workloadById(encodeBytes32String("mandelbrot-q"))).to.equal(mandelbrotQ);
    expect(() => workloadById(encodeBytes32String("sha256"))).to.throw(/unknown workload id; known: matmul-i8/);
  });

  it("round-trips matmul-i8 params through abi.encode(uint32, uint32, uint32)", function () {
    const dimension = fc.integer({ min: 1, max: 2 ** 32 - 1 });
    fc.assert(
      fc.property(dimension, dimension, dimension, (m, k, n) => {
        const encoded = matmulI8.params.encode({ m, k, n });
        expect(encoded).to.equal(AbiCoder.defaultAbiCoder().encode(["uint32", "uint32", "uint32"], [m, k, n]));
        expect(matmulI8.params.decode(encoded)).to.deep.equal({ m, k, n });
      }),
    );
  });

  it("round-trips mandelbrot-q params, including negative int64 coordinates", function () {
    const coordinate = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
    const size = fc.integer({ min: 0, max: 2 ** 32 - 1 });
    fc.assert(
      fc.property(coordinate, coordinate, coordinate, size, size, size, (x0, y0, step, width, height, maxIter) => {
        const tile = { x0, y0, step, width, height, maxIter };
        expect(mandelbrotQ.params.decode(mandelbrotQ.params.encode(tile))).to.deep.equal(tile);
      }),
    );
  });

  it("decodes and validates job params by workload id, with errors that name the limit", function () {
    const job = decodeJobParams(matmulI8.id, matmulI8.params.encode({ m: 4, k: 5, n: 6 }));
    expect(job.workload.name).to.equal("matmul-i8");
    expect(outputBytes(matmulI8, { m: 4, k: 5, n: 6 })).to.equal(96);
    expect(() => decodeJobParams(matmulI8.id, matmulI8.params.encode({ m: 0, k: 5, n: 6 }))).to.throw(
      /matmul-i8: m must be an integer in \[1, 65536\], got 0/,
    );
    expect(() => decodeJobParams(matmulI8.id, matmulI8.params.encode({ m: 65536, k: 2, n: 65536 }))).to.throw(
      /C has 65536x65536 elements, more than MATMUL_MAX_MATRIX_ELEMENTS/,
    );
    expect(() => decodeJobParams(matmulI8.id, "0x1234")).to.throw(
      /params are not abi.encode\(uint32, uint32, uint32\)/,
    );
    const tile = { x0: -2 * MANDELBROT_ONE, y0: -MANDELBROT_ONE, step: 1000, width: 100, height: 50, maxIter: 99 };
    expect(decodeJobParams(mandelbrotQ.id, mandelbrotQ.params.encode(tile)).params).to.deep.equal(tile);
    expect(outputBytes(mandelbrotQ, tile)).to.equal(20000);
    expect(() => decodeJobParams(mandelbrotQ.id, mandelbrotQ.params.encode({ ...tile, step: 0 }))).to.throw(
      /mandelbrot-q: step must be an integer/,
    );
  });

  it("serializes matmul-i8 inputs as A then B and outputs as big-endian int32", function () {
    const operands = generateMatmulOperands({ m: 3, k: 4, n: 5 }, 42);
    const bytes = encodeMatmulInputs(operands);
    expect(bytes.length).to.equal(12 + 20);
    expect(decodeMatmulInputs(operands.shape, bytes)).to.deep.equal(operands);
    expect(() => decodeMatmulInputs(operands.shape, bytes.subarray(1))).to.throw(
      /must be 32 bytes \(A then B\), got 31/,
    );
    const c = Int32Array.from([-1, 2 ** 31 - 1, -(2 ** 31), 0, 258]);
    const output = encodeMatmulOutput(c);
    expect(Buffer.from(output).toString("hex")).to.equal(
      "ffffffff" + "7fffffff" + "80000000" + "00000000" + "00000102",
    );
    expect(decodeMatmulOutput({ m: 1, k: 1, n: 5 }, output)).to.deep.equal(c);
    expect(() => decodeMatmulOutput({ m: 1, k: 1, n: 4 }, output)).to.throw(
      /output must be 4 words \(16 bytes\), got 20 bytes/,
    );
  });

  it("serializes mandelbrot-q outputs as big-endian uint32", function () {
    const pixels = Uint32Array.from([0, 1, 65536]);
    const tile = { x0: 0, y0: 0, step: 1, width: 3, height: 1, maxIter: 65536 };
    expect(decodeMandelbrotOutput(tile, encodeMandelbrotOutput(pixels))).to.deep.equal(pixels);
  });
});

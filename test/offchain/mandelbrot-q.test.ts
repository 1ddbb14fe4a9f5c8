import { expect } from "chai";
import fc from "fast-check";
import { PNG } from "pngjs";

import { assembleTiles, renderIterationsPng } from "../../src/workloads/mandelbrot-q/image";
import {
  escapeIterations,
  MANDELBROT_FRACTION_BITS,
  MANDELBROT_ONE,
  type MandelbrotTile,
  renderMandelbrotTile,
  subTile,
  toFixedPoint,
} from "../../src/workloads/mandelbrot-q/tile";

/** The specification in BigInt with explicit arithmetic shifts, as Solidity's int256 computes it. */
function escapeIterationsBigInt(cx: bigint, cy: bigint, maxIter: number): number {
  const f = BigInt(MANDELBROT_FRACTION_BITS);
  let x = 0n;
  let y = 0n;
  for (let iter = 0; iter < maxIter; iter++) {
    const xx = (x * x) >> f;
    const yy = (y * y) >> f;
    if (xx + yy > 4n << f) return iter;
    const xy2 = (x * y) >> (f - 1n);
    x = xx - yy + cx;
    y = xy2 + cy;
  }
  return maxIter;
}

const wholeView: MandelbrotTile = {
  x0: toFixedPoint(-2),
  y0: toFixedPoint(-1.25),
  step: toFixedPoint(1 / 32),
  width: 97,
  height: 81,
  maxIter: 200,
};

describe("mandelbrot-q reference", function () {
  it("gives the known counts of hand-computed points", function () {
    // c = 0 and c = -1 never escape; c = 1: z = 0, 1, 2, 5 escapes at iteration 3 (|z|^2 = 4 is not > 4 at
    // iteration 2); c = 2: z = 0, 2, 6 escapes at iteration 2; c = -2 stays at 2 forever.
    expect(escapeIterations(0, 0, 100)).to.equal(100);
    expect(escapeIterations(-MANDELBROT_ONE, 0, 100)).to.equal(100);
    expect(escapeIterations(MANDELBROT_ONE, 0, 100)).to.equal(3);
    expect(escapeIterations(2 * MANDELBROT_ONE, 0, 100)).to.equal(2);
    expect(escapeIterations(-2 * MANDELBROT_ONE, 0, 100)).to.equal(100);
    // c = i: z = 0, i, -1+i, -i, -1+i, ... is periodic.
    expect(escapeIterations(0, MANDELBROT_ONE, 100)).to.equal(100);
  });

  it("matches the BigInt (int256) specification for random points of the allowed range and its corners", function () {
    const coordinate = fc.integer({ min: -2 * MANDELBROT_ONE, max: 2 * MANDELBROT_ONE });
    fc.assert(
      fc.property(coordinate, coordinate, fc.integer({ min: 1, max: 300 }), (cx, cy, maxIter) => {
        expect(escapeIterations(cx, cy, maxIter)).to.equal(escapeIterationsBigInt(BigInt(cx), BigInt(cy), maxIter));
      }),
      {
        numRuns: 3000,
        examples: [
          [-2 * MANDELBROT_ONE, -2 * MANDELBROT_ONE, 300],
          [2 * MANDELBROT_ONE, 2 * MANDELBROT_ONE, 5],
        ],
      },
    );
  });

  it("renders a tile identically as one tile and as any grid of sub-tiles", function () {
    const whole = renderMandelbrotTile(wholeView);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 96 }), fc.integer({ min: 1, max: 80 }), (cutX, cutY) => {
        const parts = [
          [0, 0, cutX, cutY],
          [cutX, 0, wholeView.width - cutX, cutY],
          [0, cutY, cutX, wholeView.height - cutY],
          [cutX, cutY, wholeView.width - cutX, wholeView.height - cutY],
        ].map(([offsetX, offsetY, width, height]) => ({
          offsetX,
          offsetY,
          width,
          height,
          pixels: renderMandelbrotTile(subTile(wholeView, offsetX, offsetY, width, height)),
        }));
        expect(assembleTiles(wholeView.width, wholeView.height, parts)).to.deep.equal(whole);
      }),
      { numRuns: 20 },
    );
  });

  it("rejects tiles whose pixels leave |c| <= 2, and sub-tiles that do not fit", function () {
    expect(() => renderMandelbrotTile({ ...wholeView, width: 200 })).to.throw(/last pixel's c .* exceeds/);
    expect(() => renderMandelbrotTile({ ...wholeView, x0: -3 * MANDELBROT_ONE })).to.throw(/x0 must be an integer in/);
    expect(() => renderMandelbrotTile({ ...wholeView, maxIter: 0 })).to.throw(
      /maxIter must be an integer in \[1, 65536\]/,
    );
    expect(() => subTile(wholeView, 90, 0, 10, 10)).to.throw(/does not fit in a 97x81 tile/);
    expect(() =>
      assembleTiles(10, 10, [{ offsetX: 5, offsetY: 5, width: 6, height: 1, pixels: new Uint32Array(6) }]),
    ).to.throw(/does not fit a 10x10 image/);
  });

  it("renders iteration counts to a PNG of the same size, the set in black", function () {
    const pixels = renderMandelbrotTile(wholeView);
    const png = PNG.sync.read(renderIterationsPng(pixels, wholeView.width, wholeView.height, wholeView.maxIter));
    expect([png.width, png.height]).to.deep.equal([wholeView.width, wholeView.height]);
    const centre = 40 * wholeView.width + 64; // c = (0, 0): inside the set
    expect(pixels[centre]).to.equal(wholeView.maxIter);
    expect(Array.from(png.data.subarray(4 * centre, 4 * centre + 4))).to.deep.equal([0, 0, 0, 255]);
  });
});

/**
 * Reference mandelbrot-q: escape-iteration counts of a tile of the complex plane, in fixed point.
 *
 * Q format: a real number v is the integer round(v * 2^MANDELBROT_FRACTION_BITS). Pixel (px, py) of a
 * tile has c = (x0 + px * step) + i (y0 + py * step), so it depends only on its own coordinates and a
 * tile computed whole or as sub-tiles is identical. For each pixel, with x = y = 0:
 *
 *   for iter in 0 .. maxIter-1:
 *     xx = (x * x) >> F;  yy = (y * y) >> F           (>> is an arithmetic shift: floor division)
 *     if xx + yy > 4 << F: pixel = iter; stop
 *     xy2 = (x * y) >> (F - 1)                         (2xy)
 *     x = xx - yy + cx;  y = xy2 + cy
 *   pixel = maxIter if it never escaped
 *
 * Solidity's >> on int256 is the same floor division, so the EVM reproduces every pixel exactly.
 *
 * Why F = 23: validation keeps |cx|, |cy| <= 2, and a point that has not escaped has xx + yy <= 4, so
 * after an update |x|, |y| <= 6 * 2^F + 3; every product is then below 36 * 2^46 < 2^52 and is exact in
 * a double. TypeScript therefore runs the loop in plain Number arithmetic (Math.floor of an exact
 * product divided by a power of two) instead of BigInt. F = 24 would overflow 2^53 for |c| near 2.
 */
import { InvalidWorkloadError, requireIntegerInRange } from "../errors";

export const MANDELBROT_Q_NAME = "mandelbrot-q";
export const MANDELBROT_FRACTION_BITS = 23;
/** 1.0 in the Q format. */
export const MANDELBROT_ONE = 2 ** MANDELBROT_FRACTION_BITS;
/** Every pixel's c must satisfy |cx|, |cy| <= this (2.0): the whole Mandelbrot set lies inside. */
export const MANDELBROT_MAX_COORDINATE = 2 * MANDELBROT_ONE;
export const MANDELBROT_MAX_SIDE = 8192;
export const MANDELBROT_MAX_PIXELS = 1 << 24;
/** Bounds the on-chain recomputation of one pixel. */
export const MANDELBROT_MAX_ITERATIONS = 1 << 16;

const ESCAPE_THRESHOLD = 4 * MANDELBROT_ONE;
const HALF_ONE = MANDELBROT_ONE / 2;

/** A tile: its top-left c, the distance between pixels, its size and the iteration cap, in Q format. */
export interface MandelbrotTile {
  readonly x0: number;
  readonly y0: number;
  readonly step: number;
  readonly width: number;
  readonly height: number;
  readonly maxIter: number;
}

/** Real number to the Q format (rounded to nearest). */
export function toFixedPoint(value: number): number {
  return Math.round(value * MANDELBROT_ONE);
}

/** Throws an InvalidWorkloadError naming the broken limit. */
export function validateMandelbrotTile(tile: MandelbrotTile): void {
  const bound = MANDELBROT_MAX_COORDINATE;
  requireIntegerInRange(MANDELBROT_Q_NAME, "width", tile.width, 1, MANDELBROT_MAX_SIDE);
  requireIntegerInRange(MANDELBROT_Q_NAME, "height", tile.height, 1, MANDELBROT_MAX_SIDE);
  requireIntegerInRange(MANDELBROT_Q_NAME, "maxIter", tile.maxIter, 1, MANDELBROT_MAX_ITERATIONS);
  requireIntegerInRange(MANDELBROT_Q_NAME, "step", tile.step, 1, 2 * bound);
  requireIntegerInRange(MANDELBROT_Q_NAME, "x0", tile.x0, -bound, bound);
  requireIntegerInRange(MANDELBROT_Q_NAME, "y0", tile.y0, -bound, bound);
  if (tile.width * tile.height > MANDELBROT_MAX_PIXELS) {
    throw new InvalidWorkloadError(
      MANDELBROT_Q_NAME,
      `tile has ${tile.width}x${tile.height} pixels, more than MANDELBROT_MAX_PIXELS (${MANDELBROT_MAX_PIXELS}); split it into tiles`,
    );
  }
  const xLast = tile.x0 + (tile.width - 1) * tile.step;
  const yLast = tile.y0 + (tile.height - 1) * tile.step;
  if (xLast > bound || yLast > bound) {
    throw new InvalidWorkloadError(
      MANDELBROT_Q_NAME,
      `the last pixel's c = (${xLast}, ${yLast}) exceeds ${bound} (2.0 in Q${MANDELBROT_FRACTION_BITS}); shrink the step or the tile`,
    );
  }
}

/** Escape iteration count of one point c = (cx, cy), both in Q format (see the file comment). */
export function escapeIterations(cx: number, cy: number, maxIter: number): number {
  let x = 0;
  let y = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    const xx = Math.floor((x * x) / MANDELBROT_ONE);
    const yy = Math.floor((y * y) / MANDELBROT_ONE);
    if (xx + yy > ESCAPE_THRESHOLD) return iter;
    const xy2 = Math.floor((x * y) / HALF_ONE);
    x = xx - yy + cx;
    y = xy2 + cy;
  }
  return maxIter;
}

/** Iteration counts of a whole tile, row-major (index py * width + px). */
export function renderMandelbrotTile(tile: MandelbrotTile): Uint32Array {
  validateMandelbrotTile(tile);
  const { x0, y0, step, width, height, maxIter } = tile;
  const pixels = new Uint32Array(width * height);
  for (let py = 0; py < height; py++) {
    const cy = y0 + py * step;
    for (let px = 0; px < width; px++) pixels[py * width + px] = escapeIterations(x0 + px * step, cy, maxIter);
  }
  return pixels;
}

/** The sub-tile of `tile` starting at pixel (offsetX, offsetY): it renders to exactly those pixels. */
export function subTile(
  tile: MandelbrotTile,
  offsetX: number,
  offsetY: number,
  width: number,
  height: number,
): MandelbrotTile {
  if (offsetX < 0 || offsetY < 0 || offsetX + width > tile.width || offsetY + height > tile.height) {
    throw new InvalidWorkloadError(
      MANDELBROT_Q_NAME,
      `sub-tile ${width}x${height} at (${offsetX}, ${offsetY}) does not fit in a ${tile.width}x${tile.height} tile`,
    );
  }
  return {
    ...tile,
    x0: tile.x0 + offsetX * tile.step,
    y0: tile.y0 + offsetY * tile.step,
    width,
    height,
  };
}

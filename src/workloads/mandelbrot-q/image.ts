/** Turning iteration counts into pictures: tile assembly and PNG rendering (pure: returns bytes). */
import { PNG } from "pngjs";

import { InvalidWorkloadError } from "../errors";
import { MANDELBROT_Q_NAME } from "./tile";

/** Iteration counts of one tile placed at pixel (offsetX, offsetY) of a larger image. */
export interface PlacedTile {
  readonly offsetX: number;
  readonly offsetY: number;
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint32Array;
}

/** Copies tiles into one width x height image (row-major); throws if a tile does not fit. */
export function assembleTiles(width: number, height: number, tiles: readonly PlacedTile[]): Uint32Array {
  const image = new Uint32Array(width * height);
  for (const tile of tiles) {
    const fits =
      tile.offsetX >= 0 &&
      tile.offsetY >= 0 &&
      tile.offsetX + tile.width <= width &&
      tile.offsetY + tile.height <= height &&
      tile.pixels.length === tile.width * tile.height;
    if (!fits) {
      throw new InvalidWorkloadError(
        MANDELBROT_Q_NAME,
        `tile ${tile.width}x${tile.height} (${tile.pixels.length} pixels) at (${tile.offsetX}, ${tile.offsetY}) does not fit a ${width}x${height} image`,
      );
    }
    for (let row = 0; row < tile.height; row++) {
      const source = tile.pixels.subarray(row * tile.width, (row + 1) * tile.width);
      image.set(source, (tile.offsetY + row) * width + tile.offsetX);
    }
  }
  return image;
}

/**
 * RGB of an iteration count: points inside the set (count = maxIter) are black; escaping points follow
 * the smooth Bernstein-polynomial palette over sqrt(count / maxIter), which spreads the many low
 * counts near the border over visibly different colours.
 */
export function iterationColour(count: number, maxIter: number): [number, number, number] {
  if (count >= maxIter) return [0, 0, 0];
  const t = Math.sqrt(count / maxIter);
  const u = 1 - t;
  return [
    Math.round(255 * 9 * u * t * t * t),
    Math.round(255 * 15 * u * u * t * t),
    Math.round(255 * 8.5 * u * u * u * t),
  ];
}

/** PNG bytes of an image of iteration counts; writing them anywhere is the caller's job. */
export function renderIterationsPng(pixels: Uint32Array, width: number, height: number, maxIter: number): Buffer {
  if (pixels.length !== width * height) {
    throw new InvalidWorkloadError(MANDELBROT_Q_NAME, `expected ${width * height} pixels, got ${pixels.length}`);
  }
  const png = new PNG({ width, height });
  for (let i = 0; i < pixels.length; i++) {
    const [r, g, b] = iterationColour(pixels[i], maxIter);
    png.data[4 * i] = r;
    png.data[4 * i + 1] = g;
    png.data[4 * i + 2] = b;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png);
}

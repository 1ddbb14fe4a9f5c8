/**
 * Procedurally drawn handwritten-looking digits: each digit is a few strokes (polylines, arcs as polylines) in a unit
 * box; each glyph moves every stroke point a little, then scales, slants, rotates and shifts the whole digit, draws
 * the strokes with a random pen width and a one-pixel soft edge on a GLYPH_SIZE x GLYPH_SIZE grid, and adds noise.
 * Everything follows from a seed (src/workloads/prng.ts), so a data set is reproducible bit for bit.
 *
 * Why generated rather than MNIST: no download, nothing to license, and a test set of any size from one number.
 */
import { uniformStream } from "../../src/workloads/prng";
import { quantizeInput } from "../../src/workloads/mlp-i8/quantize";

/** Pixels per side: 16 x 16 = 256 inputs. */
export const GLYPH_SIZE = 16;
export const GLYPH_PIXELS = GLYPH_SIZE * GLYPH_SIZE;
/** A pixel of value v in [0, 1] is the int8 input round(v * 127): one int8 step is 1/127. */
export const GLYPH_INPUT_SCALE = 1 / 127;

type Point = readonly [number, number];
type Stroke = readonly Point[];

/** Points of an elliptic arc; angles in degrees, 0 = right, 90 = down (y grows downwards). */
function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number, steps: number): Point[] {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const a = ((from + ((to - from) * i) / steps) * Math.PI) / 180;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as const;
  });
}

/** The strokes of each digit, in a unit box (x right, y down). */
const DIGIT_STROKES: readonly (readonly Stroke[])[] = [
  [arc(0.5, 0.5, 0.24, 0.36, 0, 360, 16)],
  [
    [
      [0.36, 0.26],
      [0.52, 0.12],
      [0.52, 0.88],
    ],
  ],
  [[...arc(0.5, 0.32, 0.22, 0.18, 180, 390, 8), [0.27, 0.88], [0.76, 0.88]]],
  [arc(0.48, 0.3, 0.2, 0.18, 200, 450, 8), arc(0.48, 0.68, 0.23, 0.2, 270, 520, 8)],
  [
    [
      [0.62, 0.88],
      [0.62, 0.12],
      [0.24, 0.64],
      [0.78, 0.64],
    ],
  ],
  [
    [
      [0.72, 0.12],
      [0.33, 0.12],
      [0.3, 0.45],
    ],
    arc(0.48, 0.64, 0.24, 0.22, 235, 510, 10),
  ],
  [
    [
      [0.68, 0.13],
      [0.45, 0.25],
      [0.32, 0.45],
      [0.29, 0.66],
    ],
    arc(0.5, 0.67, 0.21, 0.2, 0, 360, 12),
  ],
  [
    [
      [0.25, 0.12],
      [0.76, 0.12],
      [0.42, 0.88],
    ],
  ],
  [arc(0.5, 0.3, 0.18, 0.17, 0, 360, 12), arc(0.5, 0.68, 0.22, 0.2, 0, 360, 12)],
  [
    arc(0.5, 0.33, 0.2, 0.19, 0, 360, 12),
    [
      [0.7, 0.33],
      [0.66, 0.6],
      [0.55, 0.88],
    ],
  ],
];

/** A set of glyphs: `count` rows of GLYPH_PIXELS values in [0, 1], row-major, and their digits. */
export interface GlyphSet {
  readonly count: number;
  readonly pixels: Float64Array;
  readonly labels: Uint8Array;
}

/** How much a glyph may vary. Defaults (DEFAULT_JITTER) give digits a small MLP reads at about 95-99%. */
export interface Jitter {
  /** Each stroke point moves by up to this (unit box) in x and y. */
  readonly point: number;
  /** Size factor range around 1: [1 - scale, 1 + scale * 0.25]. */
  readonly scale: number;
  /** Largest |shear|: x += shear * (y - 0.5). */
  readonly slant: number;
  /** Largest |rotation|, radians. */
  readonly rotation: number;
  /** Largest shift of the whole digit (unit box). */
  readonly shift: number;
  /** Pen width range (unit box). */
  readonly penMin: number;
  readonly penMax: number;
  /** Amplitude of the uniform per-pixel noise. */
  readonly noise: number;
  /** Probability of a pixel being a random speck. */
  readonly speckle: number;
}

export const DEFAULT_JITTER: Jitter = {
  point: 0.03,
  scale: 0.2,
  slant: 0.3,
  rotation: 0.15,
  shift: 0.08,
  penMin: 0.07,
  penMax: 0.14,
  noise: 0.15,
  speckle: 0.02,
};

/** Distance from (px, py) to the segment a-b. */
function segmentDistance(px: number, py: number, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / length2));
  const ex = px - (a[0] + t * dx);
  const ey = py - (a[1] + t * dy);
  return Math.sqrt(ex * ex + ey * ey);
}

/** Draws one glyph of `digit` into `out` (GLYPH_PIXELS values), drawing its randomness from `random`. */
export function drawGlyph(
  digit: number,
  random: () => number,
  out: Float64Array,
  jitter: Jitter = DEFAULT_JITTER,
): void {
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const sizeY = between(1 - jitter.scale, 1 + jitter.scale * 0.25);
  const sizeX = sizeY * between(0.85, 1.1);
  const shear = between(-jitter.slant, jitter.slant);
  const angle = between(-jitter.rotation, jitter.rotation);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const offX = between(-jitter.shift, jitter.shift);
  const offY = between(-jitter.shift, jitter.shift);
  const pen = between(jitter.penMin, jitter.penMax) / 2;
  const place = ([x, y]: Point): Point => {
    const jx = x + between(-jitter.point, jitter.point) - 0.5;
    const jy = y + between(-jitter.point, jitter.point) - 0.5;
    const sx = (jx + shear * jy) * sizeX;
    const sy = jy * sizeY;
    return [0.5 + offX + cos * sx - sin * sy, 0.5 + offY + sin * sx + cos * sy];
  };
  const segments: [Point, Point][] = [];
  for (const stroke of DIGIT_STROKES[digit]) {
    const points = stroke.map(place);
    for (let i = 1; i < points.length; i++) segments.push([points[i - 1], points[i]]);
  }
  const pixel = 1 / GLYPH_SIZE;
  for (let row = 0; row < GLYPH_SIZE; row++) {
    for (let col = 0; col < GLYPH_SIZE; col++) {
      const px = (col + 0.5) * pixel;
      const py = (row + 0.5) * pixel;
      let distance = Infinity;
      for (const [a, b] of segments) distance = Math.min(distance, segmentDistance(px, py, a, b));
      // Full ink within the pen, fading to none over one pixel: an antialiased edge.
      const ink = Math.max(0, Math.min(1, (pen + pixel / 2 - distance) / pixel));
      const speck = random() < jitter.speckle ? random() : 0;
      const noisy = ink + between(-jitter.noise, jitter.noise) + speck;
      out[row * GLYPH_SIZE + col] = Math.max(0, Math.min(1, noisy));
    }
  }
}

/** `count` glyphs from `seed`: digit i % 10 for glyph i, so every digit is equally common. */
export function generateGlyphs(seed: number, count: number, jitter: Jitter = DEFAULT_JITTER): GlyphSet {
  const random = uniformStream(seed);
  const pixels = new Float64Array(count * GLYPH_PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    drawGlyph(labels[i], random, pixels.subarray(i * GLYPH_PIXELS, (i + 1) * GLYPH_PIXELS), jitter);
  }
  return { count, pixels, labels };
}

/** Glyph i's pixels. */
export function glyphPixels(set: GlyphSet, i: number): Float64Array {
  return set.pixels.subarray(i * GLYPH_PIXELS, (i + 1) * GLYPH_PIXELS);
}

/** The whole set as int8 inputs (count x GLYPH_PIXELS, row-major), as an mlp-i8 job takes them. */
export function glyphInputs(set: GlyphSet): Int8Array {
  return quantizeInput(set.pixels, GLYPH_INPUT_SCALE);
}

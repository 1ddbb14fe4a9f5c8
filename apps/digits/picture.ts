/**
 * A picture of a batch of glyphs and what the network read: a grid of cells, each the glyph enlarged (white ink on
 * black) with the predicted digit under it in a built-in 3x5 bitmap font, green when right, red when wrong (and the
 * true digit in grey beside it), white when the true digit is not given.
 * Pure: returns PNG bytes (pngjs); writing them is the caller's job.
 */
import { PNG } from "pngjs";

import { GLYPH_PIXELS, GLYPH_SIZE } from "./glyphs";

/** Each glyph pixel becomes GLYPH_ZOOM x GLYPH_ZOOM picture pixels. */
export const GLYPH_ZOOM = 3;
/** Each font pixel becomes FONT_ZOOM x FONT_ZOOM picture pixels. */
export const FONT_ZOOM = 3;
export const FONT_WIDTH = 3;
export const FONT_HEIGHT = 5;
const PAD = 4;

export type Rgb = readonly [number, number, number];
export const COLOURS = {
  background: [40, 40, 48],
  right: [80, 220, 100],
  wrong: [235, 60, 60],
  truth: [150, 150, 150],
  unchecked: [230, 230, 230],
} as const satisfies Record<string, Rgb>;

/** The digits 0-9, 3 pixels wide and 5 high: one string per row, "#" is ink. */
export const DIGIT_FONT: readonly (readonly string[])[] = [
  ["###", "#.#", "#.#", "#.#", "###"],
  [".#.", "##.", ".#.", ".#.", "###"],
  ["###", "..#", "###", "#..", "###"],
  ["###", "..#", "###", "..#", "###"],
  ["#.#", "#.#", "###", "..#", "..#"],
  ["###", "#..", "###", "..#", "###"],
  ["###", "#..", "###", "#.#", "###"],
  ["###", "..#", "..#", "..#", "..#"],
  ["###", "#.#", "###", "#.#", "###"],
  ["###", "#.#", "###", "..#", "###"],
];

export interface PictureItem {
  /** GLYPH_PIXELS values in [0, 1], row-major. */
  readonly pixels: ArrayLike<number>;
  readonly predicted: number;
  /** The true digit, if known: a prediction that differs is drawn red, with this digit beside it. */
  readonly label?: number;
}

export interface PictureLayout {
  readonly columns: number;
  readonly rows: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly width: number;
  readonly height: number;
}

export function pictureLayout(count: number, columns: number): PictureLayout {
  if (!Number.isInteger(columns) || columns < 1)
    throw new RangeError(`columns must be an integer >= 1, got ${columns}`);
  const cellWidth = GLYPH_SIZE * GLYPH_ZOOM + 2 * PAD;
  const cellHeight = GLYPH_SIZE * GLYPH_ZOOM + FONT_HEIGHT * FONT_ZOOM + 3 * PAD;
  const used = Math.max(1, Math.min(columns, count));
  const rows = Math.max(1, Math.ceil(count / columns));
  return { columns: used, rows, cellWidth, cellHeight, width: used * cellWidth, height: rows * cellHeight };
}

/** Top-left picture pixel of item `index`'s glyph. */
export function glyphOrigin(layout: PictureLayout, index: number): { x: number; y: number } {
  return {
    x: (index % layout.columns) * layout.cellWidth + PAD,
    y: Math.floor(index / layout.columns) * layout.cellHeight + PAD,
  };
}

/** Top-left picture pixel of item `index`'s predicted digit (the true digit, if drawn, follows one digit later). */
export function labelOrigin(layout: PictureLayout, index: number): { x: number; y: number } {
  const glyph = glyphOrigin(layout, index);
  return { x: glyph.x, y: glyph.y + GLYPH_SIZE * GLYPH_ZOOM + PAD };
}

/** Horizontal distance from one drawn digit to the next. */
export const DIGIT_ADVANCE = (FONT_WIDTH + 1) * FONT_ZOOM;

function requireDigit(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 9)
    throw new RangeError(`${what} must be a digit 0-9, got ${value}`);
}

/** PNG bytes of `items` in a grid `columns` wide. */
export function renderDigitsPng(items: readonly PictureItem[], columns = 10): Buffer {
  const layout = pictureLayout(items.length, columns);
  const png = new PNG({ width: layout.width, height: layout.height });
  const set = (x: number, y: number, [r, g, b]: Rgb) => {
    const at = 4 * (y * layout.width + x);
    png.data[at] = r;
    png.data[at + 1] = g;
    png.data[at + 2] = b;
    png.data[at + 3] = 255;
  };
  for (let y = 0; y < layout.height; y++) for (let x = 0; x < layout.width; x++) set(x, y, COLOURS.background);
  const block = (x: number, y: number, zoom: number, colour: Rgb) => {
    for (let dy = 0; dy < zoom; dy++) for (let dx = 0; dx < zoom; dx++) set(x + dx, y + dy, colour);
  };
  const digit = (value: number, x: number, y: number, colour: Rgb) => {
    DIGIT_FONT[value].forEach((row, fy) => {
      for (let fx = 0; fx < FONT_WIDTH; fx++) {
        if (row[fx] === "#") block(x + fx * FONT_ZOOM, y + fy * FONT_ZOOM, FONT_ZOOM, colour);
      }
    });
  };
  items.forEach((item, i) => {
    if (item.pixels.length !== GLYPH_PIXELS) {
      throw new RangeError(`items[${i}] has ${item.pixels.length} pixels; a glyph has ${GLYPH_PIXELS}`);
    }
    requireDigit(item.predicted, `items[${i}].predicted`);
    if (item.label !== undefined) requireDigit(item.label, `items[${i}].label`);
    const glyph = glyphOrigin(layout, i);
    for (let p = 0; p < GLYPH_PIXELS; p++) {
      const v = Math.round(255 * Math.max(0, Math.min(1, item.pixels[p])));
      const x = glyph.x + (p % GLYPH_SIZE) * GLYPH_ZOOM;
      const y = glyph.y + Math.floor(p / GLYPH_SIZE) * GLYPH_ZOOM;
      block(x, y, GLYPH_ZOOM, [v, v, v]);
    }
    const wrong = item.label !== undefined && item.label !== item.predicted;
    const label = labelOrigin(layout, i);
    const colour = item.label === undefined ? COLOURS.unchecked : wrong ? COLOURS.wrong : COLOURS.right;
    digit(item.predicted, label.x, label.y, colour);
    if (wrong && item.label !== undefined) digit(item.label, label.x + DIGIT_ADVANCE, label.y, COLOURS.truth);
  });
  return PNG.sync.write(png);
}

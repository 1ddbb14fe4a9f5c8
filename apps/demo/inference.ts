/**
 * The demo's neural network: the digit reader trained in this repository (scripts/train-digits.ts writes models/),
 * published once to the content store and run on a batch of drawn digits split across the providers. Its outputs are
 * read back only from settled jobs, checked against the result root each provider committed to, and turned into
 * predictions, an accuracy beside the float network's, and a picture of the batch with each predicted label.
 */
import fs from "node:fs";
import path from "node:path";

import type { WeftSystem } from "../../src/deploy/system";
import type { JobSpec } from "../../src/jobs/request";
import { type LoadedModel, loadedModelOf } from "../../src/models/source";
import { publishModel, type PublishedModel } from "../../src/models/catalog";
import { decodeMlpOutput, encodeMlpInputs } from "../../src/workloads/mlp-i8/codec";
import { predictions } from "../../src/workloads/mlp-i8/inference";
import { mlpParamsOf } from "../../src/workloads/mlp-i8/model";
import { mlpOutputLayout } from "../../src/workloads/mlp-i8/layout";
import { MLP_I8_NAME, type MlpParams } from "../../src/workloads/mlp-i8/network";
import type { FloatNetwork } from "../../src/workloads/mlp-i8/quantize";
import { mlpI8 } from "../../src/workloads/registry";
import { agreement, floatPredictions } from "../digits/evaluate";
import { generateGlyphs, GLYPH_PIXELS, glyphInputs, glyphPixels, type GlyphSet } from "../digits/glyphs";
import { DIGITS_MODEL_FILE, readFloatNetwork } from "../digits/model-files";
import { renderDigitsPng } from "../digits/picture";
import { settledOutput } from "./settled";

/** Glyphs per row of the picture. */
const PICTURE_COLUMNS = 12;
/** Seeds of the demo's glyphs start here, away from the training and test sets' seeds. */
const GLYPH_SEED_BASE = 0x64656d6f;

/** The network, its float original and the glyphs it reads. */
export interface DigitsDemo {
  readonly model: LoadedModel;
  readonly float: FloatNetwork;
  readonly glyphs: GlyphSet;
  /** The glyphs' int8 inputs, glyphs.count x GLYPH_PIXELS. */
  readonly inputs: Int8Array;
}

/** One job's share of the batch: glyphs [start, start + count). */
export interface BatchPart {
  readonly start: number;
  readonly count: number;
}

/** The committed digit reader (models/ under `root`) and `count` glyphs drawn from `seed`. */
export function loadDigitsDemo(root: string, seed: number, count: number): DigitsDemo {
  const model = loadedModelOf(new Uint8Array(fs.readFileSync(path.join(root, DIGITS_MODEL_FILE))));
  const glyphs = generateGlyphs((GLYPH_SEED_BASE + seed) >>> 0, count);
  return { model, float: readFloatNetwork(root), glyphs, inputs: glyphInputs(glyphs) };
}

/** Stores the model once in the store at `location` and records its root, as `model:publish` does. */
export function publishDigitsModel(demo: DigitsDemo, location: string): Promise<PublishedModel> {
  return publishModel(demo.model, location);
}

/** The mlp-i8 job that runs the model on one part of the batch. */
export function batchPartSpec(demo: DigitsDemo, part: BatchPart): JobSpec {
  const params = mlpParamsOf(demo.model.model, part.count);
  mlpI8.validateParams(params);
  const batch = demo.inputs.subarray(part.start * GLYPH_PIXELS, (part.start + part.count) * GLYPH_PIXELS);
  return {
    job: { name: MLP_I8_NAME, workload: mlpI8, params },
    source: {
      kind: "bytes",
      bytes: encodeMlpInputs(demo.model.bytes, batch),
      description: `glyphs ${part.start}-${part.start + part.count - 1}`,
    },
  };
}

export interface DigitsResult {
  /** The predicted digit of every glyph read by a settled job, in glyph order. */
  readonly predicted: readonly number[];
  readonly int8Accuracy: number;
  readonly floatAccuracy: number;
  /** Fraction of glyphs on which the int8 network and its float original agree. */
  readonly agreement: number;
  readonly file: string;
}

/**
 * Reads the settled jobs' outputs (each checked against its committed result root), predicts each glyph from the
 * last layer's accumulators, compares with the labels and the float network, and writes the picture to `file`.
 */
export async function readDigitsResults(
  system: Pick<WeftSystem, "JobEscrow">,
  fromBlock: number,
  demo: DigitsDemo,
  parts: ReadonlyMap<bigint, BatchPart>,
  file: string,
): Promise<DigitsResult> {
  const predicted = new Array<number>(demo.glyphs.count);
  for (const [id, part] of parts) {
    const bytes = await settledOutput(system, fromBlock, id, "inference");
    const params = mlpParamsOf(demo.model.model, part.count);
    predictions(decodeMlpOutput(params, bytes), part.count).forEach((digit, i) => (predicted[part.start + i] = digit));
  }
  const read = [...parts.values()].flatMap((part) => Array.from({ length: part.count }, (_, i) => part.start + i));
  const labels = read.map((i) => demo.glyphs.labels[i]);
  const floats = floatPredictions(demo.float, demo.glyphs);
  const ints = read.map((i) => predicted[i]);
  const items = read.map((i) => ({ pixels: glyphPixels(demo.glyphs, i), predicted: predicted[i], label: labels[i] }));
  fs.writeFileSync(file, renderDigitsPng(items, PICTURE_COLUMNS));
  return {
    predicted,
    int8Accuracy: agreement(ints, labels),
    floatAccuracy: agreement(
      read.map((i) => floats[i]),
      labels,
    ),
    agreement: agreement(
      ints,
      read.map((i) => floats[i]),
    ),
    file,
  };
}

/** Which value of an mlp-i8 output word `wordIndex` holds, for a progress line. */
export function describeMlpWord(params: MlpParams, wordIndex: number): string {
  const layout = mlpOutputLayout(params);
  const last = params.layers.length - 1;
  for (const [layer, at] of layout.layers.entries()) {
    const position = layer === last ? "the output layer" : `hidden layer ${layer}`;
    if (wordIndex >= at.accWord && wordIndex < at.actWord) return `an accumulator of ${position}`;
    if (wordIndex >= at.actWord && wordIndex < at.actWord + at.actWords) {
      const first = (wordIndex - at.actWord) * 4;
      const item = Math.floor(first / at.outputs);
      return `activations ${first}-${first + 3} of ${position} (glyph ${item} of the job, from unit ${first % at.outputs})`;
    }
  }
  return "a padding word";
}

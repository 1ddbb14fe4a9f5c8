/**
 * The digits model's recipe: which glyphs it is trained, calibrated and tested on, the trainer's settings, and the
 * whole path from seed to float network to int8 model. scripts/train-digits.ts runs it and writes models/; the
 * tests run it again and compare with the committed files, so the recipe IS the provenance of those files.
 */
import type { MlpModel } from "../../src/workloads/mlp-i8/model";
import {
  FLOAT_FORMAT,
  type FloatLayer,
  type FloatNetwork,
  type QuantizedNetwork,
  quantizeModel,
} from "../../src/workloads/mlp-i8/quantize";
import { evaluate, type Evaluation } from "./evaluate";
import { generateGlyphs, type GlyphSet, glyphPixels, GLYPH_INPUT_SCALE, GLYPH_PIXELS } from "./glyphs";
import { type TrainConfig, type TrainedLayer, trainMlp } from "./train";

export interface DigitsRecipe {
  readonly trainSeed: number;
  readonly trainCount: number;
  readonly testSeed: number;
  readonly testCount: number;
  /** The first this many training glyphs calibrate the int8 output scales. */
  readonly calibrationCount: number;
  readonly train: TrainConfig;
  /**
   * Significant digits the float weights keep in the JSON file. The rounded network is the one evaluated and
   * quantized, so the file alone reproduces the int8 model; 6 digits is far below int8's precision and halves the file.
   */
  readonly significantDigits: number;
}

export const DIGITS_RECIPE: DigitsRecipe = {
  trainSeed: 1,
  trainCount: 4000,
  testSeed: 2,
  testCount: 1000,
  calibrationCount: 500,
  train: { hidden: [32], classes: 10, epochs: 12, batchSize: 32, learningRate: 0.003, weightDecay: 1e-4, seed: 3 },
  significantDigits: 6,
};

export interface DigitsRun {
  readonly float: FloatNetwork;
  readonly quantized: QuantizedNetwork;
  readonly test: Evaluation;
}

function rounded(values: ArrayLike<number>, digits: number): number[] {
  return Array.from(values, (v) => Number(v.toPrecision(digits)));
}

/** The trained layers as a weft-mlp-float/1 network (ReLU hidden layers, identity output), weights rounded. */
export function toFloatNetwork(layers: readonly TrainedLayer[], recipe: DigitsRecipe): FloatNetwork {
  const floatLayers: FloatLayer[] = layers.map((layer, l) => ({
    weights: Array.from({ length: layer.outputs }, (_, j) =>
      rounded(layer.weights.subarray(j * layer.inputs, (j + 1) * layer.inputs), recipe.significantDigits),
    ),
    biases: rounded(layer.biases, recipe.significantDigits),
    activation: l < layers.length - 1 ? "relu" : "identity",
  }));
  return {
    format: FLOAT_FORMAT,
    inputScale: GLYPH_INPUT_SCALE,
    layers: floatLayers,
    meta: {
      model: "digits",
      input: "16x16 generated glyphs (apps/digits/glyphs.ts), pixel v -> int8 round(v * 127)",
      recipe,
    },
  };
}

/** The calibration rows: the first `calibrationCount` training glyphs. */
export function calibrationRows(set: GlyphSet, count: number): Float64Array[] {
  return Array.from({ length: Math.min(count, set.count) }, (_, i) => glyphPixels(set, i));
}

/** Quantizes a float digits network with the recipe's calibration glyphs. */
export function quantizeDigits(float: FloatNetwork, recipe: DigitsRecipe, trainSet?: GlyphSet): QuantizedNetwork {
  const set = trainSet ?? generateGlyphs(recipe.trainSeed, recipe.calibrationCount);
  return quantizeModel(float, { calibration: calibrationRows(set, recipe.calibrationCount) });
}

/** Trains, exports, quantizes and tests: everything models/ holds follows from `recipe`. */
export function trainDigits(recipe: DigitsRecipe = DIGITS_RECIPE): DigitsRun {
  const trainSet = generateGlyphs(recipe.trainSeed, recipe.trainCount);
  const layers = trainMlp(
    { count: trainSet.count, width: GLYPH_PIXELS, inputs: trainSet.pixels, labels: trainSet.labels },
    recipe.train,
  );
  const float = toFloatNetwork(layers, recipe);
  const quantized = quantizeDigits(float, recipe, trainSet);
  return { float, quantized, test: testDigits(float, quantized.model, recipe) };
}

/** Accuracy of a float network and its int8 model on the recipe's test glyphs. */
export function testDigits(float: FloatNetwork, model: MlpModel, recipe: DigitsRecipe = DIGITS_RECIPE): Evaluation {
  return evaluate(float, model, generateGlyphs(recipe.testSeed, recipe.testCount));
}

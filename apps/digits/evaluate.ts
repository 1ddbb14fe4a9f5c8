/** How well a float network and its int8 model read a set of glyphs. */
import { predictions, runMlp } from "../../src/workloads/mlp-i8/inference";
import type { MlpModel } from "../../src/workloads/mlp-i8/model";
import { MLP_MAX_BATCH } from "../../src/workloads/mlp-i8/network";
import { floatForward, type FloatNetwork } from "../../src/workloads/mlp-i8/quantize";
import { type GlyphSet, glyphInputs, glyphPixels, GLYPH_PIXELS } from "./glyphs";

/** Index of the largest value (the first on a tie, as predictions() in inference.ts). */
function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < values.length; j++) if (values[j] > values[best]) best = j;
  return best;
}

/** The float network's class for each glyph. */
export function floatPredictions(float: FloatNetwork, set: GlyphSet): number[] {
  return Array.from({ length: set.count }, (_, i) => argmax(floatForward(float, glyphPixels(set, i))));
}

/** The int8 model's class for each glyph, exactly as an mlp-i8 job computes it (runMlp), in batches it allows. */
export function int8Predictions(model: MlpModel, set: GlyphSet): number[] {
  const inputs = glyphInputs(set);
  const out: number[] = [];
  for (let start = 0; start < set.count; start += MLP_MAX_BATCH) {
    const batch = Math.min(MLP_MAX_BATCH, set.count - start);
    const rows = inputs.subarray(start * GLYPH_PIXELS, (start + batch) * GLYPH_PIXELS);
    out.push(...predictions(runMlp(model, rows, batch), batch));
  }
  return out;
}

/** Fraction of `predicted` equal to `expected`. */
export function agreement(predicted: readonly number[], expected: ArrayLike<number>): number {
  let same = 0;
  predicted.forEach((p, i) => {
    if (p === expected[i]) same++;
  });
  return predicted.length === 0 ? 0 : same / predicted.length;
}

export interface Evaluation {
  readonly floatAccuracy: number;
  readonly int8Accuracy: number;
  /** Fraction of glyphs on which the int8 model picks the float network's class. */
  readonly agreement: number;
}

export function evaluate(float: FloatNetwork, model: MlpModel, set: GlyphSet): Evaluation {
  const floats = floatPredictions(float, set);
  const ints = int8Predictions(model, set);
  return {
    floatAccuracy: agreement(floats, set.labels),
    int8Accuracy: agreement(ints, set.labels),
    agreement: agreement(ints, floats),
  };
}

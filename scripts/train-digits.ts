/**
 * Trains the digits model from its recipe (apps/digits/recipe.ts) and writes models/digits.float.json and
 * models/digits.wmlp, then prints the float and int8 accuracy on the held-out test glyphs. Deterministic: a rerun
 * writes the same bytes, which test/offchain/digits.test.ts checks against the committed files.
 *   npx ts-node --transpile-only scripts/train-digits.ts      (a few seconds on one core)
 *   add --check to compare with the committed files instead of writing them (exit 1 if they differ)
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { encodeModel } from "../src/workloads/mlp-i8/model";
import {
  DIGITS_FLOAT_FILE,
  DIGITS_MODEL_FILE,
  serializeFloatNetwork,
  writeDigitsFiles,
} from "../apps/digits/model-files";
import { DIGITS_RECIPE, trainDigits } from "../apps/digits/recipe";

const ROOT = path.resolve(__dirname, "..");

function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}

function sameFile(file: string, bytes: Uint8Array): boolean {
  const at = path.join(ROOT, file);
  return fs.existsSync(at) && Buffer.compare(fs.readFileSync(at), bytes) === 0;
}

function main(): number {
  const check = process.argv.slice(2).includes("--check");
  const start = performance.now();
  const { float, quantized, test } = trainDigits(DIGITS_RECIPE);
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  const shape = [quantized.model.inputs, ...quantized.model.layers.map((layer) => layer.outputs)].join("-");
  console.log(`digits ${shape} MLP, trained in ${seconds}s on ${DIGITS_RECIPE.trainCount} glyphs`);
  console.log(
    `test set (${DIGITS_RECIPE.testCount} glyphs): float ${percent(test.floatAccuracy)}, ` +
      `int8 ${percent(test.int8Accuracy)}, ` +
      `int8 agrees with float on ${percent(test.agreement)}`,
  );
  if (check) {
    const same =
      sameFile(DIGITS_FLOAT_FILE, Buffer.from(serializeFloatNetwork(float))) &&
      sameFile(DIGITS_MODEL_FILE, encodeModel(quantized.model));
    console.log(
      same ? "models/ matches the recipe" : "models/ differs from the recipe: rerun without --check and commit",
    );
    return same ? 0 : 1;
  }
  writeDigitsFiles(ROOT, float, quantized.model);
  console.log(`wrote ${DIGITS_FLOAT_FILE} and ${DIGITS_MODEL_FILE}`);
  return 0;
}

process.exitCode = main();

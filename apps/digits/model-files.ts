/**
 * The digits model's committed files: models/digits.float.json (the trained float network, weft-mlp-float/1) and
 * models/digits.wmlp (its int8 model, model.ts's format). The demo loads these instead of training; the tests check
 * that scripts/train-digits.ts reproduces them byte for byte.
 */
import fs from "node:fs";
import path from "node:path";

import { decodeModel, encodeModel, type MlpModel } from "../../src/workloads/mlp-i8/model";
import { type FloatNetwork, parseFloatNetwork } from "../../src/workloads/mlp-i8/quantize";

/** Relative to the repository's root. */
export const DIGITS_FLOAT_FILE = "models/digits.float.json";
export const DIGITS_MODEL_FILE = "models/digits.wmlp";

/**
 * JSON text of a float network, two-space indented but with every array of numbers on one line (a weight row per
 * line), so that the file stays readable and a retrained layer shows up as a diff of rows.
 */
export function serializeFloatNetwork(float: FloatNetwork): string {
  const text = JSON.stringify(float, null, 2);
  return (
    text.replace(
      /\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]/g,
      (_, list: string) => `[${list.split(/,\s*/).join(", ")}]`,
    ) + "\n"
  );
}

/** Parses and validates a float network's JSON text; `source` names it in errors. */
export function parseFloatNetworkText(text: string, source: string): FloatNetwork {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON (${(error as Error).message}): regenerate it with scripts/train-digits.ts`);
  }
  try {
    return parseFloatNetwork(value);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
}

export function readFloatNetwork(root: string): FloatNetwork {
  const file = path.join(root, DIGITS_FLOAT_FILE);
  return parseFloatNetworkText(fs.readFileSync(file, "utf8"), file);
}

export function readDigitsModel(root: string): MlpModel {
  return decodeModel(fs.readFileSync(path.join(root, DIGITS_MODEL_FILE)));
}

/** Writes both files under `root`, creating models/ if needed. */
export function writeDigitsFiles(root: string, float: FloatNetwork, model: MlpModel): void {
  fs.mkdirSync(path.join(root, path.dirname(DIGITS_FLOAT_FILE)), { recursive: true });
  fs.writeFileSync(path.join(root, DIGITS_FLOAT_FILE), serializeFloatNetwork(float));
  fs.writeFileSync(path.join(root, DIGITS_MODEL_FILE), encodeModel(model));
}

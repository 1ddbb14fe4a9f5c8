/**
 * mlp-i8 models and batches as a client has them on disk, read into what a job is made of.
 *
 * A model file is either
 *  - a `.wmlp` model (the binary format of src/workloads/mlp-i8/model.ts), taken as it is, or
 *  - a `.json` float network (format "weft-mlp-float/1", src/workloads/mlp-i8/quantize.ts), quantized here with
 *    quantizeModel; a layer without an `outputScale` needs a calibration file: a JSON array of float input rows
 *    (real values, each as long as the network's input), e.g. [[0, 0.5, 1, ...], ...], a few hundred typical inputs.
 *
 * A batch file (the inputs of one job, `job:create --inputs`) is either
 *  - `.json`: an array of rows, each an array of `inputs` integers from -128 to 127, one row per item, or
 *  - anything else: raw bytes, batch x inputs int8 (two's complement) row-major, the batch being the file's size
 *    divided by the model's input width.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";

import { mlpModelRoot } from "../commitments/mlp-inputs";
import { UserError } from "../errors";
import { sha256Hex } from "../store/content-store";
import { InvalidWorkloadError } from "../workloads/errors";
import { decodeModel, encodeModel, type MlpModel } from "../workloads/mlp-i8/model";
import { MLP_MAX_BATCH } from "../workloads/mlp-i8/network";
import { parseFloatNetwork, type QuantizedNetwork, quantizeModel } from "../workloads/mlp-i8/quantize";

/** A model with the bytes of its file and its names. */
export interface LoadedModel {
  readonly model: MlpModel;
  /** The .wmlp file's bytes: what the content store holds. */
  readonly bytes: Uint8Array;
  /** The Merkle root that names the model (src/commitments/mlp-inputs.ts). */
  readonly root: string;
  /** SHA-256 of `bytes`, hex without 0x: its name in the content store. */
  readonly sha256: string;
  /** The scales, when the model was quantized from a float network. */
  readonly quantized?: QuantizedNetwork;
}

/** A model from its .wmlp bytes; a file that is not one is an InvalidWorkloadError. */
export function loadedModelOf(bytes: Uint8Array, quantized?: QuantizedNetwork): LoadedModel {
  const model = decodeModel(bytes);
  return { model, bytes, root: mlpModelRoot(model), sha256: sha256Hex(bytes), quantized };
}

async function readUserFile(flag: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch {
    throw new UserError(`${flag} ${path} does not exist or cannot be read.`);
  }
}

function parseJson(flag: string, path: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UserError(`${flag} ${path} is not JSON: ${(error as Error).message}`);
  }
}

/** The float rows of a calibration file (a JSON array of arrays of numbers). */
async function readCalibration(flag: string, path: string): Promise<number[][]> {
  const rows = parseJson(flag, path, await readUserFile(flag, path));
  const isRow = (row: unknown) =>
    Array.isArray(row) && row.every((value) => typeof value === "number" && Number.isFinite(value));
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every(isRow)) {
    throw new UserError(`${flag} ${path} must be a JSON array of input rows, each an array of numbers.`);
  }
  return rows as number[][];
}

export interface ReadModelOptions {
  /** The flag that named the model file, for messages (default --file). */
  readonly flag?: string;
  /** A calibration file for a float network (see the header). */
  readonly calibration?: string;
}

/** Reads a .wmlp model, or quantizes a float network's .json; bad files are UserErrors saying what is wrong. */
export async function readModelFile(path: string, options: ReadModelOptions = {}): Promise<LoadedModel> {
  const flag = options.flag ?? "--file";
  const bytes = await readUserFile(flag, path);
  const isJson = extname(path).toLowerCase() === ".json";
  if (!isJson && options.calibration !== undefined) {
    throw new UserError(`--calibration is for a float network (.json); ${path} is taken as a .wmlp model.`);
  }
  try {
    if (!isJson) return loadedModelOf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    const float = parseFloatNetwork(parseJson(flag, path, bytes));
    const uncalibrated = float.layers.findIndex((layer) => layer.outputScale === undefined);
    if (uncalibrated !== -1 && options.calibration === undefined) {
      throw new UserError(
        `${flag} ${path}: layers[${uncalibrated}] has no outputScale; give --calibration <rows.json>, a JSON array ` +
          "of typical float input rows, to calibrate it.",
      );
    }
    const calibration =
      options.calibration === undefined ? undefined : await readCalibration("--calibration", options.calibration);
    const quantized = quantizeModel(float, { calibration });
    return loadedModelOf(encodeModel(quantized.model), quantized);
  } catch (error) {
    if (!(error instanceof InvalidWorkloadError)) throw error;
    throw new UserError(`${flag} ${path}: ${error.message}.`);
  }
}

const INT8_MIN = -128;
const INT8_MAX = 127;

/** A job's batch, read from a batch file (see the header) for a model with `inputs` inputs. */
export async function readBatchFile(flag: string, path: string, inputs: number): Promise<Int8Array> {
  const bytes = await readUserFile(flag, path);
  let batch: Int8Array;
  if (extname(path).toLowerCase() === ".json") {
    const rows = parseJson(flag, path, bytes);
    const isRow = (row: unknown) =>
      Array.isArray(row) &&
      row.length === inputs &&
      row.every((value) => Number.isInteger(value) && value >= INT8_MIN && value <= INT8_MAX);
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every(isRow)) {
      const bad = Array.isArray(rows) ? rows.findIndex((row) => !isRow(row)) : -1;
      throw new UserError(
        `${flag} ${path} must be a JSON array of rows, each ${inputs} integers from ${INT8_MIN} to ${INT8_MAX} ` +
          `(the model's input width)${bad >= 0 ? `; row ${bad} is not` : ""}.`,
      );
    }
    batch = Int8Array.from((rows as number[][]).flat());
  } else {
    if (bytes.length === 0 || bytes.length % inputs !== 0) {
      throw new UserError(
        `${flag} ${path} has ${bytes.length} bytes; a raw batch is rows of ${inputs} int8 values (the model's input ` +
          `width), so its size must be a positive multiple of ${inputs}. (A .json file is read as an array of rows.)`,
      );
    }
    batch = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  const items = batch.length / inputs;
  if (items > MLP_MAX_BATCH) {
    throw new UserError(`${flag} ${path} holds ${items} rows; a job takes at most ${MLP_MAX_BATCH} (MLP_MAX_BATCH).`);
  }
  return batch;
}

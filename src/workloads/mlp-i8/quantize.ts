/**
 * From a float network to an mlp-i8 model: post-training, per-layer, symmetric int8 quantization (zero points 0).
 *
 * The float network is plain JSON, format "weft-mlp-float/1":
 *
 *   {
 *     "format": "weft-mlp-float/1",
 *     "inputScale": 0.007874,        the real value of one int8 step of the input: x_real = x_int8 * inputScale (> 0)
 *     "layers": [                    1 to MLP_MAX_LAYERS layers, in order
 *       {
 *         "weights": number[][],     outputs x inputs (PyTorch's Linear.weight layout): row j is unit j's weights
 *         "biases": number[],        outputs values
 *         "activation": "relu" | "identity",
 *         "outputScale": 0.05        optional (> 0): the real value of one int8 step of this layer's output, which is
 *                                    the next layer's input; absent, it is calibrated (see below)
 *       }
 *     ],
 *     "meta": { ... }                optional, any JSON object: provenance (how the network was trained); ignored here
 *   }
 *
 * Layer 0's rows set the network's input width; every later layer's rows must be as long as the previous layer has
 * units. No other fields are allowed, so that a misspelt "outputscale" is an error rather than silently calibrated.
 *
 * Per layer l, with s_in its input scale (inputScale for layer 0, else the previous layer's output scale):
 *   weight scale      s_w = max |w| / 127                  (symmetric: +-max|w| maps to +-127, -128 is unused)
 *   int8 weights      round(w / s_w)                       (Math.round: halves toward +infinity)
 *   accumulator scale s_acc = s_in * s_w                   (acc = sum x_int8 * w_int8 + bias ~ acc_real / s_acc)
 *   int32 biases      round(b / s_acc), |bias| <= MLP_MAX_BIAS or an error
 *   output scale      outputScale, or max |act(float output)| over the calibration batch / 127
 *   multiplier/shift  real = s_acc / s_out; shift = the largest s <= 31 with M = round(real * 2^s) < 2^31,
 *                     multiplier = M (quantizeMultiplier; an error if no s gives 1 <= M < 2^31)
 * so that requantize(acc) = round(acc * real), the layer's output in steps of s_out, saturated to int8.
 *
 * Calibration runs the float network (floatForward's arithmetic) on the batch, so every layer's range is what the
 * float network produces there. The batch should look like the data the model will see: a few hundred typical inputs.
 */
import { InvalidWorkloadError } from "../errors";
import { type MlpModel, type MlpModelLayer, validateMlpModel } from "./model";
import {
  Activation,
  MLP_I8_NAME,
  MLP_MAX_BIAS,
  MLP_MAX_LAYERS,
  MLP_MAX_MULTIPLIER,
  MLP_MAX_SHIFT,
  MLP_MAX_WIDTH,
} from "./network";

export const FLOAT_FORMAT = "weft-mlp-float/1";

const INT8_MAX = 127;

export type FloatActivation = "relu" | "identity";

export interface FloatLayer {
  /** outputs x inputs. */
  readonly weights: readonly (readonly number[])[];
  readonly biases: readonly number[];
  readonly activation: FloatActivation;
  readonly outputScale?: number;
}

/** A JSON object: provenance carried with a network and ignored by the quantizer. */
export type FloatMeta = { readonly [key: string]: unknown };

export interface FloatNetwork {
  readonly format: typeof FLOAT_FORMAT;
  readonly inputScale: number;
  readonly layers: readonly FloatLayer[];
  readonly meta?: FloatMeta;
}

export interface QuantizeOptions {
  /** Float input rows (real values, not int8 steps) that calibrate every layer without an outputScale. */
  readonly calibration?: readonly ArrayLike<number>[];
}

/** The scales of one quantized layer: real value = int value * scale. */
export interface LayerScales {
  readonly weightScale: number;
  readonly accumulatorScale: number;
  readonly outputScale: number;
  /** Whether outputScale came from the calibration batch (true) or from the layer's outputScale field (false). */
  readonly calibrated: boolean;
  /** accumulatorScale / outputScale; the model's multiplier / 2^shift approximates it. */
  readonly realMultiplier: number;
}

export interface QuantizedNetwork {
  readonly model: MlpModel;
  readonly inputScale: number;
  readonly layers: readonly LayerScales[];
}

function invalid(problem: string): InvalidWorkloadError {
  return new InvalidWorkloadError(MLP_I8_NAME, `float network: ${problem}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw invalid(
      `${where} has unknown field(s) ${unknown.map((k) => `"${k}"`).join(", ")}; allowed: ${allowed.join(", ")}`,
    );
  }
}

function requirePositive(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalid(`${where} must be a finite number > 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireNumbers(value: unknown, length: number | undefined, where: string): number[] {
  if (!Array.isArray(value)) throw invalid(`${where} must be an array of numbers, got ${typeof value}`);
  if (length !== undefined && value.length !== length) {
    throw invalid(`${where} must have ${length} values, got ${value.length}`);
  }
  const bad = value.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad !== -1) throw invalid(`${where}[${bad}] must be a finite number, got ${JSON.stringify(value[bad])}`);
  return value as number[];
}

function parseLayer(value: unknown, l: number, inputs: number | undefined): FloatLayer {
  const at = `layers[${l}]`;
  if (!isObject(value)) throw invalid(`${at} must be an object`);
  rejectUnknownKeys(value, ["weights", "biases", "activation", "outputScale"], at);
  const rows = value.weights;
  if (!Array.isArray(rows) || rows.length === 0)
    throw invalid(`${at}.weights must be a non-empty array of rows (outputs x inputs)`);
  if (rows.length > MLP_MAX_WIDTH)
    throw invalid(`${at}.weights has ${rows.length} rows (units); at most ${MLP_MAX_WIDTH}`);
  const width = inputs ?? (Array.isArray(rows[0]) ? rows[0].length : 0);
  if (width < 1 || width > MLP_MAX_WIDTH) {
    throw invalid(`${at}.weights[0] must have 1 to ${MLP_MAX_WIDTH} values (the network's inputs), got ${width}`);
  }
  const why = inputs === undefined ? "as the first row" : `the outputs of layers[${l - 1}]`;
  const weights = rows.map((row, j) => {
    if (Array.isArray(row) && row.length !== width) {
      throw invalid(`${at}.weights[${j}] has ${row.length} values; the layer takes ${width} inputs (${why})`);
    }
    return requireNumbers(row, width, `${at}.weights[${j}]`);
  });
  const biases = requireNumbers(value.biases, weights.length, `${at}.biases`);
  const activation = value.activation;
  if (activation !== "relu" && activation !== "identity") {
    throw invalid(`${at}.activation must be "relu" or "identity", got ${JSON.stringify(activation)}`);
  }
  const layer: FloatLayer = { weights, biases, activation };
  return value.outputScale === undefined
    ? layer
    : { ...layer, outputScale: requirePositive(value.outputScale, `${at}.outputScale`) };
}

/** Checks a parsed JSON value against the format above; returns it typed, or throws naming the wrong field. */
export function parseFloatNetwork(value: unknown): FloatNetwork {
  if (!isObject(value)) throw invalid("must be a JSON object");
  rejectUnknownKeys(value, ["format", "inputScale", "layers", "meta"], "the network");
  if (value.format !== FLOAT_FORMAT)
    throw invalid(`format must be "${FLOAT_FORMAT}", got ${JSON.stringify(value.format)}`);
  const inputScale = requirePositive(value.inputScale, "inputScale");
  const layersValue = value.layers;
  if (!Array.isArray(layersValue) || layersValue.length < 1 || layersValue.length > MLP_MAX_LAYERS) {
    throw invalid(`layers must be an array of 1 to ${MLP_MAX_LAYERS} layers`);
  }
  const layers: FloatLayer[] = [];
  layersValue.forEach((layer, l) =>
    layers.push(parseLayer(layer, l, l === 0 ? undefined : layers[l - 1].weights.length)),
  );
  if (value.meta !== undefined && !isObject(value.meta)) throw invalid("meta must be an object when present");
  const network: FloatNetwork = { format: FLOAT_FORMAT, inputScale, layers };
  return value.meta === undefined ? network : { ...network, meta: value.meta };
}

/** The network's input width. */
export function floatInputs(float: FloatNetwork): number {
  return float.layers[0].weights[0].length;
}

/** Every layer's float output (after its activation) for one input row. */
export function floatActivations(float: FloatNetwork, input: ArrayLike<number>): Float64Array[] {
  if (input.length !== floatInputs(float)) {
    throw invalid(`an input row must have ${floatInputs(float)} values, got ${input.length}`);
  }
  const outputs: Float64Array[] = [];
  let x: ArrayLike<number> = input;
  for (const layer of float.layers) {
    const y = new Float64Array(layer.weights.length);
    layer.weights.forEach((row, j) => {
      let sum = layer.biases[j];
      for (let p = 0; p < row.length; p++) sum += row[p] * x[p];
      y[j] = layer.activation === "relu" && sum < 0 ? 0 : sum;
    });
    outputs.push(y);
    x = y;
  }
  return outputs;
}

/** The float network's output (its last layer, e.g. logits) for one input row of real values. */
export function floatForward(float: FloatNetwork, input: ArrayLike<number>): Float64Array {
  const all = floatActivations(float, input);
  return all[all.length - 1];
}

/** Real input values in int8 steps of `inputScale`: round(v / inputScale), saturated to [-128, 127]. */
export function quantizeInput(values: ArrayLike<number>, inputScale: number): Int8Array {
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++)
    out[i] = Math.max(-128, Math.min(INT8_MAX, Math.round(values[i] / inputScale)));
  return out;
}

/**
 * The integer multiplier and right shift with multiplier / 2^shift closest to `real` at the finest shift: the
 * largest shift <= 31 with multiplier = round(real * 2^shift) < 2^31. Throws if real is too large (>= 2^31 - 0.5, no
 * shift fits) or too small (it rounds to 0 even at shift 31, i.e. real < 2^-32).
 */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (!Number.isFinite(real) || real <= 0)
    throw invalid(`a requantization scale must be a finite number > 0, got ${real}`);
  for (let shift = MLP_MAX_SHIFT; shift >= 0; shift--) {
    // real * 2^shift is exact (a power of two), so only the rounding is approximate.
    const multiplier = Math.round(real * 2 ** shift);
    if (multiplier <= MLP_MAX_MULTIPLIER) {
      if (multiplier < 1) {
        throw invalid(
          `requantization scale ${real} is below 2^-32: it rounds to 0 even at shift ${MLP_MAX_SHIFT}; ` +
            "make the layer's outputScale smaller or its input or weight scale larger",
        );
      }
      return { multiplier, shift };
    }
  }
  throw invalid(
    `requantization scale ${real} is 2^31 or more: no multiplier < 2^31 represents it even at shift 0; ` +
      "make the layer's outputScale larger",
  );
}

/** max |act(float output)| of every layer over the calibration rows. */
function calibrationMaxima(float: FloatNetwork, rows: readonly ArrayLike<number>[]): number[] {
  const maxima = float.layers.map(() => 0);
  for (const row of rows) {
    floatActivations(float, row).forEach((y, l) => {
      for (const v of y) maxima[l] = Math.max(maxima[l], Math.abs(v));
    });
  }
  return maxima;
}

function quantizeLayer(
  layer: FloatLayer,
  l: number,
  inputScale: number,
  outputScale: number,
): { layer: MlpModelLayer; weightScale: number; accumulatorScale: number } {
  const at = `layers[${l}]`;
  let maxWeight = 0;
  for (const row of layer.weights) for (const w of row) maxWeight = Math.max(maxWeight, Math.abs(w));
  if (maxWeight === 0) throw invalid(`${at}.weights are all 0: there is no weight scale; drop the layer or train it`);
  const weightScale = maxWeight / INT8_MAX;
  const accumulatorScale = inputScale * weightScale;
  const inputs = layer.weights[0].length;
  const weights = new Int8Array(layer.weights.length * inputs);
  layer.weights.forEach((row, j) =>
    row.forEach((w, p) => {
      weights[j * inputs + p] = Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(w / weightScale)));
    }),
  );
  const biases = new Int32Array(layer.biases.length);
  layer.biases.forEach((b, j) => {
    const bias = Math.round(b / accumulatorScale);
    if (Math.abs(bias) > MLP_MAX_BIAS) {
      throw invalid(
        `${at}.biases[${j}] = ${b} is ${bias} accumulator steps of ${accumulatorScale}, beyond +-${MLP_MAX_BIAS} ` +
          "(MLP_MAX_BIAS): the bias is too large for the layer's input and weight scales; " +
          "shrink it or raise the input scale",
      );
    }
    biases[j] = bias;
  });
  const { multiplier, shift } = quantizeMultiplier(accumulatorScale / outputScale);
  const activation = layer.activation === "relu" ? Activation.RELU : Activation.IDENTITY;
  return {
    layer: { outputs: layer.weights.length, multiplier, shift, activation, biases, weights },
    weightScale,
    accumulatorScale,
  };
}

/** Quantizes a float network (validated as parseFloatNetwork does) into an mlp-i8 model and its scales. */
export function quantizeModel(network: FloatNetwork, options: QuantizeOptions = {}): QuantizedNetwork {
  const float = parseFloatNetwork(network);
  const needsCalibration = float.layers.some((layer) => layer.outputScale === undefined);
  if (needsCalibration && (options.calibration === undefined || options.calibration.length === 0)) {
    const l = float.layers.findIndex((layer) => layer.outputScale === undefined);
    throw invalid(`layers[${l}] has no outputScale and no calibration batch was given: pass options.calibration`);
  }
  const maxima = needsCalibration ? calibrationMaxima(float, options.calibration ?? []) : [];
  const layers: MlpModelLayer[] = [];
  const scales: LayerScales[] = [];
  let inputScale = float.inputScale;
  float.layers.forEach((layer, l) => {
    const calibrated = layer.outputScale === undefined;
    const outputScale = layer.outputScale ?? maxima[l] / INT8_MAX;
    if (outputScale === 0) {
      throw invalid(
        `layers[${l}] outputs only 0 on the calibration batch: calibrate on other inputs or give its outputScale`,
      );
    }
    const { layer: quantized, weightScale, accumulatorScale } = quantizeLayer(layer, l, inputScale, outputScale);
    layers.push(quantized);
    scales.push({
      weightScale,
      accumulatorScale,
      outputScale,
      calibrated,
      realMultiplier: accumulatorScale / outputScale,
    });
    inputScale = outputScale;
  });
  const model: MlpModel = { inputs: floatInputs(float), layers };
  validateMlpModel(model);
  return { model, inputScale: float.inputScale, layers: scales };
}

/**
 * mlp-i8: a feed-forward network of quantized layers run on a batch of int8 inputs. Layer l maps its input x (the
 * batch's rows, `inputs` int8 values each) to
 *
 *   acc[b][j] = bias[j] + sum_p x[b][p] * w[j][p]                        exact, fits int32 (see MLP_MAX_BIAS)
 *   y[b][j]   = act(requantize(acc[b][j], multiplier, shift))            int8
 *
 * and y is the next layer's input. `requantize` is in requantize.ts, exactly as the on-chain checker computes it.
 * The params are the shapes and constants (this file); the weights and biases are the model (model.ts), content
 * named by its Merkle root; the output is every layer's accumulators and activations (layout.ts).
 */
import { InvalidWorkloadError, requireIntegerInRange } from "../errors";

export const MLP_I8_NAME = "mlp-i8";

/** Most layers a network may have. */
export const MLP_MAX_LAYERS = 8;
/** Widest input or layer. Keeps |x . w| <= 4096 * 2^14 = 2^26, so every accumulator is an exact int32. */
export const MLP_MAX_WIDTH = 4096;
/** Largest batch. */
export const MLP_MAX_BATCH = 4096;
/** Largest |bias|: |acc| <= 2^26 + 2^30 < 2^31, an int32 with room for Freivalds' modulus (freivalds.ts). */
export const MLP_MAX_BIAS = 2 ** 30 - 1;
/** The requantization multiplier is a positive int32. */
export const MLP_MAX_MULTIPLIER = 2 ** 31 - 1;
/** Right shift of the requantization, 0 to 31. */
export const MLP_MAX_SHIFT = 31;

/** What a layer does to its requantized value. */
export const Activation = { IDENTITY: 0, RELU: 1 } as const;
export type Activation = (typeof Activation)[keyof typeof Activation];

export const ACTIVATION_NAMES: Readonly<Record<Activation, string>> = { 0: "identity", 1: "relu" };

/** One layer's shape and quantization constants (its weights and biases are in the model). */
export interface MlpLayer {
  /** Units of the layer: the width of its output. */
  readonly outputs: number;
  readonly multiplier: number;
  readonly shift: number;
  readonly activation: Activation;
}

/** A job's params: the batch size, the input width and every layer. */
export interface MlpParams {
  readonly batch: number;
  readonly inputs: number;
  readonly layers: readonly MlpLayer[];
}

/** The width of layer l's input: the network's input for layer 0, else the previous layer's output. */
export function layerInputs(params: Pick<MlpParams, "inputs" | "layers">, layer: number): number {
  return layer === 0 ? params.inputs : params.layers[layer - 1].outputs;
}

/** Throws an InvalidWorkloadError naming the broken limit. */
export function validateMlpLayer(layer: MlpLayer, index: number): void {
  const at = (field: string) => `layers[${index}].${field}`;
  requireIntegerInRange(MLP_I8_NAME, at("outputs"), layer.outputs, 1, MLP_MAX_WIDTH);
  requireIntegerInRange(MLP_I8_NAME, at("multiplier"), layer.multiplier, 1, MLP_MAX_MULTIPLIER);
  requireIntegerInRange(MLP_I8_NAME, at("shift"), layer.shift, 0, MLP_MAX_SHIFT);
  if (layer.activation !== Activation.IDENTITY && layer.activation !== Activation.RELU) {
    throw new InvalidWorkloadError(
      MLP_I8_NAME,
      `${at("activation")} must be ${Activation.IDENTITY} (identity) or ${Activation.RELU} (relu), got ${String(layer.activation)}`,
    );
  }
}

/** Throws an InvalidWorkloadError naming the broken limit. */
export function validateMlpParams(params: MlpParams): void {
  requireIntegerInRange(MLP_I8_NAME, "batch", params.batch, 1, MLP_MAX_BATCH);
  requireIntegerInRange(MLP_I8_NAME, "inputs", params.inputs, 1, MLP_MAX_WIDTH);
  requireIntegerInRange(MLP_I8_NAME, "the number of layers", params.layers.length, 1, MLP_MAX_LAYERS);
  params.layers.forEach(validateMlpLayer);
}

/** Multiply-adds of one inference of the batch: the size of the job. */
export function mlpMultiplyAdds(params: MlpParams): number {
  return params.layers.reduce((sum, layer, l) => sum + params.batch * layerInputs(params, l) * layer.outputs, 0);
}

/** The shape in a few characters, e.g. "144-32-10 x 64". */
export function describeMlpParams(params: MlpParams): string {
  return `${[params.inputs, ...params.layers.map((layer) => layer.outputs)].join("-")} x ${params.batch}`;
}

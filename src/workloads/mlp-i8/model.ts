/**
 * An mlp-i8 model: every layer's constants, biases and weights, and its file format (`.wmlp`, what `model:publish`
 * stores). All integers big-endian:
 *
 *   offset  size                 field
 *   0       4                    magic "WMLP"
 *   4       1                    version, 1
 *   5       1                    L, the number of layers (1 to MLP_MAX_LAYERS)
 *   6       4                    inputs: the width of the network's input
 *   10      10 per layer         outputs (u32), multiplier (u32), shift (u8), activation (u8: 0 identity, 1 relu)
 *   then, for each layer in order:
 *           4 * outputs          biases, int32
 *           outputs * inputs     weights, int8, unit by unit: bytes [j * inputs, (j + 1) * inputs) are unit j's
 *                                weights over the layer's inputs (PyTorch's Linear.weight layout, out x in)
 *
 * Nothing else: a file's length follows from its header.
 */
import { InvalidWorkloadError } from "../errors";
import {
  type Activation,
  layerInputs,
  MLP_I8_NAME,
  MLP_MAX_BIAS,
  type MlpLayer,
  type MlpParams,
  validateMlpLayer,
  validateMlpParams,
} from "./network";

export const MODEL_MAGIC = "WMLP";
export const MODEL_VERSION = 1;
const HEADER_BYTES = 10;
const LAYER_HEADER_BYTES = 10;

/** One layer with its parameters. */
export interface MlpModelLayer extends MlpLayer {
  /** `outputs` int32 biases. */
  readonly biases: Int32Array;
  /** outputs x inputs int8, unit-major: unit j's weights are [j * inputs, (j + 1) * inputs). */
  readonly weights: Int8Array;
}

export interface MlpModel {
  readonly inputs: number;
  readonly layers: readonly MlpModelLayer[];
}

/** The shape and constants of a model, for a job on `batch` inputs. */
export function mlpParamsOf(model: MlpModel, batch: number): MlpParams {
  return {
    batch,
    inputs: model.inputs,
    layers: model.layers.map(({ outputs, multiplier, shift, activation }) => ({
      outputs,
      multiplier,
      shift,
      activation,
    })),
  };
}

/** Throws an InvalidWorkloadError naming the broken rule. */
export function validateMlpModel(model: MlpModel): void {
  validateMlpParams(mlpParamsOf(model, 1));
  model.layers.forEach((layer, l) => {
    const inputs = layerInputs(model, l);
    if (layer.biases.length !== layer.outputs || layer.weights.length !== layer.outputs * inputs) {
      throw new InvalidWorkloadError(
        MLP_I8_NAME,
        `layers[${l}] must have ${layer.outputs} biases and ${layer.outputs * inputs} weights, got ${layer.biases.length} and ${layer.weights.length}`,
      );
    }
    const j = layer.biases.findIndex((bias) => Math.abs(bias) > MLP_MAX_BIAS);
    if (j !== -1) {
      throw new InvalidWorkloadError(
        MLP_I8_NAME,
        `layers[${l}].biases[${j}] = ${layer.biases[j]} is beyond +-${MLP_MAX_BIAS} (MLP_MAX_BIAS)`,
      );
    }
  });
}

/** Bytes of the model file of a network with these params. */
export function modelByteLength(params: Pick<MlpParams, "inputs" | "layers">): number {
  return params.layers.reduce(
    (sum, layer, l) => sum + 4 * layer.outputs + layer.outputs * layerInputs(params, l),
    HEADER_BYTES + LAYER_HEADER_BYTES * params.layers.length,
  );
}

export function encodeModel(model: MlpModel): Uint8Array {
  validateMlpModel(model);
  const bytes = new Uint8Array(modelByteLength(model));
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MODEL_MAGIC));
  view.setUint8(4, MODEL_VERSION);
  view.setUint8(5, model.layers.length);
  view.setUint32(6, model.inputs);
  let at = HEADER_BYTES;
  for (const layer of model.layers) {
    view.setUint32(at, layer.outputs);
    view.setUint32(at + 4, layer.multiplier);
    view.setUint8(at + 8, layer.shift);
    view.setUint8(at + 9, layer.activation);
    at += LAYER_HEADER_BYTES;
  }
  for (const layer of model.layers) {
    for (const bias of layer.biases) {
      view.setInt32(at, bias);
      at += 4;
    }
    bytes.set(new Uint8Array(layer.weights.buffer, layer.weights.byteOffset, layer.weights.length), at);
    at += layer.weights.length;
  }
  return bytes;
}

function malformed(problem: string): InvalidWorkloadError {
  return new InvalidWorkloadError(MLP_I8_NAME, `not a model file: ${problem}`);
}

/** Parses a model file (views into `bytes` for the weights); throws an InvalidWorkloadError saying what is wrong. */
export function decodeModel(bytes: Uint8Array): MlpModel {
  if (bytes.length < HEADER_BYTES) throw malformed(`${bytes.length} bytes is shorter than the header`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== MODEL_MAGIC)
    throw malformed(`it does not start with "${MODEL_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(4);
  if (version !== MODEL_VERSION) throw malformed(`version ${version}; this build reads version ${MODEL_VERSION}`);
  const layerCount = view.getUint8(5);
  const inputs = view.getUint32(6);
  if (bytes.length < HEADER_BYTES + LAYER_HEADER_BYTES * layerCount) throw malformed("the layer headers are cut off");
  const headers: MlpLayer[] = [];
  for (let l = 0, at = HEADER_BYTES; l < layerCount; l++, at += LAYER_HEADER_BYTES) {
    const layer = {
      outputs: view.getUint32(at),
      multiplier: view.getUint32(at + 4),
      shift: view.getUint8(at + 8),
      activation: view.getUint8(at + 9) as Activation,
    };
    validateMlpLayer(layer, l);
    headers.push(layer);
  }
  validateMlpParams({ batch: 1, inputs, layers: headers });
  const expected = modelByteLength({ inputs, layers: headers });
  if (bytes.length !== expected) throw malformed(`${bytes.length} bytes, but its header describes ${expected}`);
  const signed = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = HEADER_BYTES + LAYER_HEADER_BYTES * layerCount;
  const layers = headers.map((header, l) => {
    const biases = new Int32Array(header.outputs);
    for (let j = 0; j < header.outputs; j++, at += 4) biases[j] = view.getInt32(at);
    const weightCount = header.outputs * layerInputs({ inputs, layers: headers }, l);
    const weights = signed.subarray(at, at + weightCount);
    at += weightCount;
    return { ...header, biases, weights };
  });
  const model = { inputs, layers };
  validateMlpModel(model);
  return model;
}

/**
 * Bytes of mlp-i8 jobs, as the contracts and the content store hold them.
 *  - params: abi.encode(uint32 batch, uint32 inputs, (uint32 outputs, uint32 multiplier, uint8 shift,
 *    uint8 activation)[] layers)
 *  - inputs, as the workload sees them: the model file (model.ts) then the batch, batch x inputs int8 row-major.
 *    (The content store holds the model once; a job's stored inputs name it: src/jobs/input-content.ts.)
 *  - output: every layer's accumulators and activations, in the words of layout.ts
 */
import { AbiCoder, type BytesLike } from "ethers";

import type { AbiParamsCodec } from "../abi-params";
import { InvalidWorkloadError } from "../errors";
import { int8Stream } from "../prng";
import type { MlpTrace } from "./inference";
import { mlpOutputLayout } from "./layout";
import { decodeModel, type MlpModel, mlpParamsOf, modelByteLength } from "./model";
import { type Activation, layerInputs, MLP_I8_NAME, type MlpParams, validateMlpParams } from "./network";

const PARAMS_TYPES = ["uint32", "uint32", "tuple(uint32 outputs, uint32 multiplier, uint8 shift, uint8 activation)[]"];
const WORD_BYTES = 4;

export const mlpParamsCodec: AbiParamsCodec<MlpParams> = {
  encode: (params) =>
    AbiCoder.defaultAbiCoder().encode(PARAMS_TYPES, [
      params.batch,
      params.inputs,
      params.layers.map((layer) => [layer.outputs, layer.multiplier, layer.shift, layer.activation]),
    ]),
  decode: (data: BytesLike) => {
    try {
      const [batch, inputs, layers] = AbiCoder.defaultAbiCoder().decode(PARAMS_TYPES, data) as unknown as [
        bigint,
        bigint,
        [bigint, bigint, bigint, bigint][],
      ];
      return {
        batch: Number(batch),
        inputs: Number(inputs),
        layers: layers.map(([outputs, multiplier, shift, activation]) => ({
          outputs: Number(outputs),
          multiplier: Number(multiplier),
          shift: Number(shift),
          activation: Number(activation) as Activation,
        })),
      };
    } catch (error) {
      throw new InvalidWorkloadError(
        MLP_I8_NAME,
        `params are not abi.encode(${PARAMS_TYPES.join(", ")}): ${String(error)}`,
      );
    }
  },
};

/** The model and the batch of a job. */
export interface MlpJobInputs {
  readonly model: MlpModel;
  /** The model file's bytes, as committed to. */
  readonly modelBytes: Uint8Array;
  /** batch x inputs int8, row-major. */
  readonly batch: Int8Array;
}

/** Bytes of a job's inputs: the model file and the batch. */
export function mlpInputByteLength(params: MlpParams): number {
  return modelByteLength(params) + params.batch * params.inputs;
}

export function encodeMlpInputs(modelBytes: Uint8Array, batch: Int8Array): Uint8Array {
  const bytes = new Uint8Array(modelBytes.length + batch.length);
  bytes.set(modelBytes);
  bytes.set(new Uint8Array(batch.buffer, batch.byteOffset, batch.length), modelBytes.length);
  return bytes;
}

/** Splits a job's inputs into its model and batch; throws unless both fit the params exactly. */
export function decodeMlpInputs(params: MlpParams, bytes: Uint8Array): MlpJobInputs {
  validateMlpParams(params);
  if (bytes.length !== mlpInputByteLength(params)) {
    throw new InvalidWorkloadError(
      MLP_I8_NAME,
      `inputs must be ${mlpInputByteLength(params)} bytes (the model, then ${params.batch} x ${params.inputs} int8), got ${bytes.length}`,
    );
  }
  const modelBytes = bytes.subarray(0, modelByteLength(params));
  const model = decodeModel(modelBytes);
  requireModelFits(params, model);
  const batch = new Int8Array(bytes.buffer, bytes.byteOffset + modelBytes.length, params.batch * params.inputs);
  return { model, modelBytes, batch };
}

/** Throws unless the model's shapes and constants are the params'. */
export function requireModelFits(params: MlpParams, model: MlpModel): void {
  const expected = mlpParamsCodec.encode(params);
  if (mlpParamsCodec.encode(mlpParamsOf(model, params.batch)) !== expected) {
    throw new InvalidWorkloadError(
      MLP_I8_NAME,
      "the model's shapes and quantization constants differ from the job's params; create the job from the model",
    );
  }
}

/** The output words of a trace (layout.ts), big-endian. */
export function encodeMlpOutput(params: MlpParams, trace: MlpTrace): Uint8Array {
  const layout = mlpOutputLayout(params);
  const bytes = new Uint8Array(layout.totalWords * WORD_BYTES);
  const view = new DataView(bytes.buffer);
  layout.layers.forEach((at, l) => {
    const acc = trace.accumulators[l];
    for (let i = 0; i < acc.length; i++) view.setInt32((at.accWord + i) * WORD_BYTES, acc[i]);
    const y = trace.activations[l];
    bytes.set(new Uint8Array(y.buffer, y.byteOffset, y.length), at.actWord * WORD_BYTES);
  });
  return bytes;
}

/** Reads every layer's values out of an output; throws if its length is not the layout's. */
export function decodeMlpOutput(params: MlpParams, bytes: Uint8Array): MlpTrace {
  const layout = mlpOutputLayout(params);
  if (bytes.length !== layout.totalWords * WORD_BYTES) {
    throw new InvalidWorkloadError(
      MLP_I8_NAME,
      `output must be ${layout.totalWords} words (${layout.totalWords * WORD_BYTES} bytes), got ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signed = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const accumulators: Int32Array[] = [];
  const activations: Int8Array[] = [];
  for (const at of layout.layers) {
    const values = params.batch * at.outputs;
    const acc = new Int32Array(values);
    for (let i = 0; i < values; i++) acc[i] = view.getInt32((at.accWord + i) * WORD_BYTES);
    accumulators.push(acc);
    activations.push(signed.slice(at.actWord * WORD_BYTES, at.actWord * WORD_BYTES + values));
  }
  return { accumulators, activations };
}

/** Deterministic batch for `seed`: the first batch x inputs values of the prng.ts stream. */
export function generateMlpBatch(params: MlpParams, seed: number): Int8Array {
  return int8Stream(seed, params.batch * params.inputs);
}

/** Bias of a generated model: an int8 of the stream times this, about the size of a few products. */
const GENERATED_BIAS_SCALE = 64;

/**
 * A deterministic model of the params' shapes and constants for `seed`: each layer's weights are the next values of
 * the prng.ts stream of seed + 1 + l, its biases the stream of seed + 1 + L + l times GENERATED_BIAS_SCALE. For jobs
 * created from a seed (tests, benches, `job:create --workload mlp-i8` without `--model`).
 */
export function generateMlpModel(params: MlpParams, seed: number): MlpModel {
  validateMlpParams(params);
  const layerCount = params.layers.length;
  return {
    inputs: params.inputs,
    layers: params.layers.map((layer, l) => {
      const inputs = layerInputs(params, l);
      const biasStream = int8Stream((seed + 1 + layerCount + l) >>> 0, layer.outputs);
      return {
        ...layer,
        weights: int8Stream((seed + 1 + l) >>> 0, layer.outputs * inputs),
        biases: Int32Array.from(biasStream, (value) => value * GENERATED_BIAS_SCALE),
      };
    }),
  };
}

/**
 * mlp-i8: each layer is checked against its committed input (the batch for the first layer, the previous layer's
 * committed activations for the others), so the first wrong value found is provable on its own:
 *  - the accumulators with Freivalds' check (workloads/matmul-i8/freivalds.ts) of x . W = acc - bias, exact modulo
 *    2^32 - 5, O(batch * inputs + inputs * outputs + batch * outputs) instead of O(batch * inputs * outputs); the
 *    first unit it proves wrong is recomputed for every item to name its first wrong accumulator;
 *  - then every activation against the requantization of its (now known correct) accumulator, and the padding.
 * Layers in order, accumulators before activations: the finding is the first wrong value of the first wrong layer,
 * with the evidence MlpI8Checker takes.
 */
import type { ResultTree } from "../../commitments/result-tree";
import { freivaldsWrongRows, type FreivaldsOptions } from "../../workloads/matmul-i8/freivalds";
import { decodeMlpInputs, decodeMlpOutput, type MlpJobInputs } from "../../workloads/mlp-i8/codec";
import { type MlpTrace, transposeI8 } from "../../workloads/mlp-i8/inference";
import { mlpOutputLayout } from "../../workloads/mlp-i8/layout";
import { type MlpParams } from "../../workloads/mlp-i8/network";
import { requantizeLayer } from "../../workloads/mlp-i8/requantize";
import type { Verdict } from "../verdict";
import { type CheckInput, findingBase } from "./commitments";
import { mlpValueEvidence } from "./evidence";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const WORD_BYTES = 4;

/** One wrong value: what MlpI8Checker's proof names, and the values. */
export interface MlpFault {
  readonly layer: number;
  readonly element: number;
  readonly accumulator: boolean;
  readonly claimed: number;
  readonly correct: number;
}

/** The first wrong accumulator of layer `l`, if any. */
function accumulatorFault(
  params: MlpParams,
  inputs: MlpJobInputs,
  claimed: MlpTrace,
  l: number,
  options: FreivaldsOptions,
): MlpFault | undefined {
  const layer = inputs.model.layers[l];
  const { batch } = params;
  const k = l === 0 ? params.inputs : params.layers[l - 1].outputs;
  const n = layer.outputs;
  const x = l === 0 ? inputs.batch : claimed.activations[l - 1];
  const acc = claimed.accumulators[l];
  // Checked transposed, (acc - bias)^T = W^T x^T, with the weights as they are stored (unit-major): only
  // batch-sized matrices are transposed. acc - bias must equal x . W, below 2^26 in magnitude: a difference beyond
  // int32 is wrong outright.
  const productT = new Int32Array(acc.length);
  let outOfRangeUnit = n;
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < n; j++) {
      const value = acc[b * n + j] - layer.biases[j];
      if (value < INT32_MIN || value > INT32_MAX) outOfRangeUnit = Math.min(outOfRangeUnit, j);
      else productT[j * batch + b] = value;
    }
  }
  const wrongUnits = freivaldsWrongRows(
    { shape: { m: n, k, n: batch }, a: layer.weights, b: transposeI8(x, batch, k) },
    productT,
    options,
  );
  const unit = Math.min(outOfRangeUnit, ...wrongUnits);
  if (unit === n) return undefined;
  // The unit's accumulator for every item, O(batch k): its first wrong one is the finding.
  const weights = layer.weights.subarray(unit * k, (unit + 1) * k);
  for (let b = 0; b < batch; b++) {
    let correct = layer.biases[unit];
    for (let p = 0; p < k; p++) correct += x[b * k + p] * weights[p];
    const element = b * n + unit;
    if (acc[element] !== correct) return { layer: l, element, accumulator: true, claimed: acc[element], correct };
  }
  // Unreachable: a flagged unit is wrong (freivalds.ts), and an out-of-range difference is never correct.
  throw new Error(`unit ${unit} of layer ${l} was found wrong, but recomputing it found no wrong accumulator`);
}

/** The first activation of layer `l` that is not its accumulator requantized, or a nonzero padding byte. */
function activationFault(params: MlpParams, claimed: MlpTrace, output: Uint8Array, l: number): MlpFault | undefined {
  const acc = claimed.accumulators[l];
  const y = claimed.activations[l];
  const correct = new Int8Array(acc.length);
  requantizeLayer(acc, correct, params.layers[l]);
  for (let element = 0; element < acc.length; element++) {
    if (y[element] !== correct[element]) {
      return { layer: l, element, accumulator: false, claimed: y[element], correct: correct[element] };
    }
  }
  const at = mlpOutputLayout(params).layers[l];
  for (let element = acc.length; element < at.actWords * WORD_BYTES; element++) {
    const claimedByte = output[at.actWord * WORD_BYTES + element];
    if (claimedByte !== 0) return { layer: l, element, accumulator: false, claimed: claimedByte, correct: 0 };
  }
  return undefined;
}

/** The first nonzero padding word after the last layer. */
function trailingPaddingFault(params: MlpParams, output: Uint8Array): MlpFault | undefined {
  const layout = mlpOutputLayout(params);
  const view = new DataView(output.buffer, output.byteOffset, output.byteLength);
  for (let word = layout.valueWords; word < layout.totalWords; word++) {
    const claimed = view.getUint32(word * WORD_BYTES);
    if (claimed !== 0) {
      const element = word - layout.valueWords;
      return { layer: params.layers.length, element, accumulator: false, claimed, correct: 0 };
    }
  }
  return undefined;
}

/** The first wrong value of the first wrong layer of a claimed output, or undefined if it is correct. */
export function firstMlpFault(
  params: MlpParams,
  inputs: MlpJobInputs,
  output: Uint8Array,
  options: FreivaldsOptions = {},
): MlpFault | undefined {
  const claimed = decodeMlpOutput(params, output);
  for (let l = 0; l < params.layers.length; l++) {
    const fault = accumulatorFault(params, inputs, claimed, l, options) ?? activationFault(params, claimed, output, l);
    if (fault !== undefined) return fault;
  }
  return trailingPaddingFault(params, output);
}

export function checkMlp(
  input: CheckInput,
  params: MlpParams,
  inputs: Uint8Array,
  output: { bytes: Uint8Array; tree: ResultTree },
  options: FreivaldsOptions = {},
): Verdict {
  const decoded = decodeMlpInputs(params, inputs);
  const fault = firstMlpFault(params, decoded, output.bytes, options);
  if (fault === undefined) return { verdict: "valid" };
  return {
    verdict: "finding",
    finding: {
      ...findingBase(input),
      kind: "wrong-value",
      ...fault,
      ...mlpValueEvidence(params, decoded, output.tree, fault, input),
    },
  };
}

/**
 * The reference mlp-i8 inference: each layer's product x . W on the WebAssembly int8 matmul kernel (the one
 * matmul-i8 uses), then the bias and the requantization of requantize.ts. Bit-exact: every value is an integer
 * computed exactly (see network.ts for why no accumulator overflows).
 */
import { matmulRows, threadMatmulKernel } from "../matmul-i8/kernel";
import { InvalidWorkloadError } from "../errors";
import type { MlpModel } from "./model";
import { layerInputs, MLP_I8_NAME } from "./network";
import { requantizeLayer } from "./requantize";

/** Every layer's values for a batch: acc and y of layer l, row-major (batch x outputs). */
export interface MlpTrace {
  readonly accumulators: readonly Int32Array[];
  readonly activations: readonly Int8Array[];
}

/** The k x n row-major matrix W of a layer whose weights are stored unit-major (n x k), as the kernel takes B. */
export function weightMatrix(weights: Int8Array, inputs: number, outputs: number): Int8Array {
  const b = new Int8Array(inputs * outputs);
  for (let j = 0; j < outputs; j++) {
    const unit = weights.subarray(j * inputs, (j + 1) * inputs);
    for (let p = 0; p < inputs; p++) b[p * outputs + j] = unit[p];
  }
  return b;
}

/** The transpose of a rows x cols int8 matrix (row-major). */
export function transposeI8(matrix: Int8Array, rows: number, cols: number): Int8Array {
  const out = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c];
  }
  return out;
}

/**
 * The kernel packs B in groups of 16 columns: below this batch, the transposed product (the batch as B's columns)
 * would spend most of its work on padding.
 */
const MIN_TRANSPOSED_BATCH = 16;

/**
 * acc = x . W + bias for one layer, on the calling thread. The weights are stored unit-major (W transposed), so
 * either W is transposed for the kernel, or the kernel computes acc^T = W^T x^T from the weights as they are and the
 * batch-sized matrices are transposed instead: whichever moves fewer values.
 */
export function layerAccumulators(
  x: Int8Array,
  batch: number,
  inputs: number,
  layer: { outputs: number; biases: Int32Array; weights: Int8Array },
): Int32Array {
  const { outputs, biases } = layer;
  const acc = new Int32Array(batch * outputs);
  if (batch >= MIN_TRANSPOSED_BATCH && batch * (inputs + outputs) < inputs * outputs) {
    const accT = new Int32Array(outputs * batch);
    matmulRows(threadMatmulKernel(), layer.weights, transposeI8(x, batch, inputs), accT, inputs, batch, 0, outputs);
    for (let j = 0; j < outputs; j++) {
      const bias = biases[j];
      for (let b = 0; b < batch; b++) acc[b * outputs + j] = accT[j * batch + b] + bias;
    }
    return acc;
  }
  matmulRows(threadMatmulKernel(), x, weightMatrix(layer.weights, inputs, outputs), acc, inputs, outputs, 0, batch);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < outputs; j++) acc[b * outputs + j] += biases[j];
  }
  return acc;
}

/** Runs `model` on `batch` input rows (row-major, batch x model.inputs int8). */
export function runMlp(model: MlpModel, input: Int8Array, batch: number): MlpTrace {
  if (input.length !== batch * model.inputs) {
    throw new InvalidWorkloadError(
      MLP_I8_NAME,
      `a batch of ${batch} needs ${batch * model.inputs} input values, got ${input.length}`,
    );
  }
  const accumulators: Int32Array[] = [];
  const activations: Int8Array[] = [];
  let x = input;
  model.layers.forEach((layer, l) => {
    const acc = layerAccumulators(x, batch, layerInputs(model, l), layer);
    const y = new Int8Array(acc.length);
    requantizeLayer(acc, y, layer);
    accumulators.push(acc);
    activations.push(y);
    x = y;
  });
  return { accumulators, activations };
}

/** The predicted class of each item: the index of the largest accumulator of the last layer (the first on a tie). */
export function predictions(trace: MlpTrace, batch: number): number[] {
  const logits = trace.accumulators[trace.accumulators.length - 1];
  const classes = logits.length / batch;
  return Array.from({ length: batch }, (_, b) => {
    let best = 0;
    for (let j = 1; j < classes; j++) if (logits[b * classes + j] > logits[b * classes + best]) best = j;
    return best;
  });
}

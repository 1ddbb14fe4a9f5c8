/**
 * A small, deterministic MLP trainer in plain TypeScript: ReLU hidden layers, an identity output layer, softmax
 * cross-entropy, mini-batch Adam with decoupled weight decay (AdamW) and a linearly decaying learning rate.
 *
 * Deterministic bit for bit: the initial weights and the order of the examples come from the seeded stream of
 * src/workloads/prng.ts (never Math.random), every sum runs in a fixed order, and the only transcendental function
 * is Math.exp (the softmax), which one V8 computes identically on every run and machine. An ML library would buy
 * speed we do not need (a few seconds on one core) at the price of native code and its own nondeterminism.
 */
import { uniformStream } from "../../src/workloads/prng";

export interface TrainConfig {
  /** Units of each hidden layer, e.g. [32]; the output layer has one unit per class. */
  readonly hidden: readonly number[];
  readonly classes: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam's step size at the first epoch; it decays linearly to a tenth of it at the last. */
  readonly learningRate: number;
  /** AdamW's decoupled weight decay per step, times the learning rate. Keeps weights small for int8. */
  readonly weightDecay: number;
  /** Seeds the initial weights and the shuffles. */
  readonly seed: number;
}

/** Examples: `count` rows of `width` floats, row-major, and their classes. */
export interface TrainingData {
  readonly count: number;
  readonly width: number;
  readonly inputs: Float64Array;
  readonly labels: Uint8Array;
}

/** One trained layer: outputs x inputs weights (unit-major, PyTorch's layout) and biases. */
export interface TrainedLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: Float64Array;
  readonly biases: Float64Array;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** A layer's parameters with their gradients and Adam moments, all flat: weights first, then biases. */
interface LayerState {
  readonly inputs: number;
  readonly outputs: number;
  readonly params: Float64Array;
  readonly grads: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
}

function initLayer(inputs: number, outputs: number, random: () => number): LayerState {
  const size = inputs * outputs + outputs;
  const params = new Float64Array(size);
  // He-uniform: variance 2 / inputs keeps ReLU activations at a steady scale through the layers. Biases start at 0.
  const limit = Math.sqrt(6 / inputs);
  for (let i = 0; i < inputs * outputs; i++) params[i] = (2 * random() - 1) * limit;
  return {
    inputs,
    outputs,
    params,
    grads: new Float64Array(size),
    m: new Float64Array(size),
    v: new Float64Array(size),
  };
}

/** z = W x + b into `z`; weights at params[0, in * out), biases after. */
function forwardLayer(layer: LayerState, x: Float64Array, z: Float64Array): void {
  const { inputs, outputs, params } = layer;
  const biasAt = inputs * outputs;
  for (let j = 0; j < outputs; j++) {
    let sum = params[biasAt + j];
    const row = j * inputs;
    for (let p = 0; p < inputs; p++) sum += params[row + p] * x[p];
    z[j] = sum;
  }
}

/** Softmax of `logits` into `probabilities`, shifted by the maximum so that exp never overflows. */
function softmax(logits: Float64Array, probabilities: Float64Array): void {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (let j = 0; j < logits.length; j++) {
    probabilities[j] = Math.exp(logits[j] - max);
    sum += probabilities[j];
  }
  for (let j = 0; j < logits.length; j++) probabilities[j] /= sum;
}

/** Fisher-Yates shuffle of `order` with the seeded stream. */
function shuffle(order: Uint32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[k];
    order[k] = t;
  }
}

function validate(data: TrainingData, config: TrainConfig): void {
  const positive = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`train: ${name} must be an integer >= 1, got ${value}`);
  };
  positive("epochs", config.epochs);
  positive("batchSize", config.batchSize);
  positive("classes", config.classes);
  config.hidden.forEach((units, i) => positive(`hidden[${i}]`, units));
  if (!(config.learningRate > 0)) throw new RangeError(`train: learningRate must be > 0, got ${config.learningRate}`);
  if (data.inputs.length !== data.count * data.width || data.labels.length !== data.count) {
    throw new RangeError(
      `train: ${data.count} examples of width ${data.width} need ${data.count * data.width} inputs and ` +
        `${data.count} labels`,
    );
  }
  const bad = data.labels.findIndex((label) => label >= config.classes);
  if (bad !== -1)
    throw new RangeError(`train: labels[${bad}] = ${data.labels[bad]} is not below classes (${config.classes})`);
}

/** Trains a network on `data`; the same data and config give the same weights, bit for bit. */
export function trainMlp(data: TrainingData, config: TrainConfig): TrainedLayer[] {
  validate(data, config);
  const random = uniformStream(config.seed);
  const widths = [data.width, ...config.hidden, config.classes];
  const layers = widths.slice(1).map((outputs, l) => initLayer(widths[l], outputs, random));
  const last = layers.length - 1;
  // Per-example buffers: z (pre-activation) and a (activation) of every layer, and the backpropagated deltas.
  const z = layers.map((layer) => new Float64Array(layer.outputs));
  const a = layers.map((layer) => new Float64Array(layer.outputs));
  const delta = layers.map((layer) => new Float64Array(layer.outputs));
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  let beta1Power = 1;
  let beta2Power = 1;

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const rate = config.learningRate * (1 - (0.9 * epoch) / Math.max(1, config.epochs - 1));
    shuffle(order, random);
    for (let start = 0; start < data.count; start += config.batchSize) {
      const end = Math.min(data.count, start + config.batchSize);
      for (const layer of layers) layer.grads.fill(0);
      for (let e = start; e < end; e++) {
        const example = order[e];
        const x = data.inputs.subarray(example * data.width, (example + 1) * data.width);
        layers.forEach((layer, l) => {
          forwardLayer(layer, l === 0 ? x : a[l - 1], z[l]);
          for (let j = 0; j < layer.outputs; j++) a[l][j] = l < last && z[l][j] < 0 ? 0 : z[l][j];
        });
        // d(cross-entropy)/d(logits) = softmax - one-hot, averaged over the batch.
        softmax(z[last], delta[last]);
        delta[last][data.labels[example]] -= 1;
        for (let j = 0; j < delta[last].length; j++) delta[last][j] /= end - start;
        for (let l = last; l >= 0; l--) {
          const { inputs, outputs, params, grads } = layers[l];
          const input = l === 0 ? x : a[l - 1];
          const biasAt = inputs * outputs;
          for (let j = 0; j < outputs; j++) {
            const d = delta[l][j];
            if (d === 0) continue;
            grads[biasAt + j] += d;
            const row = j * inputs;
            for (let p = 0; p < inputs; p++) grads[row + p] += d * input[p];
          }
          if (l > 0) {
            const below = delta[l - 1];
            for (let p = 0; p < inputs; p++) {
              let sum = 0;
              if (z[l - 1][p] > 0) for (let j = 0; j < outputs; j++) sum += params[j * inputs + p] * delta[l][j];
              below[p] = sum;
            }
          }
        }
      }
      beta1Power *= BETA1;
      beta2Power *= BETA2;
      for (const layer of layers) adamStep(layer, rate, config.weightDecay, beta1Power, beta2Power);
    }
  }
  return layers.map(({ inputs, outputs, params }) => ({
    inputs,
    outputs,
    weights: params.slice(0, inputs * outputs),
    biases: params.slice(inputs * outputs),
  }));
}

function adamStep(layer: LayerState, rate: number, weightDecay: number, beta1Power: number, beta2Power: number): void {
  const { params, grads, m, v } = layer;
  const weightCount = layer.inputs * layer.outputs;
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    m[i] = BETA1 * m[i] + (1 - BETA1) * g;
    v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
    const step = m[i] / (1 - beta1Power) / (Math.sqrt(v[i] / (1 - beta2Power)) + EPSILON);
    // Decay the weights only, not the biases (as usual for AdamW).
    params[i] -= rate * (step + (i < weightCount ? weightDecay * params[i] : 0));
  }
}

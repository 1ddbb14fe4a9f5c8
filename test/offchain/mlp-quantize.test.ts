import { expect } from "chai";

import { uniformStream } from "../../src/workloads/prng";
import { runMlp } from "../../src/workloads/mlp-i8/inference";
import { Activation, MLP_MAX_BIAS, MLP_MAX_MULTIPLIER } from "../../src/workloads/mlp-i8/network";
import {
  FLOAT_FORMAT,
  type FloatNetwork,
  floatForward,
  parseFloatNetwork,
  quantizeInput,
  quantizeModel,
  quantizeMultiplier,
} from "../../src/workloads/mlp-i8/quantize";

/** A deterministic outputs x inputs matrix of integers in [-max, max] that reaches +max once. */
function integerMatrix(seed: number, outputs: number, inputs: number, max: number): number[][] {
  const random = uniformStream(seed);
  const rows = Array.from({ length: outputs }, () =>
    Array.from({ length: inputs }, () => Math.floor(random() * (2 * max + 1)) - max),
  );
  rows[0][0] = max;
  return rows;
}

function oneLayer(weights: number[][], biases: number[], inputScale: number, outputScale: number): FloatNetwork {
  return { format: FLOAT_FORMAT, inputScale, layers: [{ weights, biases, activation: "identity", outputScale }] };
}

function int8Rows(seed: number, batch: number, inputs: number): Int8Array {
  const random = uniformStream(seed);
  return Int8Array.from({ length: batch * inputs }, () => Math.floor(random() * 256) - 128);
}

/** A layer with a given scale: integer weights k become k * scale, so that w / (max|w| / 127) is exactly k. */
function scaled(rows: number[][], scale: number): number[][] {
  return rows.map((row) => row.map((k) => k * scale));
}

describe("mlp-i8 quantizer", () => {
  describe("exact quantization", () => {
    it("keeps integer weights and biases at unit scales, with multiplier 2^30 and shift 30", () => {
      const weights = integerMatrix(1, 6, 9, 127);
      const biases = [0, 1, -1, 1000, -1000, MLP_MAX_BIAS];
      const { model, layers } = quantizeModel(oneLayer(weights, biases, 1, 1));
      expect(Array.from(model.layers[0].weights)).to.deep.equal(weights.flat());
      expect(Array.from(model.layers[0].biases)).to.deep.equal(biases);
      expect(model.layers[0]).to.include({
        outputs: 6,
        multiplier: 2 ** 30,
        shift: 30,
        activation: Activation.IDENTITY,
      });
      expect(layers[0]).to.include({
        weightScale: 1,
        accumulatorScale: 1,
        outputScale: 1,
        realMultiplier: 1,
        calibrated: false,
      });
    });

    it("at power-of-two scales, the int8 network computes the float network exactly (before saturation)", () => {
      // inputScale 1/2, weights k/4 (max 127/4: weight scale 1/4): accumulator steps of 1/8, output steps of 1/2.
      const weights = scaled(integerMatrix(2, 5, 12, 127), 0.25);
      const biases = [0.125, -0.5, 3, -7.875, 0];
      const float = oneLayer(weights, biases, 0.5, 0.5);
      const { model, layers } = quantizeModel(float);
      expect(layers[0]).to.include({ weightScale: 0.25, accumulatorScale: 0.125, realMultiplier: 0.25 });
      expect(model.layers[0].multiplier / 2 ** model.layers[0].shift).to.equal(0.25);
      const batch = 40;
      const x = int8Rows(3, batch, 12);
      const trace = runMlp(model, x, batch);
      for (let b = 0; b < batch; b++) {
        const real = Array.from(x.subarray(b * 12, (b + 1) * 12), (v) => v * 0.5);
        const out = floatForward(float, real);
        for (let j = 0; j < 5; j++) {
          expect(trace.accumulators[0][b * 5 + j] * 0.125).to.equal(out[j]);
          // round half up, as requantize does, then saturate.
          expect(trace.activations[0][b * 5 + j]).to.equal(
            Math.max(-128, Math.min(127, Math.floor(out[j] / 0.5 + 0.5))),
          );
        }
      }
    });

    it("rounds weights to the nearest step and applies relu", () => {
      const float: FloatNetwork = {
        format: FLOAT_FORMAT,
        inputScale: 1,
        layers: [{ weights: [[1.27, -0.004, 0.006, -1.27]], biases: [-0.5], activation: "relu", outputScale: 1 }],
      };
      const { model } = quantizeModel(float);
      // weight scale 0.01: 1.27 -> 127, -0.004 -> -0 (rounds to 0), 0.006 -> 1; bias -0.5 / 0.01 = -50.
      expect(Array.from(model.layers[0].weights)).to.deep.equal([127, 0, 1, -127]);
      expect(Array.from(model.layers[0].biases)).to.deep.equal([-50]);
      expect(model.layers[0].activation).to.equal(Activation.RELU);
    });

    it("quantizes inputs by rounding to steps of the input scale and saturating", () => {
      expect(Array.from(quantizeInput([0, 1, 0.5, -1, 2, -2, 0.004], 1 / 127))).to.deep.equal([
        0, 127, 64, -127, 127, -128, 1,
      ]);
    });
  });

  describe("multiplier and shift", () => {
    it("picks the largest shift whose multiplier stays below 2^31", () => {
      expect(quantizeMultiplier(1)).to.deep.equal({ multiplier: 2 ** 30, shift: 30 });
      expect(quantizeMultiplier(0.5)).to.deep.equal({ multiplier: 2 ** 30, shift: 31 });
      expect(quantizeMultiplier(0.75)).to.deep.equal({ multiplier: 3 * 2 ** 29, shift: 31 });
      // Just below 1: at shift 31 the multiplier is exactly 2^31 - 1.
      expect(quantizeMultiplier(1 - 2 ** -31)).to.deep.equal({ multiplier: MLP_MAX_MULTIPLIER, shift: 31 });
      // Closer to 1 than half a step at shift 31: round(real * 2^31) = 2^31 does not fit, so shift 30.
      expect(quantizeMultiplier(1 - 2 ** -33)).to.deep.equal({ multiplier: 2 ** 30, shift: 30 });
      expect(quantizeMultiplier(3)).to.deep.equal({ multiplier: 3 * 2 ** 29, shift: 29 });
    });

    it("reaches the ends of the range: shift 0 for large scales, multiplier 1 for the smallest", () => {
      expect(quantizeMultiplier(MLP_MAX_MULTIPLIER)).to.deep.equal({ multiplier: MLP_MAX_MULTIPLIER, shift: 0 });
      expect(quantizeMultiplier(2 ** 30 + 0.25)).to.deep.equal({ multiplier: 2 ** 30, shift: 0 });
      expect(quantizeMultiplier(2 ** -32)).to.deep.equal({ multiplier: 1, shift: 31 });
      expect(quantizeMultiplier(2 ** -20)).to.deep.equal({ multiplier: 2 ** 11, shift: 31 });
    });

    it("approximates any representable scale within half a step", () => {
      const random = uniformStream(4);
      for (let i = 0; i < 200; i++) {
        const real = 2 ** (random() * 40 - 30);
        const { multiplier, shift } = quantizeMultiplier(real);
        expect(multiplier).to.be.within(1, MLP_MAX_MULTIPLIER);
        expect(shift).to.be.within(0, 31);
        expect(Math.abs(multiplier - real * 2 ** shift)).to.be.at.most(0.5);
        // The largest shift: one more would overflow, unless already at 31.
        if (shift < 31) expect(Math.round(real * 2 ** (shift + 1))).to.be.above(MLP_MAX_MULTIPLIER);
      }
    });

    it("refuses scales that no multiplier and shift represent", () => {
      expect(() => quantizeMultiplier(2 ** 31 - 0.5)).to.throw(/2\^31 or more.*outputScale larger/);
      expect(() => quantizeMultiplier(2 ** 40)).to.throw(/2\^31 or more/);
      expect(() => quantizeMultiplier(2 ** -34)).to.throw(/below 2\^-32/);
      expect(() => quantizeMultiplier(0)).to.throw(/finite number > 0/);
      expect(() => quantizeMultiplier(-1)).to.throw(/finite number > 0/);
      expect(() => quantizeMultiplier(Number.NaN)).to.throw(/finite number > 0/);
    });

    it("reports an unrepresentable layer scale from quantizeModel", () => {
      expect(() => quantizeModel(oneLayer([[127]], [0], 1, 2 ** -40))).to.throw(/2\^31 or more/);
      expect(() => quantizeModel(oneLayer([[127]], [0], 1e-12, 1e3))).to.throw(/below 2\^-32/);
    });
  });

  describe("calibration", () => {
    const twoLayers = (): FloatNetwork => ({
      format: FLOAT_FORMAT,
      inputScale: 1 / 127,
      layers: [
        {
          weights: [
            [1, -1],
            [0.5, 0.5],
            [-1, -1],
          ],
          biases: [0, 0.25, 0],
          activation: "relu",
        },
        { weights: [[1, 2, 3]], biases: [0], activation: "identity" },
      ],
    });

    it("sets each output scale to max |activation| over the batch / 127", () => {
      const calibration = [
        [1, 0],
        [0.5, 1],
        [-1, 1],
      ];
      const { layers } = quantizeModel(twoLayers(), { calibration });
      // Layer 0 (relu): rows give [1, 0.75, 0], [0, 1, 0], [0, 0.25, 0]: max 1. Layer 1: 2.5, 2, 0.5: max 2.5.
      expect(layers[0].outputScale).to.equal(1 / 127);
      expect(layers[1].outputScale).to.equal(2.5 / 127);
      expect(layers.every((layer) => layer.calibrated)).to.equal(true);
    });

    it("prefers a layer's outputScale and needs no batch when every layer has one", () => {
      const float = twoLayers();
      const fixed: FloatNetwork = { ...float, layers: float.layers.map((layer) => ({ ...layer, outputScale: 0.05 })) };
      const { layers } = quantizeModel(fixed);
      expect(layers.map((layer) => [layer.outputScale, layer.calibrated])).to.deep.equal([
        [0.05, false],
        [0.05, false],
      ]);
    });

    it("asks for a calibration batch when a layer has no outputScale", () => {
      expect(() => quantizeModel(twoLayers())).to.throw(/layers\[0\] has no outputScale.*options\.calibration/);
      expect(() => quantizeModel(twoLayers(), { calibration: [] })).to.throw(/options\.calibration/);
    });

    it("refuses a layer that outputs only zeros on the batch", () => {
      const dead: FloatNetwork = {
        format: FLOAT_FORMAT,
        inputScale: 1,
        layers: [{ weights: [[1]], biases: [-1], activation: "relu" }],
      };
      expect(() => quantizeModel(dead, { calibration: [[0.5], [0.25]] })).to.throw(/layers\[0\] outputs only 0/);
    });
  });

  describe("errors", () => {
    const valid = (): Record<string, unknown> => ({
      format: FLOAT_FORMAT,
      inputScale: 0.1,
      layers: [
        {
          weights: [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
          biases: [0, 0, 0],
          activation: "relu",
          outputScale: 0.1,
        },
        { weights: [[1, 2, 3]], biases: [1], activation: "identity", outputScale: 0.1 },
      ],
    });
    const withLayer = (l: number, change: Record<string, unknown>) => {
      const json = valid();
      const layers = json.layers as Record<string, unknown>[];
      layers[l] = { ...layers[l], ...change };
      return json;
    };

    it("accepts the valid network and a meta object", () => {
      expect(parseFloatNetwork(valid()).layers).to.have.length(2);
      expect(parseFloatNetwork({ ...valid(), meta: { trainedBy: "test" } }).meta).to.deep.equal({ trainedBy: "test" });
    });

    const cases: [string, unknown, RegExp][] = [
      ["not an object", [1, 2], /must be a JSON object/],
      ["a wrong format", { ...valid(), format: "onnx" }, /format must be "weft-mlp-float\/1", got "onnx"/],
      ["a missing inputScale", { ...valid(), inputScale: undefined }, /inputScale must be a finite number > 0/],
      ["a negative inputScale", { ...valid(), inputScale: -1 }, /inputScale must be a finite number > 0, got -1/],
      ["an unknown top-level field", { ...valid(), scale: 1 }, /unknown field\(s\) "scale"/],
      ["no layers", { ...valid(), layers: [] }, /layers must be an array of 1 to 8/],
      ["a non-object meta", { ...valid(), meta: 3 }, /meta must be an object/],
      ["a layer that is not an object", { ...valid(), layers: [5] }, /layers\[0\] must be an object/],
      ["a misspelt outputScale", withLayer(1, { outputscale: 1 }), /layers\[1\] has unknown field\(s\) "outputscale"/],
      ["empty weights", withLayer(0, { weights: [] }), /layers\[0\]\.weights must be a non-empty array/],
      [
        "a short row",
        withLayer(0, { weights: [[1, 2], [3], [5, 6]] }),
        /layers\[0\]\.weights\[1\] has 1 values.*2 inputs/,
      ],
      [
        "rows that do not match the previous layer",
        withLayer(1, { weights: [[1, 2]] }),
        /layers\[1\]\.weights\[0\] has 2 values; the layer takes 3 inputs \(the outputs of layers\[0\]\)/,
      ],
      [
        "a string weight",
        withLayer(0, {
          weights: [
            [1, 2],
            [3, "4"],
            [5, 6],
          ],
        }),
        /layers\[0\]\.weights\[1\]\[1\] must be a finite number, got "4"/,
      ],
      [
        "a null weight (NaN in JSON)",
        withLayer(0, {
          weights: [
            [1, 2],
            [3, null],
            [5, 6],
          ],
        }),
        /weights\[1\]\[1\] must be a finite number, got null/,
      ],
      ["too few biases", withLayer(0, { biases: [0, 0] }), /layers\[0\]\.biases must have 3 values, got 2/],
      [
        "an unknown activation",
        withLayer(1, { activation: "tanh" }),
        /layers\[1\]\.activation must be "relu" or "identity", got "tanh"/,
      ],
      [
        "a zero outputScale",
        withLayer(0, { outputScale: 0 }),
        /layers\[0\]\.outputScale must be a finite number > 0, got 0/,
      ],
    ];
    for (const [what, json, message] of cases) {
      it(`refuses ${what}`, () => {
        expect(() => parseFloatNetwork(json)).to.throw(message);
        expect(() => quantizeModel(json as FloatNetwork)).to.throw(message);
      });
    }

    it("refuses a bias beyond MLP_MAX_BIAS accumulator steps, naming it", () => {
      // inputScale 1, weight scale 1: a bias of 2^30 is one step too many.
      expect(() => quantizeModel(oneLayer([[127, 1]], [2 ** 30], 1, 1))).to.throw(
        /layers\[0\]\.biases\[0\] = 1073741824 is 1073741824 accumulator steps.*MLP_MAX_BIAS/,
      );
      expect(quantizeModel(oneLayer([[127, 1]], [-MLP_MAX_BIAS], 1, 1)).model.layers[0].biases[0]).to.equal(
        -MLP_MAX_BIAS,
      );
    });

    it("refuses a layer whose weights are all zero", () => {
      expect(() => quantizeModel(oneLayer([[0, 0]], [1], 1, 1))).to.throw(/layers\[0\]\.weights are all 0/);
    });

    it("refuses a float input row of the wrong width", () => {
      expect(() => floatForward(parseFloatNetwork(valid()), [1, 2, 3])).to.throw(/input row must have 2 values, got 3/);
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { AbiCoder } from "ethers";

import { ResultTree } from "../../src/commitments/result-tree";
import { mlpParamsCodec } from "../../src/workloads/mlp-i8/codec";
import { MLP_CHUNK_WORDS } from "../../src/workloads/mlp-i8/layout";
import type { MlpModel } from "../../src/workloads/mlp-i8/model";
import {
  Activation,
  MLP_MAX_BATCH,
  MLP_MAX_BIAS,
  MLP_MAX_LAYERS,
  MLP_MAX_MULTIPLIER,
  MLP_MAX_SHIFT,
  MLP_MAX_WIDTH,
  type MlpLayer,
  type MlpParams,
} from "../../src/workloads/mlp-i8/network";
import { requantize } from "../../src/workloads/mlp-i8/requantize";
import { mlpI8 } from "../../src/workloads/registry";
import type { MlpI8Checker } from "../../typechain-types";
import { casesFor } from "../helpers/coverage";
import {
  byteOf,
  cheat,
  encodeMlpProof,
  mlpFraudProof,
  mlpNetwork,
  mlpNetworkOf,
  mlpProofFields,
  type MlpNetwork,
  type MlpProofFields,
  type MlpValue,
  wordHex,
  wordOf,
} from "../fixtures/mlp";

const coder = AbiCoder.defaultAbiCoder();
const WORD_BYTES = 4;
const CHUNK_BYTES = MLP_CHUNK_WORDS * WORD_BYTES;

/** requantize.ts in BigInt arithmetic, straight from its definition: a second reference. */
function requantizeBig(acc: bigint, multiplier: bigint, shift: bigint, activation: number): bigint {
  const product = acc * multiplier;
  let q = shift === 0n ? product : (product + (1n << (shift - 1n))) >> shift;
  if (q < -128n) q = -128n;
  if (q > 127n) q = 127n;
  return activation === Activation.RELU && q < 0n ? 0n : q;
}

/** The params of `layers` on `batch` items of `inputs` values. */
function paramsOf(batch: number, inputs: number, layers: readonly Partial<MlpLayer>[]): MlpParams {
  return {
    batch,
    inputs,
    layers: layers.map((layer) => ({
      outputs: 1,
      multiplier: 1,
      shift: 0,
      activation: Activation.IDENTITY,
      ...layer,
    })),
  };
}

/** A model of one value everywhere: every weight `weight`, every bias `bias`. */
function constantModel(params: MlpParams, weight: number, bias: number): MlpModel {
  return {
    inputs: params.inputs,
    layers: params.layers.map((layer, l) => {
      const inputs = l === 0 ? params.inputs : params.layers[l - 1].outputs;
      return {
        ...layer,
        biases: new Int32Array(layer.outputs).fill(bias),
        weights: new Int8Array(layer.outputs * inputs).fill(weight),
      };
    }),
  };
}

/** ABI-encoded params with raw values (the codec would refuse the bad ones). */
function rawParams(batch: bigint | number, inputs: bigint | number, layers: (bigint | number)[][]): string {
  return coder.encode(
    ["uint256", "uint256", "tuple(uint256 outputs, uint256 multiplier, uint256 shift, uint256 activation)[]"],
    [batch, inputs, layers],
  );
}

describe("MlpI8Checker", function () {
  let checker: MlpI8Checker;

  before(async function () {
    checker = await ethers.deployContract("MlpI8Checker");
  });

  /** The checker's verdict on `value` of the output committed as `claimed`. */
  async function verdictOn(net: MlpNetwork, claimed: Uint8Array | ResultTree, value: MlpValue) {
    const tree = claimed instanceof ResultTree ? claimed : new ResultTree(claimed);
    return checker.check(net.inputRoot, tree.root, net.encodedParams, mlpFraudProof(net, tree, value));
  }

  /** Asserts the verdict on `value`: the correct output is no fraud, `wrong` (a cheat of the value) is. */
  async function expectVerdicts(net: MlpNetwork, value: MlpValue, wrong = cheat(net, net.output, value)) {
    const word = wordOf(net, value);
    const honest = await verdictOn(net, net.output, value);
    expect([honest.fraud, honest.wordIndex, honest.committedWord, honest.correctWord]).to.deep.equal([
      false,
      BigInt(word),
      wordHex(net.output, word),
      wordHex(net.output, word),
    ]);
    const cheated = await verdictOn(net, wrong, value);
    expect([cheated.fraud, cheated.wordIndex, cheated.committedWord, cheated.correctWord]).to.deep.equal([
      true,
      BigInt(word),
      wordHex(wrong, word),
      wordHex(net.output, word),
    ]);
  }

  describe("workloadId", function () {
    it("is mlp-i8's id, the registry's", async function () {
      expect(await checker.workloadId()).to.equal(mlpI8.id);
      expect(await checker.WORKLOAD_ID()).to.equal(mlpI8.id);
    });
  });

  describe("requantize", function () {
    it("agrees with requantize.ts and a BigInt reference on 2,100 random accumulators and constants", async function () {
      const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
      const activation = fc.constantFrom<Activation>(Activation.IDENTITY, Activation.RELU);
      const anything = fc.record({
        acc: int32,
        multiplier: fc.oneof(fc.integer({ min: 1, max: MLP_MAX_MULTIPLIER }), fc.constantFrom(1, MLP_MAX_MULTIPLIER)),
        shift: fc.integer({ min: 0, max: MLP_MAX_SHIFT }),
        activation,
      });
      // Accumulators of a few products and scales of 1/64 to 1/256 (multiplier / 2^shift), as a trained network
      // has: the values cover the int8 range, not only its ends.
      const realistic = fc.integer({ min: 8, max: MLP_MAX_SHIFT }).chain((shift) =>
        fc.record({
          acc: fc.integer({ min: -40_000, max: 40_000 }),
          multiplier: fc.integer({ min: 2 ** (shift - 8), max: 2 ** (shift - 6) }),
          shift: fc.constant(shift),
          activation,
        }),
      );
      const cases = fc.sample(fc.oneof(anything, realistic), { numRuns: casesFor(2_100, 300), seed: 22 });
      const results = await Promise.all(
        cases.map(({ acc, multiplier, shift, activation }) => checker.requantize(acc, multiplier, shift, activation)),
      );
      const seen = new Set<number>();
      cases.forEach(({ acc, multiplier, shift, activation }, i) => {
        const expected = requantize(acc, multiplier, shift, activation);
        expect(BigInt(expected), `${acc} * ${multiplier} >> ${shift}`).to.equal(
          requantizeBig(BigInt(acc), BigInt(multiplier), BigInt(shift), activation),
        );
        expect(results[i], `${acc} * ${multiplier} >> ${shift}, activation ${activation}`).to.equal(BigInt(expected));
        seen.add(expected);
      });
      // The cases reach both saturations, zero and values in between.
      expect([seen.has(-128), seen.has(127), seen.has(0), seen.size > casesFor(100, 20)]).to.deep.equal([
        true,
        true,
        true,
        true,
      ]);
    });

    it("rounds half up: ties go toward +infinity, one below a tie down", async function () {
      // (acc * m) / 2^s exactly x.5: 1/2, -1/2, 3/2, -3/2, 5/4 (below a tie), -5/4, 7/4.
      const cases: [number, number, number, number][] = [
        [1, 1, 1, 1],
        [-1, 1, 1, 0],
        [3, 1, 1, 2],
        [-3, 1, 1, -1],
        [5, 1, 2, 1],
        [-5, 1, 2, -1],
        [7, 1, 2, 2],
        [-7, 1, 2, -2],
        [1, 1, 31, 0],
        [1, 1 << 30, 31, 1],
        [-1, 1 << 30, 31, 0],
        [-1, (1 << 30) + 1, 31, -1],
      ];
      for (const [acc, multiplier, shift, expected] of cases) {
        expect(requantize(acc, multiplier, shift, Activation.IDENTITY)).to.equal(expected);
        expect(await checker.requantize(acc, multiplier, shift, Activation.IDENTITY)).to.equal(BigInt(expected));
      }
    });

    it("saturates at -128 and 127, and only past them", async function () {
      const cases: [number, number, number, number][] = [
        [127, 1, 0, 127],
        [128, 1, 0, 127],
        [-128, 1, 0, -128],
        [-129, 1, 0, -128],
        [2 ** 31 - 1, MLP_MAX_MULTIPLIER, 0, 127],
        [-(2 ** 31), MLP_MAX_MULTIPLIER, 0, -128],
        [2 ** 31 - 1, MLP_MAX_MULTIPLIER, 31, 127],
        [-(2 ** 31), MLP_MAX_MULTIPLIER, 31, -128],
        [255, 1, 1, 127],
        [253, 1, 1, 127],
        [252, 1, 1, 126],
        [-257, 1, 1, -128],
        [-256, 1, 1, -128],
        [-255, 1, 1, -127],
      ];
      for (const [acc, multiplier, shift, expected] of cases) {
        expect(requantize(acc, multiplier, shift, Activation.IDENTITY)).to.equal(expected);
        expect(await checker.requantize(acc, multiplier, shift, Activation.IDENTITY)).to.equal(BigInt(expected));
      }
    });

    it("with relu maps every negative value to 0 and keeps the rest; identity keeps negatives", async function () {
      for (const [acc, identity, relu] of [
        [-300, -128, 0],
        [-1, -1, 0],
        [0, 0, 0],
        [1, 1, 1],
        [300, 127, 127],
      ]) {
        expect(await checker.requantize(acc, 1, 0, Activation.IDENTITY)).to.equal(BigInt(identity));
        expect(await checker.requantize(acc, 1, 0, Activation.RELU)).to.equal(BigInt(relu));
      }
    });

    it("takes shift 0 as no shift and shift 31 as a division by 2^31, multiplier 1 and 2^31 - 1", async function () {
      expect(await checker.requantize(100, 1, 0, Activation.IDENTITY)).to.equal(100n);
      expect(await checker.requantize(-100, 1, 0, Activation.IDENTITY)).to.equal(-100n);
      // 100 * (2^31 - 1) / 2^31 = 99.99...: 100 after rounding; 1 * (2^31 - 1) / 2^31 rounds to 1.
      expect(await checker.requantize(100, MLP_MAX_MULTIPLIER, 31, Activation.IDENTITY)).to.equal(100n);
      expect(await checker.requantize(1, MLP_MAX_MULTIPLIER, 31, Activation.IDENTITY)).to.equal(1n);
      expect(await checker.requantize(-100, MLP_MAX_MULTIPLIER, 31, Activation.IDENTITY)).to.equal(-100n);
      // 2^31 * 1 / 2^31 = 1, and 3 * 2^29 / 2^31 = 0.75 -> 1; 2^29 / 2^31 = 0.25 -> 0.
      expect(await checker.requantize(2 ** 30, 2, 31, Activation.IDENTITY)).to.equal(1n);
      expect(await checker.requantize(3 * 2 ** 29, 1, 31, Activation.IDENTITY)).to.equal(1n);
      expect(await checker.requantize(2 ** 29, 1, 31, Activation.IDENTITY)).to.equal(0n);
    });
  });

  describe("check: differential against the TypeScript reference", function () {
    it("on random small networks: correct values are no fraud, each cheated value is, with the reference's word", async function () {
      const layer = fc.record({
        outputs: fc.integer({ min: 1, max: 40 }),
        multiplier: fc.oneof(
          fc.integer({ min: 1, max: MLP_MAX_MULTIPLIER }),
          fc.integer({ min: 1 << 24, max: 1 << 28 }),
        ),
        shift: fc.oneof(fc.integer({ min: 0, max: MLP_MAX_SHIFT }), fc.constant(MLP_MAX_SHIFT)),
        activation: fc.constantFrom<Activation>(Activation.IDENTITY, Activation.RELU),
      });
      const networks = fc.sample(
        fc.record({
          batch: fc.integer({ min: 1, max: 4 }),
          inputs: fc.integer({ min: 1, max: 40 }),
          layers: fc.array(layer, { minLength: 1, maxLength: 3 }),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        { numRuns: casesFor(10, 3), seed: 2222 },
      );
      const random = fc.sample(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { numRuns: 10_000, seed: 23 });
      let next = 0;
      const pick = (n: number) => random[next++ % random.length] % n;
      let checked = 0;
      for (const { seed, ...params } of networks) {
        const net = mlpNetwork(params, seed);
        const layers = params.layers.length;
        const padding = net.layout.totalWords - net.layout.valueWords;
        const values: MlpValue[] = Array.from({ length: casesFor(12, 4) }, () => {
          const layer = pick(layers + (padding > 0 ? 1 : 0));
          if (layer === layers) return { layer, element: pick(padding), accumulator: false };
          const accumulator = pick(2) === 0;
          const at = net.layout.layers[layer];
          const element = pick(accumulator ? params.batch * at.outputs : at.actWords * WORD_BYTES);
          return { layer, element, accumulator };
        });
        const honest = new ResultTree(net.output);
        const cheats = values.map((value) => cheat(net, net.output, value, 1 + pick(0xffff)));
        const [honestVerdicts, cheatedVerdicts] = await Promise.all([
          Promise.all(
            values.map((value) =>
              checker.check(net.inputRoot, honest.root, net.encodedParams, mlpFraudProof(net, honest, value)),
            ),
          ),
          Promise.all(
            values.map((value, i) => {
              const tree = new ResultTree(cheats[i]);
              return checker.check(net.inputRoot, tree.root, net.encodedParams, mlpFraudProof(net, tree, value));
            }),
          ),
        ]);
        values.forEach((value, i) => {
          const word = wordOf(net, value);
          const at = `${JSON.stringify(params)} seed ${seed}: ${JSON.stringify(value)}`;
          const correct = wordHex(net.output, word);
          const h = honestVerdicts[i];
          expect([h.fraud, h.wordIndex, h.committedWord, h.correctWord], at).to.deep.equal([
            false,
            BigInt(word),
            correct,
            correct,
          ]);
          const c = cheatedVerdicts[i];
          expect([c.fraud, c.wordIndex, c.committedWord, c.correctWord], at).to.deep.equal([
            true,
            BigInt(word),
            wordHex(cheats[i], word),
            correct,
          ]);
        });
        checked += values.length;
      }
      expect(checked).to.equal(casesFor(10 * 12, 3 * 4));
    });
  });

  describe("check: edges", function () {
    it("recomputes an accumulator of int8 extremes: inputs and weights -128 and 127, |bias| = 2^30 - 1", async function () {
      // Two items: all -128 and all 127; the first layer has weights -128, the second 127, each 64 wide.
      const params = paramsOf(2, 64, [
        { outputs: 3, multiplier: 1, shift: 0, activation: Activation.IDENTITY },
        { outputs: 2, multiplier: 1, shift: 0, activation: Activation.IDENTITY },
      ]);
      for (const [weight, bias] of [
        [-128, MLP_MAX_BIAS],
        [127, -MLP_MAX_BIAS],
        [-128, -MLP_MAX_BIAS],
        [127, MLP_MAX_BIAS],
      ]) {
        const batch = new Int8Array(2 * 64);
        batch.fill(-128, 0, 64).fill(127, 64);
        const net = mlpNetworkOf(constantModel(params, weight, bias), batch);
        // Item 0 of layer 0: bias + 64 * (-128 * weight); item 1: bias + 64 * 127 * weight.
        expect(net.trace.accumulators[0][0]).to.equal(bias + 64 * -128 * weight);
        expect(net.trace.accumulators[0][3]).to.equal(bias + 64 * 127 * weight);
        for (const value of [
          { layer: 0, element: 0, accumulator: true },
          { layer: 0, element: 5, accumulator: true },
          { layer: 0, element: 4, accumulator: false },
          { layer: 1, element: 3, accumulator: true },
          { layer: 1, element: 1, accumulator: false },
        ]) {
          await expectVerdicts(net, value);
        }
      }
    });

    it("saturates an activation to 127 and to -128, and relu takes a negative one to 0", async function () {
      const params = paramsOf(2, 4, [
        { outputs: 2, multiplier: 1, shift: 0, activation: Activation.IDENTITY },
        { outputs: 2, multiplier: 1, shift: 0, activation: Activation.RELU },
      ]);
      const batch = Int8Array.from([100, 100, 100, 100, -100, -100, -100, -100]);
      const net = mlpNetworkOf(constantModel(params, 1, 0), batch);
      expect(Array.from(net.trace.activations[0])).to.deep.equal([127, 127, -128, -128]);
      // The second layer: 127 + 127 = 254 -> 127; -256 -> relu 0 (identity would be -128).
      expect(Array.from(net.trace.accumulators[1])).to.deep.equal([254, 254, -256, -256]);
      expect(Array.from(net.trace.activations[1])).to.deep.equal([127, 127, 0, 0]);
      for (let element = 0; element < 4; element++) {
        await expectVerdicts(net, { layer: 0, element, accumulator: false });
        await expectVerdicts(net, { layer: 1, element, accumulator: false });
      }
      // A provider that skipped the relu (committed -128) is caught, the correct byte 0.
      const skipped = cheat(net, net.output, { layer: 1, element: 2, accumulator: false }, 0x80);
      expect(skipped[byteOf(net, { layer: 1, element: 2, accumulator: false })]).to.equal(0x80);
      await expectVerdicts(net, { layer: 1, element: 2, accumulator: false }, skipped);
    });

    it("checks activations at each byte of their word, with shift 0 and 31, multiplier 1 and 2^31 - 1", async function () {
      for (const [multiplier, shift] of [
        [1, 0],
        [MLP_MAX_MULTIPLIER, 31],
        [1, 31],
        [MLP_MAX_MULTIPLIER, 0],
        [3 << 20, 27],
      ]) {
        const params = paramsOf(2, 9, [
          { outputs: 7, multiplier, shift, activation: Activation.IDENTITY },
          { outputs: 5, multiplier, shift, activation: Activation.RELU },
        ]);
        const net = mlpNetwork(params, multiplier + shift);
        for (const value of [
          { layer: 0, element: 0, accumulator: false },
          { layer: 0, element: 5, accumulator: false },
          { layer: 0, element: 10, accumulator: false },
          { layer: 0, element: 13, accumulator: false },
          { layer: 1, element: 9, accumulator: false },
          { layer: 1, element: 9, accumulator: true },
        ]) {
          await expectVerdicts(net, value);
        }
      }
    });

    it("checks the first, a hidden and the last layer, accumulators and activations of every item", async function () {
      const params = paramsOf(3, 11, [
        { outputs: 6, multiplier: 1 << 26, shift: 30, activation: Activation.RELU },
        { outputs: 5, multiplier: 1 << 27, shift: 30, activation: Activation.RELU },
        { outputs: 3, multiplier: 1 << 28, shift: 31, activation: Activation.IDENTITY },
      ]);
      const net = mlpNetwork(params, 5);
      for (const [layer, outputs] of [
        [0, 6],
        [1, 5],
        [2, 3],
      ]) {
        for (const item of [0, 2]) {
          for (const accumulator of [true, false]) {
            await expectVerdicts(net, { layer, element: item * outputs + outputs - 1, accumulator });
          }
        }
      }
    });

    it("reads a hidden layer's input row from one, two and more result chunks", async function () {
      // Layer 0 has 1,100 values per item; its activations start at word 2 * 1,100 = 2,200 (byte 8,800 = chunk 17
      // + 96 bytes): item 0's row spans chunks 17..19, item 1's 19..21.
      const wide = paramsOf(2, 3, [
        { outputs: 1100, multiplier: 1 << 25, shift: 29, activation: Activation.IDENTITY },
        { outputs: 2, multiplier: 1 << 20, shift: 30, activation: Activation.IDENTITY },
      ]);
      const net = mlpNetwork(wide, 9);
      const start = (item: number) => net.layout.layers[0].actWord * WORD_BYTES + item * 1100;
      for (const [item, first, chunks] of [
        [0, 17, 3],
        [1, 19, 3],
      ]) {
        const fields = mlpProofFields(net, net.output, { layer: 1, element: 2 * item, accumulator: true });
        expect(Math.floor(start(item) / CHUNK_BYTES)).to.equal(first);
        expect([fields.firstInputChunk, fields.inputProofs.length]).to.deep.equal([first, chunks]);
        await expectVerdicts(net, { layer: 1, element: 2 * item + 1, accumulator: true });
        await expectVerdicts(net, { layer: 1, element: 2 * item, accumulator: false });
      }
      // 200 values per item, the block at byte 4 * 2,000 = 8,000 (chunk 15 + 320): item 0's row (bytes
      // 8,000..8,199) crosses into chunk 16, items 1 and 2 lie in chunk 16 alone, item 3's crosses into chunk 17.
      const two = paramsOf(10, 3, [
        { outputs: 200, multiplier: 1 << 25, shift: 29, activation: Activation.IDENTITY },
        { outputs: 1, multiplier: 1 << 20, shift: 30, activation: Activation.IDENTITY },
      ]);
      const net2 = mlpNetwork(two, 10);
      for (const [item, first, chunks] of [
        [0, 15, 2],
        [1, 16, 1],
        [2, 16, 1],
        [3, 16, 2],
      ]) {
        const fields = mlpProofFields(net2, net2.output, { layer: 1, element: item, accumulator: true });
        expect([fields.firstInputChunk, fields.inputProofs.length], `item ${item}`).to.deep.equal([first, chunks]);
        await expectVerdicts(net2, { layer: 1, element: item, accumulator: true });
      }
    });

    it("checks a value of a 4,096-wide layer as the first layer's input and as a later layer's", async function () {
      this.timeout(60_000);
      const first = mlpNetwork(
        paramsOf(1, MLP_MAX_WIDTH, [{ outputs: 2, multiplier: 1 << 20, shift: 31, activation: Activation.RELU }]),
        40,
      );
      const later = mlpNetwork(
        paramsOf(1, 1, [
          { outputs: MLP_MAX_WIDTH, multiplier: 1 << 30, shift: 31, activation: Activation.IDENTITY },
          { outputs: 2, multiplier: 1 << 20, shift: 31, activation: Activation.IDENTITY },
        ]),
        41,
      );
      const gas: Record<string, bigint> = {};
      for (const [name, net, value] of [
        ["first layer, 4,096 inputs", first, { layer: 0, element: 1, accumulator: true }],
        ["second layer, 4,096 inputs", later, { layer: 1, element: 1, accumulator: true }],
        ["4,096-wide layer, a unit of it", later, { layer: 0, element: 4095, accumulator: false }],
      ] as const) {
        await expectVerdicts(net, value);
        const wrong = new ResultTree(cheat(net, net.output, value));
        gas[name] = await checker.check.estimateGas(
          net.inputRoot,
          wrong.root,
          net.encodedParams,
          mlpFraudProof(net, wrong, value),
        );
      }
      // The later layer's input row is the whole 4,096-byte block, from word 4,096: chunks 32..39.
      const row = mlpProofFields(later, later.output, { layer: 1, element: 0, accumulator: true });
      expect([row.firstInputChunk, row.inputProofs.length]).to.deep.equal([32, 8]);
      console.log(
        `      gas of check at 4,096 wide: ${JSON.stringify(gas, (_, v) => (typeof v === "bigint" ? Number(v) : v))}`,
      );
      expect(gas["first layer, 4,096 inputs"] < 1_500_000n).to.equal(true);
      expect(gas["second layer, 4,096 inputs"] < 2_000_000n).to.equal(true);
    });

    it("checks an activation block's padding bytes: zero is no fraud, anything else is, the correct byte 0", async function () {
      // 3 x 3 = 9 activations: the block's third word holds one value and three padding bytes.
      const params = paramsOf(3, 4, [
        { outputs: 3, multiplier: 1 << 24, shift: 28, activation: Activation.IDENTITY },
        { outputs: 2, multiplier: 1 << 24, shift: 28, activation: Activation.IDENTITY },
      ]);
      const net = mlpNetwork(params, 12);
      expect(net.layout.layers[0].actWords).to.equal(3);
      for (const element of [9, 10, 11]) {
        await expectVerdicts(net, { layer: 0, element, accumulator: false });
        // Only the padding byte is compared: a padding byte's proof on an output whose value byte is also wrong
        // names the padding byte's correct value alone.
        const both = cheat(net, cheat(net, net.output, { layer: 0, element: 8, accumulator: false }), {
          layer: 0,
          element,
          accumulator: false,
        });
        const verdict = await verdictOn(net, both, { layer: 0, element, accumulator: false });
        const word = wordOf(net, { layer: 0, element, accumulator: false });
        const correct = both.slice(word * WORD_BYTES, (word + 1) * WORD_BYTES);
        correct[element % WORD_BYTES] = 0;
        expect([verdict.fraud, verdict.committedWord, verdict.correctWord]).to.deep.equal([
          true,
          wordHex(both, word),
          ethers.hexlify(correct),
        ]);
      }
      // The last layer's padding: 3 x 2 = 6 activations, two padding bytes.
      await expectVerdicts(net, { layer: 1, element: 6, accumulator: false });
      await expectVerdicts(net, { layer: 1, element: 7, accumulator: false });
    });

    it("checks the trailing padding words after the last layer: zero is no fraud, anything else is", async function () {
      const net = mlpNetwork(paramsOf(2, 5, [{ outputs: 3, multiplier: 1 << 24, shift: 28 }]), 13);
      // 6 accumulators and 2 activation words: 8 value words, 120 padding words in the one chunk.
      expect([net.layout.valueWords, net.layout.totalWords]).to.deep.equal([8, 128]);
      for (const element of [0, 57, 119]) {
        await expectVerdicts(net, { layer: 1, element, accumulator: false });
        await expectVerdicts(
          net,
          { layer: 1, element, accumulator: false },
          cheat(net, net.output, { layer: 1, element, accumulator: false }, 0x80000000),
        );
      }
      // The padding is named the same way with `accumulator` set.
      await expectVerdicts(net, { layer: 1, element: 3, accumulator: true });
    });
  });

  describe("check: reverts", function () {
    const params = paramsOf(2, 5, [
      { outputs: 3, multiplier: 1 << 24, shift: 28, activation: Activation.RELU },
      { outputs: 300, multiplier: 1 << 24, shift: 28, activation: Activation.RELU },
      { outputs: 2, multiplier: 1 << 24, shift: 28, activation: Activation.IDENTITY },
    ]);
    let net: MlpNetwork;
    let tree: ResultTree;

    before(function () {
      net = mlpNetwork(params, 14);
      tree = new ResultTree(net.output);
    });

    const check = (proof: string, roots: { inputRoot?: string; resultRoot?: string } = {}) =>
      checker.check(roots.inputRoot ?? net.inputRoot, roots.resultRoot ?? tree.root, net.encodedParams, proof);
    const fieldsOf = (value: MlpValue) => mlpProofFields(net, tree, value);

    it("ElementOutOfRange past a layer's accumulators, its activation block, the padding, and past the layers", async function () {
      // Layer values: 6, 600, 4; words 6 + 2, 600 + 150, 4 + 1 = 763, in 8 chunks (1,024 words): 261 padding words.
      expect([net.layout.valueWords, net.layout.totalWords]).to.deep.equal([763, 1024]);
      const cases: [Pick<MlpProofFields, "layer" | "element" | "accumulator">, bigint][] = [
        [{ layer: 0, element: 6, accumulator: true }, 6n],
        [{ layer: 0, element: 8, accumulator: false }, 8n],
        [{ layer: 1, element: 600, accumulator: true }, 600n],
        [{ layer: 1, element: 600, accumulator: false }, 600n],
        [{ layer: 2, element: 4, accumulator: true }, 4n],
        [{ layer: 2, element: 4, accumulator: false }, 4n],
        [{ layer: 3, element: 261, accumulator: false }, 261n],
        // No overflow: an element near 2^256 past the layers is out of range like any other.
        [{ layer: 3, element: 2n ** 256n - 1n, accumulator: false }, 261n],
        [{ layer: 4, element: 0, accumulator: false }, 0n],
      ];
      for (const [value, elements] of cases) {
        const fields = fieldsOf({ layer: 0, element: 0, accumulator: true });
        await expect(check(encodeMlpProof({ ...fields, ...value })), `layer ${value.layer} element ${value.element}`)
          .to.be.revertedWithCustomError(checker, "ElementOutOfRange")
          .withArgs(value.layer, value.element, elements);
      }
      // One before each end is in range.
      for (const value of [
        { layer: 0, element: 5, accumulator: true },
        { layer: 0, element: 7, accumulator: false },
        { layer: 1, element: 599, accumulator: false },
        { layer: 3, element: 260, accumulator: false },
      ]) {
        expect((await check(encodeMlpProof(fieldsOf(value)))).fraud).to.equal(false);
      }
    });

    it("UnitLengthMismatch when the unit is not a 4-byte bias and one weight per input", async function () {
      for (const [value, inputs] of [
        [{ layer: 0, element: 1, accumulator: true }, 5],
        [{ layer: 1, element: 7, accumulator: false }, 3],
        [{ layer: 2, element: 3, accumulator: true }, 300],
      ] as const) {
        const fields = fieldsOf(value);
        for (const unit of [fields.unit.slice(0, -2), `${fields.unit}00`]) {
          await expect(check(encodeMlpProof({ ...fields, unit })))
            .to.be.revertedWithCustomError(checker, "UnitLengthMismatch")
            .withArgs(4 + inputs, (unit.length - 2) / 2);
        }
      }
    });

    it("UnitNotInModel for another unit's data, a changed bias or weight, a wrong proof or another layer's unit", async function () {
      // Element 317: item 1, unit 17.
      const value = { layer: 1, element: 317, accumulator: true };
      const fields = fieldsOf(value);
      const other = fieldsOf({ layer: 1, element: 18, accumulator: true });
      const flip = (hex: string, byte: number) => {
        const bytes = ethers.getBytes(hex);
        bytes[byte] ^= 1;
        return ethers.hexlify(bytes);
      };
      for (const changed of [
        { unit: other.unit },
        { unit: flip(fields.unit, 0) },
        { unit: flip(fields.unit, 3) },
        { unit: flip(fields.unit, 6) },
        { unitProof: other.unitProof },
        { unitProof: fields.unitProof.slice(1) },
      ]) {
        await expect(check(encodeMlpProof({ ...fields, ...changed })))
          .to.be.revertedWithCustomError(checker, "UnitNotInModel")
          .withArgs(net.inputRoot, 1, 17);
      }
      // Another job's input root.
      await expect(check(encodeMlpProof(fields), { inputRoot: ethers.id("another model") }))
        .to.be.revertedWithCustomError(checker, "UnitNotInModel")
        .withArgs(ethers.id("another model"), 1, 17);
    });

    it("InputRowNotInBatch for the first layer's row changed, another item's, or a wrong proof", async function () {
      const fields = fieldsOf({ layer: 0, element: 4, accumulator: true }); // item 1, unit 1
      const other = fieldsOf({ layer: 0, element: 1, accumulator: true }); // item 0
      const changed = ethers.getBytes(fields.input);
      changed[4] ^= 0x40;
      for (const bad of [
        { input: ethers.hexlify(changed) },
        { input: other.input },
        { inputProofs: other.inputProofs },
        { inputProofs: [fields.inputProofs[0].slice(0, -1)] },
      ]) {
        await expect(check(encodeMlpProof({ ...fields, ...bad })))
          .to.be.revertedWithCustomError(checker, "InputRowNotInBatch")
          .withArgs(net.inputRoot, 1);
      }
    });

    it("InputMismatch for a first-layer row of the wrong length, with other than one proof, or naming a chunk", async function () {
      const fields = fieldsOf({ layer: 0, element: 4, accumulator: true });
      const cases: [Partial<MlpProofFields>, number][] = [
        [{ input: fields.input.slice(0, -2) }, 4],
        [{ input: `${fields.input}00` }, 6],
        [{ inputProofs: [] }, 5],
        [{ inputProofs: [...fields.inputProofs, ...fields.inputProofs] }, 5],
        // The first layer's input is a batch row, not result chunks: its firstInputChunk must be 0.
        [{ firstInputChunk: 3 }, 5],
      ];
      for (const [bad, length] of cases) {
        await expect(check(encodeMlpProof({ ...fields, ...bad })))
          .to.be.revertedWithCustomError(checker, "InputMismatch")
          .withArgs(0, 1, bad.firstInputChunk ?? 0, length);
      }
    });

    it("InputMismatch for a later layer's input that is not the whole chunks holding the row", async function () {
      // Layer 2, item 1: layer 1's activations start at word 8 + 600 = 608 (chunk 4 + 96 words); item 1's row
      // is bytes 300..599 of the block: byte 2,732..3,031, chunks 5 (bytes 2,560..3,071).
      const value = { layer: 2, element: 3, accumulator: true };
      const fields = fieldsOf(value);
      expect([fields.firstInputChunk, fields.inputProofs.length]).to.deep.equal([5, 1]);
      const chunk4 = fieldsOf({ layer: 2, element: 0, accumulator: true }); // item 0: bytes 2,432..2,731, chunks 4..5
      expect([chunk4.firstInputChunk, chunk4.inputProofs.length]).to.deep.equal([4, 2]);
      const cases: [Partial<MlpProofFields>, number, number][] = [
        [{ firstInputChunk: 4 }, 4, CHUNK_BYTES],
        [{ firstInputChunk: 6 }, 6, CHUNK_BYTES],
        [{ input: fields.input.slice(0, -2) }, 5, CHUNK_BYTES - 1],
        [{ input: `${fields.input}00` }, 5, CHUNK_BYTES + 1],
        [{ inputProofs: [...fields.inputProofs, ...fields.inputProofs] }, 5, CHUNK_BYTES],
        [{ inputProofs: [] }, 5, CHUNK_BYTES],
        [{ firstInputChunk: 4, input: chunk4.input, inputProofs: chunk4.inputProofs }, 4, 2 * CHUNK_BYTES],
      ];
      for (const [bad, given, length] of cases) {
        await expect(check(encodeMlpProof({ ...fields, ...bad })), JSON.stringify(bad).slice(0, 80))
          .to.be.revertedWithCustomError(checker, "InputMismatch")
          .withArgs(5, 1, given, length);
      }
      // Item 0's row spans two chunks: one chunk is not enough.
      await expect(
        check(
          encodeMlpProof({
            ...chunk4,
            input: chunk4.input.slice(0, 2 + 2 * CHUNK_BYTES),
            inputProofs: chunk4.inputProofs.slice(0, 1),
          }),
        ),
      )
        .to.be.revertedWithCustomError(checker, "InputMismatch")
        .withArgs(4, 2, 4, CHUNK_BYTES);
    });

    it("ResultChunkNotInTree (WorkloadLeaves) for a later layer's input chunk changed or with a wrong proof", async function () {
      const fields = fieldsOf({ layer: 2, element: 0, accumulator: true }); // chunks 4 and 5
      const changed = ethers.getBytes(fields.input);
      changed[CHUNK_BYTES + 7] ^= 1;
      const cases: [Partial<MlpProofFields>, number][] = [
        [{ input: ethers.hexlify(changed) }, 5],
        [{ inputProofs: [fields.inputProofs[1], fields.inputProofs[0]] }, 4],
        [{ inputProofs: [fields.inputProofs[0], fields.inputProofs[0]] }, 5],
      ];
      for (const [bad, chunk] of cases) {
        await expect(check(encodeMlpProof({ ...fields, ...bad })))
          .to.be.revertedWithCustomError(checker, "ResultChunkNotInTree")
          .withArgs(tree.root, chunk);
      }
      // The value's own chunk, with another result root.
      const other = ethers.id("another result");
      await expect(check(encodeMlpProof(fields), { resultRoot: other }))
        .to.be.revertedWithCustomError(checker, "ResultChunkNotInTree")
        .withArgs(other, Math.floor(wordOf(net, { layer: 2, element: 0, accumulator: true }) / MLP_CHUNK_WORDS));
    });

    it("ResultChunkLengthMismatch and ResultChunkNotInTree for the value's chunk cut or from elsewhere", async function () {
      const value = { layer: 1, element: 42, accumulator: true };
      const fields = fieldsOf(value);
      const chunk = Math.floor(wordOf(net, value) / MLP_CHUNK_WORDS);
      await expect(check(encodeMlpProof({ ...fields, resultChunk: fields.resultChunk.slice(0, -8) })))
        .to.be.revertedWithCustomError(checker, "ResultChunkLengthMismatch")
        .withArgs(chunk, CHUNK_BYTES, CHUNK_BYTES - 4);
      const other = fieldsOf({ layer: 1, element: 500, accumulator: true });
      await expect(check(encodeMlpProof({ ...fields, resultChunk: other.resultChunk })))
        .to.be.revertedWithCustomError(checker, "ResultChunkNotInTree")
        .withArgs(tree.root, chunk);
    });

    it("InvalidWorkloadParams for each param out of its bounds, and accepts each bound", async function () {
      const proof = encodeMlpProof(fieldsOf({ layer: 0, element: 0, accumulator: true }));
      const layer = (
        outputs: number | bigint,
        multiplier: number | bigint,
        shift: number | bigint,
        act: number | bigint,
      ) => [outputs, multiplier, shift, act];
      const ok = layer(3, 1, 0, 0);
      const bad: string[] = [
        rawParams(0, 5, [ok]),
        rawParams(MLP_MAX_BATCH + 1, 5, [ok]),
        rawParams(2, 0, [ok]),
        rawParams(2, MLP_MAX_WIDTH + 1, [ok]),
        rawParams(2, 5, []),
        rawParams(
          2,
          5,
          Array.from({ length: MLP_MAX_LAYERS + 1 }, () => ok),
        ),
        rawParams(2, 5, [layer(0, 1, 0, 0)]),
        rawParams(2, 5, [layer(MLP_MAX_WIDTH + 1, 1, 0, 0)]),
        rawParams(2, 5, [layer(3, 0, 0, 0)]),
        rawParams(2, 5, [layer(3, MLP_MAX_MULTIPLIER + 1, 0, 0)]),
        rawParams(2, 5, [layer(3, 1, MLP_MAX_SHIFT + 1, 0)]),
        rawParams(2, 5, [layer(3, 1, 0, 2)]),
        // A bad layer after a good one.
        rawParams(2, 5, [ok, layer(3, 1, 0, 2)]),
      ];
      for (const params of bad) {
        await expect(checker.check(net.inputRoot, tree.root, params, proof))
          .to.be.revertedWithCustomError(checker, "InvalidWorkloadParams")
          .withArgs(params);
        await expect(checker.outputShape(params))
          .to.be.revertedWithCustomError(checker, "InvalidWorkloadParams")
          .withArgs(params);
      }
      // Every bound itself is accepted.
      const good: [string, bigint][] = [
        [rawParams(MLP_MAX_BATCH, 5, [layer(1, 1, 0, 0)]), 64n],
        [rawParams(1, MLP_MAX_WIDTH, [layer(MLP_MAX_WIDTH, MLP_MAX_MULTIPLIER, MLP_MAX_SHIFT, 1)]), 64n],
        [
          rawParams(
            1,
            1,
            Array.from({ length: MLP_MAX_LAYERS }, () => layer(1, 1, 0, 1)),
          ),
          1n,
        ],
      ];
      for (const [params, rows] of good) {
        expect(await checker.outputShape(params)).to.deep.equal([rows, BigInt(MLP_CHUNK_WORDS)]);
      }
    });

    it("MalformedProof (WorkloadLeaves) for a proof shorter than its head", async function () {
      await expect(check("0x1234")).to.be.revertedWithCustomError(checker, "MalformedProof").withArgs(2);
    });
  });

  describe("outputShape", function () {
    it("is the output's result chunks: a power of two of them, 128 words each, as layout.ts pads it", async function () {
      const cases: [MlpParams, bigint][] = [
        // 102 values + 26 words: exactly 128 words, one chunk.
        [paramsOf(1, 3, [{ outputs: 102 }]), 1n],
        // 103 values + 26 words: 129, two chunks.
        [paramsOf(1, 3, [{ outputs: 103 }]), 2n],
        // 2 x (102 + 26) = 256 words: exactly two chunks.
        [paramsOf(1, 3, [{ outputs: 102 }, { outputs: 102 }]), 2n],
        // 257 words: four chunks.
        [paramsOf(1, 3, [{ outputs: 102 }, { outputs: 103 }]), 4n],
        // 1 value + 1 word.
        [paramsOf(1, 1, [{ outputs: 1 }]), 1n],
        // 3 x 1,100 x 1.25 + 2 x 1.25... from the layout.
        [paramsOf(3, 7, [{ outputs: 1100 }, { outputs: 10 }]), 64n],
      ];
      for (const [params, rows] of cases) {
        const totalWords = mlpI8.outputWords(params);
        expect(BigInt(totalWords / MLP_CHUNK_WORDS), JSON.stringify(params)).to.equal(rows);
        expect(await checker.outputShape(mlpParamsCodec.encode(params))).to.deep.equal([rows, BigInt(MLP_CHUNK_WORDS)]);
      }
    });
  });
});

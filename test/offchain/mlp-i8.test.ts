import { expect } from "chai";
import fc from "fast-check";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import {
  childNode,
  childToDispute,
  isLeafNode,
  chunkIndexOfNode,
  type BisectionStep,
  proofFromSteps,
} from "../../src/commitments/bisection";
import { mlpLeafHash } from "../../src/commitments/leaves";
import { verifyMerkleProof } from "../../src/commitments/merkle";
import { MlpInputTree, mlpModelRoot, pairRoot } from "../../src/commitments/mlp-inputs";
import { RESULT_CHUNK_WORDS, ResultTree } from "../../src/commitments/result-tree";
import { checkRevealedChunk } from "../../src/disputes/revealed-chunk";
import { checkMlp, firstMlpFault } from "../../src/findings/checks/mlp";
import { publishJobInputs, readJobInputs } from "../../src/jobs/input-content";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { fetchJobInputs, InputsMismatchError } from "../../src/provider/inputs";
import { FileContentStore } from "../../src/store/fs-store";
import {
  decodeMlpInputs,
  decodeMlpOutput,
  encodeMlpInputs,
  encodeMlpOutput,
  generateMlpBatch,
  generateMlpModel,
  mlpParamsCodec,
} from "../../src/workloads/mlp-i8/codec";
import { runMlp } from "../../src/workloads/mlp-i8/inference";
import { accumulatorByte, activationByte, MLP_CHUNK_WORDS, mlpOutputLayout } from "../../src/workloads/mlp-i8/layout";
import { decodeModel, encodeModel, type MlpModel } from "../../src/workloads/mlp-i8/model";
import {
  Activation,
  layerInputs,
  MLP_MAX_BIAS,
  MLP_MAX_MULTIPLIER,
  MLP_MAX_SHIFT,
  type MlpLayer,
  type MlpParams,
} from "../../src/workloads/mlp-i8/network";
import { requantize } from "../../src/workloads/mlp-i8/requantize";
import { mlpI8 } from "../../src/workloads/registry";
import { casesFor } from "../helpers/coverage";
import { seededWords } from "../helpers/random";

/** The definition with BigInt and nothing clever: the requantization of requantize.ts's header comment. */
function requantizeBig(acc: bigint, multiplier: bigint, shift: bigint, activation: Activation): number {
  const p = acc * multiplier;
  const q = shift === 0n ? p : (p + (1n << (shift - 1n))) >> shift;
  const y = q < -128n ? -128n : q > 127n ? 127n : q;
  return Number(activation === Activation.RELU && y < 0n ? 0n : y);
}

/** The network, one BigInt sum at a time: each layer's accumulators and activations. */
function inferBig(model: MlpModel, batch: Int8Array, items: number): { acc: number[][]; y: number[][] } {
  const acc: number[][] = [];
  const y: number[][] = [];
  let x = Array.from(batch);
  model.layers.forEach((layer, l) => {
    const k = layerInputs(model, l);
    const layerAcc: number[] = [];
    const layerY: number[] = [];
    for (let b = 0; b < items; b++) {
      for (let j = 0; j < layer.outputs; j++) {
        let sum = BigInt(layer.biases[j]);
        for (let p = 0; p < k; p++) sum += BigInt(x[b * k + p]) * BigInt(layer.weights[j * k + p]);
        layerAcc.push(Number(sum));
        layerY.push(requantizeBig(sum, BigInt(layer.multiplier), BigInt(layer.shift), layer.activation));
      }
    }
    acc.push(layerAcc);
    y.push(layerY);
    x = layerY;
  });
  return { acc, y };
}

const int8 = fc.oneof(fc.constantFrom(-128, 127, 0, -1), fc.integer({ min: -128, max: 127 }));
const layerArb: fc.Arbitrary<MlpLayer> = fc.record({
  outputs: fc.integer({ min: 1, max: 9 }),
  multiplier: fc.oneof(fc.constantFrom(1, MLP_MAX_MULTIPLIER), fc.integer({ min: 1, max: MLP_MAX_MULTIPLIER })),
  shift: fc.oneof(fc.constantFrom(0, MLP_MAX_SHIFT), fc.integer({ min: 0, max: MLP_MAX_SHIFT })),
  activation: fc.constantFrom(Activation.IDENTITY, Activation.RELU),
});

/** A random small network with weights, biases and a batch, edges included. */
const networkArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 5 }),
    inputs: fc.integer({ min: 1, max: 40 }),
    layers: fc.array(layerArb, { minLength: 1, maxLength: 4 }),
  })
  .chain((params: MlpParams) => {
    const layers = params.layers.map((layer, l) => {
      const k = layerInputs(params, l);
      return fc.record({
        weights: fc.array(int8, { minLength: k * layer.outputs, maxLength: k * layer.outputs }),
        biases: fc.array(
          fc.oneof(fc.constantFrom(MLP_MAX_BIAS, -MLP_MAX_BIAS, 0), fc.integer({ min: -(1 << 20), max: 1 << 20 })),
          { minLength: layer.outputs, maxLength: layer.outputs },
        ),
      });
    });
    return fc.record({
      params: fc.constant(params),
      model: fc.tuple(...layers).map((values): MlpModel => ({
        inputs: params.inputs,
        layers: params.layers.map((layer, l) => ({
          ...layer,
          weights: Int8Array.from(values[l].weights),
          biases: Int32Array.from(values[l].biases),
        })),
      })),
      batch: fc
        .array(int8, { minLength: params.batch * params.inputs, maxLength: params.batch * params.inputs })
        .map((v) => Int8Array.from(v)),
    });
  });

const HIDDEN: MlpParams = {
  batch: 6,
  inputs: 300,
  layers: [
    { outputs: 200, multiplier: 1 << 21, shift: 31, activation: Activation.RELU },
    { outputs: 71, multiplier: 3 << 19, shift: 30, activation: Activation.RELU },
    { outputs: 10, multiplier: 1 << 22, shift: 31, activation: Activation.IDENTITY },
  ],
};

/** A job of HIDDEN with its inputs, the correct output and trees. */
function hiddenJob(seed = 3) {
  const inputs = encodeMlpInputs(encodeModel(generateMlpModel(HIDDEN, seed)), generateMlpBatch(HIDDEN, seed));
  const decoded = decodeMlpInputs(HIDDEN, inputs);
  const output = encodeMlpOutput(HIDDEN, runMlp(decoded.model, decoded.batch, HIDDEN.batch));
  const inputRoot = new MlpInputTree(decoded).root;
  return { inputs, decoded, output, inputRoot };
}

function check(inputs: Uint8Array, inputRoot: string, output: Uint8Array) {
  const tree = new ResultTree(output);
  const job = { name: "mlp-i8" as const, workload: mlpI8, params: HIDDEN };
  return checkMlp(
    {
      jobId: 1n,
      job,
      inputRoot,
      resultRoot: tree.root,
      inputs: { ok: true, bytes: inputs },
      output: { ok: true, bytes: output },
    },
    HIDDEN,
    inputs,
    { bytes: output, tree },
    { random: seededWords(9) },
  );
}

describe("mlp-i8", function () {
  describe("requantize", function () {
    it("equals the BigInt definition on random accumulators, multipliers and shifts, and every edge", function () {
      const acc = fc.oneof(
        fc.constantFrom(0, 1, -1, 2 ** 31 - 1, -(2 ** 31)),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      );
      fc.assert(
        fc.property(acc, layerArb, (value, layer) => {
          const { multiplier, shift, activation } = layer;
          expect(requantize(value, multiplier, shift, activation)).to.equal(
            requantizeBig(BigInt(value), BigInt(multiplier), BigInt(shift), activation),
          );
        }),
        { numRuns: 5000, seed: 22 },
      );
    });

    it("rounds half up, saturates both ways and clips at zero under ReLU", function () {
      expect(requantize(3, 1, 1, Activation.IDENTITY)).to.equal(2); // 1.5 -> 2
      expect(requantize(-3, 1, 1, Activation.IDENTITY)).to.equal(-1); // -1.5 -> -1 (half up, not away from zero)
      expect(requantize(-5, 1, 2, Activation.IDENTITY)).to.equal(-1); // -1.25 -> -1
      expect(requantize(1000, 1, 0, Activation.IDENTITY)).to.equal(127);
      expect(requantize(-1000, 1, 0, Activation.IDENTITY)).to.equal(-128);
      expect(requantize(-1000, 1, 0, Activation.RELU)).to.equal(0);
      expect(requantize(2 ** 31 - 1, MLP_MAX_MULTIPLIER, 31, Activation.IDENTITY)).to.equal(127);
      expect(requantize(-(2 ** 31), MLP_MAX_MULTIPLIER, 31, Activation.IDENTITY)).to.equal(-128);
      expect(requantize(200, MLP_MAX_MULTIPLIER, 31, Activation.IDENTITY)).to.equal(127);
      expect(requantize(-100, 2 ** 30, 31, Activation.IDENTITY)).to.equal(-50);
    });
  });

  describe("inference", function () {
    it("equals the BigInt network on random shapes, weights, biases and inputs", function () {
      fc.assert(
        fc.property(networkArb, ({ params, model, batch }) => {
          const trace = runMlp(model, batch, params.batch);
          const expected = inferBig(model, batch, params.batch);
          trace.accumulators.forEach((acc, l) => expect(Array.from(acc)).to.deep.equal(expected.acc[l]));
          trace.activations.forEach((y, l) => expect(Array.from(y)).to.deep.equal(expected.y[l]));
          const output = encodeMlpOutput(params, trace);
          expect(decodeMlpOutput(params, output)).to.deep.equal(trace);
        }),
        { numRuns: casesFor(150, 30), seed: 2212 },
      );
    });

    it("holds the extremes exactly: 4,096 inputs of -128 against weights of -128 and the largest bias", function () {
      const params: MlpParams = {
        batch: 1,
        inputs: 4096,
        layers: [{ outputs: 2, multiplier: 1, shift: 0, activation: Activation.IDENTITY }],
      };
      const model: MlpModel = {
        inputs: 4096,
        layers: [
          {
            ...params.layers[0],
            weights: new Int8Array(8192).fill(-128).fill(127, 4096),
            biases: Int32Array.from([MLP_MAX_BIAS, -MLP_MAX_BIAS]),
          },
        ],
      };
      const trace = runMlp(model, new Int8Array(4096).fill(-128), 1);
      expect(Array.from(trace.accumulators[0])).to.deep.equal([
        2 ** 26 + MLP_MAX_BIAS,
        -4096 * 128 * 127 - MLP_MAX_BIAS,
      ]);
      expect(Array.from(trace.activations[0])).to.deep.equal([127, -128]);
    });
  });

  describe("formats", function () {
    it("reads back every model it writes and refuses a file that does not describe itself", function () {
      const model = generateMlpModel(HIDDEN, 5);
      const bytes = encodeModel(model);
      expect(encodeModel(decodeModel(bytes))).to.deep.equal(bytes);
      expect(() => decodeModel(bytes.subarray(0, bytes.length - 1))).to.throw(/header describes/);
      const wrongMagic = bytes.slice();
      wrongMagic[0] = 0;
      expect(() => decodeModel(wrongMagic)).to.throw(/WMLP/);
      const wrongShift = bytes.slice();
      wrongShift[10 + 8] = 32;
      expect(() => decodeModel(wrongShift)).to.throw(/shift/);
    });

    it("encodes params as the checker decodes them and refuses params beyond the limits", function () {
      expect(mlpParamsCodec.decode(mlpParamsCodec.encode(HIDDEN))).to.deep.equal(HIDDEN);
      expect(() => mlpI8.validateParams({ ...HIDDEN, layers: [] })).to.throw(/number of layers/);
      expect(() => mlpI8.validateParams({ ...HIDDEN, batch: 4097 })).to.throw(/batch/);
    });

    it("pads the output to a power of two of result chunks", function () {
      expect(MLP_CHUNK_WORDS).to.equal(RESULT_CHUNK_WORDS);
      const layout = mlpOutputLayout(HIDDEN);
      expect(layout.valueWords).to.equal(
        6 * 281 + Math.ceil((6 * 200) / 4) + Math.ceil((6 * 71) / 4) + Math.ceil(60 / 4),
      );
      // 2,103 words are 17 chunks, padded to 32.
      expect(layout.totalWords).to.equal(32 * 128);
      expect(activationByte(layout, 1, 2, 3)).to.equal(layout.layers[1].actWord * 4 + 2 * 71 + 3);
      expect(accumulatorByte(layout, 2, 5, 9)).to.equal((layout.layers[2].accWord + 59) * 4);
    });
  });

  describe("commitments", function () {
    it("proves every unit and batch row against the input root, which names the model and the batch", function () {
      const { decoded, inputRoot } = hiddenJob();
      const tree = new MlpInputTree(decoded);
      expect(inputRoot).to.equal(pairRoot(mlpModelRoot(decoded.model), tree.batch.root));
      for (const [layer, unit] of [
        [0, 0],
        [1, 69],
        [2, 9],
      ]) {
        const proof = tree.unitProof(layer, unit);
        expect(verifyMerkleProof(inputRoot, mlpLeafHashHex(proof.header, proof.data), proof.proof)).to.equal(true);
      }
      const row = tree.inputRowProof(5);
      expect(verifyMerkleProof(inputRoot, mlpLeafHashHex(row.header, row.data), row.proof)).to.equal(true);
    });

    it("stores a model once and reads a job's inputs back through its reference", async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-mlp-store-"));
      try {
        const store = new FileContentStore(dir);
        const job = { name: "mlp-i8" as const, workload: mlpI8, params: HIDDEN };
        const first = hiddenJob(3).inputs;
        const second = encodeMlpInputs(encodeModel(generateMlpModel(HIDDEN, 3)), generateMlpBatch(HIDDEN, 4));
        const [uriA, uriB] = [await publishJobInputs(job, first, store), await publishJobInputs(job, second, store)];
        expect(await readJobInputs(job, uriA)).to.deep.equal(first);
        expect(await readJobInputs(job, uriB)).to.deep.equal(second);
        // One model file and two job manifests of 32 + batch bytes.
        const sizes = fs.readdirSync(dir).map((name) => fs.statSync(path.join(dir, name)).size);
        expect(sizes.sort((a, b) => a - b)).to.deep.equal([1832, 1832, first.length - 1800]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("a job whose params do not fit its model", function () {
    it("is declined by a provider before it locks any collateral, whatever the client committed to", async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-mlp-misfit-"));
      try {
        const store = new FileContentStore(dir);
        // The client's params double layer 1's multiplier; the stored model keeps its own.
        const params = {
          ...HIDDEN,
          layers: HIDDEN.layers.map((l, i) => (i === 1 ? { ...l, multiplier: l.multiplier * 2 } : l)),
        };
        const job = { name: "mlp-i8" as const, workload: mlpI8, params };
        const { inputs, decoded } = hiddenJob();
        const uri = await publishJobInputs(job, inputs, store);
        const committedRoot = new MlpInputTree(decoded).root;
        expect(() => inputRootOf(job, inputs)).to.throw(/differ from the job's params/);
        await expectRejected(
          fetchJobInputs(job, uri, committedRoot, {}),
          InputsMismatchError,
          /differ from the job's params/,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("verifier", function () {
    it("accepts a correct output", function () {
      const { inputs, inputRoot, output } = hiddenJob();
      expect(check(inputs, inputRoot, output)).to.deep.equal({ verdict: "valid" });
    });

    it("names the first wrong value of the first wrong layer, whichever kind it is", function () {
      const { inputs, inputRoot, output, decoded } = hiddenJob();
      const layout = mlpOutputLayout(HIDDEN);
      const cases: [string, number, Partial<{ layer: number; element: number; accumulator: boolean }>][] = [
        [
          "a first-layer accumulator",
          accumulatorByte(layout, 0, 4, 17) + 3,
          { layer: 0, element: 4 * 200 + 17, accumulator: true },
        ],
        [
          "a hidden activation",
          activationByte(layout, 1, 2, 33),
          { layer: 1, element: 2 * 71 + 33, accumulator: false },
        ],
        ["a last-layer activation", activationByte(layout, 2, 5, 9), { layer: 2, element: 59, accumulator: false }],
        [
          "an activation block's padding",
          layout.layers[1].actWord * 4 + 6 * 71,
          { layer: 1, element: 426, accumulator: false },
        ],
        [
          "a padding word after the last layer",
          (layout.valueWords + 3) * 4,
          { layer: 3, element: 3, accumulator: false },
        ],
      ];
      for (const [what, byte, expected] of cases) {
        const cheated = output.slice();
        cheated[byte] ^= 0x40;
        const verdict = check(inputs, inputRoot, cheated);
        if (verdict.verdict !== "finding" || verdict.finding.kind !== "wrong-value")
          throw new Error(`${what}: no finding`);
        expect(verdict.finding, what).to.include(expected);
        expect(firstMlpFault(HIDDEN, decoded, cheated), what).to.include(expected);
      }
    });

    it("reports the earliest layer when a cheater recomputes the later layers from a flipped activation", function () {
      const { inputs, inputRoot, decoded } = hiddenJob();
      const trace = runMlp(decoded.model, decoded.batch, HIDDEN.batch);
      const activations = trace.activations.map((y) => y.slice());
      activations[0][7] ^= 1;
      // A consistent cheat: layers 1 and 2 recomputed from the flipped activation, so only layer 0 is wrong.
      const rest = runMlp({ inputs: 200, layers: decoded.model.layers.slice(1) }, activations[0], HIDDEN.batch);
      const cheated = encodeMlpOutput(HIDDEN, {
        accumulators: [trace.accumulators[0], ...rest.accumulators],
        activations: [activations[0], ...rest.activations],
      });
      const verdict = check(inputs, inputRoot, cheated);
      if (verdict.verdict !== "finding" || verdict.finding.kind !== "wrong-value") throw new Error("no finding");
      expect(verdict.finding).to.include({ layer: 0, element: 7, accumulator: false });
    });
  });

  describe("withheld path", function () {
    it("proves the first wrong chunk of a hidden layer from the correct tree and the revealed nodes", function () {
      const { inputs, inputRoot, output } = hiddenJob();
      const layout = mlpOutputLayout(HIDDEN);
      const cheated = output.slice();
      cheated[activationByte(layout, 1, 5, 60)] ^= 0x22;
      cheated[activationByte(layout, 2, 0, 0)] ^= 0x22; // later wrong chunks too: the game must reach the first
      const correct = new ResultTree(output);
      const committed = new ResultTree(cheated);
      const leaves = committed.chunkCount;
      const steps: BisectionStep[] = [];
      let node = 0;
      while (!isLeafNode(node, leaves)) {
        const revealed = { left: committed.node(childNode(node, false)), right: committed.node(childNode(node, true)) };
        const disputedRight = childToDispute(correct, node, revealed);
        if (disputedRight === undefined) throw new Error("both children correct");
        steps.push({ node, ...revealed, disputedRight });
        node = childNode(node, disputedRight);
      }
      const chunkIndex = chunkIndexOfNode(node, leaves);
      expect(chunkIndex).to.equal(Math.floor(activationByte(layout, 1, 5, 60) / 512));
      const base = {
        jobId: "1",
        workload: "mlp-i8",
        params: mlpParamsCodec.encode(HIDDEN),
        inputRoot,
        resultRoot: committed.root,
      };
      const revealed = { chunkIndex, chunk: hexOf(committed.chunk(chunkIndex)), proof: proofFromSteps(steps) };
      const job = { name: "mlp-i8" as const, workload: mlpI8, params: HIDDEN };
      // The evidence checks every proof against the committed roots before returning.
      const finding = checkRevealedChunk(base, job, inputs, revealed, { correct, steps });
      expect(finding).to.include({ kind: "wrong-value", layer: 1, element: 5 * 71 + 60, accumulator: false });
    });
  });
});

function mlpLeafHashHex(header: readonly number[], data: Uint8Array): string {
  return hexOf(mlpLeafHash(header, data));
}

function hexOf(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

async function expectRejected(promise: Promise<unknown>, type: new (...args: never[]) => Error, message: RegExp) {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect((error as Error).message).to.match(message);
    return;
  }
  expect.fail("expected a rejection");
}

/**
 * mlp.json: mlp-i8 (issue 22) on one core. At each network size, in rounds that alternate every side on the same
 * model and batch (so a change of load on a busy machine hits all sides alike):
 *  - inference: the TypeScript reference (runMlp: the WebAssembly int8 matmul kernel per layer, then bias and
 *    requantization) against the same arithmetic in C (bench/c/mlp.c, every kernel this CPU runs); each C output is
 *    compared byte for byte with the TypeScript one, every round;
 *  - the provider's whole cost: the inference, the output's encoding, its result tree and the job's input root;
 *  - the verifier's check as the verifier runs it once the inputs and output are fetched (checkResult: the result
 *    tree and the input root first, then checkMlp: Freivalds per layer and the requantization of every activation),
 *    on the correct output, and checkMlp alone (no hashing), each against the TypeScript inference;
 *  - the check's steps, timed on their own in the same rounds: the two commitments, decoding, the transposes of each
 *    layer's input (checkMlp runs Freivalds on the transposed product, the weights as stored), Freivalds, the
 *    requantization pass.
 * Plus the gas of MlpI8Checker's fraud proof per layer width (bench/gas/mlp-proof.ts). Figures are medians (and
 * minimums) over the rounds: compare ratios, not absolutes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { inputRootOf } from "../src/commitments/job-inputs";
import { ResultTree } from "../src/commitments/result-tree";
import { checkResult } from "../src/findings/checks/check-result";
import { checkMlp } from "../src/findings/checks/mlp";
import { freivaldsWrongRows } from "../src/workloads/matmul-i8/freivalds";
import {
  decodeMlpInputs,
  decodeMlpOutput,
  encodeMlpInputs,
  encodeMlpOutput,
  generateMlpBatch,
  generateMlpModel,
} from "../src/workloads/mlp-i8/codec";
import { runMlp, transposeI8 } from "../src/workloads/mlp-i8/inference";
import { encodeModel } from "../src/workloads/mlp-i8/model";
import {
  Activation,
  describeMlpParams,
  layerInputs,
  type MlpParams,
  mlpMultiplyAdds,
} from "../src/workloads/mlp-i8/network";
import { requantizeLayer } from "../src/workloads/mlp-i8/requantize";
import { mlpI8, type DecodedJob } from "../src/workloads/registry";
import { CProgram, type CKernels, type CRun, compileC } from "./c/programs";
import { MLP_PROOF_WIDTHS, measureMlpProofs, type MlpProofPoint } from "./gas";

/** Over the timed rounds, in ms. */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
}

/** An inference's time and its throughput: billions of multiply-adds a second, from the median and the minimum. */
export interface InferenceTiming extends Timing {
  readonly gmacs: number;
  readonly bestGmacs: number;
}

export interface MlpPoint {
  /** e.g. "784-256-128-10 x 256". */
  readonly network: string;
  readonly batch: number;
  readonly widths: readonly number[];
  readonly multiplyAdds: number;
  readonly modelBytes: number;
  readonly outputBytes: number;
  readonly rounds: number;
  readonly ts: InferenceTiming;
  /** Every C kernel this CPU runs, on one core, its output checked against the TypeScript one every round. */
  readonly c: readonly (InferenceTiming & { readonly kernel: string })[];
  /** TypeScript's throughput over each C kernel's (C time / TypeScript time), medians and minimums. */
  readonly tsOfC: readonly { readonly kernel: string; readonly median: number; readonly min: number }[];
  /** Inference, output encoding, result tree, input root. */
  readonly provider: Timing & {
    readonly steps: { inference: number; encode: number; resultTree: number; inputRoot: number };
  };
  /** checkResult on the correct output (commitments, then checkMlp). */
  readonly check: Timing;
  /** checkMlp alone: no hashing. */
  readonly checkAlone: Timing;
  /** The check's steps, each timed on its own (medians). */
  readonly checkSteps: {
    readonly resultTree: number;
    readonly inputRoot: number;
    readonly decode: number;
    readonly transposes: number;
    readonly freivalds: number;
    readonly requantize: number;
  };
  /** check / TypeScript inference and checkAlone / TypeScript inference (medians). */
  readonly checkShare: number;
  readonly checkAloneShare: number;
  /** check / the provider's whole cost (medians). */
  readonly checkOfProvider: number;
}

export interface MlpResult {
  readonly c: { readonly compiler: string; readonly kernels: CKernels } | { readonly skipped: string };
  readonly points: readonly MlpPoint[];
  readonly proofGas: readonly MlpProofPoint[];
}

interface Size {
  readonly widths: readonly number[];
  readonly batch: number;
  readonly rounds: number;
}

export const MLP_SIZES: { readonly full: readonly Size[]; readonly quick: readonly Size[] } = {
  full: [
    { widths: [784, 256, 128, 10], batch: 256, rounds: 15 },
    { widths: [1024, 4096, 4096, 10], batch: 256, rounds: 7 },
    { widths: [1024, 4096, 4096, 10], batch: 1024, rounds: 5 },
  ],
  quick: [
    { widths: [784, 256, 128, 10], batch: 64, rounds: 3 },
    { widths: [1024, 1024, 1024, 10], batch: 64, rounds: 3 },
  ],
};
/** Untimed rounds first: V8 tiers the WebAssembly kernels and the JavaScript loops up over the first runs. */
const WARMUP = 1;
const SEED = 22;

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timing = (xs: readonly number[]): Timing => ({
  medianMs: round(median(xs), 3),
  minMs: round(Math.min(...xs), 3),
});
const inferenceTiming = (macs: number, t: Timing): InferenceTiming => ({
  ...t,
  gmacs: round(macs / (t.medianMs * 1e6), 2),
  bestGmacs: round(macs / (t.minMs * 1e6), 2),
});

function timed<T>(times: number[], run: () => T): T {
  const start = performance.now();
  const value = run();
  times.push(performance.now() - start);
  return value;
}

/**
 * A network of these widths (inputs first) whose requantization keeps activations spread over int8 on generated
 * weights: the scale maps the accumulator's typical size, sqrt(inputs) * 74^2 for uniform int8 operands, to about 32,
 * as multiplier / 2^31 (a realistic multiplier: a trained model's are 2^19 to 2^23, see models/digits.wmlp). Hidden
 * layers ReLU, the last one identity (logits).
 */
export function benchNetwork(widths: readonly number[], batch: number): MlpParams {
  const layers = widths.slice(1).map((outputs, l) => ({
    outputs,
    multiplier: Math.round((2 ** 31 * 32) / (Math.sqrt(widths[l]) * 74 * 74)),
    shift: 31,
    activation: l === widths.length - 2 ? Activation.IDENTITY : Activation.RELU,
  }));
  return { batch, inputs: widths[0], layers };
}

/** The first byte where `a` and `b` differ (the shorter length if one is a prefix of the other), or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

/** Where the byte at `offset` of an mlp-i8 output is, for an error message. */
function describeOffset(params: MlpParams, offset: number): string {
  const word = Math.floor(offset / 4);
  let at = 0;
  for (const [l, layer] of params.layers.entries()) {
    const values = params.batch * layer.outputs;
    if (word < at + values) return `layer ${l} accumulator ${word - at}`;
    const actWords = Math.ceil(values / 4);
    if (word < at + values + actWords) return `layer ${l} activation ${offset - (at + values) * 4}`;
    at += values + actWords;
  }
  return `padding word ${word - at}`;
}

async function measurePoint(
  size: Size,
  dir: string,
  programs: { dir: string } | undefined,
  progress: (line: string) => void,
): Promise<{ point: MlpPoint; kernels?: CKernels }> {
  const params = benchNetwork(size.widths, size.batch);
  const network = describeMlpParams(params);
  const macs = mlpMultiplyAdds(params);
  const model = generateMlpModel(params, SEED);
  const modelBytes = encodeModel(model);
  const batch = generateMlpBatch(params, SEED);
  const inputs = encodeMlpInputs(modelBytes, batch);
  const job: DecodedJob = { name: "mlp-i8", workload: mlpI8, params };
  const decoded = decodeMlpInputs(params, inputs);
  const expected = encodeMlpOutput(params, runMlp(decoded.model, decoded.batch, params.batch));
  const resultRoot = new ResultTree(expected).root;
  const inputRoot = inputRootOf(job, inputs);
  const checkInput = {
    jobId: 1n,
    job,
    inputRoot,
    resultRoot,
    inputs: { ok: true as const, bytes: inputs },
    output: { ok: true as const, bytes: expected },
  };

  const files = {
    model: path.join(dir, "model.wmlp"),
    batch: path.join(dir, "batch.bin"),
    out: path.join(dir, "out.bin"),
  };
  fs.writeFileSync(files.model, modelBytes);
  fs.writeFileSync(files.batch, new Uint8Array(batch.buffer, batch.byteOffset, batch.length));
  const c =
    programs === undefined
      ? undefined
      : await CProgram.start(programs, "mlp", [files.model, files.batch, params.batch, files.out]);
  const kernels = c?.kernels.kernels ?? [];

  const fresh = () => ({
    ts: [] as number[],
    c: kernels.map(() => [] as number[]),
    provider: [] as number[],
    inference: [] as number[],
    encode: [] as number[],
    resultTree: [] as number[],
    inputRoot: [] as number[],
    check: [] as number[],
    checkAlone: [] as number[],
    decode: [] as number[],
    transposes: [] as number[],
    freivalds: [] as number[],
    requantize: [] as number[],
  });
  const t = fresh();
  try {
    for (let r = -WARMUP; r < size.rounds; r++) {
      const times = r < 0 ? fresh() : t;
      timed(times.ts, () => runMlp(decoded.model, decoded.batch, params.batch));
      for (const [index, kernel] of kernels.entries()) {
        const out = await c!.program.run<CRun>(kernel);
        times.c[index].push(out.ms);
        const produced = fs.readFileSync(files.out);
        const at = firstDifference(produced, expected);
        if (at !== -1) {
          throw new Error(
            `bench/c/mlp's ${kernel} output differs from runMlp's at byte ${at} (${describeOffset(params, at)}) on ${network}`,
          );
        }
      }

      // The provider: compute, encode, commit to the output, and the input root it checked its inputs against.
      const providerStart = performance.now();
      const trace = timed(times.inference, () => runMlp(decoded.model, decoded.batch, params.batch));
      const output = timed(times.encode, () => encodeMlpOutput(params, trace));
      const root = timed(times.resultTree, () => new ResultTree(output).root);
      const provenInputs = timed(times.inputRoot, () => inputRootOf(job, inputs));
      times.provider.push(performance.now() - providerStart);
      if (root !== resultRoot || provenInputs !== inputRoot) throw new Error(`the provider committed to other roots`);

      // The verifier, as it runs once both are fetched.
      const verdict = timed(times.check, () => checkResult(checkInput));
      if (verdict.verdict !== "valid") throw new Error(`checkResult calls a correct ${network} ${verdict.verdict}`);
      const tree = new ResultTree(expected);
      const alone = timed(times.checkAlone, () => checkMlp(checkInput, params, inputs, { bytes: expected, tree }, {}));
      if (alone.verdict !== "valid") throw new Error(`checkMlp calls a correct ${network} ${alone.verdict}`);

      // The check's steps (checkMlp's own work, redone piece by piece; the commitments are the provider's above).
      const [checkInputs, claimed] = timed(
        times.decode,
        () => [decodeMlpInputs(params, inputs), decodeMlpOutput(params, expected)] as const,
      );
      // As checkMlp runs them: transposed, (acc - bias)^T = W^T x^T, so only batch-sized matrices are transposed.
      const inputsT = timed(times.transposes, () =>
        params.layers.map((_, l) =>
          transposeI8(l === 0 ? checkInputs.batch : claimed.activations[l - 1], params.batch, layerInputs(params, l)),
        ),
      );
      timed(times.freivalds, () => {
        for (const [l, layer] of checkInputs.model.layers.entries()) {
          const k = layerInputs(params, l);
          const n = layer.outputs;
          const acc = claimed.accumulators[l];
          const productT = new Int32Array(acc.length);
          for (let b = 0; b < params.batch; b++) {
            for (let j = 0; j < n; j++) productT[j * params.batch + b] = acc[b * n + j] - layer.biases[j];
          }
          const units = freivaldsWrongRows(
            { shape: { m: n, k, n: params.batch }, a: layer.weights, b: inputsT[l] },
            productT,
          );
          if (units.length !== 0) throw new Error(`Freivalds rejects layer ${l} of a correct ${network}`);
        }
      });
      timed(times.requantize, () => {
        for (const [l, layer] of params.layers.entries()) {
          const acc = claimed.accumulators[l];
          const y = claimed.activations[l];
          const correct = new Int8Array(acc.length);
          requantizeLayer(acc, correct, layer);
          if (y.some((value, i) => value !== correct[i])) throw new Error(`an activation of layer ${l} is wrong`);
        }
      });
    }
  } finally {
    c?.program.stop();
  }

  const ts = inferenceTiming(macs, timing(t.ts));
  const cTimings = kernels.map((kernel, index) => ({ kernel, ...inferenceTiming(macs, timing(t.c[index])) }));
  const tsOfC = cTimings.map((ct) => ({
    kernel: ct.kernel,
    median: round(ct.medianMs / ts.medianMs, 3),
    min: round(ct.minMs / ts.minMs, 3),
  }));
  const provider = timing(t.provider);
  const check = timing(t.check);
  const checkAlone = timing(t.checkAlone);
  const med = (xs: number[]) => round(median(xs), 3);
  const point: MlpPoint = {
    network,
    batch: params.batch,
    widths: size.widths,
    multiplyAdds: macs,
    modelBytes: modelBytes.length,
    outputBytes: expected.length,
    rounds: size.rounds,
    ts,
    c: cTimings,
    tsOfC,
    provider: {
      ...provider,
      steps: {
        inference: med(t.inference),
        encode: med(t.encode),
        resultTree: med(t.resultTree),
        inputRoot: med(t.inputRoot),
      },
    },
    check,
    checkAlone,
    checkSteps: {
      resultTree: med(t.resultTree),
      inputRoot: med(t.inputRoot),
      decode: med(t.decode),
      transposes: med(t.transposes),
      freivalds: med(t.freivalds),
      requantize: med(t.requantize),
    },
    checkShare: round(check.medianMs / ts.medianMs, 4),
    checkAloneShare: round(checkAlone.medianMs / ts.medianMs, 4),
    checkOfProvider: round(check.medianMs / provider.medianMs, 4),
  };
  const cFigures = cTimings.map((ct) => `${ct.kernel} ${ct.gmacs}`).join(", ");
  progress(
    `mlp ${network}: TS ${ts.gmacs} GMAC/s (C: ${cFigures || "-"}); check ${check.medianMs.toFixed(1)} ms = ` +
      `${(point.checkShare * 100).toFixed(1)}% of inference (${(point.checkAloneShare * 100).toFixed(1)}% without hashing)`,
  );
  return { point, kernels: c?.kernels };
}

export async function runMlpBench(quick: boolean, progress: (line: string) => void): Promise<MlpResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-bench-mlp-"));
  try {
    const compiled = compileC(dir, ["mlp"]);
    if ("skipped" in compiled) progress(`mlp: C baseline skipped: ${compiled.skipped}`);
    const programs = "skipped" in compiled ? undefined : compiled;
    const points: MlpPoint[] = [];
    let kernels: CKernels | undefined;
    for (const size of quick ? MLP_SIZES.quick : MLP_SIZES.full) {
      const measured = await measurePoint(size, dir, programs, progress);
      points.push(measured.point);
      kernels = measured.kernels;
    }
    const proofGas = await measureMlpProofs(quick ? MLP_PROOF_WIDTHS.quick : MLP_PROOF_WIDTHS.full, progress);
    return {
      c:
        programs === undefined || kernels === undefined
          ? { skipped: "skipped" in compiled ? compiled.skipped : "no C run" }
          : { compiler: programs.compiler, kernels },
      points,
      proofGas,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

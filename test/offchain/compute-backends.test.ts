import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { jobOutputBytes, OutputSizeError, requireOutputSize } from "../../src/provider/backends/backend";
import { CpuBackend } from "../../src/provider/backends/cpu";
import { ExecBackend, ExecBackendError } from "../../src/provider/backends/exec";
import { parseBackend } from "../../src/provider/options";
import { SELF_TEST_JOBS, SELF_TEST_SEED, selfTestBackend } from "../../src/provider/self-test";
import { decodeMandelbrotOutput, mandelbrotParamsCodec } from "../../src/workloads/mandelbrot-q/codec";
import { toFixedPoint } from "../../src/workloads/mandelbrot-q/tile";
import { decodeMatmulInputs, decodeMatmulOutput, matmulParamsCodec } from "../../src/workloads/matmul-i8/codec";
import { decodeMlpOutput, encodeMlpInputs, mlpParamsCodec } from "../../src/workloads/mlp-i8/codec";
import { encodeModel, type MlpModel, mlpParamsOf } from "../../src/workloads/mlp-i8/model";
import { Activation, type MlpParams } from "../../src/workloads/mlp-i8/network";
import { decodeJobParams, type DecodedJob, mandelbrotQ, matmulI8, mlpI8 } from "../../src/workloads/registry";
import { expectUserError } from "../helpers/errors";

const KERNEL = path.join(__dirname, "..", "programs", "weft-kernel.js");
const NODE = JSON.stringify(process.execPath);

const matmulJob = (m: number, k: number, n: number): DecodedJob =>
  decodeJobParams(matmulI8.id, matmulParamsCodec.encode({ m, k, n }));
const mandelbrotJob = (): DecodedJob =>
  decodeJobParams(
    mandelbrotQ.id,
    mandelbrotParamsCodec.encode({
      x0: toFixedPoint(-2),
      y0: toFixedPoint(-1.25),
      step: toFixedPoint(2.5 / 24),
      width: 24,
      height: 17,
      maxIter: 200,
    }),
  );

const mlpJob = (params: MlpParams): DecodedJob => decodeJobParams(mlpI8.id, mlpParamsCodec.encode(params));

/**
 * Three layers whose output needs every part of the layout: activation blocks that end mid-word (5 x 23, 5 x 17 and
 * 5 x 10 values), 314 value words padded to 4 chunks of 128, ReLU and identity, and a multiplier of 2^31 - 1 whose
 * products pass 2^53 (and saturate); the last layer's values are small and rounded.
 */
const MLP_PARAMS: MlpParams = {
  batch: 5,
  inputs: 19,
  layers: [
    { outputs: 23, multiplier: 3 << 17, shift: 28, activation: Activation.RELU },
    { outputs: 17, multiplier: 2 ** 31 - 1, shift: 31, activation: Activation.IDENTITY },
    { outputs: 10, multiplier: 5, shift: 12, activation: Activation.IDENTITY },
  ],
};

/**
 * A network small enough to compute by hand: 3 inputs, 2 ReLU units (multiplier 1, shift 1: halve, round half up),
 * then 1 identity unit (multiplier 3, shift 0), on the rows [1, 1, 1] and [-2, 5, 127].
 */
const HAND_MODEL: MlpModel = {
  inputs: 3,
  layers: [
    {
      outputs: 2,
      multiplier: 1,
      shift: 1,
      activation: Activation.RELU,
      biases: Int32Array.from([10, -100]),
      weights: Int8Array.from([1, 2, 3, -1, 0, 4]),
    },
    {
      outputs: 1,
      multiplier: 3,
      shift: 0,
      activation: Activation.IDENTITY,
      biases: Int32Array.from([5]),
      weights: Int8Array.from([2, -3]),
    },
  ],
};
const HAND_BATCH = Int8Array.from([1, 1, 1, -2, 5, 127]);

/** C = A x B by the textbook triple loop, for checking the backends against something they do not share. */
function naiveMatmul(job: DecodedJob, inputs: Uint8Array): number[] {
  if (job.name !== "matmul-i8") throw new Error("not a matmul-i8 job");
  const { m, k, n } = job.params;
  const { a, b } = decodeMatmulInputs(job.params, inputs);
  const c: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
      c.push(sum);
    }
  }
  return c;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("Provider compute backends", function () {
  let dir: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-backends-"));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("cpu", function () {
    it("multiplies matmul-i8 on worker threads exactly as the textbook loop does", async function () {
      const job = matmulJob(37, 53, 29);
      const inputs = generateInputs(job, 7);
      const output = await new CpuBackend({ workers: 3 }).compute(job, inputs);
      expect(output.length).to.equal(jobOutputBytes(job));
      expect(Array.from(decodeMatmulOutput({ m: 37, k: 53, n: 29 }, output))).to.deep.equal(naiveMatmul(job, inputs));
    });

    it("renders mandelbrot-q iteration counts: c = 0 never escapes, c = 1.5 escapes at iteration 2", async function () {
      const tile = { x0: 0, y0: 0, step: toFixedPoint(1.5), width: 2, height: 1, maxIter: 50 };
      const job = decodeJobParams(mandelbrotQ.id, mandelbrotParamsCodec.encode(tile));
      const output = await new CpuBackend().compute(job, new Uint8Array(0));
      expect(Array.from(decodeMandelbrotOutput(tile, output))).to.deep.equal([50, 2]);
    });

    it("runs an mlp-i8 network layer by layer: accumulators, requantized activations and the padding, as by hand", async function () {
      const params = mlpParamsOf(HAND_MODEL, 2);
      const job = mlpJob(params);
      const output = await new CpuBackend().compute(job, encodeMlpInputs(encodeModel(HAND_MODEL), HAND_BATCH));
      // Row 0: acc 16 and -97 -> 8 and relu(-48) = 0 -> 5 + 16 = 21 -> 63.
      // Row 1: acc 399 and 410 -> 200 and 205, both saturated to 127 -> 5 + 254 - 381 = -122 -> -366, saturated to -128.
      const trace = decodeMlpOutput(params, output);
      expect(trace.accumulators.map((acc) => Array.from(acc))).to.deep.equal([
        [16, -97, 399, 410],
        [21, -122],
      ]);
      expect(trace.activations.map((y) => Array.from(y))).to.deep.equal([
        [8, 0, 127, 127],
        [63, -128],
      ]);
      // 8 value words (acc 4 + act 1, acc 2 + act 1) in one chunk of 128 words; the rest is zero.
      expect(output.length).to.equal(128 * 4);
      expect(Buffer.from(output.subarray(7 * 4, 8 * 4)).toString("hex")).to.equal("3f800000");
      expect(output.subarray(8 * 4).every((byte) => byte === 0)).to.equal(true);
    });
  });

  describe("exec", function () {
    it("runs a provider's program through WEFT_* variables and returns its matmul-i8 output, equal to the reference", async function () {
      const job = matmulJob(9, 31, 12);
      const inputs = generateInputs(job, 3);
      const output = await new ExecBackend({ command: `${NODE} ${JSON.stringify(KERNEL)}`, timeoutMs: 30_000 }).compute(
        job,
        inputs,
      );
      expect(Buffer.from(output).equals(Buffer.from(await referenceOutput(job, inputs)))).to.equal(true);
    });

    it("substitutes {params}, {input} and {output} and returns the program's mandelbrot-q output, equal to the reference", async function () {
      const job = mandelbrotJob();
      const backend = new ExecBackend({
        command: `${NODE} ${JSON.stringify(KERNEL)} {params} {input} {output}`,
        timeoutMs: 30_000,
      });
      const output = await backend.compute(job, new Uint8Array(0));
      expect(Buffer.from(output).equals(Buffer.from(await referenceOutput(job, new Uint8Array(0))))).to.equal(true);
    });

    it("runs the program on an mlp-i8 job (the model file then the batch) and returns its output, equal to the reference", async function () {
      const job = mlpJob(MLP_PARAMS);
      const inputs = generateInputs(job, 11);
      const output = await new ExecBackend({ command: `${NODE} ${JSON.stringify(KERNEL)}`, timeoutMs: 30_000 }).compute(
        job,
        inputs,
      );
      expect(output.length).to.equal(512 * 4);
      expect(Buffer.from(output).equals(Buffer.from(await referenceOutput(job, inputs)))).to.equal(true);
    });

    it("gives an mlp-i8 program its layers as an array of objects in params.json", async function () {
      const seen = path.join(dir, "params.json");
      const script =
        `require("fs").copyFileSync(process.env.WEFT_PARAMS_FILE, ${JSON.stringify(seen)});` +
        `require("fs").writeFileSync(process.env.WEFT_OUTPUT_FILE, Buffer.alloc(Number(process.env.WEFT_OUTPUT_BYTES)))`;
      const job = mlpJob(MLP_PARAMS);
      await new ExecBackend({ command: `${NODE} -e '${script}'`, timeoutMs: 30_000 }).compute(
        job,
        generateInputs(job, 1),
      );
      expect(fs.readFileSync(seen, "utf8")).to.equal(
        '{"workload":"mlp-i8","batch":5,"inputs":19,"layers":[' +
          '{"outputs":23,"multiplier":393216,"shift":28,"activation":1},' +
          '{"outputs":17,"multiplier":2147483647,"shift":31,"activation":0},' +
          '{"outputs":10,"multiplier":5,"shift":12,"activation":0}]}',
      );
    });

    it("gives the program the workload, its params as JSON and the expected output size", async function () {
      const seen = path.join(dir, "env.json");
      const script =
        `require("fs").writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ workload: process.env.WEFT_WORKLOAD, ` +
        `params: process.env.WEFT_PARAMS_JSON, bytes: process.env.WEFT_OUTPUT_BYTES }));` +
        `require("fs").writeFileSync(process.env.WEFT_OUTPUT_FILE, Buffer.alloc(Number(process.env.WEFT_OUTPUT_BYTES)))`;
      const job = matmulJob(2, 3, 4);
      await new ExecBackend({ command: `${NODE} -e '${script}'`, timeoutMs: 30_000 }).compute(
        job,
        generateInputs(job, 1),
      );
      expect(JSON.parse(fs.readFileSync(seen, "utf8"))).to.deep.equal({
        workload: "matmul-i8",
        params: JSON.stringify({ workload: "matmul-i8", m: 2, k: 3, n: 4 }),
        bytes: "32",
      });
    });

    describe("failures name the command and always remove the job directory", function () {
      const job = matmulJob(2, 3, 4);
      const inputs = generateInputs(job, 1);

      /** Runs `script` (node -e) after it records its job directory; returns the error and that directory. */
      async function failWith(script: string, timeoutMs = 30_000): Promise<{ error: Error; jobDir: string }> {
        const record = `require("fs").writeFileSync(${JSON.stringify(path.join(dir, "job-dir"))}, process.env.WEFT_JOB_DIR);`;
        const command = `${NODE} -e '${record}${script}'`;
        const error = await rejection(new ExecBackend({ command, timeoutMs }).compute(job, inputs));
        expect(error).to.be.instanceOf(ExecBackendError);
        expect(error.message).to.contain(command).and.contain("matmul-i8 2x3x4");
        const jobDir = fs.readFileSync(path.join(dir, "job-dir"), "utf8");
        expect(fs.existsSync(jobDir), "job directory left behind").to.equal(false);
        return { error, jobDir };
      }

      it("reports a non-zero exit with the end of the program's stderr", async function () {
        const { error } = await failWith(`console.error("CUDA out of memory"); process.exit(3)`);
        expect(error.message).to.match(/exited with code 3; its stderr ends: CUDA out of memory/);
      });

      it("reports an output of the wrong size", async function () {
        const { error } = await failWith(`require("fs").writeFileSync(process.env.WEFT_OUTPUT_FILE, Buffer.alloc(3))`);
        expect(error.message).to.match(/wrote 3 bytes; the output must be 32 bytes/);
      });

      it("reports a program that writes no output", async function () {
        const { error } = await failWith(`0`);
        expect(error.message).to.match(/exited 0 but wrote no output file/);
      });

      it("kills a program that outlives the timeout", async function () {
        const { error } = await failWith(`setInterval(() => {}, 1000)`, 3_000);
        expect(error.message).to.match(/did not finish within 3 s and was killed/);
      });
    });
  });

  it("rejects an output whose size does not fit the job, whichever backend produced it", async function () {
    const job = matmulJob(2, 3, 4);
    const wrong = await new CpuBackend().compute(matmulJob(2, 3, 5), generateInputs(matmulJob(2, 3, 5), 1));
    expect(() => requireOutputSize("the cpu backend", job, wrong)).to.throw(
      OutputSizeError,
      "the cpu backend produced 40 bytes for a matmul-i8 2x3x4 job; its output must be 32 bytes",
    );
  });

  describe("self-test", function () {
    it("tests an mlp-i8 network too: the program passes, and one writing zeros is refused at the first wrong word", async function () {
      const kernel = new ExecBackend({ command: `${NODE} ${JSON.stringify(KERNEL)}`, timeoutMs: 30_000 });
      await selfTestBackend(kernel, ["matmul-i8", "mandelbrot-q", "mlp-i8"]);

      const mlp = SELF_TEST_JOBS.find((job) => job.name === "mlp-i8")!;
      const reference = await referenceOutput(mlp, generateInputs(mlp, SELF_TEST_SEED));
      const words = Array.from({ length: reference.length / 4 }, (_, i) =>
        new DataView(reference.buffer).getInt32(i * 4),
      );
      expect(words.length).to.equal(128);
      expect(words[0]).to.equal(-24405);
      const zeros = `${NODE} -e "require('fs').writeFileSync(process.env.WEFT_OUTPUT_FILE, Buffer.alloc(+process.env.WEFT_OUTPUT_BYTES))"`;
      await expectUserError(
        () => selfTestBackend(new ExecBackend({ command: zeros, timeoutMs: 30_000 }), ["mlp-i8"]),
        new RegExp(
          `^backend self-test failed: the exec backend on a mlp-i8 5-7-3 x 3 job computed a wrong output: ` +
            `word 0 \\(row 0, col 0\\) is 0, the reference -24405; ` +
            `${words.filter((word) => word !== 0).length} of 128 words differ; the agent did not start ` +
            `\\(fix the backend, or leave mlp-i8 out of --workloads\\)\\.$`,
        ),
      );
    });
  });

  describe("--backend flags", function () {
    it("refuses an unknown backend, exec without a command, and flags that belong to the other backend", async function () {
      await expectUserError(() => parseBackend({ backend: "gpu" }), /--backend must be one of cpu, exec; got "gpu"/);
      await expectUserError(() => parseBackend({ backend: "exec" }), /--backend exec needs --exec/);
      await expectUserError(
        () => parseBackend({ backend: "exec", exec: "k", workers: "2" }),
        /--workers is for --backend cpu/,
      );
      await expectUserError(() => parseBackend({ backend: "cpu", exec: "k" }), /--exec is for --backend exec/);
      await expectUserError(
        () => parseBackend({ backend: "cpu", workers: "0" }),
        /--workers must be a whole number of at least 1/,
      );
      await expectUserError(
        () => parseBackend({ backend: "exec", exec: "k", execTimeout: "soon" }),
        /--exec-timeout must be a positive duration: seconds/,
      );
    });

    it("builds the backend the flags name", function () {
      expect(parseBackend({ backend: "cpu", workers: "2" })).to.be.instanceOf(CpuBackend);
      expect(parseBackend({ backend: "exec", exec: "./kernel", execTimeout: "1.5" })).to.be.instanceOf(ExecBackend);
    });
  });
});

import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { CProgram, type CRun, compileC } from "../../bench/c/programs";
import { benchNetwork, firstDifference } from "../../bench/mlp";
import { encodeMlpOutput, generateMlpBatch, generateMlpModel } from "../../src/workloads/mlp-i8/codec";
import { runMlp } from "../../src/workloads/mlp-i8/inference";
import { encodeModel } from "../../src/workloads/mlp-i8/model";
import { Activation, type MlpParams } from "../../src/workloads/mlp-i8/network";

describe("bench/mlp", function () {
  describe("firstDifference", function () {
    it("is -1 for equal bytes", function () {
      expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).to.equal(-1);
    });

    it("names the first differing byte", function () {
      expect(firstDifference(Uint8Array.of(1, 2, 3, 4), Uint8Array.of(1, 2, 9, 5))).to.equal(2);
    });

    it("names the end of the shorter when one is a prefix of the other", function () {
      expect(firstDifference(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).to.equal(2);
      expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).to.equal(2);
    });
  });

  it("benchNetwork scales each layer to its input width, ReLU hidden layers and identity logits", function () {
    expect(benchNetwork([784, 256, 10], 8)).to.deep.equal({
      batch: 8,
      inputs: 784,
      layers: [
        { outputs: 256, multiplier: 448_186, shift: 31, activation: Activation.RELU },
        { outputs: 10, multiplier: 784_326, shift: 31, activation: Activation.IDENTITY },
      ],
    });
  });

  describe("the C baseline (bench/c/mlp.c)", function () {
    this.timeout(60_000);
    let dir: string;
    let programs: { dir: string } | undefined;

    before(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-test-mlp-c-"));
      const compiled = compileC(dir, ["mlp"]);
      if ("skipped" in compiled) this.skip();
      programs = compiled;
    });

    after(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Every kernel's output for `params` on `seed`'s model and batch, against runMlp's encoded output. */
    async function expectBitIdentical(params: MlpParams, seed: number): Promise<string[]> {
      const model = generateMlpModel(params, seed);
      const batch = generateMlpBatch(params, seed);
      const files = [path.join(dir, "model.wmlp"), path.join(dir, "batch.bin"), path.join(dir, "out.bin")];
      fs.writeFileSync(files[0], encodeModel(model));
      fs.writeFileSync(files[1], new Uint8Array(batch.buffer, batch.byteOffset, batch.length));
      const expected = encodeMlpOutput(params, runMlp(model, batch, params.batch));
      const { program, kernels } = await CProgram.start(programs!, "mlp", [files[0], files[1], params.batch, files[2]]);
      try {
        for (const kernel of kernels.kernels) {
          const run = await program.run<CRun>(kernel);
          expect(run.kernel).to.equal(kernel);
          expect(firstDifference(fs.readFileSync(files[2]), expected), kernel).to.equal(-1);
        }
      } finally {
        program.stop();
      }
      return [...kernels.kernels];
    }

    it("computes runMlp's output on ragged shapes (batch, widths and units off every block size)", async function () {
      const params: MlpParams = {
        batch: 7,
        inputs: 131,
        layers: [
          { outputs: 67, multiplier: 448_869, shift: 31, activation: Activation.RELU },
          { outputs: 5, multiplier: 1_000_000, shift: 30, activation: Activation.RELU },
          { outputs: 3, multiplier: 3, shift: 1, activation: Activation.IDENTITY },
        ],
      };
      expect(await expectBitIdentical(params, 5)).to.include("portable");
    });

    it("computes runMlp's output where requantization saturates, rounds at shift 0 and needs 64-bit products", async function () {
      const params: MlpParams = {
        batch: 5,
        inputs: 64,
        layers: [
          // acc * (2^31 - 1) is beyond 2^52 for most accumulators: TypeScript's BigInt path, C's int64.
          { outputs: 9, multiplier: 2 ** 31 - 1, shift: 31, activation: Activation.IDENTITY },
          // shift 0: no rounding, every accumulator saturates but zero.
          { outputs: 4, multiplier: 1, shift: 0, activation: Activation.IDENTITY },
          { outputs: 2, multiplier: 7, shift: 3, activation: Activation.RELU },
        ],
      };
      await expectBitIdentical(params, 9);
    });
  });
});

import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { ContentNotFoundError, sha256Hex } from "../../src/store/content-store";
import { FileContentStore } from "../../src/store/fs-store";
import { HttpContentStore } from "../../src/store/http-store";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { ResultTree } from "../../src/commitments/result-tree";
import { checkResult } from "../../src/findings/checks/check-result";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { Cheater, type RandomSource, unpublishedUri } from "../../src/provider/cheat";
import { parseCheat } from "../../src/provider/options";
import { matmulParamsCodec } from "../../src/workloads/matmul-i8/codec";
import { mlpParamsCodec } from "../../src/workloads/mlp-i8/codec";
import { activationByte, mlpOutputLayout } from "../../src/workloads/mlp-i8/layout";
import { Activation, type MlpParams } from "../../src/workloads/mlp-i8/network";
import { decodeJobParams, type DecodedJob, matmulI8, mlpI8 } from "../../src/workloads/registry";
import { WORD_BYTES } from "../../src/workloads/words";
import { expectUserError } from "../helpers/errors";

/** A random source that returns `values` in turn. */
function sequence(...values: number[]): RandomSource {
  let next = 0;
  return () => {
    if (next >= values.length) throw new Error("the test's random sequence ran out");
    return values[next++];
  };
}

/** Indices of the bytes in which `a` and `b` differ. */
function differingBytes(a: Uint8Array, b: Uint8Array): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) bytes.push(i);
  return bytes;
}

/** Indices of the 4-byte words in which `a` and `b` differ. */
function differingWords(a: Uint8Array, b: Uint8Array): number[] {
  const words: number[] = [];
  for (let w = 0; w < a.length / WORD_BYTES; w++) {
    const at = w * WORD_BYTES;
    if (!Buffer.from(a.subarray(at, at + WORD_BYTES)).equals(Buffer.from(b.subarray(at, at + WORD_BYTES)))) {
      words.push(w);
    }
  }
  return words;
}

describe("Provider fault injection (--cheat)", function () {
  const output = Uint8Array.from({ length: 40 * WORD_BYTES }, (_, i) => (i * 7) % 256);

  it("flip-one changes exactly one output word, at the position the random source picks", function () {
    // First draw: cheat or not (0 < rate); second: the position, word floor(0.5 * 40) = 20.
    const submission = new Cheater({ mode: "flip-one", rate: 1, random: sequence(0, 0.5) }).submission(output);
    expect(submission.kind).to.equal("flip-one");
    expect(submission.publish).to.equal(true);
    expect(submission.output.length).to.equal(output.length);
    expect(differingWords(submission.output, output)).to.deep.equal([20]);
    expect(submission.detail).to.contain("word 20");
  });

  it("flip-one can hit the last word and leaves the correct output untouched", function () {
    const before = Uint8Array.from(output);
    const submission = new Cheater({ mode: "flip-one", rate: 1, random: sequence(0, 0.999999) }).submission(output);
    expect(differingWords(submission.output, output)).to.deep.equal([39]);
    expect(Buffer.from(output).equals(Buffer.from(before))).to.equal(true);
  });

  it("garbage replaces the output with random bytes of the same size", function () {
    const submission = new Cheater({ mode: "garbage", rate: 1 }).submission(output);
    expect(submission.kind).to.equal("garbage");
    expect(submission.publish).to.equal(true);
    expect(submission.output.length).to.equal(output.length);
    expect(differingWords(submission.output, output).length).to.be.greaterThan(30);
  });

  describe("withhold", function () {
    let dir: string;
    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-cheat-"));
    });
    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("commits to the real output but publishes nothing: its URI names content that is not in the store", async function () {
      const submission = new Cheater({ mode: "withhold", rate: 1 }).submission(output);
      expect(submission.kind).to.equal("withhold");
      expect(submission.publish).to.equal(false);
      expect(Buffer.from(submission.output).equals(Buffer.from(output))).to.equal(true);

      const store = new FileContentStore(dir);
      const uri = unpublishedUri(store, submission.output);
      expect(uri).to.equal(store.uriFor(sha256Hex(output)));
      let caught: unknown;
      await store.get(uri).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(ContentNotFoundError);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it("names the unpublished content in an HTTP store's namespace too", function () {
      const uri = unpublishedUri(new HttpContentStore("http://127.0.0.1:9/"), output);
      expect(uri).to.equal(`http://127.0.0.1:9/blobs/${sha256Hex(output)}`);
    });
  });

  it("cheats on a job exactly when its random draw falls below the rate", function () {
    // withhold draws once per job: 0.1 and 0.29999 fall below 0.3, 0.5 and 0.3 do not.
    const cheater = new Cheater({ mode: "withhold", rate: 0.3, random: sequence(0.1, 0.5, 0.29999, 0.3) });
    const kinds = [0, 1, 2, 3].map(() => cheater.submission(output).kind);
    expect(kinds).to.deep.equal(["withhold", "honest", "withhold", "honest"]);
  });

  it("never cheats at rate 0 and always at rate 1", function () {
    const never = new Cheater({ mode: "flip-one", rate: 0 });
    const always = new Cheater({ mode: "withhold", rate: 1 });
    for (let i = 0; i < 200; i++) {
      expect(never.submission(output).kind).to.equal("honest");
      expect(always.submission(output).kind).to.equal("withhold");
    }
  });

  describe("flip-hidden", function () {
    /** Three layers: the hidden ones hold 3 x 7 = 21 and 3 x 5 = 15 activations, 36 in all. */
    const params: MlpParams = {
      batch: 3,
      inputs: 6,
      layers: [
        { outputs: 7, multiplier: 3 << 17, shift: 24, activation: Activation.RELU },
        { outputs: 5, multiplier: 3 << 16, shift: 24, activation: Activation.RELU },
        { outputs: 4, multiplier: 1 << 16, shift: 24, activation: Activation.IDENTITY },
      ],
    };
    const job = decodeJobParams(mlpI8.id, mlpParamsCodec.encode(params));
    const layout = mlpOutputLayout(params);

    async function cheatedOn(on: DecodedJob, draw: number) {
      const inputs = generateInputs(on, 5);
      const correct = await referenceOutput(on, inputs);
      const submission = new Cheater({ mode: "flip-hidden", rate: 1, random: sequence(0, draw) }).submission(
        correct,
        on,
      );
      return { inputs, correct, submission };
    }

    it("flips the lowest bit of the hidden activation the draw picks, in the first hidden layer", async function () {
      // floor(0.3 * 36) = 10: layer 0, item 1, unit 3.
      const { correct, submission } = await cheatedOn(job, 0.3);
      const byte = activationByte(layout, 0, 1, 3);
      expect(byte).to.equal((layout.layers[0].actWord + 2) * WORD_BYTES + 2);
      expect(differingBytes(submission.output, correct)).to.deep.equal([byte]);
      expect(submission.output[byte]).to.equal(correct[byte] ^ 1);
      expect(submission.kind).to.equal("flip-hidden");
      expect(submission.publish).to.equal(true);
      expect(submission.detail).to.equal(`hidden layer 0 activation 10 flipped (output byte ${byte})`);
    });

    it("reaches the last hidden layer's last activation and never the output layer", async function () {
      // floor(0.999999 * 36) = 35: layer 1, element 14 = item 2, unit 4.
      const { correct, submission } = await cheatedOn(job, 0.999999);
      expect(differingBytes(submission.output, correct)).to.deep.equal([activationByte(layout, 1, 2, 4)]);
      expect(submission.detail).to.match(/^hidden layer 1 activation 14 flipped/);
    });

    for (const [draw, layer, element] of [
      [0.3, 0, 10],
      [0.62, 1, 1],
    ] as const) {
      it(`is found by the verifier as exactly the flipped value: layer ${layer} activation ${element}`, async function () {
        const { inputs, correct, submission } = await cheatedOn(job, draw);
        const verdict = checkResult({
          jobId: 1n,
          job,
          inputRoot: inputRootOf(job, inputs),
          resultRoot: new ResultTree(submission.output).root,
          inputs: { ok: true, bytes: inputs },
          output: { ok: true, bytes: submission.output },
        });
        if (verdict.verdict !== "finding" || verdict.finding.kind !== "wrong-value") {
          throw new Error(`expected a wrong-value finding, got ${JSON.stringify(verdict)}`);
        }
        const { finding } = verdict;
        const outputs = params.layers[layer].outputs;
        const byte = activationByte(layout, layer, Math.floor(element / outputs), element % outputs);
        expect({ layer: finding.layer, element: finding.element, accumulator: finding.accumulator }).to.deep.equal({
          layer,
          element,
          accumulator: false,
        });
        expect(finding.wordIndex).to.equal(Math.floor(byte / WORD_BYTES));
        expect(finding.correct).to.equal(new Int8Array(correct.buffer, correct.byteOffset)[byte]);
        expect(finding.claimed).to.equal(finding.correct ^ 1);
      });
    }

    it("flips one word, as flip-one, for a one-layer network and says why", async function () {
      const single = decodeJobParams(
        mlpI8.id,
        mlpParamsCodec.encode({ batch: 2, inputs: 3, layers: [params.layers[2]] }),
      );
      // 2 x 4 accumulators and 2 activation words in one chunk of 128 words: floor(0.5 * 128) = 64.
      const { correct, submission } = await cheatedOn(single, 0.5);
      expect(differingWords(submission.output, correct)).to.deep.equal([64]);
      expect(submission.kind).to.equal("flip-hidden");
      expect(submission.detail).to.equal(
        "a one-layer network has no hidden layer, so flip-one: output word 64 flipped",
      );
    });

    it("flips one word, as flip-one, for another workload", async function () {
      const matmul = decodeJobParams(matmulI8.id, matmulParamsCodec.encode({ m: 4, k: 3, n: 5 }));
      const { correct, submission } = await cheatedOn(matmul, 0.5);
      expect(differingWords(submission.output, correct)).to.deep.equal([10]);
      expect(submission.detail).to.equal("a matmul-i8 job has no hidden layer, so flip-one: output word 10 flipped");
    });
  });

  describe("--cheat flags", function () {
    it("defaults the rate to 1 and is honest without --cheat", function () {
      expect(parseCheat("flip-one", undefined)).to.deep.equal({ mode: "flip-one", rate: 1 });
      expect(parseCheat("flip-hidden", undefined)).to.deep.equal({ mode: "flip-hidden", rate: 1 });
      expect(parseCheat("garbage", "0.25")).to.deep.equal({ mode: "garbage", rate: 0.25 });
      expect(parseCheat(undefined, undefined)).to.equal(undefined);
    });

    it("refuses an unknown mode, a rate outside [0, 1] and a rate without a mode", async function () {
      await expectUserError(
        () => parseCheat("lie", undefined),
        /--cheat must be one of flip-one, flip-hidden, garbage, withhold; got "lie"/,
      );
      await expectUserError(() => parseCheat("garbage", "1.5"), /--cheat-rate must be a probability between 0 and 1/);
      await expectUserError(() => parseCheat("garbage", "often"), /--cheat-rate must be a probability/);
      await expectUserError(() => parseCheat(undefined, "0.5"), /--cheat-rate needs --cheat/);
    });
  });
});

import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { ContentNotFoundError, sha256Hex } from "../../src/store/content-store";
import { FileContentStore } from "../../src/store/fs-store";
import { HttpContentStore } from "../../src/store/http-store";
import { Cheater, type RandomSource, unpublishedUri } from "../../src/provider/cheat";
import { parseCheat } from "../../src/provider/options";
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

  describe("--cheat flags", function () {
    it("defaults the rate to 1 and is honest without --cheat", function () {
      expect(parseCheat("flip-one", undefined)).to.deep.equal({ mode: "flip-one", rate: 1 });
      expect(parseCheat("garbage", "0.25")).to.deep.equal({ mode: "garbage", rate: 0.25 });
      expect(parseCheat(undefined, undefined)).to.equal(undefined);
    });

    it("refuses an unknown mode, a rate outside [0, 1] and a rate without a mode", async function () {
      await expectUserError(() => parseCheat("lie", undefined), /--cheat must be one of flip-one, garbage, withhold/);
      await expectUserError(() => parseCheat("garbage", "1.5"), /--cheat-rate must be a probability between 0 and 1/);
      await expectUserError(() => parseCheat("garbage", "often"), /--cheat-rate must be a probability/);
      await expectUserError(() => parseCheat(undefined, "0.5"), /--cheat-rate needs --cheat/);
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { hexlify } from "ethers";

import { matmulInputLeafHash, MatmulInputKind, resultChunkLeafHash } from "../../src/commitments/leaves";
import { verifyMerkleProof } from "../../src/commitments/merkle";
import { RESULT_CHUNK_BYTES, RESULT_CHUNK_WORDS, ResultTree } from "../../src/commitments/result-tree";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { checkResult } from "../../src/findings/checks/check-result";
import type { CheckInput } from "../../src/findings/checks/commitments";
import { chunkEvidence, EvidenceSelfCheckError } from "../../src/findings/checks/evidence";
import { chunksToCheck, DEFAULT_DETECTION } from "../../src/findings/checks/mandelbrot";
import { chunksForDetection, randomBelow, sampleWithoutReplacement } from "../../src/findings/checks/sampling";
import type { Fetched, Finding, Verdict } from "../../src/findings/verdict";
import { toFixedPoint } from "../../src/workloads/mandelbrot-q/tile";
import type { RandomWords } from "../../src/workloads/matmul-i8/freivalds";
import type { MatmulShape } from "../../src/workloads/matmul-i8/shape";
import { decodeJobParams, type DecodedJob, mandelbrotQ, matmulI8 } from "../../src/workloads/registry";
import type { WorkloadLeavesHarness } from "../../typechain-types";
import { seededWords } from "../helpers/random";

const present = (bytes: Uint8Array): Fetched => ({ ok: true, bytes });

function matmulJob(shape: MatmulShape): DecodedJob {
  return decodeJobParams(matmulI8.id, matmulI8.params.encode(shape));
}

/** 40 x 30 pixels: 10 result chunks, the last one short (48 pixels). */
const TILE = {
  x0: toFixedPoint(-2),
  y0: toFixedPoint(-1.2),
  step: toFixedPoint(0.08),
  width: 40,
  height: 30,
  maxIter: 64,
};
const TILE_CHUNKS = Math.ceil((TILE.width * TILE.height) / RESULT_CHUNK_WORDS);

/** A job whose provider commits to (and publishes) `output`. */
function submitted(job: DecodedJob, inputs: Uint8Array, output: Uint8Array, jobId = 7n): CheckInput {
  return {
    jobId,
    job,
    inputRoot: inputRootOf(job, inputs),
    resultRoot: new ResultTree(output).root,
    inputs: present(inputs),
    output: present(output),
  };
}

async function honestMatmul(shape: MatmulShape, seed = 1) {
  const job = matmulJob(shape);
  const inputs = generateInputs(job, seed);
  return { job, inputs, output: await referenceOutput(job, inputs) };
}

async function honestMandelbrot() {
  const job = decodeJobParams(mandelbrotQ.id, mandelbrotQ.params.encode(TILE));
  const inputs = new Uint8Array(0);
  return { job, inputs, output: await referenceOutput(job, inputs) };
}

function wordAt(bytes: Uint8Array, wordIndex: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(wordIndex * 4);
}

function withWord(bytes: Uint8Array, wordIndex: number, value: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  new DataView(copy.buffer).setInt32(wordIndex * 4, value);
  return copy;
}

function findingOf(verdict: Verdict): Finding {
  if (verdict.verdict !== "finding") throw new Error(`expected a finding, got ${JSON.stringify(verdict)}`);
  return verdict.finding;
}

describe("verifier checks", function () {
  describe("matmul-i8", function () {
    let harness: WorkloadLeavesHarness;

    before(async function () {
      harness = await ethers.deployContract("WorkloadLeavesHarness");
    });

    it("accepts an honest product", async function () {
      const { job, inputs, output } = await honestMatmul({ m: 33, k: 17, n: 29 });
      expect(checkResult(submitted(job, inputs, output))).to.deep.equal({ verdict: "valid" });
    });

    it("flags a flip-one result with the exact wrong element and proofs the on-chain library accepts", async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            m: fc.integer({ min: 1, max: 24 }),
            k: fc.integer({ min: 1, max: 16 }),
            n: fc.integer({ min: 1, max: 24 }),
          }),
          fc.nat(),
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.nat(),
          async (shape, position, delta, seed) => {
            const { job, inputs, output } = await honestMatmul(shape, seed % 2 ** 32);
            const wordIndex = position % (shape.m * shape.n);
            const correct = wordAt(output, wordIndex);
            const claimed = (correct + delta) | 0;
            const check = submitted(job, inputs, withWord(output, wordIndex, claimed));

            const finding = findingOf(checkResult(check, { random: seededWords(seed) }));
            if (finding.kind !== "wrong-element") throw new Error(`expected wrong-element, got ${finding.kind}`);
            expect(finding).to.include({
              jobId: "7",
              row: Math.floor(wordIndex / shape.n),
              col: wordIndex % shape.n,
              wordIndex,
              claimed,
              correct,
              inputRoot: check.inputRoot,
              resultRoot: check.resultRoot,
              params: matmulI8.params.encode(shape),
            });
            const { k } = shape;
            for (const [kind, vector] of [
              [MatmulInputKind.ROW_OF_A, finding.rowOfA],
              [MatmulInputKind.COLUMN_OF_B, finding.columnOfB],
            ] as const) {
              const leaf = hexlify(matmulInputLeafHash(kind, vector.index, ethers.getBytes(vector.vector)));
              expect(verifyMerkleProof(check.inputRoot, leaf, vector.proof)).to.equal(true);
              await harness.requireMatmulInput({ inputRoot: check.inputRoot, kind, k, ...vector });
            }
            expect(finding.rowOfA.index).to.equal(finding.row);
            expect(finding.columnOfB.index).to.equal(finding.col);
            const word = await harness.requireResultWord({
              resultRoot: check.resultRoot,
              totalWords: shape.m * shape.n,
              wordIndex,
              chunk: finding.result.chunk,
              proof: finding.result.proof,
            });
            expect(Number(BigInt.asIntN(32, BigInt(word)))).to.equal(claimed);
            // Evidence files are JSON: nothing in a finding may be lost in a round trip.
            expect(JSON.parse(JSON.stringify(finding))).to.deep.equal(finding);
          },
        ),
        { numRuns: 25 },
      );
    });

    it("flags a garbage result with an element that really is wrong", async function () {
      const shape = { m: 20, k: 12, n: 30 };
      const { job, inputs, output } = await honestMatmul(shape);
      const garbage = ethers.getBytes(ethers.randomBytes(output.length));
      const finding = findingOf(checkResult(submitted(job, inputs, garbage)));
      if (finding.kind !== "wrong-element") throw new Error(`expected wrong-element, got ${finding.kind}`);
      expect(finding.claimed).to.equal(wordAt(garbage, finding.wordIndex));
      expect(finding.correct).to.equal(wordAt(output, finding.wordIndex));
      expect(finding.claimed).to.not.equal(finding.correct);
    });

    it("reports an output that could not be fetched as unavailable, with the size of the tree to bisect", async function () {
      const shape = { m: 20, k: 4, n: 30 };
      const { job, inputs, output } = await honestMatmul(shape);
      const check = { ...submitted(job, inputs, output), output: { ok: false, error: "not found" } as const };
      expect(findingOf(checkResult(check))).to.deep.include({
        kind: "output-unavailable",
        error: "not found",
        chunkCount: Math.ceil((shape.m * shape.n * 4) / RESULT_CHUNK_BYTES),
      });
    });

    it("reports published output that does not hash to the committed root as a root mismatch", async function () {
      const { job, inputs, output } = await honestMatmul({ m: 8, k: 4, n: 8 });
      const check = submitted(job, inputs, output);
      const other = withWord(output, 3, wordAt(output, 3) + 1);
      expect(findingOf(checkResult({ ...check, output: present(other) }))).to.deep.include({
        kind: "result-root-mismatch",
        publishedRoot: new ResultTree(other).root,
        resultRoot: check.resultRoot,
      });
      // Bytes no result tree can be built over cannot be the committed output either.
      expect(findingOf(checkResult({ ...check, output: present(output.subarray(0, 10)) }))).to.deep.include({
        kind: "result-root-mismatch",
        publishedRoot: null,
      });
      expect(findingOf(checkResult({ ...check, output: present(new Uint8Array(0)) })).kind).to.equal(
        "result-root-mismatch",
      );
    });

    it("reports a committed output of the wrong size as malformed, with its last chunk proven", async function () {
      const shape = { m: 40, k: 4, n: 10 }; // 400 words: 4 chunks
      const { job, inputs, output } = await honestMatmul(shape);
      for (const published of [output.subarray(0, output.length - 8), Uint8Array.from([...output, 0, 0, 0, 1])]) {
        const check = submitted(job, inputs, published);
        const finding = findingOf(checkResult(check));
        if (finding.kind !== "output-malformed") throw new Error(`expected output-malformed, got ${finding.kind}`);
        expect(finding).to.include({ expectedBytes: output.length, actualBytes: published.length });
        const { chunkIndex, chunk, proof } = finding.lastChunk;
        expect(chunkIndex).to.equal(Math.ceil(published.length / RESULT_CHUNK_BYTES) - 1);
        const leaf = hexlify(resultChunkLeafHash(chunkIndex, ethers.getBytes(chunk)));
        expect(verifyMerkleProof(check.resultRoot, leaf, proof)).to.equal(true);
      }
    });

    it("calls inputs that do not match the input root, or cannot be fetched, unverifiable rather than a fault", async function () {
      const { job, inputs, output } = await honestMatmul({ m: 8, k: 4, n: 8 });
      const check = submitted(job, inputs, output);
      const otherInputs = generateInputs(job, 99);
      const cases: [Fetched, RegExp][] = [
        [present(otherInputs), /inputs hash to 0x[0-9a-f]{64}, the job commits to/],
        [present(inputs.subarray(1)), /inputs are 63 bytes, the job needs 64/],
        [{ ok: false, error: "connection refused" }, /inputs unavailable: connection refused/],
      ];
      for (const [fetched, reason] of cases) {
        const verdict = checkResult({ ...check, inputs: fetched });
        expect(verdict.verdict).to.equal("inputs-unverifiable");
        if (verdict.verdict === "inputs-unverifiable") expect(verdict.reason).to.match(reason);
      }
    });

    it("checks the output's commitment before the inputs: withheld output is a fault whatever the inputs", async function () {
      const { job, inputs, output } = await honestMatmul({ m: 8, k: 4, n: 8 });
      const check = {
        ...submitted(job, inputs, output),
        inputs: { ok: false, error: "gone" } as const,
        output: { ok: false, error: "gone" } as const,
      };
      expect(findingOf(checkResult(check)).kind).to.equal("output-unavailable");
    });
  });

  describe("mandelbrot-q", function () {
    it("accepts an honest tile, sampled and in full", async function () {
      const { job, inputs, output } = await honestMandelbrot();
      const check = submitted(job, inputs, output);
      expect(checkResult(check)).to.deep.equal({ verdict: "valid" });
      expect(checkResult(check, { mandelbrot: { full: true } })).to.deep.equal({ verdict: "valid" });
    });

    it("finds a single wrong chunk with --full, naming the pixel, its value and its proven chunk", async function () {
      const { job, inputs, output } = await honestMandelbrot();
      for (let chunk = 0; chunk < TILE_CHUNKS; chunk++) {
        const pixelIndex = Math.min(TILE.width * TILE.height - 1, chunk * RESULT_CHUNK_WORDS + 37);
        const correct = wordAt(output, pixelIndex);
        const check = submitted(job, inputs, withWord(output, pixelIndex, correct + 1));
        const finding = findingOf(checkResult(check, { mandelbrot: { full: true } }));
        if (finding.kind !== "wrong-pixel") throw new Error(`expected wrong-pixel, got ${finding.kind}`);
        expect(finding).to.include({
          pixelIndex,
          x: pixelIndex % TILE.width,
          y: Math.floor(pixelIndex / TILE.width),
          claimed: correct + 1,
          correct,
        });
        expect(finding.result.chunkIndex).to.equal(chunk);
        const leaf = hexlify(resultChunkLeafHash(chunk, ethers.getBytes(finding.result.chunk)));
        expect(verifyMerkleProof(check.resultRoot, leaf, finding.result.proof)).to.equal(true);
      }
    });

    it("finds a wrong chunk by sampling exactly when the sample includes it", async function () {
      const { job, inputs, output } = await honestMandelbrot();
      let caught = 0;
      for (let seed = 1; seed <= 6; seed++) {
        const sampled = chunksToCheck(TILE_CHUNKS, {}, seededWords(seed));
        expect(sampled).to.have.length(chunksForDetection(TILE_CHUNKS, DEFAULT_DETECTION));
        for (let chunk = 0; chunk < TILE_CHUNKS; chunk++) {
          const pixelIndex = chunk * RESULT_CHUNK_WORDS;
          const check = submitted(job, inputs, withWord(output, pixelIndex, wordAt(output, pixelIndex) + 3));
          const verdict = checkResult(check, { random: seededWords(seed) });
          if (sampled.includes(chunk)) {
            expect(findingOf(verdict)).to.include({ kind: "wrong-pixel", pixelIndex });
            caught++;
          } else {
            expect(verdict).to.deep.equal({ verdict: "valid" });
          }
        }
      }
      expect(caught).to.equal(6 * chunksForDetection(TILE_CHUNKS, DEFAULT_DETECTION));
    });

    it("calls a job whose input root is not its params' commitment unverifiable", async function () {
      const { job, inputs, output } = await honestMandelbrot();
      const verdict = checkResult({ ...submitted(job, inputs, output), inputRoot: ethers.id("not the params") });
      expect(verdict.verdict).to.equal("inputs-unverifiable");
    });
  });

  describe("sampling", function () {
    it("samples ceil(detection x chunks) distinct chunks, at least one, all of them at detection 1", function () {
      expect(chunksForDetection(10, 0.5)).to.equal(5);
      expect(chunksForDetection(10, 0.41)).to.equal(5);
      expect(chunksForDetection(1, 0.01)).to.equal(1);
      expect(chunksForDetection(7, 1)).to.equal(7);
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 500 }),
          fc.double({ min: 0.001, max: 1, noNaN: true }),
          fc.nat(),
          (total, detection, seed) => {
            const count = chunksForDetection(total, detection);
            expect(count / total).to.be.at.least(detection);
            const sample = sampleWithoutReplacement(total, count, seededWords(seed));
            expect(new Set(sample).size).to.equal(count);
            expect(sample).to.deep.equal([...sample].sort((a, b) => a - b));
            expect(sample.every((index) => Number.isInteger(index) && index >= 0 && index < total)).to.equal(true);
          },
        ),
      );
      expect(() => chunksForDetection(10, 0)).to.throw(RangeError);
      expect(() => chunksForDetection(10, 1.5)).to.throw(RangeError);
    });

    it("includes every chunk equally often: the detection of any single chunk is s / C", function () {
      const total = 10;
      const count = 4;
      const trials = 4000;
      const hits = new Array<number>(total).fill(0);
      const random = seededWords(2024);
      for (let trial = 0; trial < trials; trial++) {
        for (const index of sampleWithoutReplacement(total, count, random)) hits[index]++;
      }
      // Expected 1600 per chunk, standard deviation ~31: a deterministic stream well inside 5 sigma.
      for (const hit of hits) expect(Math.abs(hit / trials - count / total)).to.be.below(0.04);
    });

    it("draws integers below a bound without modulo bias", function () {
      const random = seededWords(5);
      const counts = [0, 0, 0];
      for (let i = 0; i < 3000; i++) counts[randomBelow(3, random)]++;
      for (const count of counts) expect(count).to.be.within(850, 1150);
      // A source whose first words are rejected (>= 2^32 - 2^32 mod 3) still yields a value below the bound.
      let calls = 0;
      const highFirst: RandomWords = (out) => out.fill(calls++ < 3 ? 0xffffffff : 7);
      expect(randomBelow(3, highFirst)).to.equal(1);
      expect(calls).to.equal(4);
    });
  });

  describe("evidence", function () {
    it("refuses to build evidence whose proof does not verify against the committed root", function () {
      const tree = new ResultTree(new Uint8Array(4 * 300));
      expect(() => chunkEvidence(tree, 1, ethers.id("another root"))).to.throw(EvidenceSelfCheckError);
      expect(chunkEvidence(tree, 1, tree.root).chunkIndex).to.equal(1);
    });
  });
});

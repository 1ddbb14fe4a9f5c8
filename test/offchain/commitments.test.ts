import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, hexlify, randomBytes } from "ethers";

import { abiEncodeHeaderAndBytes, MatmulInputKind } from "../../src/commitments/leaves";
import { MatmulInputTree, type MatmulInputVectorProof } from "../../src/commitments/matmul-inputs";
import { mandelbrotInputRoot } from "../../src/commitments/mandelbrot-inputs";
import { MerkleTree, verifyMerkleProof } from "../../src/commitments/merkle";
import { RESULT_CHUNK_WORDS, ResultTree } from "../../src/commitments/result-tree";
import { mandelbrotParamsCodec, encodeMandelbrotOutput } from "../../src/workloads/mandelbrot-q/codec";
import { renderMandelbrotTile, toFixedPoint } from "../../src/workloads/mandelbrot-q/tile";
import { encodeMatmulOutput } from "../../src/workloads/matmul-i8/codec";
import { multiplyI8Sync } from "../../src/workloads/matmul-i8/multiply";
import type { MatmulOperands } from "../../src/workloads/matmul-i8/shape";
import type { WorkloadLeavesHarness } from "../../typechain-types";

type InputCheck = WorkloadLeavesHarness.InputCheckStruct;
type WordCheck = WorkloadLeavesHarness.WordCheckStruct;

/** Checks per eth_call: well inside the 30M block gas limit Hardhat gives eth_call. */
const BATCH = 150;

const int8 = fc.integer({ min: -128, max: 127 });
/** Small shapes, several of whose products span more than one result chunk with a short last chunk. */
const operandsArbitrary: fc.Arbitrary<MatmulOperands> = fc
  .record({
    m: fc.integer({ min: 1, max: 40 }),
    k: fc.integer({ min: 1, max: 12 }),
    n: fc.integer({ min: 1, max: 40 }),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      a: fc.array(int8, { minLength: shape.m * shape.k, maxLength: shape.m * shape.k }).map((v) => Int8Array.from(v)),
      b: fc.array(int8, { minLength: shape.k * shape.n, maxLength: shape.k * shape.n }).map((v) => Int8Array.from(v)),
    }),
  );

function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at % copy.length] ^= 0x01;
  return copy;
}

function flipProof(proof: readonly string[]): string[] {
  if (proof.length === 0) return [hexlify(randomBytes(32))];
  return [hexlify(flipByte(ethers.getBytes(proof[0]), 31)), ...proof.slice(1)];
}

/** A bytes4 word read as matmul-i8's int32. */
function int32Of(word: string): number {
  return Number(BigInt.asIntN(32, BigInt(word)));
}

function inputCheck(root: string, k: number, vector: MatmulInputVectorProof): InputCheck {
  return { inputRoot: root, kind: vector.kind, index: vector.index, k, vector: vector.vector, proof: vector.proof };
}

async function runInBatches<Check, Result>(
  checks: Check[],
  run: (batch: Check[]) => Promise<Result[]>,
): Promise<Result[]> {
  const results: Result[] = [];
  for (let i = 0; i < checks.length; i += BATCH) results.push(...(await run(checks.slice(i, i + BATCH))));
  return results;
}

describe("Workload commitments (TypeScript against WorkloadLeaves.sol)", function () {
  let harness: WorkloadLeavesHarness;

  before(async function () {
    harness = await ethers.deployContract("WorkloadLeavesHarness");
  });

  it("builds the same roots and proofs as OpenZeppelin's SimpleMerkleTree", function () {
    for (const leafCount of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33]) {
      const leaves = Array.from({ length: leafCount }, () => randomBytes(32));
      const ours = MerkleTree.fromLeafHashes(leaves);
      const theirs = SimpleMerkleTree.of(
        leaves.map((leaf) => hexlify(leaf)),
        { sortLeaves: false },
      );
      expect(ours.root).to.equal(theirs.root);
      for (let i = 0; i < leafCount; i++) {
        expect(ours.proof(i)).to.deep.equal(theirs.getProof(i));
        expect(verifyMerkleProof(ours.root, ours.leafHash(i), ours.proof(i))).to.equal(true);
      }
    }
  });

  it("encodes leaves exactly like abi.encode", function () {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 3 }),
        fc.uint8Array({ maxLength: 100 }),
        (header, data) => {
          const expected = AbiCoder.defaultAbiCoder().encode(
            [...header.map(() => "uint256"), "bytes"],
            [...header, data],
          );
          expect(hexlify(abiEncodeHeaderAndBytes(header, data))).to.equal(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("hashes input leaves, result leaves and params like the library", async function () {
    const operands = fc.sample(operandsArbitrary, { numRuns: 1, seed: 7 })[0];
    const tree = new MatmulInputTree(operands);
    const row = tree.rowProof(0);
    const leaf = await harness.matmulInputLeaf(row.kind, row.index, row.vector);
    expect(verifyMerkleProof(tree.root, leaf, row.proof)).to.equal(true);

    const tile = { x0: toFixedPoint(-2), y0: toFixedPoint(-1), step: 12345, width: 3, height: 2, maxIter: 50 };
    expect(await harness.paramsCommitment(mandelbrotParamsCodec.encode(tile))).to.equal(mandelbrotInputRoot(tile));
  });

  it("accepts TypeScript proofs of inputs and results of hundreds of random products, and rejects tampered ones", async function () {
    const inputChecks: InputCheck[] = [];
    const inputExpected: boolean[] = [];
    const wordChecks: WordCheck[] = [];
    const wordExpected: (number | undefined)[] = [];
    const cases = fc.sample(fc.tuple(operandsArbitrary, fc.nat(), fc.nat(), fc.nat()), { numRuns: 250, seed: 2026 });
    for (const [operands, rowPick, columnPick, bytePick] of cases) {
      const { m, k, n } = operands.shape;
      const inputs = new MatmulInputTree(operands);
      const c = multiplyI8Sync(operands);
      const result = new ResultTree(encodeMatmulOutput(c));
      const i = rowPick % m;
      const j = columnPick % n;
      const row = inputs.rowProof(i);
      const column = inputs.columnProof(j);
      const addInput = (check: InputCheck, accepted: boolean) => {
        inputChecks.push(check);
        inputExpected.push(accepted);
      };
      addInput(inputCheck(inputs.root, k, row), true);
      addInput(inputCheck(inputs.root, k, column), true);
      addInput({ ...inputCheck(inputs.root, k, row), vector: flipByte(row.vector, bytePick) }, false);
      addInput({ ...inputCheck(inputs.root, k, column), index: j + 1 }, false);
      addInput({ ...inputCheck(inputs.root, k, row), kind: MatmulInputKind.COLUMN_OF_B }, false);
      addInput({ ...inputCheck(inputs.root, k, column), proof: flipProof(column.proof) }, false);

      const wordIndex = i * n + j;
      const word = result.wordProof(wordIndex);
      const valid: WordCheck = { resultRoot: result.root, totalWords: m * n, ...word };
      const addWord = (check: WordCheck, value: number | undefined) => {
        wordChecks.push(check);
        wordExpected.push(value);
      };
      addWord(valid, c[wordIndex]);
      addWord({ ...valid, chunk: flipByte(word.chunk, bytePick) }, undefined);
      addWord({ ...valid, proof: flipProof(word.proof) }, undefined);
      if (wordIndex + RESULT_CHUNK_WORDS < m * n) {
        addWord({ ...valid, wordIndex: wordIndex + RESULT_CHUNK_WORDS }, undefined);
      }
      if ((m * n) % RESULT_CHUNK_WORDS !== 0) {
        // The short last chunk only fits the true total: one more word would need one more in the chunk.
        const lastChunk = result.wordProof(m * n - 1);
        const firstOfLast = {
          resultRoot: result.root,
          totalWords: m * n,
          ...lastChunk,
          wordIndex: lastChunk.chunkIndex * RESULT_CHUNK_WORDS,
        };
        addWord(firstOfLast, c[firstOfLast.wordIndex]);
        addWord({ ...firstOfLast, totalWords: m * n + 1 }, undefined);
      }
    }

    const accepted = await runInBatches(inputChecks, (batch) => harness.checkMatmulInputs(batch));
    expect(accepted).to.deep.equal(inputExpected);
    const words = await runInBatches(wordChecks, async (batch) => {
      const [ok, values] = await harness.checkResultWords(batch);
      return ok.map((isOk, x) =>
        isOk ? ethers.toBeArray(values[x]).length >= 0 && Number(BigInt.asIntN(32, BigInt(values[x]))) : undefined,
      );
    });
    expect(words).to.deep.equal(wordExpected);
  });

  it("proves mandelbrot-q pixels with the same result tree", async function () {
    const tile = {
      x0: toFixedPoint(-1.5),
      y0: toFixedPoint(-1),
      step: toFixedPoint(1 / 16),
      width: 21,
      height: 13,
      maxIter: 64,
    };
    const pixels = renderMandelbrotTile(tile);
    const result = new ResultTree(encodeMandelbrotOutput(pixels));
    const checks = [0, 127, 128, 200, pixels.length - 1].map((wordIndex) => ({
      resultRoot: result.root,
      totalWords: pixels.length,
      ...result.wordProof(wordIndex),
    }));
    const [ok, words] = await harness.checkResultWords(checks);
    expect(ok).to.deep.equal(checks.map(() => true));
    expect(words.map((word) => Number(BigInt(word)))).to.deep.equal(checks.map((check) => pixels[check.wordIndex]));
  });

  describe("reverts with the rule a bad proof breaks", function () {
    const operands: MatmulOperands = {
      shape: { m: 3, k: 2, n: 70 },
      a: new Int8Array(6).fill(-128),
      b: new Int8Array(140).fill(127),
    };
    const inputs = new MatmulInputTree(operands);
    const result = new ResultTree(encodeMatmulOutput(multiplyI8Sync(operands)));
    const row = inputCheck(inputs.root, 2, inputs.rowProof(1));
    const lastChunk = result.wordProof(200);
    const word: WordCheck = { resultRoot: result.root, totalWords: 210, ...lastChunk };

    it("rejects an unknown input kind", async function () {
      await expect(harness.requireMatmulInput({ ...row, kind: 2 }))
        .to.be.revertedWithCustomError(harness, "UnknownInputKind")
        .withArgs(2);
    });

    it("rejects an input vector of the wrong length", async function () {
      await expect(harness.requireMatmulInput({ ...row, k: 3 }))
        .to.be.revertedWithCustomError(harness, "InputVectorLengthMismatch")
        .withArgs(3, 2);
    });

    it("rejects an input vector that is not in the tree", async function () {
      await expect(harness.requireMatmulInput({ ...row, index: 2 }))
        .to.be.revertedWithCustomError(harness, "InputVectorNotInTree")
        .withArgs(inputs.root, MatmulInputKind.ROW_OF_A, 2);
    });

    it("rejects a word index beyond the result", async function () {
      await expect(harness.requireResultWord({ ...word, wordIndex: 210 }))
        .to.be.revertedWithCustomError(harness, "WordIndexOutOfRange")
        .withArgs(210, 210);
    });

    it("rejects a padded last chunk", async function () {
      const padded = new Uint8Array(RESULT_CHUNK_WORDS * 4);
      padded.set(lastChunk.chunk);
      await expect(harness.requireResultWord({ ...word, chunk: padded }))
        .to.be.revertedWithCustomError(harness, "ResultChunkLengthMismatch")
        .withArgs(1, (210 - RESULT_CHUNK_WORDS) * 4, RESULT_CHUNK_WORDS * 4);
    });

    it("rejects a chunk that is not in the tree", async function () {
      await expect(harness.requireResultWord({ ...word, chunk: flipByte(lastChunk.chunk, 5) }))
        .to.be.revertedWithCustomError(harness, "ResultChunkNotInTree")
        .withArgs(result.root, 1);
    });

    it("returns the committed word, read as int32 for matmul-i8", async function () {
      const value = await harness.requireResultWord(word);
      expect(int32Of(value)).to.equal(2 * -128 * 127);
    });
  });

  describe("locates the struct of an ABI-encoded fraud proof by its head", function () {
    const coder = AbiCoder.defaultAbiCoder();
    const headWord = (head: bigint) => coder.encode(["uint256"], [head]);

    it("finds the struct of abi.encode(struct) right after its 32-byte head", async function () {
      const encoded = coder.encode(["tuple(uint256,bytes)"], [[7, "0x0102"]]);
      expect(await harness.encodedStructHead(encoded)).to.equal(32n);
    });

    it("accepts a proof of exactly 32 bytes whose head points inside it and rejects one of 31 bytes", async function () {
      expect(await harness.encodedStructHead(headWord(0n))).to.equal(0n);
      expect(await harness.encodedStructHead(headWord(31n))).to.equal(31n);
      await expect(harness.encodedStructHead(headWord(0n).slice(0, 2 + 31 * 2)))
        .to.be.revertedWithCustomError(harness, "MalformedProof")
        .withArgs(31);
    });

    it("accepts a head one byte before the end of the proof and rejects a head at or past its end", async function () {
      const tail = "00".repeat(32);
      expect(await harness.encodedStructHead(headWord(63n) + tail)).to.equal(63n);
      for (const head of [64n, 65n, 2n ** 256n - 1n]) {
        await expect(harness.encodedStructHead(headWord(head) + tail))
          .to.be.revertedWithCustomError(harness, "MalformedProof")
          .withArgs(64);
      }
      await expect(harness.encodedStructHead(headWord(32n)))
        .to.be.revertedWithCustomError(harness, "MalformedProof")
        .withArgs(32);
    });
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import fc from "fast-check";
import { randomBytes } from "ethers";

import {
  type BisectionStep,
  childNode,
  childToDispute,
  chunkIndexOfNode,
  isLeafNode,
  leafCountOf,
  proofFromSteps,
  revealedChildren,
} from "../../src/commitments/bisection";
import { resultChunkLeafHash } from "../../src/commitments/leaves";
import { verifyMerkleProof } from "../../src/commitments/merkle";
import { RESULT_CHUNK_BYTES, RESULT_CHUNK_WORDS, ResultTree } from "../../src/commitments/result-tree";
import { OutputKeeper } from "../../src/provider/outputs";
import { casesFor } from "../helpers/coverage";

/** Plays the bisection of `committed` against `correct` from the root; the steps and the leaf reached. */
function play(committed: ResultTree, correct: ResultTree): { steps: BisectionStep[]; node: number } {
  const leaves = leafCountOf(committed.wordCount);
  const steps: BisectionStep[] = [];
  let node = 0;
  while (!isLeafNode(node, leaves)) {
    const revealed = revealedChildren(committed, node);
    const disputedRight = childToDispute(correct, node, revealed);
    if (disputedRight === undefined) throw new Error(`both children of node ${node} are correct`);
    steps.push({ node, ...revealed, disputedRight });
    node = childNode(node, disputedRight);
  }
  return { steps, node };
}

/** An output of `words` random words and a copy with the words of chunk `wrongChunk` changed. */
function outputs(words: number, wrongChunk: number): { correct: Uint8Array; committed: Uint8Array } {
  const correct = randomBytes(words * 4);
  const committed = Uint8Array.from(correct);
  const start = wrongChunk * RESULT_CHUNK_BYTES;
  committed[start] ^= 0xff;
  return { correct, committed };
}

describe("The withheld-data bisection off-chain", function () {
  it("lays leaves out as the contract does: chunk i is node 2L - 2 - i, and the last chunk may be short", function () {
    expect(leafCountOf(1)).to.equal(1);
    expect(leafCountOf(RESULT_CHUNK_WORDS)).to.equal(1);
    expect(leafCountOf(RESULT_CHUNK_WORDS + 1)).to.equal(2);
    const tree = new ResultTree(randomBytes(5 * RESULT_CHUNK_BYTES - 8));
    const leaves = tree.chunkCount;
    for (let chunk = 0; chunk < leaves; chunk++) {
      const node = 2 * leaves - 2 - chunk;
      expect(isLeafNode(node, leaves)).to.equal(true);
      expect(chunkIndexOfNode(node, leaves)).to.equal(chunk);
      const leaf = resultChunkLeafHash(chunk, tree.chunk(chunk));
      expect(tree.node(node)).to.equal("0x" + Buffer.from(leaf).toString("hex"));
    }
    expect(isLeafNode(leaves - 2, leaves)).to.equal(false);
    expect(() => tree.node(2 * leaves - 1)).to.throw(RangeError, "outside");
  });

  it("reaches the one wrong chunk from the root, wherever it is, and the steps are its Merkle proof", function () {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 * RESULT_CHUNK_WORDS })
          .chain((words) => fc.tuple(fc.constant(words), fc.integer({ min: 0, max: leafCountOf(words) - 1 }))),
        ([words, wrongChunk]) => {
          const { correct, committed } = outputs(words, wrongChunk);
          const provider = new ResultTree(committed);
          const { steps, node } = play(provider, new ResultTree(correct));
          const leaves = provider.chunkCount;
          expect(chunkIndexOfNode(node, leaves)).to.equal(wrongChunk);
          const leaf = resultChunkLeafHash(wrongChunk, provider.chunk(wrongChunk));
          expect(verifyMerkleProof(provider.root, "0x" + Buffer.from(leaf).toString("hex"), proofFromSteps(steps))).to
            .be.true;
          expect(proofFromSteps(steps)).to.deep.equal(provider.chunkProof(wrongChunk));
        },
      ),
      { numRuns: casesFor(200, 30), seed: 20261202 },
    );
  });

  it("finds nothing to dispute below a correct node", function () {
    const tree = new ResultTree(randomBytes(4 * RESULT_CHUNK_BYTES));
    expect(childToDispute(tree, 0, revealedChildren(tree, 0))).to.equal(undefined);
  });

  it("disputes the right child, the earlier chunks, when both children are wrong", function () {
    const tree = new ResultTree(randomBytes(4 * RESULT_CHUNK_BYTES));
    const swapped = { left: revealedChildren(tree, 0).right, right: revealedChildren(tree, 0).left };
    expect(childToDispute(tree, 0, swapped)).to.equal(true);
  });
});

describe("OutputKeeper", function () {
  it("keeps an output beside the state file, reads it back, and forgets it", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-outputs-"));
    const keeper = OutputKeeper.besideState(path.join(dir, "state.json"));
    expect(keeper.directory).to.equal(path.join(dir, "outputs"));
    expect(keeper.read(7n)).to.equal(undefined);
    const output = randomBytes(1000);
    keeper.keep(7n, output);
    expect(keeper.read(7n)).to.deep.equal(output);
    expect(fs.readdirSync(keeper.directory)).to.deep.equal(["job-7.bin"]);
    keeper.forget(7n);
    keeper.forget(7n);
    expect(keeper.read(7n)).to.equal(undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

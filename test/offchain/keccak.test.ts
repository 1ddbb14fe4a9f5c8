import { expect } from "chai";
import { SimpleMerkleTree, StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { hexlify, keccak256, randomBytes } from "ethers";

import { keccak256Bytes } from "../../src/commitments/keccak";
import { headerAndBytesLength, resultChunkLeafHash, resultChunkLeafMessages } from "../../src/commitments/leaves";
import { MerkleTree, standardLeafHash } from "../../src/commitments/merkle";
import { RESULT_CHUNK_BYTES, ResultTree } from "../../src/commitments/result-tree";

/** Keccak-256's rate: messages of 135, 136 and 137 bytes end just before, on and after a block boundary. */
const RATE = 136;

describe("keccak256 in WebAssembly (commitments/keccak.wat)", function () {
  it("hashes every length from 0 to 300 bytes, and across block boundaries, as ethers does", function () {
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 2 * RATE - 1, 2 * RATE, 2 * RATE + 1, 5000];
    for (const length of lengths) {
      const message = randomBytes(length);
      expect(hexlify(keccak256Bytes(message)), `${length} bytes`).to.equal(keccak256(message));
    }
  });

  it("hashes a message whose bytes are all 0xff (padding that meets set bits)", function () {
    for (const length of [RATE - 1, RATE, RATE + 1]) {
      const message = new Uint8Array(length).fill(0xff);
      expect(hexlify(keccak256Bytes(message))).to.equal(keccak256(message));
    }
  });

  it("hashes a batch of leaves as keccak256(keccak256(message)), each at its leaf's node", function () {
    const chunks = Array.from({ length: 9 }, (_, i) => randomBytes(i === 8 ? 20 : 64));
    const runs = [
      resultChunkLeafMessages(0, 8, 64, (i) => chunks[i]),
      resultChunkLeafMessages(8, 1, 20, (i) => chunks[i]),
    ];
    const tree = MerkleTree.fromLeafMessages(runs);
    chunks.forEach((chunk, i) => {
      const expected = keccak256(keccak256(abiEncoded(i, chunk)));
      expect(tree.leafHash(i)).to.equal(expected);
      expect(hexlify(resultChunkLeafHash(i, chunk))).to.equal(expected);
    });
    expect(headerAndBytesLength(1, 20)).to.equal(128);
  });

  it("builds the root and proofs OpenZeppelin's SimpleMerkleTree builds, from messages and from leaf hashes", function () {
    for (const leafCount of [1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 32, 33, 100, 1025, 2500]) {
      const messages = Array.from({ length: leafCount }, () => randomBytes(96));
      const leafHashes = messages.map((message) => standardLeafHash(message));
      const theirs = SimpleMerkleTree.of(leafHashes.map(hexlify), { sortLeaves: false });
      const fromMessages = MerkleTree.fromLeafMessages([
        { count: leafCount, length: 96, write: (target, i) => target.set(messages[i]) },
      ]);
      const fromHashes = MerkleTree.fromLeafHashes(leafHashes);
      for (const ours of [fromMessages, fromHashes]) {
        expect(ours.root, `${leafCount} leaves`).to.equal(theirs.root);
        for (const i of [0, Math.floor(leafCount / 2), leafCount - 1]) {
          expect(ours.proof(i)).to.deep.equal(theirs.getProof(i));
        }
      }
    }
  });

  it("builds the result tree OpenZeppelin's StandardMerkleTree builds over (uint256 chunkIndex, bytes chunk) leaves", function () {
    for (const words of [1, 127, 128, 129, 1000, 4096]) {
      const output = randomBytes(4 * words);
      const chunks = Array.from({ length: Math.ceil(output.length / RESULT_CHUNK_BYTES) }, (_, i) => [
        i,
        hexlify(output.subarray(i * RESULT_CHUNK_BYTES, (i + 1) * RESULT_CHUNK_BYTES)),
      ]);
      const theirs = StandardMerkleTree.of(chunks, ["uint256", "bytes"], { sortLeaves: false });
      const ours = new ResultTree(output);
      expect(ours.root, `${words} words`).to.equal(theirs.root);
    }
  });

  it("gives the same tree whatever was left in the kernel's memory by a larger tree", function () {
    const messages = Array.from({ length: 5 }, () => randomBytes(40));
    const build = () =>
      MerkleTree.fromLeafMessages([{ count: 5, length: 40, write: (target, i) => target.set(messages[i]) }]).root;
    const before = build();
    MerkleTree.fromLeafMessages([{ count: 3000, length: 700, write: (target) => target.fill(0xab) }]);
    expect(build()).to.equal(before);
  });

  it("refuses a tree without leaves and leaf hashes that are not 32 bytes", function () {
    expect(() => MerkleTree.fromLeafHashes([])).to.throw(RangeError, "at least one leaf");
    expect(() => MerkleTree.fromLeafMessages([])).to.throw(RangeError, "at least one leaf");
    expect(() => MerkleTree.fromLeafHashes([randomBytes(31)])).to.throw(RangeError, "31 bytes");
  });
});

/** abi.encode(uint256 chunkIndex, bytes chunk), written out independently of leaves.ts. */
function abiEncoded(chunkIndex: number, chunk: Uint8Array): Uint8Array {
  const padded = Math.ceil(chunk.length / 32) * 32;
  const out = new Uint8Array(96 + padded);
  out[31] = chunkIndex;
  out[63] = 64;
  out[95] = chunk.length;
  out.set(chunk, 96);
  return out;
}

/**
 * Result commitment shared by every workload whose output is a sequence of 32-bit big-endian words
 * (matmul-i8's C, mandelbrot-q's iteration counts): the words in order, cut into chunks of
 * RESULT_CHUNK_WORDS; the last chunk holds the remainder and is NOT padded. Leaf = (chunk index, chunk bytes).
 *
 * 128 words (512 bytes) per chunk: measured, the 2048x2048 root takes ~2.4 s with 128 and ~3.7 s with 64
 * (hashing overhead per leaf), with no gain from 256; a dispute's calldata stays at half a kilobyte.
 */
import { WORD_BYTES } from "../workloads/words";
import { resultChunkLeafMessages } from "./leaves";
import { MerkleTree } from "./merkle";

export const RESULT_CHUNK_WORDS = 128;
export const RESULT_CHUNK_BYTES = RESULT_CHUNK_WORDS * WORD_BYTES;

/** What a dispute about one output word carries: the chunk that holds it and its proof. */
export interface ResultWordProof {
  readonly wordIndex: number;
  readonly chunkIndex: number;
  readonly chunk: Uint8Array;
  readonly proof: string[];
}

export class ResultTree {
  private readonly tree: MerkleTree;

  /** Builds the tree from the serialized output (4 bytes per word). */
  constructor(private readonly output: Uint8Array) {
    if (output.length === 0 || output.length % WORD_BYTES !== 0) {
      throw new RangeError(`a result must be a non-empty sequence of 4-byte words, got ${output.length} bytes`);
    }
    // The full chunks, then the shorter last chunk if there is one: each run's messages have one length.
    const fullChunks = Math.floor(output.length / RESULT_CHUNK_BYTES);
    const lastBytes = output.length - fullChunks * RESULT_CHUNK_BYTES;
    const chunkOf = (chunkIndex: number) => this.chunk(chunkIndex);
    const runs = [resultChunkLeafMessages(0, fullChunks, RESULT_CHUNK_BYTES, chunkOf)];
    if (lastBytes > 0) runs.push(resultChunkLeafMessages(fullChunks, 1, lastBytes, chunkOf));
    this.tree = MerkleTree.fromLeafMessages(runs.filter((run) => run.count > 0));
  }

  get root(): string {
    return this.tree.root;
  }

  get wordCount(): number {
    return this.output.length / WORD_BYTES;
  }

  get chunkCount(): number {
    return this.tree.leafCount;
  }

  chunk(chunkIndex: number): Uint8Array {
    return this.output.subarray(chunkIndex * RESULT_CHUNK_BYTES, (chunkIndex + 1) * RESULT_CHUNK_BYTES);
  }

  /** The hash of node `position` of the tree (see commitments/bisection.ts for the layout). */
  node(position: number): string {
    return this.tree.node(position);
  }

  chunkProof(chunkIndex: number): string[] {
    return this.tree.proof(chunkIndex);
  }

  /** Proof for output word `wordIndex` (for matmul-i8, C[i][j] is word i * n + j). */
  wordProof(wordIndex: number): ResultWordProof {
    if (!Number.isInteger(wordIndex) || wordIndex < 0 || wordIndex >= this.wordCount) {
      throw new RangeError(`word index ${wordIndex} is outside [0, ${this.wordCount})`);
    }
    const chunkIndex = Math.floor(wordIndex / RESULT_CHUNK_WORDS);
    return { wordIndex, chunkIndex, chunk: this.chunk(chunkIndex), proof: this.chunkProof(chunkIndex) };
  }
}

/**
 * Evidence for a dispute, checked against the committed roots before it leaves this module: the proofs are
 * verified with OpenZeppelin's verifier, the same rule the on-chain MerkleProof applies, so a finding never
 * carries a proof that would fail on-chain. A failed self-check is a bug here and throws.
 */
import { hexlify } from "ethers";

import { matmulInputLeafHash, resultChunkLeafHash } from "../../commitments/leaves";
import type { MatmulInputTree, MatmulInputVectorProof } from "../../commitments/matmul-inputs";
import { verifyMerkleProof } from "../../commitments/merkle";
import type { ResultTree } from "../../commitments/result-tree";
import type { ChunkEvidence, VectorEvidence } from "../verdict";

export class EvidenceSelfCheckError extends Error {
  constructor(what: string, root: string) {
    super(`the proof of ${what} does not verify against ${root}; refusing to build evidence that would fail`);
    this.name = "EvidenceSelfCheckError";
  }
}

function requireProof(what: string, root: string, leafHash: Uint8Array, proof: readonly string[]): void {
  if (!verifyMerkleProof(root, hexlify(leafHash), proof)) throw new EvidenceSelfCheckError(what, root);
}

/** Chunk `chunkIndex` of `tree` with its proof, verified against `resultRoot`. */
export function chunkEvidence(tree: ResultTree, chunkIndex: number, resultRoot: string): ChunkEvidence {
  const chunk = tree.chunk(chunkIndex);
  const proof = tree.chunkProof(chunkIndex);
  requireProof(`result chunk ${chunkIndex}`, resultRoot, resultChunkLeafHash(chunkIndex, chunk), proof);
  return { chunkIndex, chunk: hexlify(chunk), proof };
}

/** The chunk holding output word `wordIndex`, verified against `resultRoot`. */
export function wordEvidence(tree: ResultTree, wordIndex: number, resultRoot: string): ChunkEvidence {
  return chunkEvidence(tree, tree.wordProof(wordIndex).chunkIndex, resultRoot);
}

function vectorEvidence(vector: MatmulInputVectorProof, inputRoot: string, what: string): VectorEvidence {
  requireProof(what, inputRoot, matmulInputLeafHash(vector.kind, vector.index, vector.vector), vector.proof);
  return { index: vector.index, vector: hexlify(vector.vector), proof: vector.proof };
}

/** Row `row` of A, verified against `inputRoot`. */
export function rowOfAEvidence(tree: MatmulInputTree, row: number, inputRoot: string): VectorEvidence {
  return vectorEvidence(tree.rowProof(row), inputRoot, `row ${row} of A`);
}

/** Column `col` of B, verified against `inputRoot`. */
export function columnOfBEvidence(tree: MatmulInputTree, col: number, inputRoot: string): VectorEvidence {
  return vectorEvidence(tree.columnProof(col), inputRoot, `column ${col} of B`);
}

/** The two input vectors element (row, col) of a matmul-i8 product is computed from, verified against `inputRoot`. */
export function matmulOperandEvidence(
  tree: MatmulInputTree,
  row: number,
  col: number,
  inputRoot: string,
): { rowOfA: VectorEvidence; columnOfB: VectorEvidence } {
  return { rowOfA: rowOfAEvidence(tree, row, inputRoot), columnOfB: columnOfBEvidence(tree, col, inputRoot) };
}

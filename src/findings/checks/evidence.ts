/**
 * Evidence for a dispute, checked against the committed roots before it leaves this module: the proofs are
 * verified with OpenZeppelin's verifier, the same rule the on-chain MerkleProof applies, so a finding never
 * carries a proof that would fail on-chain. A failed self-check is a bug here and throws.
 */
import { concat, getBytes, hexlify } from "ethers";

import { matmulInputLeafHash, mlpLeafHash, resultChunkLeafHash } from "../../commitments/leaves";
import type { MatmulInputTree, MatmulInputVectorProof } from "../../commitments/matmul-inputs";
import { verifyMerkleProof } from "../../commitments/merkle";
import { type MlpInputProof, MlpInputTree } from "../../commitments/mlp-inputs";
import { RESULT_CHUNK_BYTES, RESULT_CHUNK_WORDS, type ResultTree } from "../../commitments/result-tree";
import type { MlpJobInputs } from "../../workloads/mlp-i8/codec";
import { mlpOutputLayout } from "../../workloads/mlp-i8/layout";
import type { MlpParams } from "../../workloads/mlp-i8/network";
import type { ChunkEvidence, LayerInputEvidence, UnitEvidence, VectorEvidence } from "../verdict";

export class EvidenceSelfCheckError extends Error {
  constructor(what: string, root: string) {
    super(`the proof of ${what} does not verify against ${root}; refusing to build evidence that would fail`);
    this.name = "EvidenceSelfCheckError";
  }
}

function requireProof(what: string, root: string, leafHash: Uint8Array, proof: readonly string[]): void {
  if (!verifyMerkleProof(root, hexlify(leafHash), proof)) throw new EvidenceSelfCheckError(what, root);
}

/** Result chunks with their proofs: a whole ResultTree, or what a challenger knows of a withheld result. */
export type ResultChunks = Pick<ResultTree, "chunk" | "chunkProof">;

/** Chunk `chunkIndex` of `tree` with its proof, verified against `resultRoot`. */
export function chunkEvidence(tree: ResultChunks, chunkIndex: number, resultRoot: string): ChunkEvidence {
  const chunk = tree.chunk(chunkIndex);
  const proof = tree.chunkProof(chunkIndex);
  requireProof(`result chunk ${chunkIndex}`, resultRoot, resultChunkLeafHash(chunkIndex, chunk), proof);
  return { chunkIndex, chunk: hexlify(chunk), proof };
}

/** The chunk holding output word `wordIndex`, verified against `resultRoot`. */
export function wordEvidence(tree: ResultChunks, wordIndex: number, resultRoot: string): ChunkEvidence {
  return chunkEvidence(tree, Math.floor(wordIndex / RESULT_CHUNK_WORDS), resultRoot);
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

const WORD_BYTES = 4;
const NO_INPUT: LayerInputEvidence = { firstChunk: 0, data: "0x", proofs: [] };
const NO_UNIT: UnitEvidence = { data: "0x", proof: [] };

function mlpInputEvidence(proof: MlpInputProof, inputRoot: string, what: string): { data: string; proof: string[] } {
  requireProof(what, inputRoot, mlpLeafHash(proof.header, proof.data), proof.proof);
  return { data: hexlify(proof.data), proof: proof.proof };
}

/** The output word of an mlp-i8 value (see MlpI8Checker's FraudProof). */
export function mlpWordIndex(
  params: MlpParams,
  value: { layer: number; element: number; accumulator: boolean },
): number {
  const layout = mlpOutputLayout(params);
  if (value.layer === params.layers.length) return layout.valueWords + value.element;
  const at = layout.layers[value.layer];
  return value.accumulator ? at.accWord + value.element : at.actWord + Math.floor(value.element / WORD_BYTES);
}

/**
 * Everything MlpI8Checker needs to recompute value `element` of layer `layer`, verified against the job's roots: the
 * word's chunk, the unit's bias and weights, and the layer's input row (the batch row for the first layer, the
 * result chunks holding the previous layer's activations for the others). A padding value needs neither input nor
 * unit.
 */
export function mlpValueEvidence(
  params: MlpParams,
  inputs: MlpJobInputs,
  result: ResultChunks,
  value: { layer: number; element: number; accumulator: boolean },
  roots: { inputRoot: string; resultRoot: string },
): { wordIndex: number; input: LayerInputEvidence; unit: UnitEvidence; result: ChunkEvidence } {
  const wordIndex = mlpWordIndex(params, value);
  const word = wordEvidence(result, wordIndex, roots.resultRoot);
  const { layer, element } = value;
  const layout = mlpOutputLayout(params);
  const at = layout.layers[layer] as (typeof layout.layers)[number] | undefined;
  if (at === undefined || element >= params.batch * at.outputs) {
    return { wordIndex, input: NO_INPUT, unit: NO_UNIT, result: word };
  }
  const item = Math.floor(element / at.outputs);
  const unitIndex = element % at.outputs;
  const tree = new MlpInputTree(inputs);
  const unit = mlpInputEvidence(
    tree.unitProof(layer, unitIndex),
    roots.inputRoot,
    `unit ${unitIndex} of layer ${layer}`,
  );
  if (layer === 0) {
    const row = mlpInputEvidence(tree.inputRowProof(item), roots.inputRoot, `batch row ${item}`);
    return { wordIndex, input: { firstChunk: 0, data: row.data, proofs: [row.proof] }, unit, result: word };
  }
  const startByte = layout.layers[layer - 1].actWord * WORD_BYTES + item * at.inputs;
  const firstChunk = Math.floor(startByte / RESULT_CHUNK_BYTES);
  const lastChunk = Math.floor((startByte + at.inputs - 1) / RESULT_CHUNK_BYTES);
  const chunks = Array.from({ length: lastChunk - firstChunk + 1 }, (_, i) =>
    chunkEvidence(result, firstChunk + i, roots.resultRoot),
  );
  const input = {
    firstChunk,
    data: hexlify(concatBytes(chunks.map((chunk) => chunk.chunk))),
    proofs: chunks.map((chunk) => chunk.proof),
  };
  return { wordIndex, input, unit: { data: unit.data, proof: unit.proof }, result: word };
}

function concatBytes(hexChunks: readonly string[]): Uint8Array {
  return getBytes(concat(hexChunks));
}

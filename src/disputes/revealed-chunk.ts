/**
 * After a withheld-data dispute the provider reveals one result chunk, proven against its result root. The chunk
 * is checked word by word against the reference; a wrong word becomes an ordinary fraud proof that uses the
 * revealed chunk and proof as they are.
 */
import { hexlify } from "ethers";

import { MatmulInputTree } from "../commitments/matmul-inputs";
import { type BisectionStep, proofFromKnownNodes } from "../commitments/bisection";
import { RESULT_CHUNK_BYTES, RESULT_CHUNK_WORDS, type ResultTree } from "../commitments/result-tree";
import { decodeMlpInputs } from "../workloads/mlp-i8/codec";
import { mlpOutputLayout } from "../workloads/mlp-i8/layout";
import { MLP_I8_NAME, type MlpParams } from "../workloads/mlp-i8/network";
import { escapeIterations } from "../workloads/mandelbrot-q/tile";
import { decodeMatmulInputs } from "../workloads/matmul-i8/codec";
import { multiplyRowsI8 } from "../workloads/matmul-i8/multiply";
import type { DecodedJob } from "../workloads/registry";
import { WORD_BYTES } from "../workloads/words";
import { matmulOperandEvidence, mlpValueEvidence, type ResultChunks } from "../findings/checks/evidence";
import type { MlpFault } from "../findings/checks/mlp";
import type { ChunkEvidence, FindingBase, ProofFinding, WrongValueFinding } from "../findings/verdict";

/** What the challenger knows beside the revealed chunk: the correct output's tree and the game's steps. */
export interface BisectionContext {
  readonly correct: ResultTree;
  readonly steps: readonly BisectionStep[];
}

/** The first wrong word of a revealed chunk as a fraud-proof finding, or undefined if every word is right. */
export function checkRevealedChunk(
  base: FindingBase,
  job: DecodedJob,
  inputs: Uint8Array,
  revealed: ChunkEvidence,
  context: BisectionContext,
): ProofFinding | undefined {
  const bytes = Uint8Array.from(Buffer.from(revealed.chunk.slice(2), "hex"));
  const view = new DataView(bytes.buffer);
  const first = revealed.chunkIndex * RESULT_CHUNK_WORDS;
  const words = bytes.length / WORD_BYTES;

  if (job.name === MLP_I8_NAME) return checkRevealedMlpChunk(base, job.params, inputs, revealed, bytes, context);

  if (job.name === "mandelbrot-q") {
    const { x0, y0, step, width, maxIter } = job.params;
    for (let w = 0; w < words; w++) {
      const pixelIndex = first + w;
      const [x, y] = [pixelIndex % width, Math.floor(pixelIndex / width)];
      const claimed = view.getUint32(w * WORD_BYTES);
      const correct = escapeIterations(x0 + x * step, y0 + y * step, maxIter);
      if (claimed !== correct)
        return { ...base, kind: "wrong-pixel", pixelIndex, x, y, claimed, correct, result: revealed };
    }
    return undefined;
  }

  const operands = decodeMatmulInputs(job.params, inputs);
  const { n } = job.params;
  // The chunk's words are consecutive elements of C: the rows they span, multiplied in one pass.
  const firstRow = Math.floor(first / n);
  const product = multiplyRowsI8(operands, firstRow, Math.floor((first + words - 1) / n) + 1);
  for (let w = 0; w < words; w++) {
    const wordIndex = first + w;
    const [row, col] = [Math.floor(wordIndex / n), wordIndex % n];
    const claimed = view.getInt32(w * WORD_BYTES);
    const correct = product[wordIndex - firstRow * n];
    if (claimed === correct) continue;
    const tree = new MatmulInputTree(operands);
    return {
      ...base,
      kind: "wrong-element",
      row,
      col,
      wordIndex,
      claimed,
      correct,
      ...matmulOperandEvidence(tree, row, col, base.inputRoot),
      result: { ...revealed, chunk: hexlify(bytes) },
    };
  }
  return undefined;
}

/** Which value of an mlp-i8 output byte `byte` belongs to, with its claimed and correct values. */
function mlpValueAt(params: MlpParams, claimed: Uint8Array, correct: Uint8Array, byte: number): MlpFault {
  const layout = mlpOutputLayout(params);
  const word = Math.floor(byte / WORD_BYTES);
  const int32At = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getInt32(word * WORD_BYTES);
  const int8At = (bytes: Uint8Array) => (bytes[byte] << 24) >> 24;
  for (const [layer, at] of layout.layers.entries()) {
    if (word >= at.accWord && word < at.actWord) {
      const element = word - at.accWord;
      return { layer, element, accumulator: true, claimed: int32At(claimed), correct: int32At(correct) };
    }
    if (word >= at.actWord && word < at.actWord + at.actWords) {
      const element = byte - at.actWord * WORD_BYTES;
      return { layer, element, accumulator: false, claimed: int8At(claimed), correct: int8At(correct) };
    }
  }
  const element = word - layout.valueWords;
  const uint32At = (bytes: Uint8Array) => int32At(bytes) >>> 0;
  return {
    layer: params.layers.length,
    element,
    accumulator: false,
    claimed: uint32At(claimed),
    correct: uint32At(correct),
  };
}

/**
 * mlp-i8: the first byte where the revealed chunk differs from the correct output names the wrong value. The game
 * ended at the first wrong chunk (commitments/bisection.ts), so the earlier chunks the value is computed from are
 * the correct ones, and their proofs in the provider's tree come from the correct tree and the revealed nodes.
 */
function checkRevealedMlpChunk(
  base: FindingBase,
  params: MlpParams,
  inputs: Uint8Array,
  revealed: ChunkEvidence,
  bytes: Uint8Array,
  context: BisectionContext,
): WrongValueFinding | undefined {
  const { correct, steps } = context;
  const correctChunk = correct.chunk(revealed.chunkIndex);
  const offset = bytes.findIndex((value, i) => value !== correctChunk[i]);
  if (offset === -1) return undefined;
  const start = revealed.chunkIndex * RESULT_CHUNK_BYTES;
  const claimedOutput = new Uint8Array(start + bytes.length);
  claimedOutput.set(bytes, start);
  const correctOutput = new Uint8Array(start + bytes.length);
  correctOutput.set(correctChunk, start);
  const fault = mlpValueAt(params, claimedOutput, correctOutput, start + offset);
  const known: ResultChunks = {
    chunk: (i) => (i === revealed.chunkIndex ? bytes : correct.chunk(i)),
    chunkProof: (i) => (i === revealed.chunkIndex ? revealed.proof : proofFromKnownNodes(correct, steps, i)),
  };
  return {
    ...base,
    kind: "wrong-value",
    ...fault,
    ...mlpValueEvidence(params, decodeMlpInputs(params, inputs), known, fault, base),
  };
}

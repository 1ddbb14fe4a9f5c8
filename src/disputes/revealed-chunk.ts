/**
 * After a withheld-data dispute the provider reveals one result chunk, proven against its result root. The chunk
 * is checked word by word against the reference; a wrong word becomes an ordinary fraud proof that uses the
 * revealed chunk and proof as they are.
 */
import { hexlify } from "ethers";

import { MatmulInputTree } from "../commitments/matmul-inputs";
import { RESULT_CHUNK_WORDS } from "../commitments/result-tree";
import { escapeIterations } from "../workloads/mandelbrot-q/tile";
import { decodeMatmulInputs } from "../workloads/matmul-i8/codec";
import { multiplyRowsI8 } from "../workloads/matmul-i8/multiply";
import type { DecodedJob } from "../workloads/registry";
import { WORD_BYTES } from "../workloads/words";
import { matmulOperandEvidence } from "../findings/checks/evidence";
import type { ChunkEvidence, FindingBase, WrongElementFinding, WrongPixelFinding } from "../findings/verdict";

/** The first wrong word of a revealed chunk as a fraud-proof finding, or undefined if every word is right. */
export function checkRevealedChunk(
  base: FindingBase,
  job: DecodedJob,
  inputs: Uint8Array,
  revealed: ChunkEvidence,
): WrongElementFinding | WrongPixelFinding | undefined {
  const bytes = Uint8Array.from(Buffer.from(revealed.chunk.slice(2), "hex"));
  const view = new DataView(bytes.buffer);
  const first = revealed.chunkIndex * RESULT_CHUNK_WORDS;
  const words = bytes.length / WORD_BYTES;

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

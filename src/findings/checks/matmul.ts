/**
 * matmul-i8: Freivalds' check (workloads/matmul-i8/freivalds.ts: exact arithmetic modulo the prime 2^32 - 5, 2 rounds,
 * false accept at most 2^-52 < 2^-40), O(mk + kn + mn) instead of O(mkn). On failure it recomputes the first row
 * it proved wrong, names that row's first wrong element, and builds the fraud proof: the row of A and the
 * column of B against the input root, and the chunk of C holding the element against the result root.
 */
import { MatmulInputTree } from "../../commitments/matmul-inputs";
import type { ResultTree } from "../../commitments/result-tree";
import { decodeMatmulInputs, decodeMatmulOutput } from "../../workloads/matmul-i8/codec";
import { freivaldsCheck, type FreivaldsOptions } from "../../workloads/matmul-i8/freivalds";
import type { MatmulShape } from "../../workloads/matmul-i8/shape";
import type { Verdict } from "../verdict";
import { type CheckInput, findingBase } from "./commitments";
import { matmulOperandEvidence, wordEvidence } from "./evidence";

export function checkMatmul(
  input: CheckInput,
  shape: MatmulShape,
  inputs: Uint8Array,
  output: { bytes: Uint8Array; tree: ResultTree },
  options: FreivaldsOptions = {},
): Verdict {
  const operands = decodeMatmulInputs(shape, inputs);
  const result = freivaldsCheck(operands, decodeMatmulOutput(shape, output.bytes), options);
  if (result.ok) return { verdict: "valid" };
  const { row, col, claimed, correct } = result.fault;
  // Built only now: a valid result never needs input proofs, and the root was already checked by inputRootOf.
  const inputTree = new MatmulInputTree(operands);
  const wordIndex = row * shape.n + col;
  return {
    verdict: "finding",
    finding: {
      ...findingBase(input),
      kind: "wrong-element",
      row,
      col,
      wordIndex,
      claimed,
      correct,
      ...matmulOperandEvidence(inputTree, row, col, input.inputRoot),
      result: wordEvidence(output.tree, wordIndex, input.resultRoot),
    },
  };
}

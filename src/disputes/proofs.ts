/**
 * What the DisputeManager's checkers read: fraud proofs ABI-encoded as each checker's FraudProof struct
 * (contracts/disputes/checkers), built from the verifier's findings; and the element a withheld-data dispute names.
 */
import { AbiCoder, encodeBytes32String, keccak256 } from "ethers";

import type {
  OutputMalformedFinding,
  OutputUnavailableFinding,
  ResultRootMismatchFinding,
  WrongElementFinding,
  WrongPixelFinding,
} from "../verifier/verdict";
import { RESULT_CHUNK_WORDS } from "../commitments/result-tree";
import { decodeJobParams, outputGrid } from "../workloads/registry";

/** MatmulI8Checker.FraudProof. */
export const MATMUL_FRAUD_PROOF =
  "tuple(uint256 row, uint256 col, bytes rowOfA, bytes32[] rowProof, bytes columnOfB, bytes32[] columnProof, bytes resultChunk, bytes32[] resultChunkProof)";
/** MandelbrotChecker.FraudProof. */
export const MANDELBROT_FRAUD_PROOF = "tuple(uint256 pixelIndex, bytes resultChunk, bytes32[] resultChunkProof)";

const coder = AbiCoder.defaultAbiCoder();

/** What a fraud proof carries of a finding that names one wrong output word. */
export type FraudProofFacts =
  | Pick<WrongElementFinding, "kind" | "row" | "col" | "rowOfA" | "columnOfB" | "result">
  | Pick<WrongPixelFinding, "kind" | "pixelIndex" | "result">;

/** The `proof` argument of disputeWithProof for a finding that names one wrong output word. */
export function encodeFraudProof(finding: FraudProofFacts): string {
  if (finding.kind === "wrong-element") {
    const { row, col, rowOfA, columnOfB, result } = finding;
    return coder.encode(
      [MATMUL_FRAUD_PROOF],
      [[row, col, rowOfA.vector, rowOfA.proof, columnOfB.vector, columnOfB.proof, result.chunk, result.proof]],
    );
  }
  return coder.encode([MANDELBROT_FRAUD_PROOF], [[finding.pixelIndex, finding.result.chunk, finding.result.proof]]);
}

/** Findings that go down the withheld-data path: no output matching the commitment can be had or used. */
export type WithheldFinding = OutputUnavailableFinding | ResultRootMismatchFinding | OutputMalformedFinding;

/**
 * The element a withheld-data dispute names. Unavailable or mismatching output: the first element of the chunk the
 * finding names. Output of the wrong size: the last element, whose chunk a result tree of another size either lacks
 * or holds with another length, so no valid reveal exists.
 */
export function withheldElement(finding: WithheldFinding): { row: number; col: number } {
  const job = decodeJobParams(encodeBytes32String(finding.workload), finding.params);
  const { rows, cols } = outputGrid(job);
  const word = finding.kind === "output-malformed" ? rows * cols - 1 : finding.chunkIndex * RESULT_CHUNK_WORDS;
  return { row: Math.floor(word / cols), col: word % cols };
}

/**
 * What a challenger commits to before revealing a fraud proof (IDisputeManager.proofCommitment): the proof bound to
 * the challenger and the job, so a copied commitment or proof earns anyone else nothing.
 */
export function proofCommitment(challenger: string, jobId: bigint, proof: string): string {
  return keccak256(coder.encode(["address", "uint256", "bytes32"], [challenger, jobId, keccak256(proof)]));
}

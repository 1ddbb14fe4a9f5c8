/**
 * What the DisputeManager's checkers read: fraud proofs ABI-encoded as each checker's FraudProof struct
 * (contracts/disputes/checkers), built from the verifier's findings; and the commitment the proof path commits first.
 */
import { AbiCoder, keccak256 } from "ethers";

import type { WrongElementFinding, WrongPixelFinding, WrongValueFinding } from "../findings/verdict";

/** MatmulI8Checker.FraudProof. */
export const MATMUL_FRAUD_PROOF =
  "tuple(uint256 row, uint256 col, bytes rowOfA, bytes32[] rowProof, bytes columnOfB, bytes32[] columnProof, bytes resultChunk, bytes32[] resultChunkProof)";
/** MlpI8Checker.FraudProof. */
export const MLP_FRAUD_PROOF =
  "tuple(uint256 layer, uint256 element, bool accumulator, bytes input, uint256 firstInputChunk, bytes32[][] inputProofs, bytes unit, bytes32[] unitProof, bytes resultChunk, bytes32[] resultChunkProof)";
/** MandelbrotChecker.FraudProof. */
export const MANDELBROT_FRAUD_PROOF = "tuple(uint256 pixelIndex, bytes resultChunk, bytes32[] resultChunkProof)";

const coder = AbiCoder.defaultAbiCoder();

/** What a fraud proof carries of a finding that names one wrong output word. */
export type FraudProofFacts =
  | Pick<WrongElementFinding, "kind" | "row" | "col" | "rowOfA" | "columnOfB" | "result">
  | Pick<WrongPixelFinding, "kind" | "pixelIndex" | "result">
  | Pick<WrongValueFinding, "kind" | "layer" | "element" | "accumulator" | "input" | "unit" | "result">;

/** The `proof` argument of revealProof for a finding that names one wrong output word. */
export function encodeFraudProof(finding: FraudProofFacts): string {
  if (finding.kind === "wrong-element") {
    const { row, col, rowOfA, columnOfB, result } = finding;
    return coder.encode(
      [MATMUL_FRAUD_PROOF],
      [[row, col, rowOfA.vector, rowOfA.proof, columnOfB.vector, columnOfB.proof, result.chunk, result.proof]],
    );
  }
  if (finding.kind === "wrong-value") {
    const { layer, element, accumulator, input, unit, result } = finding;
    return coder.encode(
      [MLP_FRAUD_PROOF],
      [
        [
          layer,
          element,
          accumulator,
          input.data,
          input.firstChunk,
          input.proofs,
          unit.data,
          unit.proof,
          result.chunk,
          result.proof,
        ],
      ],
    );
  }
  return coder.encode([MANDELBROT_FRAUD_PROOF], [[finding.pixelIndex, finding.result.chunk, finding.result.proof]]);
}

/**
 * What a challenger commits to before revealing a fraud proof (IDisputeManager.proofCommitment): the proof bound to
 * the challenger and the job, so a copied commitment or proof earns anyone else nothing.
 */
export function proofCommitment(challenger: string, jobId: bigint, proof: string): string {
  return keccak256(coder.encode(["address", "uint256", "bytes32"], [challenger, jobId, keccak256(proof)]));
}

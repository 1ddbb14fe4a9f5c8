/**
 * The floor of the proof path, commitProof and then revealProof a block later, by the model of floor.ts: each
 * transaction's floor from its own calldata, as sent, and the work it must do. For revealProof the calldata decides:
 * the fraud proof carries row i of A and column j of B (k bytes each, almost all nonzero) with their Merkle proofs, and
 * under EIP-7623 a transaction pays at least 21,000 + 10 per calldata token (4 tokens a nonzero byte), however little
 * it executes. For commitProof the work decides: the job frozen, the dispute recorded, the bond taken.
 */
import { EVM, REQUIRED, calldataGas, floorGas } from "./floor";

export interface ProofPathFloor {
  /** commitProof's floor: its calldata and its required work. */
  readonly commit: number;
  /** revealProof's floor: the larger of its calldata and required work, and its EIP-7623 calldata floor. */
  readonly reveal: number;
  /** revealProof's EIP-7623 calldata floor alone: what it pays however little it executes. */
  readonly revealCalldata: number;
  /** commit + reveal. */
  readonly path: number;
}

/** The floors of a proof path whose two transactions sent `commitCalldata` and `revealCalldata` (0x-prefixed). */
export function proofPathFloor(commitCalldata: string, revealCalldata: string): ProofPathFloor {
  const commit = floorGas(commitCalldata, REQUIRED.commitProof());
  const reveal = floorGas(revealCalldata, REQUIRED.revealProof());
  return { commit, reveal, revealCalldata: EVM.txBase + calldataGas(revealCalldata).floor, path: commit + reveal };
}

/**
 * matmul-i8 input commitment: one leaf per row of A (leaf index i, kind ROW_OF_A) then one per column of
 * B (leaf index m + j, kind COLUMN_OF_B); each leaf holds the k int8 values of its vector, so the on-chain
 * checker gets exactly the two vectors whose dot product is C[i][j].
 */
import { decodeMatmulInputs } from "../workloads/matmul-i8/codec";
import type { MatmulOperands, MatmulShape } from "../workloads/matmul-i8/shape";
import { validateMatmulOperands } from "../workloads/matmul-i8/shape";
import { MatmulInputKind, matmulInputLeafHash } from "./leaves";
import { MerkleTree } from "./merkle";

/** One input vector with what proves it. */
export interface MatmulInputVectorProof {
  readonly kind: MatmulInputKind;
  readonly index: number;
  /** k int8 values as bytes (two's complement). */
  readonly vector: Uint8Array;
  readonly proof: string[];
}

export class MatmulInputTree {
  private readonly tree: MerkleTree;
  private readonly rows: Uint8Array[] = [];
  private readonly columns: Uint8Array[] = [];

  constructor(operands: MatmulOperands) {
    validateMatmulOperands(operands);
    const { shape, a, b } = operands;
    const { m, k, n } = shape;
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < m; i++) {
      this.rows.push(new Uint8Array(a.buffer, a.byteOffset + i * k, k));
      leaves.push(matmulInputLeafHash(MatmulInputKind.ROW_OF_A, i, this.rows[i]));
    }
    for (let j = 0; j < n; j++) {
      const column = new Uint8Array(k);
      for (let p = 0; p < k; p++) column[p] = b[p * n + j];
      this.columns.push(column);
      leaves.push(matmulInputLeafHash(MatmulInputKind.COLUMN_OF_B, j, column));
    }
    this.tree = new MerkleTree(leaves);
  }

  /** The tree over serialized inputs (A then B, see workloads/matmul-i8/codec.ts). */
  static fromBytes(shape: MatmulShape, inputs: Uint8Array): MatmulInputTree {
    return new MatmulInputTree(decodeMatmulInputs(shape, inputs));
  }

  get root(): string {
    return this.tree.root;
  }

  rowProof(i: number): MatmulInputVectorProof {
    return { kind: MatmulInputKind.ROW_OF_A, index: i, vector: this.rows[i], proof: this.tree.proof(i) };
  }

  columnProof(j: number): MatmulInputVectorProof {
    const leafIndex = this.rows.length + j;
    return { kind: MatmulInputKind.COLUMN_OF_B, index: j, vector: this.columns[j], proof: this.tree.proof(leafIndex) };
  }
}

/**
 * matmul-i8 input commitment: one leaf per row of A (leaf index i, kind ROW_OF_A) then one per column of
 * B (leaf index m + j, kind COLUMN_OF_B); each leaf holds the k int8 values of its vector, so the on-chain
 * checker gets exactly the two vectors whose dot product is C[i][j].
 */
import { decodeMatmulInputs } from "../workloads/matmul-i8/codec";
import type { MatmulOperands, MatmulShape } from "../workloads/matmul-i8/shape";
import { validateMatmulOperands } from "../workloads/matmul-i8/shape";
import { MatmulInputKind, matmulInputLeafMessages } from "./leaves";
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

  constructor(private readonly operands: MatmulOperands) {
    validateMatmulOperands(operands);
    const { m, k, n } = operands.shape;
    // Vectors are written straight into the tree builder's memory, columns read out of B on the way.
    this.tree = MerkleTree.fromLeafMessages(
      [
        matmulInputLeafMessages(MatmulInputKind.ROW_OF_A, m, k, (into, i) => into.set(this.row(i))),
        matmulInputLeafMessages(MatmulInputKind.COLUMN_OF_B, n, k, (into, j) => this.writeColumn(into, j)),
      ].filter((run) => run.count > 0),
    );
  }

  /** The tree over serialized inputs (A then B, see workloads/matmul-i8/codec.ts). */
  static fromBytes(shape: MatmulShape, inputs: Uint8Array): MatmulInputTree {
    return new MatmulInputTree(decodeMatmulInputs(shape, inputs));
  }

  get root(): string {
    return this.tree.root;
  }

  rowProof(i: number): MatmulInputVectorProof {
    return { kind: MatmulInputKind.ROW_OF_A, index: i, vector: this.row(i), proof: this.tree.proof(i) };
  }

  columnProof(j: number): MatmulInputVectorProof {
    const { m, k } = this.operands.shape;
    const column = new Uint8Array(k);
    this.writeColumn(column, j);
    return { kind: MatmulInputKind.COLUMN_OF_B, index: j, vector: column, proof: this.tree.proof(m + j) };
  }

  /** Row i of A as bytes (two's complement), a view of A. */
  private row(i: number): Uint8Array {
    const { shape, a } = this.operands;
    return new Uint8Array(a.buffer, a.byteOffset + i * shape.k, shape.k);
  }

  /** Column j of B as bytes into `into` (k bytes). */
  private writeColumn(into: Uint8Array, j: number): void {
    const { shape, b } = this.operands;
    const { k, n } = shape;
    // Int8 values stored into a Uint8Array wrap to their two's complement byte.
    for (let p = 0; p < k; p++) into[p] = b[p * n + j];
  }
}

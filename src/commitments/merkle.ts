/**
 * Merkle trees in OpenZeppelin's standard shape, so OZ `MerkleProof.verify(Calldata)` accepts our proofs
 * on-chain and `SimpleMerkleTree.verify` accepts them off-chain:
 *  - leaf hash = keccak256(keccak256(abi-encoded leaf))  (double hashing: a leaf can never pass for a node)
 *  - node hash = keccak256(min(a, b) ++ max(a, b))        (sorted pairs: proofs need no left/right bits)
 *  - layout: OZ's complete binary tree in an array, leaf i at position 2L - 2 - i, leaves not sorted
 *    (OZ's `sortLeaves: false`), so a leaf's position is its index.
 *
 * Why not build with @openzeppelin/merkle-tree itself: it keeps every node as a hex string and
 * re-encodes each leaf, and measured 18 s (StandardMerkleTree) and 2.2 s for the nodes alone
 * (SimpleMerkleTree, 32768 leaves) on the 2048x2048 result; this builder keeps nodes in one byte array.
 * Equality with SimpleMerkleTree is asserted by the tests.
 */
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { hexlify, keccak256 } from "ethers";

const HASH_BYTES = 32;

/** keccak256 into raw bytes (ethers returns hex; Buffer's hex decoder is the fast way back). */
export function keccakBytes(data: Uint8Array): Uint8Array {
  return Buffer.from(keccak256(data).slice(2), "hex");
}

/** OZ standard leaf hash of already abi-encoded leaf data. */
export function standardLeafHash(encodedLeaf: Uint8Array): Uint8Array {
  return keccakBytes(keccakBytes(encodedLeaf));
}

function compareHashes(nodes: Uint8Array, left: number, right: number): number {
  for (let i = 0; i < HASH_BYTES; i++) {
    const difference = nodes[left + i] - nodes[right + i];
    if (difference !== 0) return difference;
  }
  return 0;
}

export class MerkleTree {
  /** (2L - 1) nodes of 32 bytes in OZ's array layout; node 0 is the root. */
  private readonly nodes: Uint8Array;
  readonly leafCount: number;

  /** Builds the tree over leaf hashes (32 bytes each) in leaf-index order. */
  constructor(leafHashes: readonly Uint8Array[]) {
    if (leafHashes.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
    this.leafCount = leafHashes.length;
    const nodeCount = 2 * this.leafCount - 1;
    this.nodes = new Uint8Array(nodeCount * HASH_BYTES);
    leafHashes.forEach((hash, i) => this.nodes.set(hash, (nodeCount - 1 - i) * HASH_BYTES));
    const pair = new Uint8Array(2 * HASH_BYTES);
    for (let node = nodeCount - 1 - this.leafCount; node >= 0; node--) {
      const left = (2 * node + 1) * HASH_BYTES;
      const right = left + HASH_BYTES;
      const [low, high] = compareHashes(this.nodes, left, right) <= 0 ? [left, right] : [right, left];
      pair.set(this.nodes.subarray(low, low + HASH_BYTES), 0);
      pair.set(this.nodes.subarray(high, high + HASH_BYTES), HASH_BYTES);
      this.nodes.set(keccakBytes(pair), node * HASH_BYTES);
    }
  }

  /** The hash of node `position` in OZ's array layout (0 is the root; node p has children 2p + 1 and 2p + 2). */
  node(position: number): string {
    if (!Number.isInteger(position) || position < 0 || position >= 2 * this.leafCount - 1) {
      throw new RangeError(`node ${position} is outside [0, ${2 * this.leafCount - 1})`);
    }
    return hexlify(this.nodes.subarray(position * HASH_BYTES, (position + 1) * HASH_BYTES));
  }

  get root(): string {
    return this.node(0);
  }

  leafHash(leafIndex: number): string {
    return this.node(this.positionOf(leafIndex));
  }

  /** Sibling hashes from the leaf up, as OZ MerkleProof expects. */
  proof(leafIndex: number): string[] {
    const proof: string[] = [];
    for (let position = this.positionOf(leafIndex); position > 0; position = Math.floor((position - 1) / 2)) {
      proof.push(this.node(position % 2 === 1 ? position + 1 : position - 1));
    }
    return proof;
  }

  private positionOf(leafIndex: number): number {
    if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= this.leafCount) {
      throw new RangeError(`leaf index ${leafIndex} is outside [0, ${this.leafCount})`);
    }
    return 2 * this.leafCount - 2 - leafIndex;
  }
}

/** True if `proof` links `leafHash` to `root` (OZ's own verifier, not ours). */
export function verifyMerkleProof(root: string, leafHash: string, proof: readonly string[]): boolean {
  return SimpleMerkleTree.verify(root, leafHash, [...proof]);
}

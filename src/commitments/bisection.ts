/**
 * The withheld-data dispute is a bisection over the committed result tree (contracts/libraries/ResultTreeLayout.sol,
 * the same layout as merkle.ts): node 0 is the root, node p has children 2p + 1 and 2p + 2, and with L leaves leaf i
 * is node 2L - 2 - i. The tree's shape depends only on the output's size, so a challenger who recomputed the output
 * knows the correct hash of every node the game can reach, and a provider answers from the tree it committed to.
 */
import { RESULT_CHUNK_WORDS, type ResultTree } from "./result-tree";

/** Leaves (result chunks) of an output of `totalWords` words. */
export function leafCountOf(totalWords: number): number {
  return Math.ceil(totalWords / RESULT_CHUNK_WORDS);
}

export function isLeafNode(node: number, leafCount: number): boolean {
  return node + 1 >= leafCount;
}

/** The chunk index of leaf `node`. */
export function chunkIndexOfNode(node: number, leafCount: number): number {
  return 2 * leafCount - 2 - node;
}

export function childNode(node: number, right: boolean): number {
  return 2 * node + (right ? 2 : 1);
}

/** The children of internal node `node` as its provider reveals them: left (2p + 1), then right (2p + 2). */
export function revealedChildren(tree: ResultTree, node: number): { left: string; right: string } {
  return { left: tree.node(childNode(node, false)), right: tree.node(childNode(node, true)) };
}

/**
 * The challenger's move: which revealed child differs from the correct tree. At least one does whenever the node's
 * revealed hash differs from the correct one (otherwise both pairs would hash alike); undefined means both children
 * are correct, so the node itself was correct and the dispute cannot be won from here.
 */
export function childToDispute(
  correct: ResultTree,
  node: number,
  revealed: { left: string; right: string },
): boolean | undefined {
  const expected = revealedChildren(correct, node);
  if (revealed.left.toLowerCase() !== expected.left.toLowerCase()) return false;
  if (revealed.right.toLowerCase() !== expected.right.toLowerCase()) return true;
  return undefined;
}

/** One step down the game: the children revealed at `node`, and the child the challenger went to. */
export interface BisectionStep {
  readonly node: number;
  readonly left: string;
  readonly right: string;
  readonly disputedRight: boolean;
}

/**
 * The Merkle proof of the leaf the game reached, from the steps that led there: at each level the sibling of the
 * chosen child, leaf first (as OZ MerkleProof takes it).
 */
export function proofFromSteps(steps: readonly BisectionStep[]): string[] {
  return steps.map((step) => (step.disputedRight ? step.left : step.right)).reverse();
}

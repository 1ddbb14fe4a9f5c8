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
 *
 * The right child first: it holds the earlier chunks (leaf i is node 2L - 2 - i), so with a power of two of leaves
 * (every subtree then covers consecutive chunks) the game ends at the first wrong chunk, whose earlier chunks are
 * all correct. mlp-i8 needs that: a value is proven from earlier committed values (workloads/mlp-i8/layout.ts).
 */
export function childToDispute(
  correct: ResultTree,
  node: number,
  revealed: { left: string; right: string },
): boolean | undefined {
  const expected = revealedChildren(correct, node);
  if (revealed.right.toLowerCase() !== expected.right.toLowerCase()) return true;
  if (revealed.left.toLowerCase() !== expected.left.toLowerCase()) return false;
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

/**
 * The proof of chunk `chunkIndex` in the provider's tree, from what a challenger knows of it: the children revealed
 * along the game's path, and its own correct tree for every other node. Right only for nodes whose subtrees the
 * provider's tree shares with the correct one: after a game that ended at the first wrong chunk of a tree with a
 * power of two of leaves, every chunk before it (see childToDispute). The caller verifies the proof.
 */
export function proofFromKnownNodes(
  correct: ResultTree,
  steps: readonly BisectionStep[],
  chunkIndex: number,
): string[] {
  const revealed = new Map<number, string>();
  for (const step of steps) {
    revealed.set(childNode(step.node, false), step.left);
    revealed.set(childNode(step.node, true), step.right);
  }
  const proof: string[] = [];
  for (let node = 2 * correct.chunkCount - 2 - chunkIndex; node > 0; node = Math.floor((node - 1) / 2)) {
    const sibling = node % 2 === 1 ? node + 1 : node - 1;
    proof.push(revealed.get(sibling) ?? correct.node(sibling));
  }
  return proof;
}

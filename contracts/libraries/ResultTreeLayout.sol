// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {WorkloadLeaves} from "./WorkloadLeaves.sol";

/**
 * @title ResultTreeLayout
 * @notice Where a node sits in a committed result tree, for the bisection of the withheld-data dispute. Result trees
 * are OpenZeppelin's complete binary trees in an array (src/commitments/merkle.ts): node 0 is the root, node p has
 * children 2p + 1 and 2p + 2, and with L leaves, leaf i is node 2L - 2 - i. The shape depends only on the output's
 * size, so a challenger who recomputes the output knows every node's position and correct hash.
 */
library ResultTreeLayout {
    /// @notice The number of result chunks (leaves) of an output of `totalWords` words.
    function leafCount(uint256 totalWords) internal pure returns (uint256) {
        return (totalWords + WorkloadLeaves.RESULT_CHUNK_WORDS - 1) / WorkloadLeaves.RESULT_CHUNK_WORDS;
    }

    /// @notice Whether `node` is a leaf of a tree with `leaves` leaves (every node below 2L - 1 exists).
    function isLeaf(uint256 node, uint256 leaves) internal pure returns (bool) {
        return node + 1 >= leaves;
    }

    /// @notice The chunk index of leaf `node`.
    function chunkIndex(uint256 node, uint256 leaves) internal pure returns (uint256) {
        return 2 * leaves - 2 - node;
    }

    /// @notice Child `right ? 2 : 1` of `node`.
    function child(uint256 node, bool right) internal pure returns (uint256) {
        return 2 * node + (right ? 2 : 1);
    }

    /// @notice The node hash over two children, as OZ MerkleProof computes it (sorted pair).
    function parentHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return Hashes.commutativeKeccak256(left, right);
    }

    /// @notice The children in the order the provider claimed them, committed to one word.
    function orderedPair(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return Hashes.efficientKeccak256(left, right);
    }

    /// @notice The number of words in chunk `index` of an output of `totalWords` words (the last one may be short).
    function chunkWords(uint256 index, uint256 totalWords) internal pure returns (uint256 words) {
        words = totalWords - index * WorkloadLeaves.RESULT_CHUNK_WORDS;
        if (words > WorkloadLeaves.RESULT_CHUNK_WORDS) words = WorkloadLeaves.RESULT_CHUNK_WORDS;
    }
}

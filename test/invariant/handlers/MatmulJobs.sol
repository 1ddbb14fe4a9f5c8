// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {MatmulI8Checker} from "../../../contracts/disputes/checkers/MatmulI8Checker.sol";

/// @notice matmul-i8 jobs of shape m x 1 x n (C is the outer product of a column a and a row b), with their inputs
/// drawn from a seed, committed exactly as src/commitments does (see WorkloadLeaves and ResultTreeLayout): the input
/// tree's leaves are the m rows of A then the n columns of B, the result tree's leaves are chunks of 128 big-endian
/// words, and both are OpenZeppelin's unsorted array layout (leaf i is node 2L - 2 - i, node p's children are 2p + 1
/// and 2p + 2, nodes hash sorted pairs). The handlers build the honest and the cheating trees here, so every proof,
/// every bisection step and every revealed chunk of a fuzz sequence is real; shapes stay small (at most a few chunks
/// and about a hundred input leaves) so that a run stays fast.
library MatmulJobs {
    bytes32 internal constant WORKLOAD_ID = "matmul-i8";
    /// @notice WorkloadLeaves.RESULT_CHUNK_WORDS and WORD_BYTES.
    uint256 internal constant CHUNK_WORDS = 128;
    uint256 internal constant WORD_BYTES = 4;

    /// @notice What a job's data is derived from: the shape (k = 1) and the seed of its inputs.
    struct Data {
        uint256 m;
        uint256 n;
        uint256 seed;
    }

    function params(Data memory data) internal pure returns (bytes memory) {
        return abi.encode(data.m, uint256(1), data.n);
    }

    function words(Data memory data) internal pure returns (uint256) {
        return data.m * data.n;
    }

    function chunkCount(Data memory data) internal pure returns (uint256) {
        return (words(data) + CHUNK_WORDS - 1) / CHUNK_WORDS;
    }

    function inputRoot(Data memory data) internal pure returns (bytes32) {
        return tree(_inputLeaves(data))[0];
    }

    /// @notice The correct output C, m * n words row-major, each int32(a[i] * b[j]) big-endian.
    function output(Data memory data) internal pure returns (bytes memory out) {
        (int256[] memory a, int256[] memory b) = (_values(data.seed, 0, data.m), _values(data.seed, 1, data.n));
        uint256 length = words(data) * WORD_BYTES;
        // 28 spare bytes: each word is written with a 32-byte store.
        out = new bytes(length + 28);
        uint256 offset;
        for (uint256 i = 0; i < data.m; ++i) {
            for (uint256 j = 0; j < data.n; ++j) {
                uint256 word = uint32(int32(a[i] * b[j]));
                assembly ("memory-safe") {
                    mstore(add(add(out, 32), offset), shl(224, word))
                }
                offset += WORD_BYTES;
            }
        }
        assembly ("memory-safe") {
            mstore(out, length)
        }
    }

    /// @notice Output word `index` (its 4 bytes as a number).
    function wordAt(bytes memory out, uint256 index) internal pure returns (uint32 word) {
        uint256 offset = index * WORD_BYTES;
        assembly ("memory-safe") {
            word := shr(224, mload(add(add(out, 32), offset)))
        }
    }

    /// @notice Flips the low bit of output word `index` in place: a wrong result.
    function flipWord(bytes memory out, uint256 index) internal pure {
        uint256 last = index * WORD_BYTES + WORD_BYTES - 1;
        out[last] = out[last] ^ 0x01;
    }

    /// @notice Chunk `index` of an output: 128 words, or what is left for the last one.
    function chunk(bytes memory out, uint256 index) internal pure returns (bytes memory c) {
        uint256 start = index * CHUNK_WORDS * WORD_BYTES;
        uint256 length = out.length - start;
        if (length > CHUNK_WORDS * WORD_BYTES) length = CHUNK_WORDS * WORD_BYTES;
        c = new bytes(length);
        assembly ("memory-safe") {
            mcopy(add(c, 32), add(add(out, 32), start), length)
        }
    }

    /// @notice WorkloadLeaves.resultChunkLeaf.
    function chunkLeaf(uint256 index, bytes memory c) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, c))));
    }

    /// @notice The result tree's leaves over an output.
    function resultLeaves(bytes memory out) internal pure returns (bytes32[] memory leaves) {
        uint256 count = (out.length / WORD_BYTES + CHUNK_WORDS - 1) / CHUNK_WORDS;
        leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) leaves[i] = chunkLeaf(i, chunk(out, i));
    }

    /// @notice All 2L - 1 nodes of the tree over `leaves`, in OpenZeppelin's array layout (node 0 is the root).
    function tree(bytes32[] memory leaves) internal pure returns (bytes32[] memory nodes) {
        uint256 count = leaves.length;
        nodes = new bytes32[](2 * count - 1);
        for (uint256 i = 0; i < count; ++i) nodes[2 * count - 2 - i] = leaves[i];
        // Node p - 1 has children 2p - 1 and 2p.
        for (uint256 p = count - 1; p > 0; --p)
            nodes[p - 1] = Hashes.commutativeKeccak256(nodes[2 * p - 1], nodes[2 * p]);
    }

    /// @notice The node of leaf `index` in a tree of `leafCount` leaves.
    function leafNode(uint256 index, uint256 leafCount) internal pure returns (uint256) {
        return 2 * leafCount - 2 - index;
    }

    /// @notice Sibling hashes from leaf `index` up, as OZ MerkleProof expects.
    function proof(bytes32[] memory nodes, uint256 index) internal pure returns (bytes32[] memory siblings) {
        uint256 node = leafNode(index, (nodes.length + 1) / 2);
        uint256 depth;
        for (uint256 p = node; p > 0; p = (p - 1) / 2) ++depth;
        siblings = new bytes32[](depth);
        for (uint256 i = 0; node > 0; ++i) {
            siblings[i] = nodes[node % 2 == 1 ? node + 1 : node - 1];
            node = (node - 1) / 2;
        }
    }

    /// @notice MatmulI8Checker's fraud proof of output word `wordIndex`, given the committed chunk that holds it and
    /// that chunk's proof against the committed root.
    function fraudProof(
        Data memory data,
        uint256 wordIndex,
        bytes memory committedChunk,
        bytes32[] memory chunkProof
    ) internal pure returns (bytes memory) {
        bytes32[] memory inputs = tree(_inputLeaves(data));
        (uint256 row, uint256 col) = (wordIndex / data.n, wordIndex % data.n);
        return
            abi.encode(
                MatmulI8Checker.FraudProof({
                    row: row,
                    col: col,
                    rowOfA: _vector(data.seed, 0, row),
                    rowProof: proof(inputs, row),
                    columnOfB: _vector(data.seed, 1, col),
                    columnProof: proof(inputs, data.m + col),
                    resultChunk: committedChunk,
                    resultChunkProof: chunkProof
                })
            );
    }

    /// @dev Rows of A (kind 0), then columns of B (kind 1), each a one-value vector.
    function _inputLeaves(Data memory data) private pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](data.m + data.n);
        for (uint256 i = 0; i < data.m; ++i) leaves[i] = _inputLeaf(0, i, _vector(data.seed, 0, i));
        for (uint256 j = 0; j < data.n; ++j) leaves[data.m + j] = _inputLeaf(1, j, _vector(data.seed, 1, j));
    }

    function _inputLeaf(uint8 kind, uint256 index, bytes memory vector) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(kind, index, vector))));
    }

    function _vector(uint256 seed, uint8 kind, uint256 index) private pure returns (bytes memory) {
        return abi.encodePacked(_value(seed, kind, index));
    }

    function _values(uint256 seed, uint8 kind, uint256 count) private pure returns (int256[] memory values) {
        values = new int256[](count);
        for (uint256 i = 0; i < count; ++i) values[i] = _value(seed, kind, i);
    }

    /// @dev a[i] (kind 0) or b[j] (kind 1): any int8, from the seed.
    function _value(uint256 seed, uint8 kind, uint256 index) private pure returns (int8) {
        return int8(uint8(uint256(keccak256(abi.encode(seed, kind, index)))));
    }
}

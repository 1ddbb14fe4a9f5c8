// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/**
 * @title WorkloadLeaves
 * @notice Leaf hashing and proof checks for workload commitments, identical to src/commitments in
 * TypeScript. Trees are OpenZeppelin standard trees: leaf = keccak256(bytes.concat(keccak256(abi.encode(...)))),
 * nodes hash sorted pairs, so proofs are checked with OZ MerkleProof.
 * - matmul-i8 inputs: one leaf per row of A and per column of B: abi.encode(uint8 kind, uint256 index, bytes vector)
 *   with the k int8 values of the vector.
 * - results (any workload with 32-bit words): chunks of RESULT_CHUNK_WORDS big-endian words in order, the last
 *   chunk short and unpadded: abi.encode(uint256 chunkIndex, bytes chunk).
 * - mandelbrot-q inputs: keccak256 of the ABI-encoded params.
 * - mlp-i8 inputs: the node over a model root and a batch root (src/commitments/mlp-inputs.ts). Batch row `item`:
 *   abi.encode(uint8 MLP_INPUT_ROW, uint256 item, bytes row); unit `unit` of layer `layer`:
 *   abi.encode(uint8 MLP_UNIT, uint256 layer, uint256 unit, bytes data), data = int32 bias (big-endian), then weights.
 */
library WorkloadLeaves {
    /// @notice Kind tag of a leaf holding row `index` of A.
    uint8 internal constant MATMUL_ROW_OF_A = 0;
    /// @notice Kind tag of a leaf holding column `index` of B.
    uint8 internal constant MATMUL_COLUMN_OF_B = 1;
    /// @notice Kind tag of a leaf holding one batch row of an mlp-i8 job.
    uint8 internal constant MLP_INPUT_ROW = 2;
    /// @notice Kind tag of a leaf holding one unit (bias and weights) of an mlp-i8 model.
    uint8 internal constant MLP_UNIT = 4;
    /// @notice Output words per result leaf.
    uint256 internal constant RESULT_CHUNK_WORDS = 128;
    /// @notice Bytes per output word.
    uint256 internal constant WORD_BYTES = 4;

    /// @notice The kind tag is neither MATMUL_ROW_OF_A nor MATMUL_COLUMN_OF_B.
    error UnknownInputKind(uint8 kind);
    /// @notice An input vector must hold exactly k int8 values.
    error InputVectorLengthMismatch(uint256 expectedLength, uint256 actualLength);
    /// @notice The input vector is not the committed one (wrong data, index, kind or proof).
    error InputVectorNotInTree(bytes32 inputRoot, uint8 kind, uint256 index);
    /// @notice The output word lies beyond the end of the result.
    error WordIndexOutOfRange(uint256 wordIndex, uint256 totalWords);
    /// @notice A result chunk must hold RESULT_CHUNK_WORDS words, or the remainder if it is the last one.
    error ResultChunkLengthMismatch(uint256 chunkIndex, uint256 expectedLength, uint256 actualLength);
    /// @notice The result chunk is not the committed one (wrong data, index or proof).
    error ResultChunkNotInTree(bytes32 resultRoot, uint256 chunkIndex);

    /// @notice A fraud proof is not the ABI encoding of one struct.
    error MalformedProof(uint256 length);

    /// @notice Leaf hash of a matmul-i8 input vector.
    function matmulInputLeaf(uint8 kind, uint256 index, bytes calldata vector) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(kind, index, vector))));
    }

    /// @notice Leaf hash of one unit of an mlp-i8 model: its bias (int32, big-endian) then its weights.
    function mlpUnitLeaf(uint256 layer, uint256 unit, bytes calldata data) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(MLP_UNIT, layer, unit, data))));
    }

    /// @notice Leaf hash of a result chunk.
    function resultChunkLeaf(uint256 chunkIndex, bytes calldata chunk) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(chunkIndex, chunk))));
    }

    /// @notice Commitment to a workload's ABI-encoded params (the input root of mandelbrot-q).
    function paramsCommitment(bytes calldata params) internal pure returns (bytes32) {
        return keccak256(params);
    }

    /**
     * @notice Reverts unless `vector` is row `index` of A (kind MATMUL_ROW_OF_A) or column `index` of B
     * (kind MATMUL_COLUMN_OF_B) of the inputs committed to by `inputRoot`, with `k` values.
     */
    function requireMatmulInput(
        bytes32 inputRoot,
        uint8 kind,
        uint256 index,
        uint256 k,
        bytes calldata vector,
        bytes32[] calldata proof
    ) internal pure {
        if (kind != MATMUL_ROW_OF_A && kind != MATMUL_COLUMN_OF_B) revert UnknownInputKind(kind);
        if (vector.length != k) revert InputVectorLengthMismatch(k, vector.length);
        if (!MerkleProof.verifyCalldata(proof, inputRoot, matmulInputLeaf(kind, index, vector))) {
            revert InputVectorNotInTree(inputRoot, kind, index);
        }
    }

    /**
     * @notice Returns output word `wordIndex` of a result of `totalWords` words committed to by `resultRoot`,
     * given the chunk that holds it and the chunk's proof; reverts if any of them does not match.
     * @dev For matmul-i8, C[i][j] is word i * n + j and its value is int32(uint32(word)).
     */
    function requireResultWord(
        bytes32 resultRoot,
        uint256 totalWords,
        uint256 wordIndex,
        bytes calldata chunk,
        bytes32[] calldata proof
    ) internal pure returns (bytes4 word) {
        if (wordIndex >= totalWords) revert WordIndexOutOfRange(wordIndex, totalWords);
        uint256 chunkIndex = wordIndex / RESULT_CHUNK_WORDS;
        uint256 firstWord = chunkIndex * RESULT_CHUNK_WORDS;
        uint256 wordsInChunk = totalWords - firstWord;
        if (wordsInChunk > RESULT_CHUNK_WORDS) wordsInChunk = RESULT_CHUNK_WORDS;
        if (chunk.length != wordsInChunk * WORD_BYTES) {
            revert ResultChunkLengthMismatch(chunkIndex, wordsInChunk * WORD_BYTES, chunk.length);
        }
        if (!MerkleProof.verifyCalldata(proof, resultRoot, resultChunkLeaf(chunkIndex, chunk))) {
            revert ResultChunkNotInTree(resultRoot, chunkIndex);
        }
        uint256 offset = (wordIndex - firstWord) * WORD_BYTES;
        word = bytes4(chunk[offset:offset + WORD_BYTES]);
    }

    /**
     * @notice Where the struct of `encoded` = abi.encode(SomeStruct) starts in calldata, so a checker reads its
     * fraud proof in place instead of copying kilobytes of vectors to memory.
     * @dev Only the head is checked here; Solidity checks each dynamic member's offset and length against the
     * calldata when it is read, and every byte used is then proven against a Merkle root.
     */
    function encodedStructOffset(bytes calldata encoded) internal pure returns (uint256 offset) {
        if (encoded.length < 32) revert MalformedProof(encoded.length);
        uint256 head;
        assembly ("memory-safe") {
            head := calldataload(encoded.offset)
        }
        if (head >= encoded.length) revert MalformedProof(encoded.length);
        assembly ("memory-safe") {
            offset := add(encoded.offset, head)
        }
    }
}

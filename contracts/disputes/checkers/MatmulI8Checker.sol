// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWorkloadChecker} from "../../interfaces/IWorkloadChecker.sol";
import {Int8DotProduct} from "../../libraries/Int8DotProduct.sol";
import {WorkloadLeaves} from "../../libraries/WorkloadLeaves.sol";

/**
 * @title MatmulI8Checker
 * @notice Fraud proofs for matmul-i8 (C = A x B, A m x k and B k x n int8, C int32): one element C[i][j] is
 * recomputed as the dot product of row i of A and column j of B, both proven against the input root, and
 * compared with the committed word proven against the result root.
 * @dev Semantics identical to src/workloads/matmul-i8: the exact sum truncated to int32. Within
 * MAX_K no sum reaches 2^31 (|sum| <= k * 2^14), so the truncation never changes a correct value.
 */
contract MatmulI8Checker is IWorkloadChecker {
    /// @notice matmul-i8's workload id.
    bytes32 public constant WORKLOAD_ID = "matmul-i8";
    /// @notice Largest inner dimension (MATMUL_MAX_K in TypeScript): the longest vector whose dot product
    /// {Int8DotProduct} holds exactly in its lanes, and the checker accepts no longer one.
    uint256 public constant MAX_K = Int8DotProduct.MAX_LENGTH;
    /// @notice Largest m or n (MATMUL_MAX_DIMENSION in TypeScript).
    uint256 public constant MAX_DIMENSION = 1 << 16;

    /// @notice The element lies outside the m x n product.
    error ElementOutOfRange(uint256 row, uint256 col, uint256 m, uint256 n);

    /// @notice What a matmul-i8 fraud proof carries (ABI-encoded as the `proof` argument of {check}).
    struct FraudProof {
        uint256 row;
        uint256 col;
        bytes rowOfA;
        bytes32[] rowProof;
        bytes columnOfB;
        bytes32[] columnProof;
        bytes resultChunk;
        bytes32[] resultChunkProof;
    }

    /// @inheritdoc IWorkloadChecker
    function workloadId() external pure returns (bytes32) {
        return WORKLOAD_ID;
    }

    /// @inheritdoc IWorkloadChecker
    function outputShape(bytes calldata params) external pure returns (uint256 rows, uint256 cols) {
        (rows, , cols) = _decodeShape(params);
    }

    /// @inheritdoc IWorkloadChecker
    function check(
        bytes32 inputRoot,
        bytes32 resultRoot,
        bytes calldata params,
        bytes calldata proof
    ) external pure returns (Verdict memory verdict) {
        (uint256 m, uint256 k, uint256 n) = _decodeShape(params);
        FraudProof calldata p = _decodeProof(proof);
        if (p.row >= m || p.col >= n) revert ElementOutOfRange(p.row, p.col, m, n);

        WorkloadLeaves.requireMatmulInput(inputRoot, WorkloadLeaves.MATMUL_ROW_OF_A, p.row, k, p.rowOfA, p.rowProof);
        WorkloadLeaves.requireMatmulInput(
            inputRoot,
            WorkloadLeaves.MATMUL_COLUMN_OF_B,
            p.col,
            k,
            p.columnOfB,
            p.columnProof
        );
        verdict.wordIndex = p.row * n + p.col;
        verdict.committedWord = WorkloadLeaves.requireResultWord(
            resultRoot,
            m * n,
            verdict.wordIndex,
            p.resultChunk,
            p.resultChunkProof
        );
        verdict.correctWord = bytes4(uint32(int32(dotI8(p.rowOfA, p.columnOfB))));
        verdict.fraud = verdict.committedWord != verdict.correctWord;
    }

    /// @notice The dot product of two equally long int8 vectors (two's-complement bytes), exact: {Int8DotProduct}.
    /// @dev Public for the differential tests against the TypeScript reference.
    function dotI8(bytes calldata a, bytes calldata b) public pure returns (int256 sum) {
        return Int8DotProduct.dot(a, b);
    }

    function _decodeShape(bytes calldata params) private pure returns (uint256 m, uint256 k, uint256 n) {
        if (params.length != 96) revert InvalidWorkloadParams(params);
        (m, k, n) = abi.decode(params, (uint256, uint256, uint256));
        if (m == 0 || m > MAX_DIMENSION || n == 0 || n > MAX_DIMENSION || k == 0 || k > MAX_K) {
            revert InvalidWorkloadParams(params);
        }
    }

    function _decodeProof(bytes calldata proof) private pure returns (FraudProof calldata p) {
        uint256 offset = WorkloadLeaves.encodedStructOffset(proof);
        assembly ("memory-safe") {
            p := offset
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWorkloadChecker} from "../interfaces/IWorkloadChecker.sol";

/// @title GridShapeChecker
/// @notice Test-only checker whose output shape is its params, `abi.encode(rows, cols)`, unbounded: it reaches the
/// DisputeManager's limits that no real workload's shape can hit exactly. Never deployed outside tests.
contract GridShapeChecker is IWorkloadChecker {
    bytes32 private immutable _workloadId;

    constructor(bytes32 workloadId_) {
        _workloadId = workloadId_;
    }

    /// @inheritdoc IWorkloadChecker
    function workloadId() external view returns (bytes32) {
        return _workloadId;
    }

    /// @inheritdoc IWorkloadChecker
    function outputShape(bytes calldata params) external pure returns (uint256 rows, uint256 cols) {
        (rows, cols) = abi.decode(params, (uint256, uint256));
    }

    /// @inheritdoc IWorkloadChecker
    /// @dev Finds nothing: the tests that use this checker never get as far as a proof.
    function check(bytes32, bytes32, bytes calldata, bytes calldata) external pure returns (Verdict memory verdict) {
        return verdict;
    }
}

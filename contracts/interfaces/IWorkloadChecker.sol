// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IWorkloadChecker
/// @notice Decides in one call whether one committed output word of a job is wrong, by recomputing it in the EVM
/// from inputs proven against the job's input root. One checker per workload; the dispute manager maps workload
/// ids to checkers.
/// @dev Outputs are sequences of 32-bit big-endian words committed in chunks (see WorkloadLeaves). A checker
/// reverts when the proof data does not match the job's commitments, so only a proven claim can return `fraud`.
interface IWorkloadChecker {
    /// @notice The params do not describe a valid job of this workload.
    error InvalidWorkloadParams(bytes params);

    /// @notice The word named by a proof, what the provider committed to and what it should be.
    struct Verdict {
        bool fraud;
        uint256 wordIndex;
        bytes4 committedWord;
        bytes4 correctWord;
    }

    /// @notice The workload this checker decides (bytes32 of its name, as in the escrow's `workloadId`).
    function workloadId() external view returns (bytes32);

    /// @notice The job's output as a grid of 32-bit words: element (row, col) is word row * cols + col.
    function outputShape(bytes calldata params) external view returns (uint256 rows, uint256 cols);

    /// @notice Recomputes the output word named by `proof` and compares it with the committed one.
    /// @param inputRoot The job's input root.
    /// @param resultRoot The job's committed result root.
    /// @param params The job's ABI-encoded params (the caller checks them against the job's params hash).
    /// @param proof The workload's ABI-encoded fraud proof (see each checker).
    function check(
        bytes32 inputRoot,
        bytes32 resultRoot,
        bytes calldata params,
        bytes calldata proof
    ) external view returns (Verdict memory verdict);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IWorkRecorder
/// @notice Receives settled work from the JobEscrow, so that rewards follow verified work.
interface IWorkRecorder {
    /// @notice Records that `provider` settled `jobId`, which paid protocol fees worth `feeValue` ComputeToken (valued
    /// by the escrow at the payment token's rate when the job was created).
    /// @dev Called by the escrow at finalize only, after the challenge window: only undisputed work counts.
    function recordWork(address provider, uint256 jobId, uint256 feeValue) external;
}

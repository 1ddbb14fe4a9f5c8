// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IDisputeWindows
/// @notice Reports how long after submission a result can still lead to a slash.
/// @dev The registry's unbonding period must be at least this long, so that stake backing a disputed result
/// cannot walk out before the dispute ends.
interface IDisputeWindows {
    /// @notice The challenge window plus the longest a dispute may keep a job open, in seconds.
    function disputeExposure() external view returns (uint256);
}

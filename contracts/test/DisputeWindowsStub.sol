// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDisputeWindows} from "../interfaces/IDisputeWindows.sol";

/// @title DisputeWindowsStub
/// @notice Test-only stand-in for the JobEscrow's dispute exposure, settable by anyone. Never deployed outside tests.
contract DisputeWindowsStub is IDisputeWindows {
    /// @inheritdoc IDisputeWindows
    uint256 public disputeExposure;

    constructor(uint256 exposure) {
        disputeExposure = exposure;
    }

    /// @notice Sets the reported exposure.
    function setDisputeExposure(uint256 exposure) external {
        disputeExposure = exposure;
    }
}

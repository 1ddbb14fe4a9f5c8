// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWorkRecorder} from "../interfaces/IWorkRecorder.sol";

/// @title WorkRecorderSpy
/// @notice Test-only IWorkRecorder that records every call, so that tests can check what the escrow reported.
contract WorkRecorderSpy is IWorkRecorder {
    /// @notice One recorded call.
    struct Call {
        address caller;
        address provider;
        uint256 jobId;
        uint256 feeValue;
    }

    Call[] private _calls;

    /// @notice Emitted for every recorded call.
    event WorkRecorded(address caller, address provider, uint256 jobId, uint256 feeValue);

    /// @inheritdoc IWorkRecorder
    function recordWork(address provider, uint256 jobId, uint256 feeValue) external {
        _calls.push(Call(msg.sender, provider, jobId, feeValue));
        emit WorkRecorded(msg.sender, provider, jobId, feeValue);
    }

    /// @notice How many calls were recorded.
    function callCount() external view returns (uint256) {
        return _calls.length;
    }

    /// @notice The `index`-th recorded call.
    function calls(uint256 index) external view returns (Call memory) {
        return _calls[index];
    }
}

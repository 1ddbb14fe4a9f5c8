// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ISecurityCouncil} from "../interfaces/ISecurityCouncil.sol";

/// @title SecurityCouncil
/// @notice A bootstrap veto over the DAO: while the token is young and few hold votes, a council may cancel a
/// proposal queued in the timelock (a vote captured by a whale or a flash coalition), and nothing else.
/// @dev Holds the timelock's CANCELLER_ROLE, not PROPOSER_ROLE, and has no function that schedules or executes, so
/// the worst a captured council can do is delay proposals until the bootstrap ends. The end is fixed at deployment
/// within named bounds, so no council can extend it; a DAO vote can bring it forward.
contract SecurityCouncil is ISecurityCouncil {
    /// @notice The shortest bootstrap accepted: a veto that ends before a proposal could be queued protects nothing.
    uint256 public constant MIN_BOOTSTRAP_DURATION = 1 days;
    /// @notice The longest bootstrap accepted: the veto must end while its council is still accountable.
    uint256 public constant MAX_BOOTSTRAP_DURATION = 730 days;

    TimelockController private immutable _timelock;
    address private immutable _council;
    uint256 private _bootstrapEnd;

    /// @param timelock_ The DAO's TimelockController (this contract must then be granted its CANCELLER_ROLE).
    /// @param council_ The account that may cancel: a multisig on public networks.
    /// @param bootstrapDuration Seconds from deployment until the veto ends, within the MIN_/MAX_ bounds.
    constructor(TimelockController timelock_, address council_, uint256 bootstrapDuration) {
        if (address(timelock_) == address(0) || council_ == address(0)) revert ZeroAddress();
        if (bootstrapDuration < MIN_BOOTSTRAP_DURATION || bootstrapDuration > MAX_BOOTSTRAP_DURATION) {
            revert BootstrapDurationOutOfBounds(bootstrapDuration, MIN_BOOTSTRAP_DURATION, MAX_BOOTSTRAP_DURATION);
        }
        _timelock = timelock_;
        _council = council_;
        _setBootstrapEnd(block.timestamp + bootstrapDuration);
    }

    /// @inheritdoc ISecurityCouncil
    function cancel(bytes32 operationId) external {
        if (msg.sender != _council) revert CallerNotCouncil(msg.sender, _council);
        if (!isBootstrapActive()) revert BootstrapOver(_bootstrapEnd, block.timestamp);
        // The timelock reverts unless the operation is pending, so only a queued proposal can be cancelled.
        _timelock.cancel(operationId);
        emit OperationCancelled(operationId);
    }

    /// @inheritdoc ISecurityCouncil
    function endBootstrap() external {
        if (msg.sender != address(_timelock)) revert CallerNotTimelock(msg.sender, address(_timelock));
        if (!isBootstrapActive()) revert BootstrapOver(_bootstrapEnd, block.timestamp);
        _setBootstrapEnd(block.timestamp);
    }

    /// @inheritdoc ISecurityCouncil
    function council() external view returns (address) {
        return _council;
    }

    /// @inheritdoc ISecurityCouncil
    function timelock() external view returns (address) {
        return address(_timelock);
    }

    /// @inheritdoc ISecurityCouncil
    function bootstrapEnd() external view returns (uint256) {
        return _bootstrapEnd;
    }

    /// @inheritdoc ISecurityCouncil
    function isBootstrapActive() public view returns (bool) {
        return block.timestamp < _bootstrapEnd;
    }

    /// @dev The only writer of `_bootstrapEnd`: the constructor sets it, `endBootstrap` can only bring it forward.
    function _setBootstrapEnd(uint256 newEnd) private {
        uint256 previousEnd = _bootstrapEnd;
        _bootstrapEnd = newEnd;
        emit BootstrapEndSet(previousEnd, newEnd);
    }
}

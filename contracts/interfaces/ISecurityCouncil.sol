// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWeftErrors} from "./IWeftErrors.sol";

/// @title ISecurityCouncil
/// @notice A veto for Weft's first months: the council may cancel proposals queued in the DAO's timelock until the
/// bootstrap ends. It can neither propose nor execute anything.
/// @dev The bootstrap ends at a time fixed at deployment, or earlier when the DAO votes `endBootstrap`. The contract
/// holds the timelock's CANCELLER_ROLE; after the end it can no longer use it.
interface ISecurityCouncil is IWeftErrors {
    // ZeroAddress (the timelock or the council) comes from IWeftErrors.

    /// @notice `caller` is not the council, the only account that may cancel.
    error CallerNotCouncil(address caller, address council);

    /// @notice `caller` is not the timelock: only a DAO vote ends the bootstrap early.
    error CallerNotTimelock(address caller, address timelock);

    /// @notice The bootstrap ended at `bootstrapEnd`; it is `timestamp` now.
    error BootstrapOver(uint256 bootstrapEnd, uint256 timestamp);

    /// @notice A bootstrap of `duration` seconds lies outside [`min`, `max`].
    error BootstrapDurationOutOfBounds(uint256 duration, uint256 min, uint256 max);

    /// @notice The council cancelled the timelock operation `operationId` (a queued proposal).
    event OperationCancelled(bytes32 indexed operationId);

    /// @notice The bootstrap's end moved from `previousEnd` to `newEnd` (set at deployment, then by the DAO).
    event BootstrapEndSet(uint256 previousEnd, uint256 newEnd);

    /// @notice Cancels the queued timelock operation `operationId` (the council only, before the bootstrap ends).
    /// @dev The governor then reports the proposal as Canceled.
    function cancel(bytes32 operationId) external;

    /// @notice Ends the bootstrap now (the timelock only, i.e. by a DAO vote); the council loses its veto.
    function endBootstrap() external;

    /// @notice The account (an EOA or a multisig) that may cancel.
    function council() external view returns (address);

    /// @notice The TimelockController whose queued operations the council may cancel.
    function timelock() external view returns (address);

    /// @notice When the council's veto ends (a timestamp; cancelling is allowed strictly before it).
    function bootstrapEnd() external view returns (uint256);

    /// @notice Whether the council may still cancel.
    function isBootstrapActive() external view returns (bool);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IWeftErrors
/// @notice The errors more than one Weft contract reverts with, declared once. Every contract interface inherits them,
/// so a client decodes them by the same name and arguments whichever contract reverted.
interface IWeftErrors {
    /// @notice An address parameter cannot be zero.
    error ZeroAddress();

    /// @notice A governed parameter is outside its bounds, `min` and `max` included.
    error ParameterOutOfBounds(uint256 value, uint256 min, uint256 max);

    /// @notice A slash split is not one that can be paid: `recipients` and `shares` differ in length, there are more of
    /// them than the registry pays, or the shares do not add up to 10,000 bps (`totalBps`). The DisputeManager's split
    /// always has three recipients (challenger, client, treasury) and three shares.
    error InvalidSlashSplit(uint256 recipients, uint256 shares, uint256 totalBps);

    /// @notice The provider may not take a job now: it is not registered, is jailed, has less than the minimum
    /// provider stake staked, or owes collateral debt. The registry reverts with it, through the escrow's acceptJob.
    error ProviderNotEligible(address provider);
}

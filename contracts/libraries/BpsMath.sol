// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title BpsMath
/// @notice Basis-point arithmetic shared by every contract that takes a share of an amount.
library BpsMath {
    /// @dev 100% in basis points.
    uint256 internal constant BPS = 10_000;

    /// @notice `amount * bps / 10_000`, rounded down (the remainder stays with whoever pays the share).
    function mulBps(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return (amount * bps) / BPS;
    }
}

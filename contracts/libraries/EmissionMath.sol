// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BpsMath} from "./BpsMath.sol";

/// @title EmissionMath
/// @notice A per-epoch emission that decays geometrically: emission(n) = start * (1 - decayBps / 10_000)^n.
library EmissionMath {
    using BpsMath for uint256;

    /// @dev Fixed-point one for the decay factor.
    uint256 private constant WAD = 1e18;

    /// @notice `start` decayed `epochs` times by `decayBps`, rounded down; O(log epochs) by squaring.
    /// @dev The factor is held in 18-decimal fixed point and rounded down at every step, so the result never
    /// exceeds the exact value: rounding can only leave tokens unminted.
    function decayed(uint256 start, uint256 decayBps, uint256 epochs) internal pure returns (uint256) {
        uint256 base = WAD.mulBps(BpsMath.BPS - decayBps);
        uint256 factor = WAD;
        while (epochs > 0 && factor > 0) {
            if (epochs & 1 == 1) factor = (factor * base) / WAD;
            base = (base * base) / WAD;
            epochs >>= 1;
        }
        return (start * factor) / WAD;
    }
}

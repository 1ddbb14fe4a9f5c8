// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWeftErrors} from "../interfaces/IWeftErrors.sol";

/// @title Bounds
/// @notice The bounds check of every governed parameter: each setter calls it before it writes.
library Bounds {
    /// @notice Reverts with {IWeftErrors.ParameterOutOfBounds} unless `min <= value <= max`.
    function check(uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert IWeftErrors.ParameterOutOfBounds(value, min, max);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestERC20} from "./TestERC20.sol";

/// @notice {TestERC20} with chosen decimals: a stand-in for a 6-decimals stablecoin (USDC-like) in tests.
contract TestERC20Decimals is TestERC20 {
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) TestERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    /// @notice The decimals chosen at deployment.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}

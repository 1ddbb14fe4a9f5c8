// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestERC20Decimals} from "./TestERC20Decimals.sol";

/// @notice {TestERC20Decimals} whose symbol() misbehaves as some deployed tokens do, for the receipt's fallbacks.
contract OddSymbolERC20 is TestERC20Decimals {
    /// @notice How symbol() misbehaves.
    enum SymbolMode {
        Reverts,
        BurnsAllGas,
        ReturnsBytes32,
        ReturnsLengthBeyondData
    }

    /// @notice symbol() was asked of a token made to refuse it.
    error SymbolRefused();

    SymbolMode private immutable _mode;

    constructor(SymbolMode mode) TestERC20Decimals("Odd", "ODD", 18) {
        _mode = mode;
    }

    /// @notice Reverts, loops until out of gas, returns bytes32 "MKR" (as early tokens did), or returns an ABI
    /// string whose length word claims far more bytes than follow it.
    function symbol() public view override returns (string memory) {
        SymbolMode mode = _mode;
        if (mode == SymbolMode.Reverts) revert SymbolRefused();
        if (mode == SymbolMode.BurnsAllGas) {
            uint256 spins;
            while (true) ++spins;
        }
        if (mode == SymbolMode.ReturnsBytes32) {
            assembly {
                mstore(0, "MKR")
                return(0, 0x20)
            }
        }
        // Three words from 0: the head, the free memory pointer's slot and the zero slot, left for good by return.
        assembly {
            mstore(0, 0x20)
            mstore(0x20, 0xffffffff)
            mstore(0x40, "FAKE")
            return(0, 0x60)
        }
    }
}

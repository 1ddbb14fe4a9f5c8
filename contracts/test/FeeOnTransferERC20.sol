// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Burns 1% of every transfer: the escrow must refuse it rather than mis-account.
contract FeeOnTransferERC20 is ERC20 {
    uint256 public constant FEE_DIVISOR = 100;

    constructor() ERC20("Fee On Transfer", "FOT") {}

    /// @notice Open mint for tests.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / FEE_DIVISOR;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

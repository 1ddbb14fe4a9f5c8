// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @notice A plain ERC20 with permit and an open mint: a stand-in for a stablecoin on local networks and in tests.
contract TestERC20 is ERC20, ERC20Permit {
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) ERC20Permit(name_) {}

    /// @notice Anyone may mint: this token only exists on local networks.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Returns false instead of reverting when a transfer is switched off: SafeERC20 must catch it.
contract FalseReturningERC20 is ERC20 {
    bool private _failing;

    constructor() ERC20("False Returning", "FALSE") {}

    /// @notice Open mint for tests.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice From now on every transfer returns false and moves nothing.
    function setFailing(bool failing) external {
        _failing = failing;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        return _failing ? false : super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        return _failing ? false : super.transferFrom(from, to, value);
    }
}

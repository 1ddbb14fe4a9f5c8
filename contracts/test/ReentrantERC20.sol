// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice On every transfer, calls back into a target with prepared calldata (e.g. the escrow's finalize), and
/// records whether the re-entry succeeded, so that tests can show it never does.
contract ReentrantERC20 is ERC20 {
    address private _target;
    bytes private _payload;
    bool private _entered;

    /// @notice The last re-entry attempt and its revert data.
    bool public lastReentrySucceeded;
    bytes public lastReentryError;

    constructor() ERC20("Reentrant", "REENT") {}

    /// @notice Open mint for tests.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the token: the next transfers call `target` with `payload`.
    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_target != address(0) && !_entered && from != address(0)) {
            _entered = true;
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory err) = _target.call(_payload);
            lastReentrySucceeded = ok;
            lastReentryError = err;
            _entered = false;
        }
    }
}

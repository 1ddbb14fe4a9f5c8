// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The part of forge-std's StdInvariant this suite needs: forge calls `targetContracts()` and
/// `targetSelectors()` on the test contract by name and ABI to learn what to fuzz, so the functions below keep
/// forge-std's names and return types (forge-std itself is not available offline, see Vm.sol).
abstract contract InvariantTargets {
    /// @dev Same layout as forge-std's FuzzSelector: forge decodes it by ABI.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetedContracts;
    FuzzSelector[] private _targetedSelectors;

    /// @notice The contracts forge calls during a run: the handlers only.
    function targetContracts() public view returns (address[] memory) {
        return _targetedContracts;
    }

    /// @notice The handler functions forge calls (helpers and views stay out of the sequences).
    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetedSelectors;
    }

    /// @dev Forge draws uniformly from the listed selectors, so listing one `weight` times calls it that much more.
    function _target(address handler, bytes4 selector, uint256 weight) internal {
        uint256 index = _indexOf(handler);
        if (index == _targetedContracts.length) {
            _targetedContracts.push(handler);
            _targetedSelectors.push().addr = handler;
        }
        for (uint256 i = 0; i < weight; ++i) _targetedSelectors[index].selectors.push(selector);
    }

    function _indexOf(address handler) private view returns (uint256 index) {
        while (index < _targetedContracts.length && _targetedContracts[index] != handler) ++index;
    }
}

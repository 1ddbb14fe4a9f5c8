// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The few forge cheatcodes the invariant suite uses.
/// @dev Declared here because forge-std cannot be installed offline: it is a git submodule, and its only npm
/// package is an unofficial 2022 snapshot without StdInvariant that imports a ds-test it does not ship.
interface ICheatcodes {
    function warp(uint256 timestamp) external;

    function prank(address sender) external;

    function startPrank(address sender) external;

    function stopPrank() external;

    function label(address account, string calldata name) external;
}

/// @dev Forge answers cheatcodes at this address (keccak256("hevm cheat code")).
ICheatcodes constant VM = ICheatcodes(address(uint160(uint256(keccak256("hevm cheat code")))));

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";

/// @title IComputeToken
/// @notice Weft's staking, reward and governance token: a capped ERC20 with permit and timestamp-clocked votes.
/// @dev The supply only grows through {mint}, which the AccessManager grants to the RewardDistributor alone.
interface IComputeToken is IERC20, IERC20Permit, IERC5805 {
    /// @notice Mints `amount` new tokens to `to`.
    /// @dev Restricted by the AccessManager. Reverts with `ERC20ExceededCap` when the supply would pass {cap}.
    /// @param to The recipient of the new tokens.
    /// @param amount The number of tokens (18 decimals) to mint.
    function mint(address to, uint256 amount) external;

    /// @notice The hard cap on the total supply; no mint can pass it.
    function cap() external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IComputeToken} from "../interfaces/IComputeToken.sol";

/// @title ComputeToken
/// @notice WEFT: staked by GPU providers, minted as rewards for verified work, and used to vote in the DAO.
/// @dev Votes are checkpointed by timestamp (ERC-6372 `mode=timestamp`) so that governance periods read
/// the same on every chain whatever its block time.
contract ComputeToken is ERC20, ERC20Capped, ERC20Permit, ERC20Votes, AccessManaged, IComputeToken {
    /// @param authority_ The AccessManager deciding who may mint.
    /// @param cap_ The hard cap on the total supply.
    /// @param genesisRecipient Receives the genesis supply (the treasury).
    /// @param genesisSupply Minted once at deployment; must not exceed `cap_`.
    constructor(
        address authority_,
        uint256 cap_,
        address genesisRecipient,
        uint256 genesisSupply
    )
        ERC20("Weft Compute Token", "WEFT")
        ERC20Capped(cap_)
        ERC20Permit("Weft Compute Token")
        AccessManaged(authority_)
    {
        _mint(genesisRecipient, genesisSupply);
    }

    /// @inheritdoc IComputeToken
    function mint(address to, uint256 amount) external restricted {
        _mint(to, amount);
    }

    /// @inheritdoc IComputeToken
    function cap() public view override(ERC20Capped, IComputeToken) returns (uint256) {
        return super.cap();
    }

    /// @notice The current timepoint of the votes clock: the block timestamp.
    function clock() public view override(Votes, IERC6372) returns (uint48) {
        return Time.timestamp();
    }

    /// @notice Machine-readable description of the clock (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override(Votes, IERC6372) returns (string memory) {
        // Written out rather than derived: the clock above is the block timestamp by construction.
        return "mode=timestamp";
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Capped, ERC20Votes) {
        super._update(from, to, value);
    }
}

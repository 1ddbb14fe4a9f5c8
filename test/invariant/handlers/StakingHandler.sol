// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProviderRegistry} from "../../../contracts/interfaces/IProviderRegistry.sol";
import {VM} from "../utils/Vm.sol";
import {Ghost} from "./Ghost.sol";
import {HandlerBase, Weft, Actors} from "./HandlerBase.sol";

/// @notice Drives providers' stake: add, unbond (free stake only, while the queue has room) and withdraw what has
/// matured.
contract StakingHandler is HandlerBase {
    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) HandlerBase(weft_, actors_, ghost_) {}

    function stake(uint256 providerSeed, uint256 amount) external {
        address provider = _pick(_actors.providers, providerSeed);
        uint256 balance = _weft.token.balanceOf(provider);
        if (balance == 0) return;
        amount = _bound(amount, 1, balance);
        VM.prank(provider);
        _weft.registry.stake(amount);
        _ghost.staked(amount);
    }

    function requestUnbond(uint256 providerSeed, uint256 amount) external {
        address provider = _pick(_actors.providers, providerSeed);
        uint256 free = _weft.registry.freeStake(provider);
        bool queueFull = _weft.registry.unbondingEntries(provider).length == _weft.registry.MAX_UNBONDING_ENTRIES();
        if (free == 0 || queueFull) return;
        VM.prank(provider);
        _weft.registry.requestUnbond(_bound(amount, 1, free));
    }

    /// @notice Withdraws exactly the matured entries.
    function withdraw(uint256 providerSeed) external {
        address provider = _pick(_actors.providers, providerSeed);
        IProviderRegistry.UnbondingEntry[] memory entries = _weft.registry.unbondingEntries(provider);
        uint256 matured;
        for (uint256 i = 0; i < entries.length && entries[i].maturesAt <= block.timestamp; ++i) {
            matured += entries[i].amount;
        }
        if (matured == 0) return;
        uint256 balanceBefore = _weft.token.balanceOf(provider);

        VM.prank(provider);
        uint256 paid = _weft.registry.withdraw();
        _ghost.stakeLeft(paid);
        if (paid != matured || _weft.token.balanceOf(provider) - balanceBefore != matured) {
            _ghost.violate(Ghost.Kind.Stake, "withdraw paid other than the matured unbonding entries");
        }
    }
}

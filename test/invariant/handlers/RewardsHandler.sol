// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VM} from "../utils/Vm.sol";
import {Ghost} from "./Ghost.sol";
import {HandlerBase, Weft, Actors} from "./HandlerBase.sol";

/// @notice Drives reward claims: a provider claims an ended epoch it settled work in, once.
contract RewardsHandler is HandlerBase {
    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) HandlerBase(weft_, actors_, ghost_) {}

    function claim(uint256 entrySeed) external {
        uint256 count = _ghost.workCount();
        if (count == 0) return;
        entrySeed %= count; // no overflow below
        uint256 currentEpoch = _weft.rewards.currentEpoch();
        for (uint256 i = 0; i < count; ++i) {
            (address provider, uint256 epoch) = _ghost.work((entrySeed + i) % count);
            if (epoch < currentEpoch && !_weft.rewards.claimed(provider, epoch)) {
                _claim(provider, epoch);
                return;
            }
        }
    }

    function _claim(address provider, uint256 epoch) private {
        uint256 pending = _weft.rewards.pendingReward(provider, epoch);
        uint256 weight = _weft.rewards.weightOf(provider, epoch);
        uint256 supplyBefore = _weft.token.totalSupply();

        VM.prank(provider);
        _weft.rewards.claim(epoch);
        uint256 minted = _weft.token.totalSupply() - supplyBefore;
        _ghost.rewardMinted(epoch, minted);
        if (minted != pending) _ghost.violate(Ghost.Kind.Rewards, "a claim minted other than pendingReward");
        if (minted > (weight * _weft.rewards.rewardCapBps()) / 10_000) {
            _ghost.violate(Ghost.Kind.Rewards, "a claim minted more than the fee weight times the reward cap");
        }
    }
}

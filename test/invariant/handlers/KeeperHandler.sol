// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VM} from "../utils/Vm.sol";
import {Ghost} from "./Ghost.sol";
import {Weft, Actors} from "./HandlerBase.sol";
import {DisputeBase} from "./DisputeBase.sol";
import {HonestVerifierHandler} from "./HonestVerifierHandler.sol";
import {HonestProviderHandler} from "./HonestProviderHandler.sol";

/// @dev Short steps let windows run their course (challenge 10 min, each clock 10 min, follow-up 10 min, arbitration
/// 20 min); long ones let deadlines, epochs (1 h), unbonding (2 h) and jail (1 day) pass.
uint256 constant MAX_SHORT_WARP = 15 minutes;
uint256 constant MAX_LONG_WARP = 6 hours;

/// @notice Time, and the settlement anyone may trigger. `warp` lets the honest parties (the verifier and the providers
/// of correct results) do everything they owe before any time passes, at the current timestamp and one second later
/// (a committed proof is revealed in a later block), so they act in time whatever the sequence. `settleDue` resolves
/// every dispute past its deadline (or made moot) and finalizes every job past its challenge window, and records when:
/// invariant_everyJobSettlesWithinTheBound then holds every job submitted at least challengeWindow +
/// maxDisputeDuration before that to be settled.
contract KeeperHandler is DisputeBase {
    HonestVerifierHandler private immutable _verifier;
    HonestProviderHandler private immutable _honestProvider;

    constructor(
        Weft memory weft_,
        Actors memory actors_,
        Ghost ghost_,
        HonestVerifierHandler verifier_,
        HonestProviderHandler honestProvider_
    ) DisputeBase(weft_, actors_, ghost_) {
        (_verifier, _honestProvider) = (verifier_, honestProvider_);
    }

    function warp(uint256 seconds_, bool long) external {
        uint256 step = _bound(seconds_, 1, long ? MAX_LONG_WARP : MAX_SHORT_WARP);
        _honestTurn();
        VM.warp(block.timestamp + 1);
        _honestTurn();
        VM.warp(block.timestamp + step - 1);
    }

    /// @notice Resolves one dispute that can be resolved.
    function resolve(uint256 disputeSeed) external {
        uint256 disputeId = _findDispute(disputeSeed, _resolvable);
        if (disputeId != 0) _resolve(disputeId);
    }

    /// @notice Settles everything due: every dispute that can be resolved, then every job past its window.
    function settleDue() external {
        _forEachOpenDispute(_resolvable, _resolve);
        uint256 jobs = _weft.escrow.jobCount();
        for (uint256 jobId = 1; jobId <= jobs; ++jobId) {
            if (_finalizable(jobId, _weft.escrow.jobStatus(jobId), _terms(jobId))) _finalize(jobId);
        }
        _ghost.swept();
    }

    function _honestTurn() private {
        _verifier.tick();
        _honestProvider.tick();
    }
}

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

/// @notice Time, and the settlement anyone may trigger. `warp` never lets a deadline of the honest parties (the
/// verifier and the providers of correct results) pass: it stops one second before each one that falls inside the
/// step and has them act then, at the last moment (so the coalition has every chance to move first), or has them act
/// at once; so they act in time whatever the sequence (and a proof committed at a window's last second is still
/// revealed in a later block). `settleDue` resolves every dispute past its deadline (or made moot) and finalizes
/// every job past its challenge window, and records when: invariant_everyJobSettlesWithinTheBound then holds every
/// job submitted at least challengeWindow + maxDisputeDuration before that to be settled.
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

    /// @notice Lets `seconds_` pass (a short or a `long` step). The honest parties act on each deadline inside the step
    /// one second before it, or (`eager`) on all of them at once now, and then on whatever their moves made due.
    function warp(uint256 seconds_, bool long, bool eager) external {
        uint256 target = block.timestamp + _bound(seconds_, 1, long ? MAX_LONG_WARP : MAX_SHORT_WARP);
        if (eager) {
            _verifier.tick(target);
            _honestProvider.tick(target);
        }
        for (uint256 due = _nextDue(); due <= target;) {
            if (due - 1 > block.timestamp) VM.warp(due - 1);
            _verifier.tick(due);
            _honestProvider.tick(due);
            uint256 next = _nextDue();
            if (next <= due) {
                // Something owed by `due` is still owed: it could not act, and would miss a deadline.
                _ghost.violate(Ghost.Kind.WrongResult, "an honest party could not do in time what it owed");
                break;
            }
            due = next;
        }
        VM.warp(target);
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

    function _nextDue() private view returns (uint256) {
        uint256 verifierDue = _verifier.nextDue();
        uint256 providerDue = _honestProvider.nextDue();
        return verifierDue < providerDue ? verifierDue : providerDue;
    }
}

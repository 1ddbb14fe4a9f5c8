// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";
import {IDisputeManager} from "../../../contracts/interfaces/IDisputeManager.sol";
import {VM} from "../utils/Vm.sol";
import {Ghost} from "./Ghost.sol";
import {Weft, Actors} from "./HandlerBase.sol";
import {DisputeBase} from "./DisputeBase.sol";

/// @notice Arbitration, for workloads without a checker: random challengers ask the ARBITER to rule on any result,
/// correct or not; the arbiter rules by the truth (at fault exactly when the provider cheated; on a job another dispute
/// slashed the dispute ends moot whatever it rules) or stays silent, and a silent arbiter's dispute ends for the
/// provider when KeeperHandler resolves it. A ruling given with another job's terms is refused.
contract ArbitrationHandler is DisputeBase {
    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) DisputeBase(weft_, actors_, ghost_) {
        _approveBonds(actors_.challengers);
    }

    function disputeForArbitration(uint256 jobSeed, uint256 challengerSeed) external {
        uint256 jobId = _findJob(jobSeed, _arbitrable);
        if (jobId == 0) return;
        _disputeForArbitration(_pick(_actors.challengers, challengerSeed), jobId, Ghost.Party.Other);
    }

    /// @notice The ARBITER rules by the truth on the disputes of a job awaiting its ruling, one after the other: after
    /// a fault, the others end moot whatever it rules (`upsideDown`: against the truth). If `otherTerms`, it first
    /// tries a ruling with the job's terms naming another provider (where a failed dispute's bond would go), which must
    /// be refused before anything moves (JobTermsMismatch).
    function arbitrate(uint256 disputeSeed, bool upsideDown, bool otherTerms) external {
        uint256 disputeId = _findDispute(disputeSeed, _awaitingRuling);
        if (disputeId == 0) return;
        uint256 jobId = _weft.disputes.dispute(disputeId).jobId;
        bool cheated = _job(jobId).cheated;
        if (otherTerms) _tryOtherTerms(disputeId, jobId, cheated);
        _rule(disputeId, jobId, cheated, upsideDown);
        uint256[] memory open = _ghost.openDisputeIds();
        for (uint256 i = 0; i < open.length; ++i) {
            IDisputeManager.Dispute memory d = _weft.disputes.dispute(open[i]);
            if (d.jobId == jobId && _awaitingRuling(open[i], d)) _rule(open[i], jobId, cheated, upsideDown);
        }
    }

    /// @dev By the truth; upside down only where the job is already slashed (a wrong ruling elsewhere is the arbiter's
    /// to answer for, not the contract's).
    function _rule(uint256 disputeId, uint256 jobId, bool cheated, bool upsideDown) private {
        bool slashed = _slashed(jobId);
        _arbitrate(disputeId, upsideDown && slashed ? !cheated : cheated);
    }

    function _tryOtherTerms(uint256 disputeId, uint256 jobId, bool providerAtFault) private {
        IJobEscrow.Job memory other = _terms(jobId);
        other.provider = _actors.sybils[0];
        VM.prank(_actors.arbiter);
        try _weft.disputes.arbitrate(disputeId, other, providerAtFault) {
            _ghost.violate(Ghost.Kind.Bond, "a ruling with another provider in the job's terms was accepted");
        } catch (bytes memory reason) {
            if (bytes4(reason) != IJobEscrow.JobTermsMismatch.selector) {
                _ghost.violate(Ghost.Kind.Bond, "a ruling with another provider in the terms failed otherwise");
            }
        }
        _unchanged(jobId);
    }

    function _arbitrable(
        uint256 jobId,
        IJobEscrow.JobStatus status,
        IJobEscrow.Job memory j
    ) private view returns (bool) {
        return !_job(jobId).checkable && _disputable(status, j);
    }

    function _awaitingRuling(uint256, IDisputeManager.Dispute memory d) private view returns (bool) {
        return _turn(d, IDisputeManager.DisputeStatus.AwaitingRuling);
    }
}

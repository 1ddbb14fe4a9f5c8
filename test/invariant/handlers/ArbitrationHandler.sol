// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";
import {IDisputeManager} from "../../../contracts/interfaces/IDisputeManager.sol";
import {Ghost} from "./Ghost.sol";
import {Weft, Actors} from "./HandlerBase.sol";
import {DisputeBase} from "./DisputeBase.sol";

/// @notice Arbitration, for workloads without a checker: random challengers ask the ARBITER to rule on any result,
/// correct or not; the arbiter rules by the truth (at fault exactly when the provider cheated) or stays silent, and a
/// silent arbiter's dispute ends for the provider when KeeperHandler resolves it.
contract ArbitrationHandler is DisputeBase {
    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) DisputeBase(weft_, actors_, ghost_) {
        _approveBonds(actors_.challengers);
    }

    function disputeForArbitration(uint256 jobSeed, uint256 challengerSeed) external {
        uint256 jobId = _findJob(jobSeed, _arbitrable);
        if (jobId == 0) return;
        _disputeForArbitration(_pick(_actors.challengers, challengerSeed), jobId, Ghost.Party.Other);
    }

    /// @notice The ARBITER rules by the truth on a dispute awaiting its ruling, its job not slashed by another yet.
    function arbitrate(uint256 disputeSeed) external {
        uint256 disputeId = _findDispute(disputeSeed, _awaitingRuling);
        if (disputeId == 0) return;
        _arbitrate(disputeId, _job(_weft.disputes.dispute(disputeId).jobId).cheated);
        _ghost.count("arbiter: ruled");
    }

    function _arbitrable(uint256 jobId, IJobEscrow.JobStatus status, IJobEscrow.Job memory j) private view returns (bool) {
        return !_job(jobId).checkable && _disputable(status, j);
    }

    function _awaitingRuling(uint256, IDisputeManager.Dispute memory d) private view returns (bool) {
        return _turn(d, IDisputeManager.DisputeStatus.AwaitingRuling) && !_slashed(d.jobId);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDisputeManager} from "../../../contracts/interfaces/IDisputeManager.sol";
import {Ghost} from "./Ghost.sol";
import {Weft, Actors} from "./HandlerBase.sol";
import {DisputeBase} from "./DisputeBase.sol";
import {MatmulJobs} from "./MatmulJobs.sol";

/// @notice A provider that submitted a correct result answers every withheld-data dispute of it in time, whoever opened
/// it: the children of the disputed node in tree order, and at a leaf its chunk. Whatever child a challenger names is
/// then a correct node, so the bisection ends at a correct chunk nobody can prove wrong and the dispute fails.
/// @dev forge calls `respond` at random points; KeeperHandler.warp makes it answer at the last moment otherwise, one
/// second before the deadline `nextDue` reports.
contract HonestProviderHandler is DisputeBase {
    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) DisputeBase(weft_, actors_, ghost_) {}

    /// @notice Answers one dispute of a correct result whose turn is the provider's.
    function respond(uint256 disputeSeed) external {
        uint256 disputeId = _findDispute(disputeSeed, _turnOfHonestProvider);
        if (disputeId != 0) _respond(disputeId);
    }

    /// @notice Answers every dispute of a correct result whose turn is the provider's and ends by `until`.
    function tick(uint256 until) external {
        uint256[] memory disputes = _ghost.openDisputeIds();
        for (uint256 i = 0; i < disputes.length; ++i) {
            IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputes[i]);
            if (_turnOfHonestProvider(disputes[i], d) && d.deadline <= until) _respond(disputes[i]);
        }
    }

    /// @notice The earliest deadline of a turn it owes.
    function nextDue() external view returns (uint256 due) {
        due = type(uint256).max;
        uint256[] memory disputes = _ghost.openDisputeIds();
        for (uint256 i = 0; i < disputes.length; ++i) {
            IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputes[i]);
            if (_turnOfHonestProvider(disputes[i], d) && d.deadline < due) due = d.deadline;
        }
    }

    function _respond(uint256 disputeId) private {
        IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputeId);
        if (d.status == IDisputeManager.DisputeStatus.AwaitingChildren) {
            bytes32[] memory nodes = _correctNodes(d.jobId);
            _revealChildren(disputeId, nodes[2 * d.node + 1], nodes[2 * d.node + 2]);
        } else {
            MatmulJobs.Data memory data = _data(d.jobId);
            uint256 index = 2 * MatmulJobs.chunkCount(data) - 2 - d.node;
            _revealChunk(disputeId, MatmulJobs.chunk(MatmulJobs.output(data), index));
        }
    }

    function _turnOfHonestProvider(uint256, IDisputeManager.Dispute memory d) private view returns (bool) {
        if (d.kind != IDisputeManager.DisputeKind.Withheld || _job(d.jobId).cheated) return false;
        return
            _turn(d, IDisputeManager.DisputeStatus.AwaitingChildren) ||
            _turn(d, IDisputeManager.DisputeStatus.AwaitingChunk);
    }
}

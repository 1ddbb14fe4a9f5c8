// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";
import {IDisputeManager} from "../../../contracts/interfaces/IDisputeManager.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {Ghost} from "./Ghost.sol";
import {Weft, Actors, isDisputeOpen} from "./HandlerBase.sol";
import {DisputeBase} from "./DisputeBase.sol";
import {MatmulJobs} from "./MatmulJobs.sol";

/// @notice The honest verifier of the adversary model: it recomputes every checkable result, disputes every wrong one
/// inside its challenge window, and plays every step of its disputes in time. On a wrong word whose data is published
/// it may commit a fraud proof and reveal it in a later block; otherwise (and whenever it prefers) it opens a
/// withheld-data dispute and plays the bisection against the correct tree: of the two children the provider reveals,
/// it names one whose hash differs from the correct node at that position (one always does, since their parent does),
/// so the provider either cannot answer or reveals a chunk that is wrong, which it then proves wrong with the siblings
/// the provider revealed on the way down. It never disputes a correct result.
/// @dev forge calls `dispute` and `play` at random points of a sequence, so it sometimes acts early; KeeperHandler.warp
/// makes it act at the last moment otherwise: it asks `nextDue` for the earliest deadline of what the verifier owes,
/// stops one second before it and calls `tick`, so nothing it owes can lapse whatever the sequence, and the coalition
/// has every chance to act first.
contract HonestVerifierHandler is DisputeBase {
    /// @dev The siblings the provider revealed along the verifier's path, from the root down.
    mapping(uint256 disputeId => bytes32[]) private _siblings;
    /// @dev The submissions (Ghost.submission) it has recomputed, and the wrong results among them it has not disputed
    /// yet.
    uint256 private _checked;
    uint256[] private _undisputed;

    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) DisputeBase(weft_, actors_, ghost_) {
        address[] memory verifier = new address[](1);
        verifier[0] = actors_.verifier;
        _approveBonds(verifier);
    }

    /// @notice Disputes a wrong result it has not disputed yet, by proof (if `withheld` is false and it can) or by
    /// bisection.
    function dispute(uint256 jobSeed, bool withheld) external {
        uint256 jobId = _findJob(jobSeed, _undisputedWrongResult);
        if (jobId != 0) _dispute(jobId, withheld);
    }

    /// @notice Plays one of its moves that is due.
    function play(uint256 disputeSeed) external {
        uint256 disputeId = _findDispute(disputeSeed, _moveDue);
        if (disputeId != 0) _play(disputeId);
    }

    /// @notice What it owes by `until`: a dispute of each wrong result whose window ends by then, and each move whose
    /// deadline is by then (and the bond of each dispute made moot).
    function tick(uint256 until) external {
        _recompute();
        for (uint256 i = 0; i < _undisputed.length;) {
            uint256 jobId = _undisputed[i];
            IJobEscrow.Job memory j = _terms(jobId);
            bool open = _undisputedWrongResult(jobId, _weft.escrow.jobStatus(jobId), j);
            if (open && j.deadline > until) {
                ++i;
                continue;
            }
            if (open) _dispute(jobId, uint256(keccak256(abi.encode("withheld", jobId))) % 2 == 0);
            _undisputed[i] = _undisputed[_undisputed.length - 1];
            _undisputed.pop();
        }
        uint256[] memory disputes = _ghost.openDisputeIds();
        for (uint256 i = 0; i < disputes.length; ++i) {
            IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputes[i]);
            if (_moveDue(disputes[i], d) && (d.deadline <= until || _slashed(d.jobId))) _play(disputes[i]);
        }
    }

    /// @notice The earliest deadline of what it owes: the end of a wrong result's window, or of its turn in a dispute.
    function nextDue() external view returns (uint256 due) {
        due = type(uint256).max;
        uint256 submissions = _ghost.submissionCount();
        for (uint256 i = _checked; i < submissions; ++i) due = _dueToDispute(_ghost.submission(i), due);
        for (uint256 i = 0; i < _undisputed.length; ++i) due = _dueToDispute(_undisputed[i], due);
        uint256[] memory disputes = _ghost.openDisputeIds();
        for (uint256 i = 0; i < disputes.length; ++i) {
            IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputes[i]);
            if (_owes(disputes[i], d) && d.deadline < due) due = d.deadline;
        }
    }

    /// @dev Recomputes the results submitted since it last looked, and notes the wrong ones.
    function _recompute() private {
        uint256 submissions = _ghost.submissionCount();
        for (; _checked < submissions; ++_checked) {
            uint256 jobId = _ghost.submission(_checked);
            Ghost.JobGhost memory g = _job(jobId);
            if (g.checkable && g.cheated) _undisputed.push(jobId);
        }
    }

    function _dueToDispute(uint256 jobId, uint256 due) private view returns (uint256) {
        IJobEscrow.Job memory j = _terms(jobId);
        bool owed = _undisputedWrongResult(jobId, _weft.escrow.jobStatus(jobId), j);
        return owed && j.deadline < due ? j.deadline : due;
    }

    function _dispute(uint256 jobId, bool withheld) private {
        address verifier = _actors.verifier;
        if (!withheld && _job(jobId).cheat == Ghost.Cheat.WrongWord) {
            bytes memory proof = _proofFromCommittedData(jobId, _job(jobId).wrong);
            _commitProof(verifier, jobId, _commitment(verifier, jobId, proof), Ghost.Party.Honest);
        } else {
            _disputeWithheld(verifier, jobId, Ghost.Party.Honest);
        }
    }

    function _play(uint256 disputeId) private {
        IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputeId);
        if (_slashed(d.jobId)) {
            // Another dispute proved the fault first: the bond comes back.
            _resolve(disputeId);
        } else if (d.status == IDisputeManager.DisputeStatus.AwaitingProof) {
            _revealProof(disputeId, _proofFromCommittedData(d.jobId, _job(d.jobId).wrong));
        } else if (d.status == IDisputeManager.DisputeStatus.AwaitingChoice) {
            _choose(disputeId, d);
        } else {
            _proveRevealedChunkWrong(disputeId, d);
        }
    }

    /// @dev Names a revealed child whose hash differs from the correct node at its position.
    function _choose(uint256 disputeId, IDisputeManager.Dispute memory d) private {
        (bytes32 left, bytes32 right) = _ghost.revealedPair(disputeId);
        if (Hashes.efficientKeccak256(left, right) != d.hash) {
            _ghost.violate(Ghost.Kind.WrongResult, "the children published differ from those the provider revealed");
        }
        bytes32[] memory correct = _correctNodes(d.jobId);
        bool leftWrong = left != correct[2 * d.node + 1];
        bool rightWrong = right != correct[2 * d.node + 2];
        if (!leftWrong && !rightWrong) {
            _ghost.violate(Ghost.Kind.WrongResult, "the provider revealed the correct children of a wrong node");
        }
        // Either wrong child leads to the fault; when both are, the choice varies with the dispute.
        bool disputeRight =
            leftWrong && rightWrong ? uint256(keccak256(abi.encode(disputeId, d.node))) % 2 == 1 : rightWrong;
        _siblings[disputeId].push(disputeRight ? left : right);
        _chooseChild(disputeId, disputeRight);
    }

    /// @dev The chunk revealed at the end of the bisection differs from the correct one: proves its first wrong word
    /// with the siblings revealed on the way down.
    function _proveRevealedChunkWrong(uint256 disputeId, IDisputeManager.Dispute memory d) private {
        bytes memory chunk = _ghost.revealedChunk(disputeId);
        MatmulJobs.Data memory data = _data(d.jobId);
        uint256 leaves = MatmulJobs.chunkCount(data);
        uint256 index = 2 * leaves - 2 - d.node;
        if (MatmulJobs.chunkLeaf(index, chunk) != d.hash) {
            _ghost.violate(Ghost.Kind.WrongResult, "the chunk published differs from the one the provider revealed");
        }
        (bool found, uint256 word) = _firstDifference(chunk, MatmulJobs.chunk(MatmulJobs.output(data), index));
        if (!found) {
            _ghost.violate(Ghost.Kind.WrongResult, "the bisection of a wrong result ended at a correct chunk");
            return;
        }
        bytes32[] memory path = _siblings[disputeId];
        bytes32[] memory chunkProof = new bytes32[](path.length);
        for (uint256 i = 0; i < path.length; ++i) chunkProof[i] = path[path.length - 1 - i];
        bytes memory proof = MatmulJobs.fraudProof(data, index * MatmulJobs.CHUNK_WORDS + word, chunk, chunkProof);
        _proveChunkWrong(disputeId, _actors.verifier, proof);
    }

    function _undisputedWrongResult(
        uint256 jobId,
        IJobEscrow.JobStatus status,
        IJobEscrow.Job memory j
    ) private view returns (bool) {
        Ghost.JobGhost memory g = _job(jobId);
        return g.checkable && g.cheated && g.honestDispute == 0 && _disputable(status, j);
    }

    /// @dev Its own open dispute whose job was slashed (its bond to take back), or one it owes a move in that it can
    /// make now (a committed proof is revealed in a later block).
    function _moveDue(uint256 disputeId, IDisputeManager.Dispute memory d) private view returns (bool) {
        if (d.challenger != _actors.verifier || !isDisputeOpen(d.status)) return false;
        if (_slashed(d.jobId)) return true;
        bool sameBlock = block.timestamp <= d.deadline - d.challengerTime;
        return _owes(disputeId, d) && !(d.status == IDisputeManager.DisputeStatus.AwaitingProof && sameBlock);
    }

    /// @dev Its own dispute, its job not slashed, whose turn is the verifier's and has not run out: a committed proof
    /// to reveal, a pair of children to choose from, a revealed chunk to prove wrong.
    function _owes(uint256, IDisputeManager.Dispute memory d) private view returns (bool) {
        if (d.challenger != _actors.verifier || block.timestamp >= d.deadline || _slashed(d.jobId)) return false;
        return
            d.status == IDisputeManager.DisputeStatus.AwaitingProof ||
            d.status == IDisputeManager.DisputeStatus.AwaitingChoice ||
            d.status == IDisputeManager.DisputeStatus.ChunkRevealed;
    }
}

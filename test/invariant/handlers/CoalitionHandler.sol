// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";
import {IDisputeManager} from "../../../contracts/interfaces/IDisputeManager.sol";
import {VM} from "../utils/Vm.sol";
import {Ghost} from "./Ghost.sol";
import {Weft, Actors, isDisputeOpen} from "./HandlerBase.sol";
import {DisputeBase} from "./DisputeBase.sol";
import {MatmulJobs} from "./MatmulJobs.sol";

/// @notice The adversary of the model: the providers that commit wrong results, and the other addresses they control
/// (the sybils), acting together. On its own wrong results it opens disputes first: withheld-data disputes it plays
/// toward correct children so they end at a correct chunk and fail (squatting), proof commitments it never reveals,
/// and valid proofs it may reveal or not (self-reports, which pay the slash's challenger share back to it). It copies
/// the honest verifier's commitment from its own addresses, and front-runs the verifier's reveal by committing and
/// revealing in one block. As the provider it answers the honest verifier's bisection selectively: the children of its
/// committed tree in order or swapped, its wrong chunk, or nothing. And it griefs correct results with disputes that
/// must fail: commitments it cannot reveal, proofs of correct words, withheld-data disputes it plays at random, and
/// arbitration. Every move it makes is one the contract accepts; every move the contract must refuse is tried and
/// checked refused.
contract CoalitionHandler is DisputeBase {
    /// @notice What the coalition means to do with a dispute it opened.
    enum Tactic {
        None, // not the coalition's
        Squat, // withheld data on its wrong result, steered toward correct children
        Junk, // a commitment to nothing, never revealed
        SelfReport, // a valid proof of its own fault, revealed or not
        Copy, // the honest verifier's commitment, copied from a coalition address
        Grief, // withheld data or arbitration on a correct result, played at random
        ChecksOut // a proof of a correct word of a correct result
    }

    /// @dev The provider's side of a bisection of one of its wrong results: the position it last answered at, the node
    /// of its own tree whose children it revealed there, and whether it revealed them swapped.
    struct Play {
        bool started;
        bool swapped;
        uint32 position;
        uint32 node;
    }

    mapping(uint256 disputeId => Tactic) public tacticOf;
    mapping(uint256 disputeId => Play) private _plays;
    /// @dev The word a ChecksOut commitment proves.
    mapping(uint256 disputeId => uint256) private _provenWord;

    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) DisputeBase(weft_, actors_, ghost_) {
        _approveBonds(actors_.sybils);
        _approveBonds(actors_.providers);
    }

    // ---------------------------------------------------------------- on its own wrong results

    /// @notice Opens a dispute of one of its wrong results from one of its addresses (the provider's own or a sybil's):
    /// a squat, a self-report commitment, or a commitment to nothing; on a workload without a checker, a self-report to
    /// the arbiter (which, ruling by the truth, pays it the challenger's share).
    function disputeFirst(uint256 jobSeed, uint256 memberSeed, uint8 tacticSeed) external {
        uint256 jobId = _findJob(jobSeed, _ownWrongResult);
        if (jobId == 0) return;
        address member = _member(memberSeed, jobId);
        Ghost.JobGhost memory g = _job(jobId);
        uint256 pick = tacticSeed % 3;
        uint256 disputeId;
        if (!g.checkable) {
            disputeId = _disputeForArbitration(member, jobId, Ghost.Party.Coalition);
            tacticOf[disputeId] = Tactic.SelfReport;
        } else if (pick == 0 && g.cheat != Ghost.Cheat.GarbageRoot) {
            // Not on a garbage root: with no tree behind it the coalition could not answer, and would slash itself.
            disputeId = _disputeWithheld(member, jobId, Ghost.Party.Coalition);
            tacticOf[disputeId] = Tactic.Squat;
        } else if (pick == 1 && g.cheat == Ghost.Cheat.WrongWord) {
            bytes memory proof = _proofFromCommittedData(jobId, g.wrong);
            disputeId = _commitProof(member, jobId, _commitment(member, jobId, proof), Ghost.Party.Coalition);
            tacticOf[disputeId] = Tactic.SelfReport;
        } else {
            bytes32 nothing = keccak256(abi.encode("never revealed", jobId, _weft.disputes.disputeCount()));
            disputeId = _commitProof(member, jobId, nothing, Ghost.Party.Coalition);
            tacticOf[disputeId] = Tactic.Junk;
        }
    }

    /// @notice Shadows a proof the honest verifier committed: commits from a sybil the verifier's very commitment
    /// (`copy`) or its own commitment to the same proof, and reveals it in the same block, before the verifier's reveal
    /// lands. The reveal must be refused (RevealTooEarly); a copied commitment stays unrevealable (ProofNotCommitted).
    function shadowHonest(uint256 disputeSeed, uint256 sybilSeed, bool copy) external {
        uint256 honestId = _findDispute(disputeSeed, _honestCommitInWindow);
        if (honestId == 0) return;
        IDisputeManager.Dispute memory honest = _weft.disputes.dispute(honestId);
        uint256 jobId = honest.jobId;
        address sybil = _pick(_actors.sybils, sybilSeed);
        bytes memory proof = _proofFromCommittedData(jobId, _job(jobId).wrong);
        bytes32 commitment = copy ? honest.hash : _commitment(sybil, jobId, proof);
        uint256 disputeId = _commitProof(sybil, jobId, commitment, Ghost.Party.Coalition);
        tacticOf[disputeId] = copy ? Tactic.Copy : Tactic.SelfReport;
        _expectRevealRefused(disputeId, proof, IDisputeManager.RevealTooEarly.selector);
    }

    /// @notice Answers, as the provider, a bisection of one of its wrong results: the children of the node of its own
    /// tree the dispute has reached, in order or `swap`ped (on its own squats always in order), or the chunk there. It
    /// stays silent where it cannot answer: a garbage root or leaf, or a position its node does not fit after a swap.
    /// First, if it `bluff`s, it tries to answer with the correct tree's children or chunk at that position, which
    /// must be refused wherever the disputed node is not the correct one (ChildrenMismatch, ChunkMismatch).
    function providerMove(uint256 disputeSeed, bool swap, bool bluff) external {
        uint256 disputeId = _findDispute(disputeSeed, _turnOfCheatingProvider);
        if (disputeId == 0) return;
        IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputeId);
        if (bluff && _bluffAccepted(disputeId, d)) return;
        Play memory last = _plays[disputeId];
        uint256 node; // the node of the committed tree the challenger named
        if (last.started) {
            bool namedRight = d.node == 2 * uint256(last.position) + 2;
            node = 2 * uint256(last.node) + (namedRight != last.swapped ? 2 : 1);
        }
        if (tacticOf[disputeId] != Tactic.None) swap = false;
        uint256 leaves = MatmulJobs.chunkCount(_data(d.jobId));
        if (d.status == IDisputeManager.DisputeStatus.AwaitingChildren) {
            if (node + 1 >= leaves) return; // a leaf of its tree: no children hash to it
            bytes32[] memory nodes = _committedNodes(d.jobId);
            _plays[disputeId] = Play(true, swap, d.node, uint32(node));
            (bytes32 left, bytes32 right) = (nodes[2 * node + 1], nodes[2 * node + 2]);
            if (swap) (left, right) = (right, left);
            _revealChildren(disputeId, left, right);
        } else {
            // A leaf's hash binds its chunk index: only the chunk of the node itself can be shown there.
            uint256 index = 2 * leaves - 2 - node;
            Ghost.JobGhost memory g = _job(d.jobId);
            if (node != d.node || (g.cheat == Ghost.Cheat.GarbageLeaf && index == g.wrong)) return;
            _revealChunk(disputeId, MatmulJobs.chunk(_committedOutput(d.jobId), index));
        }
    }

    /// @notice Tries to open a dispute of one of its wrong results after its challenge window, to keep the job frozen
    /// longer: refused (ChallengeWindowClosed), whatever disputes are open.
    function disputeLate(uint256 jobSeed, uint256 sybilSeed, bool withheld) external {
        uint256 jobId = _findJob(jobSeed, _ownWrongResultPastWindow);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        bytes memory params = MatmulJobs.params(_data(jobId));
        address sybil = _pick(_actors.sybils, sybilSeed);
        // Every argument is computed before the prank: it applies to the next call, whichever it is.
        VM.prank(sybil);
        if (withheld) {
            try _weft.disputes.disputeWithheld(jobId, j, params) {
                _ghost.violate(Ghost.Kind.Lifecycle, "a dispute opened after the challenge window");
            } catch (bytes memory reason) {
                _expectWindowClosed(reason);
            }
        } else {
            try _weft.disputes.commitProof(jobId, j, keccak256(abi.encode("late", jobId))) {
                _ghost.violate(Ghost.Kind.Lifecycle, "a dispute opened after the challenge window");
            } catch (bytes memory reason) {
                _expectWindowClosed(reason);
            }
        }
        _unchanged(jobId);
    }

    // ---------------------------------------------------------------- against correct results

    /// @notice Disputes a correct result from a sybil: arbitration if it has no checker, else a withheld-data dispute,
    /// a proof of a correct word, or a commitment to nothing. All must fail, and pay their bonds to the provider.
    function grief(uint256 jobSeed, uint256 sybilSeed, uint8 tacticSeed, uint256 wordSeed) external {
        uint256 jobId = _findJob(jobSeed, _correctResult);
        if (jobId == 0) return;
        address sybil = _pick(_actors.sybils, sybilSeed);
        uint256 disputeId;
        uint256 pick = tacticSeed % 3;
        if (!_job(jobId).checkable) {
            disputeId = _disputeForArbitration(sybil, jobId, Ghost.Party.Coalition);
            tacticOf[disputeId] = Tactic.Grief;
        } else if (pick == 0) {
            disputeId = _disputeWithheld(sybil, jobId, Ghost.Party.Coalition);
            tacticOf[disputeId] = Tactic.Grief;
        } else if (pick == 1) {
            uint256 word = wordSeed % MatmulJobs.words(_data(jobId));
            bytes memory proof = _proofFromCommittedData(jobId, word);
            disputeId = _commitProof(sybil, jobId, _commitment(sybil, jobId, proof), Ghost.Party.Coalition);
            (tacticOf[disputeId], _provenWord[disputeId]) = (Tactic.ChecksOut, word);
        } else {
            bytes32 nothing = keccak256(abi.encode("never revealed", jobId, _weft.disputes.disputeCount()));
            disputeId = _commitProof(sybil, jobId, nothing, Ghost.Party.Coalition);
            tacticOf[disputeId] = Tactic.Junk;
        }
    }

    // ---------------------------------------------------------------- the challenger's moves

    /// @notice Plays one of its disputes as the challenger: reveals a self-report (it reveals selectively: only those
    /// the fuzzer picks, when it picks them), tries a copied commitment or a proof of a correct word (refused), names a
    /// child (toward correct ones on a squat, `choice` on a grief), follows up a revealed chunk (a correct one: a proof
    /// of its word `choice` picks is refused), or takes its bond back from a dispute another one made moot.
    function challengerMove(uint256 disputeSeed, bool choice) external {
        uint256 disputeId = _findDispute(disputeSeed, _turnOfCoalitionChallenger);
        if (disputeId == 0) return;
        IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputeId);
        Tactic tactic = tacticOf[disputeId];
        if (_slashed(d.jobId)) {
            _resolve(disputeId);
        } else if (d.status == IDisputeManager.DisputeStatus.AwaitingProof) {
            _revealOwn(disputeId, d, tactic);
        } else if (d.status == IDisputeManager.DisputeStatus.AwaitingChoice) {
            _name(disputeId, d, tactic, choice);
        } else {
            _followUp(disputeId, d, choice);
        }
    }

    function _revealOwn(uint256 disputeId, IDisputeManager.Dispute memory d, Tactic tactic) private {
        Ghost.JobGhost memory g = _job(d.jobId);
        bool sameBlock = block.timestamp <= d.deadline - d.challengerTime;
        if (tactic == Tactic.SelfReport) {
            _revealProof(disputeId, _proofFromCommittedData(d.jobId, g.wrong));
        } else if (tactic == Tactic.Copy) {
            bytes memory proof = _proofFromCommittedData(d.jobId, g.wrong);
            bytes4 refusal =
                sameBlock ? IDisputeManager.RevealTooEarly.selector : IDisputeManager.ProofNotCommitted.selector;
            _expectRevealRefused(disputeId, proof, refusal);
        } else {
            bytes memory proof = _proofFromCommittedData(d.jobId, _provenWord[disputeId]);
            bytes4 refusal =
                sameBlock ? IDisputeManager.RevealTooEarly.selector : IDisputeManager.ResultChecksOut.selector;
            _expectRevealRefused(disputeId, proof, refusal);
        }
    }

    /// @dev On a squat, a child equal to the correct node (so the bisection ends at a correct chunk); on a grief,
    /// either.
    function _name(uint256 disputeId, IDisputeManager.Dispute memory d, Tactic tactic, bool choice) private {
        bool disputeRight = choice;
        if (tactic == Tactic.Squat) {
            (bytes32 left, bytes32 right) = _ghost.revealedPair(disputeId);
            bytes32[] memory correct = _correctNodes(d.jobId);
            bool leftCorrect = left == correct[2 * d.node + 1];
            bool rightCorrect = right == correct[2 * d.node + 2];
            if (leftCorrect != rightCorrect) disputeRight = rightCorrect;
        }
        _chooseChild(disputeId, disputeRight);
    }

    /// @dev A wrong chunk is proven wrong (on a squat that reached one: a self-report); a proof against a correct one
    /// is refused.
    function _followUp(uint256 disputeId, IDisputeManager.Dispute memory d, bool choice) private {
        bytes memory chunk = _ghost.revealedChunk(disputeId);
        MatmulJobs.Data memory data = _data(d.jobId);
        uint256 index = 2 * MatmulJobs.chunkCount(data) - 2 - d.node;
        (bool found, uint256 word) = _firstDifference(chunk, MatmulJobs.chunk(MatmulJobs.output(data), index));
        if (!found) word = choice ? 0 : chunk.length / MatmulJobs.WORD_BYTES - 1;
        bytes32[] memory chunkProof = MatmulJobs.proof(_committedNodes(d.jobId), index);
        bytes memory proof = MatmulJobs.fraudProof(data, index * MatmulJobs.CHUNK_WORDS + word, chunk, chunkProof);
        if (found) {
            _proveChunkWrong(disputeId, d.challenger, proof);
            return;
        }
        IJobEscrow.Job memory j = _terms(d.jobId);
        bytes memory params = MatmulJobs.params(data);
        VM.prank(d.challenger);
        try _weft.disputes.proveChunkWrong(disputeId, j, params, proof) {
            _ghost.violate(Ghost.Kind.HonestResult, "a proof against a correct word of a revealed chunk was accepted");
        } catch (bytes memory reason) {
            if (bytes4(reason) != IDisputeManager.ResultChecksOut.selector) {
                _ghost.violate(Ghost.Kind.HonestResult, "a proof against a correct revealed word failed otherwise");
            }
        }
        _unchanged(d.jobId);
    }

    /// @dev The correct children or chunk where the disputed node is not the correct one: refused, nothing changes.
    function _bluffAccepted(uint256 disputeId, IDisputeManager.Dispute memory d) private returns (bool) {
        bytes32[] memory correct = _correctNodes(d.jobId);
        if (d.hash == correct[d.node]) return false;
        IJobEscrow.Job memory j = _terms(d.jobId);
        bytes4 refusal = IDisputeManager.ChildrenMismatch.selector;
        if (d.status == IDisputeManager.DisputeStatus.AwaitingChildren) {
            VM.prank(j.provider);
            try _weft.disputes.revealChildren(disputeId, j, correct[2 * d.node + 1], correct[2 * d.node + 2]) {
                _ghost.violate(Ghost.Kind.WrongResult, "children that do not hash to the disputed node were accepted");
                return true;
            } catch (bytes memory reason) {
                if (bytes4(reason) != refusal) _ghost.violate(Ghost.Kind.WrongResult, "a bluff failed otherwise");
            }
        } else {
            MatmulJobs.Data memory data = _data(d.jobId);
            uint256 index = 2 * MatmulJobs.chunkCount(data) - 2 - d.node;
            bytes memory chunk = MatmulJobs.chunk(MatmulJobs.output(data), index);
            refusal = IDisputeManager.ChunkMismatch.selector;
            VM.prank(j.provider);
            try _weft.disputes.revealChunk(disputeId, j, chunk) {
                _ghost.violate(Ghost.Kind.WrongResult, "a chunk that does not hash to the disputed leaf was accepted");
                return true;
            } catch (bytes memory reason) {
                if (bytes4(reason) != refusal) _ghost.violate(Ghost.Kind.WrongResult, "a bluff failed otherwise");
            }
        }
        return false;
    }

    function _expectWindowClosed(bytes memory reason) private {
        if (bytes4(reason) != IJobEscrow.ChallengeWindowClosed.selector) {
            _ghost.violate(Ghost.Kind.Lifecycle, "a dispute after the challenge window failed otherwise");
        }
    }

    /// @dev A reveal the contract must refuse with `refusal`, and that changes nothing. A proof of a correct word
    /// protects correct results (Kind.HonestResult); the others, the honest verifier's place (Kind.WrongResult).
    function _expectRevealRefused(uint256 disputeId, bytes memory proof, bytes4 refusal) private {
        Ghost.Kind kind = tacticOf[disputeId] == Tactic.ChecksOut ? Ghost.Kind.HonestResult : Ghost.Kind.WrongResult;
        IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputeId);
        bytes memory params = MatmulJobs.params(_data(d.jobId));
        IJobEscrow.Job memory j = _terms(d.jobId);
        VM.prank(d.challenger);
        try _weft.disputes.revealProof(disputeId, j, params, proof) {
            _ghost.violate(kind, "a reveal the contract must refuse was accepted");
        } catch (bytes memory reason) {
            if (bytes4(reason) != refusal) {
                _ghost.violate(kind, "a reveal the contract must refuse failed for another reason");
            }
        }
        _unchanged(d.jobId);
    }

    // ---------------------------------------------------------------- choosing

    /// @dev One of its addresses with a bond to post: the job's provider or a sybil, from the seed on.
    function _member(uint256 seed, uint256 jobId) private view returns (address) {
        uint256 sybils = _actors.sybils.length;
        uint256 bond = _weft.disputes.bond();
        for (uint256 i = 0; i < sybils + 1; ++i) {
            uint256 k = (seed + i) % (sybils + 1);
            address member = k == sybils ? _terms(jobId).provider : _actors.sybils[k];
            if (_weft.token.balanceOf(member) >= bond) return member;
        }
        return _actors.sybils[0];
    }

    function _ownWrongResult(
        uint256 jobId,
        IJobEscrow.JobStatus status,
        IJobEscrow.Job memory j
    ) private view returns (bool) {
        return _job(jobId).cheated && _disputable(status, j);
    }

    function _ownWrongResultPastWindow(
        uint256 jobId,
        IJobEscrow.JobStatus status,
        IJobEscrow.Job memory j
    ) private view returns (bool) {
        bool running = status == IJobEscrow.JobStatus.Submitted || status == IJobEscrow.JobStatus.Disputed;
        return _job(jobId).checkable && _job(jobId).cheated && running && block.timestamp >= j.deadline;
    }

    function _correctResult(
        uint256 jobId,
        IJobEscrow.JobStatus status,
        IJobEscrow.Job memory j
    ) private view returns (bool) {
        return !_job(jobId).cheated && _disputable(status, j);
    }

    /// @dev The honest verifier's commitment, not yet revealed, on a job still open to new disputes.
    function _honestCommitInWindow(uint256, IDisputeManager.Dispute memory d) private view returns (bool) {
        if (d.challenger != _actors.verifier || !_turn(d, IDisputeManager.DisputeStatus.AwaitingProof)) return false;
        return _disputable(_weft.escrow.jobStatus(d.jobId), _terms(d.jobId));
    }

    /// @dev A bisection of a wrong result with a committed tree, the provider's turn, its job not slashed yet.
    function _turnOfCheatingProvider(uint256, IDisputeManager.Dispute memory d) private view returns (bool) {
        Ghost.JobGhost memory g = _job(d.jobId);
        if (!g.cheated || g.cheat == Ghost.Cheat.GarbageRoot || _slashed(d.jobId)) return false;
        return
            _turn(d, IDisputeManager.DisputeStatus.AwaitingChildren) ||
            _turn(d, IDisputeManager.DisputeStatus.AwaitingChunk);
    }

    /// @dev One of its own open disputes whose job another dispute slashed (its bond to take back), or whose turn is
    /// the challenger's (a commitment it can reveal or try, children to name, a revealed chunk).
    function _turnOfCoalitionChallenger(
        uint256 disputeId,
        IDisputeManager.Dispute memory d
    ) private view returns (bool) {
        Tactic tactic = tacticOf[disputeId];
        if (tactic == Tactic.None || !isDisputeOpen(d.status)) return false;
        if (_slashed(d.jobId)) return true;
        if (block.timestamp >= d.deadline) return false;
        if (d.status == IDisputeManager.DisputeStatus.AwaitingProof) {
            bool later = block.timestamp > d.deadline - d.challengerTime;
            return tactic == Tactic.Copy || tactic == Tactic.ChecksOut || (tactic == Tactic.SelfReport && later);
        }
        return
            d.status == IDisputeManager.DisputeStatus.AwaitingChoice ||
            d.status == IDisputeManager.DisputeStatus.ChunkRevealed;
    }
}

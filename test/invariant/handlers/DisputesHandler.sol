// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";
import {IDisputeManager} from "../../../contracts/interfaces/IDisputeManager.sol";
import {VM} from "../utils/Vm.sol";
import {Ghost} from "./Ghost.sol";
import {HandlerBase, Weft, Actors, isDisputeOpen} from "./HandlerBase.sol";
import {Matmul1x1} from "./Matmul1x1.sol";

/// @notice Drives all three dispute paths against honest and cheating providers: fraud proofs (which must slash a
/// cheat and be refused on an honest result), withheld-data disputes answered by a reveal or left to time out (a
/// slash), follow-up proofs after a reveal, and arbitration, where the ARBITER rules by the truth or stays silent.
contract DisputesHandler is HandlerBase {
    /// @dev What a settlement is checked against that the job's terms do not give: the provider's stake and the
    /// registry's balance before it, and the slash it announced.
    struct Before {
        uint256 stake;
        uint256 registryBalance;
        uint256 slashAmount;
    }

    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) HandlerBase(weft_, actors_, ghost_) {
        // Bonds are paid in WEFT; challengers approve the DisputeManager once, as the verifier does.
        for (uint256 i = 0; i < actors_.challengers.length; ++i) {
            VM.prank(actors_.challengers[i]);
            weft_.token.approve(address(weft_.disputes), type(uint256).max);
        }
    }

    function disputeWithProof(uint256 jobSeed, uint256 challengerSeed) external {
        uint256 jobId = _findJob(jobSeed, _challengeableWithChecker);
        if (jobId == 0) return;
        _prove(jobId, _pick(_actors.challengers, challengerSeed));
    }

    function disputeWithheld(uint256 jobSeed, uint256 challengerSeed) external {
        uint256 jobId = _findJob(jobSeed, _challengeableWithChecker);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        VM.prank(_pick(_actors.challengers, challengerSeed));
        _weft.disputes.disputeWithheld(jobId, j, Matmul1x1.params(), 0, 0);
        _observe(jobId, IJobEscrow.JobStatus.Disputed);
    }

    /// @notice The provider answers a withheld-data dispute with the chunk it committed to, right or wrong.
    function reveal(uint256 jobSeed) external {
        uint256 jobId = _findJob(jobSeed, _awaitingReveal);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        bytes memory chunk = _committedChunk(jobId);
        VM.prank(j.provider);
        _weft.disputes.reveal(jobId, j, chunk, new bytes32[](0));
        _observe(jobId, IJobEscrow.JobStatus.Disputed);
    }

    /// @notice Anyone proves a revealed chunk wrong (refused if it is right).
    function followUpWithProof(uint256 jobSeed, uint256 challengerSeed) external {
        uint256 jobId = _findJob(jobSeed, _revealedInTime);
        if (jobId == 0) return;
        _prove(jobId, _pick(_actors.challengers, challengerSeed));
    }

    function disputeForArbitration(uint256 jobSeed, uint256 challengerSeed) external {
        uint256 jobId = _findJob(jobSeed, _challengeableByArbitration);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        VM.prank(_pick(_actors.challengers, challengerSeed));
        _weft.disputes.disputeForArbitration(jobId, j, "ipfs://evidence");
        _observe(jobId, IJobEscrow.JobStatus.Disputed);
    }

    /// @notice The ARBITER rules by the truth: at fault exactly when the provider cheated.
    function arbitrate(uint256 jobSeed) external {
        uint256 jobId = _findJob(jobSeed, _awaitingRuling);
        if (jobId == 0) return;
        (, , bool cheated, , ) = _ghost.jobs(jobId);
        IJobEscrow.Job memory j = _terms(jobId);
        Before memory before = _snapshot(jobId, j);
        VM.prank(_actors.arbiter);
        _weft.disputes.arbitrate(jobId, j, cheated);
        _checkSettlement(jobId, j, before, cheated);
    }

    /// @notice Ends a dispute past its deadline: an unanswered withheld-data dispute slashes, the others do not.
    function resolveTimeout(uint256 jobSeed) external {
        uint256 jobId = _findJob(jobSeed, _openPastDeadline);
        if (jobId == 0) return;
        bool unanswered = _weft.disputes.dispute(jobId).status == IDisputeManager.DisputeStatus.AwaitingReveal;
        IJobEscrow.Job memory j = _terms(jobId);
        Before memory before = _snapshot(jobId, j);
        _weft.disputes.resolveTimeout(jobId, j);
        _checkSettlement(jobId, j, before, unanswered);
    }

    function _prove(uint256 jobId, address challenger) private {
        (, , bool cheated, int8 a, int8 b) = _ghost.jobs(jobId);
        bytes memory proof = Matmul1x1.fraudProof(a, b, Matmul1x1.resultChunk(a, b, cheated));
        IJobEscrow.Job memory j = _terms(jobId);
        Before memory before = _snapshot(jobId, j);
        if (cheated) {
            VM.prank(challenger);
            _weft.disputes.disputeWithProof(jobId, j, Matmul1x1.params(), proof);
            _checkSettlement(jobId, j, before, true);
            return;
        }
        // A refused proof changes nothing: the job stays Submitted, or Disputed under the revealed dispute.
        IJobEscrow.JobStatus unchanged = _weft.escrow.jobStatus(jobId);
        VM.prank(challenger);
        try _weft.disputes.disputeWithProof(jobId, j, Matmul1x1.params(), proof) {
            _ghost.violate(Ghost.Kind.HonestDispute, "a fraud proof against an honest result was accepted");
        } catch (bytes memory reason) {
            if (bytes4(reason) != IDisputeManager.ResultChecksOut.selector) {
                _ghost.violate(Ghost.Kind.HonestDispute, "a fraud proof against an honest result failed oddly");
            }
        }
        _observe(jobId, unchanged);
    }

    function _snapshot(uint256 jobId, IJobEscrow.Job memory j) private view returns (Before memory) {
        return
            Before({
                stake: _stakeOf(j.provider),
                registryBalance: _weft.token.balanceOf(address(_weft.registry)),
                slashAmount: _weft.disputes.slashAmount(jobId, j)
            });
    }

    /// @dev At fault: the client is refunded and exactly the announced slash leaves the provider's stake, never more
    /// than it had. No fault: the job is Submitted again and the stake is untouched.
    function _checkSettlement(uint256 jobId, IJobEscrow.Job memory j, Before memory before, bool fault) private {
        IDisputeManager.DisputeStatus status = _weft.disputes.dispute(jobId).status;
        IDisputeManager.DisputeStatus expected =
            fault ? IDisputeManager.DisputeStatus.ProviderAtFault : IDisputeManager.DisputeStatus.NoFault;
        if (status != expected) _ghost.violate(Ghost.Kind.Slash, "a dispute settled the other way than it should");
        uint256 stakeAfter = _stakeOf(j.provider);
        if (status == IDisputeManager.DisputeStatus.ProviderAtFault) {
            uint256 taken = before.registryBalance - _weft.token.balanceOf(address(_weft.registry));
            _ghost.slashTaken(taken);
            _ghost.paidOutOfEscrow(j.paymentToken, j.payment);
            if (taken > before.stake) _ghost.violate(Ghost.Kind.Slash, "a slash took more than the provider's stake");
            if (before.stake - stakeAfter != taken) {
                _ghost.violate(Ghost.Kind.Slash, "the provider's stake fell by other than the slash");
            }
            if (taken != before.slashAmount) _ghost.violate(Ghost.Kind.Slash, "a slash took other than slashAmount");
        } else if (stakeAfter != before.stake) {
            _ghost.violate(Ghost.Kind.Slash, "a dispute without fault changed the provider's stake");
        }
        _observe(jobId, fault ? IJobEscrow.JobStatus.Slashed : IJobEscrow.JobStatus.Submitted);
    }

    function _committedChunk(uint256 jobId) private view returns (bytes memory) {
        (, , bool cheated, int8 a, int8 b) = _ghost.jobs(jobId);
        return Matmul1x1.resultChunk(a, b, cheated);
    }

    function _challengeableWithChecker(
        uint256 jobId,
        IJobEscrow.JobStatus status,
        IJobEscrow.Job memory j
    ) private view returns (bool) {
        (, bool checkable, , , ) = _ghost.jobs(jobId);
        return checkable && _challengeable(status, j);
    }

    function _challengeableByArbitration(
        uint256 jobId,
        IJobEscrow.JobStatus status,
        IJobEscrow.Job memory j
    ) private view returns (bool) {
        (, bool checkable, , , ) = _ghost.jobs(jobId);
        return !checkable && _challengeable(status, j);
    }

    /// @dev Submitted, inside the challenge window (a submitted job's deadline is the window's end).
    function _challengeable(IJobEscrow.JobStatus status, IJobEscrow.Job memory j) private view returns (bool) {
        return status == IJobEscrow.JobStatus.Submitted && block.timestamp < j.deadline;
    }

    function _awaitingReveal(uint256 jobId, IJobEscrow.JobStatus, IJobEscrow.Job memory) private view returns (bool) {
        return _inTime(jobId, IDisputeManager.DisputeStatus.AwaitingReveal);
    }

    function _revealedInTime(uint256 jobId, IJobEscrow.JobStatus, IJobEscrow.Job memory) private view returns (bool) {
        return _inTime(jobId, IDisputeManager.DisputeStatus.Revealed);
    }

    function _awaitingRuling(uint256 jobId, IJobEscrow.JobStatus, IJobEscrow.Job memory) private view returns (bool) {
        return _inTime(jobId, IDisputeManager.DisputeStatus.AwaitingRuling);
    }

    function _inTime(uint256 jobId, IDisputeManager.DisputeStatus wanted) private view returns (bool) {
        IDisputeManager.Dispute memory d = _weft.disputes.dispute(jobId);
        return d.status == wanted && block.timestamp < d.deadline;
    }

    function _openPastDeadline(uint256 jobId, IJobEscrow.JobStatus, IJobEscrow.Job memory) private view returns (bool) {
        IDisputeManager.Dispute memory d = _weft.disputes.dispute(jobId);
        return isDisputeOpen(d.status) && block.timestamp >= d.deadline;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";
import {IDisputeManager} from "../../../contracts/interfaces/IDisputeManager.sol";
import {VM} from "../utils/Vm.sol";
import {Ghost} from "./Ghost.sol";
import {HandlerBase, Weft, Actors, isDisputeOpen} from "./HandlerBase.sol";
import {MatmulJobs} from "./MatmulJobs.sol";

/// @notice What every handler that plays the dispute game shares: opening a dispute on each path, each move (which
/// also publishes what its event carries, for the watchers), and settling a dispute with every flow of money checked
/// against what the outcome must pay: a fault refunds the client and pays exactly the announced slash, split between
/// challenger, client and treasury, with the bond back to the challenger; a failed dispute pays its bond to the
/// provider and leaves its stake alone; a moot one returns the bond to its challenger.
abstract contract DisputeBase is HandlerBase {
    /// @dev The balances a settlement is checked against.
    struct Before {
        IDisputeManager.Dispute d;
        IJobEscrow.Job j;
        uint256 managerBalance;
        uint256 registryBalance;
        uint256 providerStake;
        uint256 providerDebt;
        uint256 slashAmount;
        uint256 providerWeft;
        uint256 challengerWeft;
        uint256 clientWeft;
        uint256 clientPaymentToken;
        uint256 treasuryWeft;
    }

    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) HandlerBase(weft_, actors_, ghost_) {}

    // ---------------------------------------------------------------- opening

    /// @dev Every account that may post a bond approves the DisputeManager once, as the verifier does.
    function _approveBonds(address[] memory accounts) internal {
        for (uint256 i = 0; i < accounts.length; ++i) {
            VM.prank(accounts[i]);
            _weft.token.approve(address(_weft.disputes), type(uint256).max);
        }
    }

    function _commitProof(
        address challenger,
        uint256 jobId,
        bytes32 commitment,
        Ghost.Party party
    ) internal returns (uint256 disputeId) {
        IJobEscrow.Job memory j = _terms(jobId);
        VM.prank(challenger);
        disputeId = _weft.disputes.commitProof(jobId, j, commitment);
        _opened(disputeId, jobId, party);
    }

    function _disputeWithheld(
        address challenger,
        uint256 jobId,
        Ghost.Party party
    ) internal returns (uint256 disputeId) {
        IJobEscrow.Job memory j = _terms(jobId);
        bytes memory params = MatmulJobs.params(_data(jobId));
        VM.prank(challenger);
        disputeId = _weft.disputes.disputeWithheld(jobId, j, params);
        _opened(disputeId, jobId, party);
    }

    function _disputeForArbitration(
        address challenger,
        uint256 jobId,
        Ghost.Party party
    ) internal returns (uint256 disputeId) {
        IJobEscrow.Job memory j = _terms(jobId);
        VM.prank(challenger);
        disputeId = _weft.disputes.disputeForArbitration(jobId, j, "ipfs://evidence");
        _opened(disputeId, jobId, party);
    }

    // ---------------------------------------------------------------- moves

    /// @dev The provider's move on an internal node; the challenger's clock runs next.
    function _revealChildren(uint256 disputeId, bytes32 left, bytes32 right) internal {
        uint256 jobId = _weft.disputes.dispute(disputeId).jobId;
        IJobEscrow.Job memory j = _terms(jobId);
        Ghost.Clock memory c = _ghost.clock(disputeId);
        VM.prank(j.provider);
        _weft.disputes.revealChildren(disputeId, j, left, right);
        _ghost.publishChildren(disputeId, left, right);
        _clockMoved(disputeId, _spent(c.providerLeft, c), c.challengerLeft, c.challengerLeft);
        _unchanged(jobId);
    }

    /// @dev The provider's move on a leaf; the follow-up window runs next.
    function _revealChunk(uint256 disputeId, bytes memory chunk) internal {
        uint256 jobId = _weft.disputes.dispute(disputeId).jobId;
        IJobEscrow.Job memory j = _terms(jobId);
        Ghost.Clock memory c = _ghost.clock(disputeId);
        VM.prank(j.provider);
        _weft.disputes.revealChunk(disputeId, j, chunk);
        _ghost.publishChunk(disputeId, chunk);
        _clockMoved(disputeId, _spent(c.providerLeft, c), c.challengerLeft, _weft.disputes.followUpWindow());
        _unchanged(jobId);
    }

    /// @dev The challenger names a child of the pair its provider revealed last; the provider's clock runs next.
    function _chooseChild(uint256 disputeId, bool disputeRight) internal {
        IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputeId);
        (bytes32 left, bytes32 right) = _ghost.revealedPair(disputeId);
        Ghost.Clock memory c = _ghost.clock(disputeId);
        VM.prank(d.challenger);
        _weft.disputes.chooseChild(disputeId, left, right, disputeRight);
        _clockMoved(disputeId, c.providerLeft, _spent(c.challengerLeft, c), c.providerLeft);
        _unchanged(d.jobId);
    }

    /// @dev What the moving side has left once the current turn's time is taken from `left`; a move after its clock
    /// ran out is a violation (the contract accepted it).
    function _spent(uint256 left, Ghost.Clock memory c) private returns (uint256) {
        uint256 elapsed = block.timestamp - c.turnStart;
        if (elapsed < left) return left - elapsed;
        _ghost.violate(Ghost.Kind.Clock, "a side moved after its chess clock ran out");
        return 0;
    }

    /// @dev After a move: the new turn must end `turn` from now, as the chess clocks say (each side has
    /// responseWindow for all its moves; the follow-up window after a chunk).
    function _clockMoved(uint256 disputeId, uint256 providerLeft, uint256 challengerLeft, uint256 turn) private {
        _ghost.setClock(disputeId, providerLeft, challengerLeft);
        if (_weft.disputes.dispute(disputeId).deadline != block.timestamp + turn) {
            _ghost.violate(Ghost.Kind.Clock, "a move set another deadline than the chess clocks allow");
        }
    }

    // ---------------------------------------------------------------- settling

    /// @dev The dispute's challenger reveals its proof: it must prove the fault.
    function _revealProof(uint256 disputeId, bytes memory proof) internal {
        Before memory before = _snapshot(disputeId);
        bytes memory params = MatmulJobs.params(_data(before.d.jobId));
        VM.prank(before.d.challenger);
        _weft.disputes.revealProof(disputeId, before.j, params, proof);
        _settled(disputeId, before, IDisputeManager.DisputeStatus.ProviderAtFault);
    }

    /// @dev `sender` proves a word of the revealed chunk wrong: it must prove the fault.
    function _proveChunkWrong(uint256 disputeId, address sender, bytes memory proof) internal {
        Before memory before = _snapshot(disputeId);
        bytes memory params = MatmulJobs.params(_data(before.d.jobId));
        VM.prank(sender);
        _weft.disputes.proveChunkWrong(disputeId, before.j, params, proof);
        _settled(disputeId, before, IDisputeManager.DisputeStatus.ProviderAtFault);
    }

    /// @dev The ARBITER's ruling: at fault or not, or moot whatever the ruling if another dispute slashed the job.
    function _arbitrate(uint256 disputeId, bool providerAtFault) internal {
        Before memory before = _snapshot(disputeId);
        IDisputeManager.DisputeStatus expected =
            providerAtFault ? IDisputeManager.DisputeStatus.ProviderAtFault : IDisputeManager.DisputeStatus.NoFault;
        if (_slashed(before.d.jobId)) expected = IDisputeManager.DisputeStatus.Moot;
        VM.prank(_actors.arbiter);
        _weft.disputes.arbitrate(disputeId, before.j, providerAtFault);
        _settled(disputeId, before, expected);
    }

    /// @dev Ends a dispute whose job another dispute slashed (moot), or whose turn ran out: the provider's turn is a
    /// fault, any other a failed dispute.
    function _resolve(uint256 disputeId) internal {
        Before memory before = _snapshot(disputeId);
        IDisputeManager.DisputeStatus expected = IDisputeManager.DisputeStatus.NoFault;
        IDisputeManager.DisputeStatus status = before.d.status;
        if (_weft.escrow.jobStatus(before.d.jobId) == IJobEscrow.JobStatus.Slashed) {
            expected = IDisputeManager.DisputeStatus.Moot;
        } else if (
            status == IDisputeManager.DisputeStatus.AwaitingChildren ||
            status == IDisputeManager.DisputeStatus.AwaitingChunk
        ) {
            expected = IDisputeManager.DisputeStatus.ProviderAtFault;
        }
        _weft.disputes.resolve(disputeId, before.j);
        _settled(disputeId, before, expected);
    }

    function _resolvable(uint256, IDisputeManager.Dispute memory d) internal view returns (bool) {
        if (!isDisputeOpen(d.status)) return false;
        return block.timestamp >= d.deadline || _weft.escrow.jobStatus(d.jobId) == IJobEscrow.JobStatus.Slashed;
    }

    // ---------------------------------------------------------------- finding

    /// @dev The first open dispute from a seed-chosen one on (wrapping) that satisfies `wanted`, or zero. Every
    /// handler acts on open disputes only.
    function _findDispute(
        uint256 seed,
        function(uint256, IDisputeManager.Dispute memory) internal view returns (bool) wanted
    ) internal view returns (uint256) {
        uint256[] memory open = _ghost.openDisputeIds();
        if (open.length == 0) return 0;
        seed %= open.length; // no overflow below
        for (uint256 i = 0; i < open.length; ++i) {
            uint256 disputeId = open[(seed + i) % open.length];
            if (wanted(disputeId, _weft.disputes.dispute(disputeId))) return disputeId;
        }
        return 0;
    }

    /// @dev Calls `act` on every dispute open now that satisfies `wanted` when its turn comes (an earlier one may
    /// have settled it or changed it).
    function _forEachOpenDispute(
        function(uint256, IDisputeManager.Dispute memory) internal view returns (bool) wanted,
        function(uint256) internal act
    ) internal {
        uint256[] memory open = _ghost.openDisputeIds();
        for (uint256 i = 0; i < open.length; ++i) {
            if (wanted(open[i], _weft.disputes.dispute(open[i]))) act(open[i]);
        }
    }

    /// @dev Submitted or Disputed, inside its challenge window: a new dispute may open.
    function _disputable(IJobEscrow.JobStatus status, IJobEscrow.Job memory j) internal view returns (bool) {
        return
            (status == IJobEscrow.JobStatus.Submitted || status == IJobEscrow.JobStatus.Disputed) &&
            block.timestamp < j.deadline;
    }

    /// @dev A dispute's turn is `status` and has not run out.
    function _turn(
        IDisputeManager.Dispute memory d,
        IDisputeManager.DisputeStatus status
    ) internal view returns (bool) {
        return d.status == status && block.timestamp < d.deadline;
    }

    function _slashed(uint256 jobId) internal view returns (bool) {
        return _weft.escrow.jobStatus(jobId) == IJobEscrow.JobStatus.Slashed;
    }

    // ---------------------------------------------------------------- job data

    function _data(uint256 jobId) internal view returns (MatmulJobs.Data memory) {
        Ghost.JobGhost memory g = _job(jobId);
        return MatmulJobs.Data(g.m, g.n, g.seed);
    }

    function _correctNodes(uint256 jobId) internal view returns (bytes32[] memory) {
        return MatmulJobs.tree(_ghost.correctLeaves(jobId));
    }

    /// @dev The committed tree's nodes, or none for a garbage root.
    function _committedNodes(uint256 jobId) internal view returns (bytes32[] memory) {
        bytes32[] memory leaves = _ghost.committedLeaves(jobId);
        return leaves.length == 0 ? leaves : MatmulJobs.tree(leaves);
    }

    /// @dev The output the provider committed to (a garbage leaf's chunk has no such data: it is never asked for).
    function _committedOutput(uint256 jobId) internal view returns (bytes memory out) {
        Ghost.JobGhost memory g = _job(jobId);
        out = MatmulJobs.output(_data(jobId));
        if (g.cheat == Ghost.Cheat.WrongWord) MatmulJobs.flipWord(out, g.wrong);
    }

    /// @dev A fraud proof of word `wordIndex` from the committed data, with the chunk's proof in the committed tree.
    function _proofFromCommittedData(uint256 jobId, uint256 wordIndex) internal view returns (bytes memory) {
        uint256 chunkIndex = wordIndex / MatmulJobs.CHUNK_WORDS;
        bytes memory chunk = MatmulJobs.chunk(_committedOutput(jobId), chunkIndex);
        bytes32[] memory chunkProof = MatmulJobs.proof(_committedNodes(jobId), chunkIndex);
        return MatmulJobs.fraudProof(_data(jobId), wordIndex, chunk, chunkProof);
    }

    /// @dev IDisputeManager.proofCommitment, as its NatSpec defines it.
    function _commitment(address challenger, uint256 jobId, bytes memory proof) internal pure returns (bytes32) {
        return keccak256(abi.encode(challenger, jobId, keccak256(proof)));
    }

    /// @dev The first word at which two equally long chunks differ, if any.
    function _firstDifference(bytes memory a, bytes memory b) internal pure returns (bool found, uint256 word) {
        uint256 count = a.length / MatmulJobs.WORD_BYTES;
        for (word = 0; word < count; ++word) {
            if (MatmulJobs.wordAt(a, word) != MatmulJobs.wordAt(b, word)) return (true, word);
        }
    }

    // ---------------------------------------------------------------- internals

    /// @dev A new dispute: its first turn is the provider's (withheld data), the challenger's reveal window (proof),
    /// or the arbiter's.
    function _opened(uint256 disputeId, uint256 jobId, Ghost.Party party) private {
        IDisputeManager.Dispute memory d = _weft.disputes.dispute(disputeId);
        _ghost.disputeOpened(disputeId, jobId, party, d.bond);
        uint256 window = _weft.disputes.responseWindow();
        if (d.kind == IDisputeManager.DisputeKind.Withheld) {
            _clockMoved(disputeId, window, window, window);
        } else {
            uint256 first = d.kind == IDisputeManager.DisputeKind.Proof ? window : _weft.disputes.arbitrationWindow();
            if (d.deadline != block.timestamp + first) {
                _ghost.violate(Ghost.Kind.Clock, "a dispute opened with another deadline than its window");
            }
        }
        _observe(jobId, IJobEscrow.JobStatus.Disputed);
    }

    function _unchanged(uint256 jobId) internal {
        _observe(jobId, _job(jobId).lastStatus);
    }

    function _snapshot(uint256 disputeId) internal view returns (Before memory b) {
        b.d = _weft.disputes.dispute(disputeId);
        b.j = _terms(b.d.jobId);
        b.managerBalance = _weft.token.balanceOf(address(_weft.disputes));
        b.registryBalance = _weft.token.balanceOf(address(_weft.registry));
        b.providerStake = _stakeOf(b.j.provider);
        b.providerDebt = _weft.registry.providerState(b.j.provider).debt;
        if (_weft.escrow.jobStatus(b.d.jobId) == IJobEscrow.JobStatus.Disputed) {
            b.slashAmount = _weft.disputes.slashAmount(b.d.jobId, b.j);
        }
        b.providerWeft = _weft.token.balanceOf(b.j.provider);
        b.challengerWeft = _weft.token.balanceOf(b.d.challenger);
        b.clientWeft = _weft.token.balanceOf(b.j.client);
        b.clientPaymentToken = IERC20(b.j.paymentToken).balanceOf(b.j.client);
        b.treasuryWeft = _weft.token.balanceOf(_weft.escrow.treasury());
    }

    /// @dev After a dispute ended: its outcome, and every balance it moved.
    function _settled(uint256 disputeId, Before memory b, IDisputeManager.DisputeStatus expected) internal {
        IDisputeManager.DisputeStatus status = _weft.disputes.dispute(disputeId).status;
        if (status != expected) _ghost.violate(Ghost.Kind.Slash, "a dispute settled the other way than it should");
        _ghost.disputeClosed(disputeId);
        if (b.managerBalance - _weft.token.balanceOf(address(_weft.disputes)) != b.d.bond) {
            _ghost.violate(Ghost.Kind.Bond, "a dispute ended moving other than its bond out of the DisputeManager");
        }
        if (status == IDisputeManager.DisputeStatus.ProviderAtFault) {
            _checkFault(b);
        } else if (status == IDisputeManager.DisputeStatus.NoFault) {
            _checkNoFault(disputeId, b);
        } else {
            if (_weft.token.balanceOf(b.d.challenger) - b.challengerWeft != b.d.bond) {
                _ghost.violate(Ghost.Kind.Bond, "a moot dispute did not return its bond to its challenger");
            }
            _ghost.bondReturned(b.d.bond);
            _observe(b.d.jobId, IJobEscrow.JobStatus.Slashed);
        }
    }

    /// @dev A failed dispute pays its bond to the provider and leaves its stake alone; the job is Submitted again once
    /// no dispute of it is open.
    function _checkNoFault(uint256 disputeId, Before memory b) private {
        if (_weft.token.balanceOf(b.j.provider) - b.providerWeft != b.d.bond) {
            _ghost.violate(Ghost.Kind.Bond, "a failed dispute did not pay its bond to the provider");
        }
        if (_stakeOf(b.j.provider) != b.providerStake) {
            _ghost.violate(Ghost.Kind.Slash, "a dispute without fault changed the provider's stake");
        }
        if (_ghost.disputeOf(disputeId).party == Ghost.Party.Honest) {
            _ghost.violate(Ghost.Kind.WrongResult, "a dispute of the honest verifier failed");
        }
        _ghost.bondForfeited(b.d.bond);
        bool lastOpen = _job(b.d.jobId).openDisputes == 0;
        _observe(b.d.jobId, lastOpen ? IJobEscrow.JobStatus.Submitted : IJobEscrow.JobStatus.Disputed);
    }

    /// @dev At fault: the client is refunded, exactly the announced slash leaves the provider's stake (never more than
    /// it had) and is split as governed, and the challenger gets its bond back.
    function _checkFault(Before memory b) private {
        uint256 taken = b.registryBalance - _weft.token.balanceOf(address(_weft.registry));
        _ghost.slashTaken(taken);
        _ghost.paidOutOfEscrow(b.j.paymentToken, b.j.payment);
        _ghost.bondReturned(b.d.bond);
        if (taken > b.providerStake) _ghost.violate(Ghost.Kind.Slash, "a slash took more than the provider's stake");
        if (b.providerStake - _stakeOf(b.j.provider) != taken) {
            _ghost.violate(Ghost.Kind.Slash, "the provider's stake fell by other than the slash");
        }
        if (taken != b.slashAmount) _ghost.violate(Ghost.Kind.Slash, "a slash took other than slashAmount");
        // The rule restated: the job's collateral not already owed as debt, plus the stake share of all the rest of
        // the provider's stake (free, unbonding and locked by other jobs), however the provider arranged it.
        uint256 backing = b.j.collateral - (b.j.collateral < b.providerDebt ? b.j.collateral : b.providerDebt);
        uint256 owed = backing + ((b.providerStake - backing) * _weft.disputes.stakeShareBps()) / 10_000;
        if (taken != owed) _ghost.violate(Ghost.Kind.Slash, "a slash spared stake the provider had arranged");

        IDisputeManager.SlashSplit memory split = _weft.disputes.slashSplit();
        uint256 challengerShare = (taken * split.challengerBps) / 10_000;
        uint256 clientShare = (taken * split.clientBps) / 10_000;
        bool inWeft = b.j.paymentToken == address(_weft.token);
        uint256 clientOwed = clientShare + (inWeft ? b.j.payment : 0);
        // A coalition may dispute its own shield job from the client's address: that address is then paid both.
        bool sameAddress = b.d.challenger == b.j.client;
        uint256 challengerOwed = b.d.bond + challengerShare + (sameAddress ? clientOwed : 0);
        if (_weft.token.balanceOf(b.d.challenger) - b.challengerWeft != challengerOwed) {
            _ghost.violate(Ghost.Kind.Slash, "the challenger was not paid its bond and its share");
        }
        if (!sameAddress && _weft.token.balanceOf(b.j.client) - b.clientWeft != clientOwed) {
            _ghost.violate(Ghost.Kind.Slash, "the client was not paid its share (and refunded)");
        }
        if (!inWeft && IERC20(b.j.paymentToken).balanceOf(b.j.client) - b.clientPaymentToken != b.j.payment) {
            _ghost.violate(Ghost.Kind.Escrow, "a slashed job did not refund its client");
        }
        uint256 treasuryWeft = _weft.token.balanceOf(_weft.escrow.treasury()) - b.treasuryWeft;
        if (treasuryWeft != taken - challengerShare - clientShare) {
            _ghost.violate(Ghost.Kind.Slash, "the treasury was not paid the rest of the slash");
        }
        if (!_job(b.d.jobId).cheated) _ghost.violate(Ghost.Kind.HonestResult, "an honest result was slashed");
        _observe(b.d.jobId, IJobEscrow.JobStatus.Slashed);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDisputeManager} from "../interfaces/IDisputeManager.sol";
import {DisputeParameters} from "./DisputeParameters.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IWorkloadChecker} from "../interfaces/IWorkloadChecker.sol";
import {ResultTreeLayout} from "../libraries/ResultTreeLayout.sol";
import {WorkloadLeaves} from "../libraries/WorkloadLeaves.sol";

/// @title DisputeManager
/// @notice Runs the disputes of {IDisputeManager}, any number per job, and settles the job exactly once through the
/// escrow (refund or normal settlement) and the registry (slash, jail, reputation).
/// @dev Needs the DISPUTES permission on the escrow's markDisputed/resolveDispute and the registry's slash.
contract DisputeManager is DisputeParameters, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The largest output a withheld-data dispute can bisect (the tree position fits in 32 bits).
    uint256 public constant MAX_OUTPUT_WORDS = type(uint32).max;
    /// @dev A proof revealed in the proof path may name a word of any chunk.
    uint256 private constant _ANY_CHUNK = type(uint256).max;

    IProviderRegistry private immutable _registry;
    IERC20 private immutable _bondToken;

    uint256 private _disputeCount;
    mapping(uint256 disputeId => Dispute) private _disputes;
    /// @dev A job's open disputes beyond the one its Disputed status in the escrow stands for (all of them once the job
    /// is Slashed, which the dispute that proved the fault leaves). A job's first dispute thus writes no slot of its
    /// own here: 22,100 gas less on every commit of a job that nobody else disputes.
    mapping(uint256 jobId => uint256) private _extraDisputes;

    /// @param authority The AccessManager holding every permission.
    /// @param escrow_ The JobEscrow whose jobs are disputed.
    /// @param parameters Initial governed parameters, each checked against its bounds.
    /// @param checkers The first workload checkers, each registered under the workload it decides.
    constructor(
        address authority,
        IJobEscrow escrow_,
        Parameters memory parameters,
        IWorkloadChecker[] memory checkers
    ) DisputeParameters(authority, escrow_, parameters, checkers) {
        _registry = IProviderRegistry(escrow_.registry());
        _bondToken = IERC20(_registry.stakeToken());
    }

    // ================================================================ challengers

    /// @inheritdoc IDisputeManager
    function commitProof(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes32 commitment
    ) external nonReentrant returns (uint256 disputeId) {
        _requireChecker(job.workloadId);
        uint32 window = _responseWindow;
        disputeId = _open(jobId, job, DisputeKind.Proof, DisputeStatus.AwaitingProof, window);
        Dispute storage d = _disputes[disputeId];
        // The reveal window doubles as the commit's timestamp: the commit happened at deadline - challengerTime.
        d.challengerTime = window;
        d.hash = commitment;
    }

    /// @inheritdoc IDisputeManager
    function revealProof(
        uint256 disputeId,
        IJobEscrow.Job calldata job,
        bytes calldata params,
        bytes calldata proof
    ) external nonReentrant {
        Dispute storage d = _requireTurn(disputeId, DisputeStatus.AwaitingProof);
        uint256 committedAt = d.deadline - d.challengerTime;
        // A later block: a copier who saw the reveal in the mempool cannot commit and reveal before it lands.
        if (block.timestamp <= committedAt) revert RevealTooEarly(disputeId, committedAt);
        bytes32 revealed = _proofCommitment(d.challenger, d.jobId, proof);
        if (revealed != d.hash) revert ProofNotCommitted(disputeId, d.hash, revealed);
        _proveFraud(disputeId, d, job, params, proof, _ANY_CHUNK);
    }

    /// @inheritdoc IDisputeManager
    function disputeWithheld(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes calldata params
    ) external nonReentrant returns (uint256 disputeId) {
        IWorkloadChecker workloadChecker = _requireChecker(job.workloadId);
        _requireParams(jobId, job, params);
        (uint256 rows, uint256 cols) = workloadChecker.outputShape(params);
        uint256 words = rows * cols;
        if (words > MAX_OUTPUT_WORDS) revert OutputTooLarge(words, MAX_OUTPUT_WORDS);

        uint32 window = _responseWindow;
        disputeId = _open(jobId, job, DisputeKind.Withheld, _turnAt(0, words), window);
        Dispute storage d = _disputes[disputeId];
        d.challengerTime = window;
        d.totalWords = uint32(words);
        d.hash = job.resultRoot;
    }

    /// @inheritdoc IDisputeManager
    function chooseChild(uint256 disputeId, bytes32 left, bytes32 right, bool disputeRight) external nonReentrant {
        Dispute storage d = _requireStatus(disputeId, DisputeStatus.AwaitingChoice);
        if (msg.sender != d.challenger) revert NotChallenger(disputeId, d.challenger, msg.sender);
        uint256 deadline = _requireBefore(disputeId, d);
        bytes32 given = ResultTreeLayout.orderedPair(left, right);
        if (given != d.hash) revert RevealedPairMismatch(disputeId, d.hash, given);

        uint256 node = ResultTreeLayout.child(d.node, disputeRight);
        bytes32 nodeHash = disputeRight ? right : left;
        d.node = uint32(node);
        d.hash = nodeHash;
        d.status = _turnAt(node, d.totalWords);
        d.challengerTime = uint32(deadline - block.timestamp);
        uint40 next = uint40(block.timestamp + d.providerTime);
        d.deadline = next;
        emit ChildChosen(disputeId, d.jobId, node, nodeHash, next);
    }

    /// @inheritdoc IDisputeManager
    function disputeForArbitration(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        string calldata evidenceURI
    ) external nonReentrant returns (uint256 disputeId) {
        IWorkloadChecker workloadChecker = _checkers[job.workloadId];
        if (address(workloadChecker) != address(0)) revert WorkloadHasChecker(job.workloadId, address(workloadChecker));
        disputeId = _open(jobId, job, DisputeKind.Arbitration, DisputeStatus.AwaitingRuling, _arbitrationWindow);
        emit ArbitrationRequested(disputeId, jobId, evidenceURI);
    }

    // ================================================================ providers, arbiter, anyone

    /// @inheritdoc IDisputeManager
    function revealChildren(
        uint256 disputeId,
        IJobEscrow.Job calldata job,
        bytes32 left,
        bytes32 right
    ) external nonReentrant {
        Dispute storage d = _requireProviderTurn(disputeId, job, DisputeStatus.AwaitingChildren);
        uint256 deadline = _requireBefore(disputeId, d);
        bytes32 parent = ResultTreeLayout.parentHash(left, right);
        if (parent != d.hash) revert ChildrenMismatch(disputeId, d.hash, parent);

        // The order is the provider's word: a false one only leads it to a leaf whose chunk it cannot reveal.
        d.hash = ResultTreeLayout.orderedPair(left, right);
        d.status = DisputeStatus.AwaitingChoice;
        d.providerTime = uint32(deadline - block.timestamp);
        uint40 next = uint40(block.timestamp + d.challengerTime);
        d.deadline = next;
        emit ChildrenRevealed(disputeId, d.jobId, d.node, left, right, next);
    }

    /// @inheritdoc IDisputeManager
    function revealChunk(uint256 disputeId, IJobEscrow.Job calldata job, bytes calldata chunk) external nonReentrant {
        Dispute storage d = _requireProviderTurn(disputeId, job, DisputeStatus.AwaitingChunk);
        uint256 deadline = _requireBefore(disputeId, d);
        uint256 totalWords = d.totalWords;
        uint256 index = ResultTreeLayout.chunkIndex(d.node, ResultTreeLayout.leafCount(totalWords));
        uint256 expectedLength = ResultTreeLayout.chunkWords(index, totalWords) * WorkloadLeaves.WORD_BYTES;
        if (chunk.length != expectedLength) {
            revert WorkloadLeaves.ResultChunkLengthMismatch(index, expectedLength, chunk.length);
        }
        bytes32 leaf = WorkloadLeaves.resultChunkLeaf(index, chunk);
        if (leaf != d.hash) revert ChunkMismatch(disputeId, index, d.hash, leaf);

        d.status = DisputeStatus.ChunkRevealed;
        d.providerTime = uint32(deadline - block.timestamp);
        uint40 next = uint40(block.timestamp + _followUpWindow);
        d.deadline = next;
        emit ChunkRevealed(disputeId, d.jobId, index, chunk, next);
    }

    /// @inheritdoc IDisputeManager
    function proveChunkWrong(
        uint256 disputeId,
        IJobEscrow.Job calldata job,
        bytes calldata params,
        bytes calldata proof
    ) external nonReentrant {
        Dispute storage d = _requireTurn(disputeId, DisputeStatus.ChunkRevealed);
        uint256 totalWords = d.totalWords;
        uint256 index = ResultTreeLayout.chunkIndex(d.node, ResultTreeLayout.leafCount(totalWords));
        _proveFraud(disputeId, d, job, params, proof, index);
    }

    /// @inheritdoc IDisputeManager
    function arbitrate(
        uint256 disputeId,
        IJobEscrow.Job calldata job,
        bool providerAtFault
    ) external restricted nonReentrant {
        Dispute storage d = _requireTurn(disputeId, DisputeStatus.AwaitingRuling);
        if (_escrow.verifiedStatus(d.jobId, job) == IJobEscrow.JobStatus.Slashed) {
            // Another dispute proved the fault first: whatever the ruling, this one ends Moot.
            _settleMoot(disputeId, d);
        } else if (providerAtFault) {
            _settleFault(disputeId, d, job);
        } else {
            _settleNoFault(disputeId, d, job);
        }
    }

    /// @inheritdoc IDisputeManager
    function resolve(uint256 disputeId, IJobEscrow.Job calldata job) external nonReentrant {
        Dispute storage d = _requireOpen(disputeId);
        if (_escrow.verifiedStatus(d.jobId, job) == IJobEscrow.JobStatus.Slashed) {
            _settleMoot(disputeId, d);
            return;
        }
        if (block.timestamp < d.deadline) revert DisputeDeadlineNotReached(disputeId, d.deadline);
        DisputeStatus status = d.status;
        if (status == DisputeStatus.AwaitingChildren || status == DisputeStatus.AwaitingChunk) {
            _settleFault(disputeId, d, job);
        } else {
            // The challenger's clock ran out, nobody proved the revealed chunk wrong, the committed proof was never
            // revealed, or the arbiter stayed silent: the provider keeps its pay and takes the bond.
            _settleNoFault(disputeId, d, job);
        }
    }

    // ================================================================ views

    /// @inheritdoc IDisputeManager
    function dispute(uint256 disputeId) external view returns (Dispute memory) {
        return _disputes[disputeId];
    }

    /// @inheritdoc IDisputeManager
    function disputeCount() external view returns (uint256) {
        return _disputeCount;
    }

    /// @inheritdoc IDisputeManager
    function openDisputes(uint256 jobId) external view returns (uint256) {
        bool disputed = _escrow.jobStatus(jobId) == IJobEscrow.JobStatus.Disputed;
        return _extraDisputes[jobId] + (disputed ? 1 : 0);
    }

    /// @inheritdoc IDisputeManager
    function proofCommitment(address challenger, uint256 jobId, bytes calldata proof) external pure returns (bytes32) {
        return _proofCommitment(challenger, jobId, proof);
    }

    /// @inheritdoc IDisputeManager
    function escrow() external view returns (address) {
        return address(_escrow);
    }

    /// @inheritdoc IDisputeManager
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IDisputeManager
    function bondToken() external view returns (address) {
        return address(_bondToken);
    }

    /// @inheritdoc IDisputeManager
    /// @dev A job's collateral counts only while the escrow still holds it locked (Assigned, Submitted, Disputed).
    function slashAmount(uint256 jobId, IJobEscrow.Job calldata job) external view returns (uint256) {
        IJobEscrow.JobStatus status = _escrow.verifiedStatus(jobId, job);
        // A finalized job keeps its settlement rather than its terms: the provider comes from there.
        bool finalized = status == IJobEscrow.JobStatus.Finalized;
        address provider = finalized ? _escrow.settlement(jobId).provider : job.provider;
        return _registry.slashAmount(provider, _lockedCollateral(status, job.collateral), _stakeShareBps);
    }

    // ================================================================ internals

    /// @dev Records a dispute and takes the bond. The first open dispute of a job freezes it in the escrow (which
    /// checks it is Submitted and inside its challenge window); a later one needs the job still Disputed and inside
    /// that window, so every dispute opens before the window closes and the job's settlement waits for all of them.
    function _open(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        DisputeKind kind,
        DisputeStatus status,
        uint256 window
    ) private returns (uint256 disputeId) {
        IJobEscrow.JobStatus jobStatus = _escrow.jobStatus(jobId);
        if (jobStatus == IJobEscrow.JobStatus.Disputed) {
            _escrow.verifiedStatus(jobId, job);
            if (block.timestamp >= job.deadline) revert IJobEscrow.ChallengeWindowClosed(jobId, job.deadline);
            ++_extraDisputes[jobId];
        } else {
            // Slashed while disputes that another one made moot are still open: refused here; any other status is
            // the escrow's to refuse.
            if (jobStatus != IJobEscrow.JobStatus.Submitted && _extraDisputes[jobId] != 0) {
                revert JobNotDisputable(jobId, jobStatus);
            }
            _escrow.markDisputed(jobId, job);
        }
        disputeId = ++_disputeCount;
        uint40 deadline = uint40(block.timestamp + window);
        uint96 bondAmount = _bond;
        Dispute storage d = _disputes[disputeId];
        (d.challenger, d.bond) = (msg.sender, bondAmount);
        (d.jobId, d.kind, d.status, d.deadline) = (SafeCast.toUint64(jobId), kind, status, deadline);
        emit DisputeOpened(disputeId, jobId, msg.sender, kind, bondAmount, deadline);
        _bondToken.safeTransferFrom(msg.sender, address(this), bondAmount);
    }

    /// @dev Checks the proof with the workload's checker; fraud settles the dispute at fault, anything else reverts.
    function _proveFraud(
        uint256 disputeId,
        Dispute storage d,
        IJobEscrow.Job calldata job,
        bytes calldata params,
        bytes calldata proof,
        uint256 requiredChunk
    ) private {
        IWorkloadChecker workloadChecker = _requireChecker(job.workloadId);
        _requireParams(d.jobId, job, params);
        IWorkloadChecker.Verdict memory verdict = workloadChecker.check(job.inputRoot, job.resultRoot, params, proof);
        if (!verdict.fraud) revert ResultChecksOut(d.jobId, verdict.wordIndex);
        if (requiredChunk != _ANY_CHUNK && verdict.wordIndex / WorkloadLeaves.RESULT_CHUNK_WORDS != requiredChunk) {
            revert WordNotInRevealedChunk(disputeId, verdict.wordIndex, requiredChunk);
        }
        emit FraudProven(disputeId, d.jobId, verdict.wordIndex, verdict.committedWord, verdict.correctWord);
        _settleFault(disputeId, d, job);
    }

    /// @dev Refunds the client, slashes and splits, returns the bond to the challenger. The escrow checks `job`
    /// against the job before anyone is paid, so the terms used here are the job's.
    function _settleFault(uint256 disputeId, Dispute storage d, IJobEscrow.Job calldata job) private {
        (address challenger, uint256 bondAmount, uint256 jobId) = (d.challenger, d.bond, d.jobId);
        // The job is Disputed, so its collateral is still locked in the registry.
        uint256 collateral = job.collateral;
        // This dispute is the one the job's Disputed status stood for: the others, if any, remain to end Moot.
        d.status = DisputeStatus.ProviderAtFault;

        _escrow.resolveDispute(jobId, job, true);
        address[] memory recipients = new address[](_SLASH_RECIPIENTS);
        (recipients[0], recipients[1], recipients[2]) = (challenger, job.client, _escrow.treasury());
        uint16[] memory shares = new uint16[](_SLASH_RECIPIENTS);
        (shares[0], shares[1], shares[2]) = (_challengerBps, _clientBps, _treasuryBps);
        uint256 taken = _registry.slash(job.provider, jobId, collateral, _stakeShareBps, recipients, shares);
        emit DisputeSettled(disputeId, jobId, DisputeStatus.ProviderAtFault, taken, challenger);
        _bondToken.safeTransfer(challenger, bondAmount);
    }

    /// @dev Pays the bond to the provider; the last open dispute of the job lets it settle normally.
    function _settleNoFault(uint256 disputeId, Dispute storage d, IJobEscrow.Job calldata job) private {
        uint256 jobId = d.jobId;
        uint256 bondAmount = d.bond;
        d.status = DisputeStatus.NoFault;
        uint256 extra = _extraDisputes[jobId];
        if (extra == 0) _escrow.resolveDispute(jobId, job, false);
        else _extraDisputes[jobId] = extra - 1;
        emit DisputeSettled(disputeId, jobId, DisputeStatus.NoFault, 0, job.provider);
        _bondToken.safeTransfer(job.provider, bondAmount);
    }

    /// @dev Another dispute slashed the job first: this one ends, its bond back to its challenger.
    function _settleMoot(uint256 disputeId, Dispute storage d) private {
        (address challenger, uint256 bondAmount, uint256 jobId) = (d.challenger, d.bond, d.jobId);
        d.status = DisputeStatus.Moot;
        --_extraDisputes[jobId];
        emit DisputeSettled(disputeId, jobId, DisputeStatus.Moot, 0, challenger);
        _bondToken.safeTransfer(challenger, bondAmount);
    }

    /// @dev The collateral the registry still holds locked for `job`: from acceptance until the job settles.
    function _lockedCollateral(IJobEscrow.JobStatus status, uint256 collateral) private pure returns (uint256) {
        bool locked =
            status == IJobEscrow.JobStatus.Assigned ||
                status == IJobEscrow.JobStatus.Submitted ||
                status == IJobEscrow.JobStatus.Disputed;
        return locked ? collateral : 0;
    }

    /// @dev The provider's turn at `node`: its children, or its chunk if it is a leaf.
    function _turnAt(uint256 node, uint256 totalWords) private pure returns (DisputeStatus) {
        bool leaf = ResultTreeLayout.isLeaf(node, ResultTreeLayout.leafCount(totalWords));
        return leaf ? DisputeStatus.AwaitingChunk : DisputeStatus.AwaitingChildren;
    }

    function _proofCommitment(address challenger, uint256 jobId, bytes calldata proof) private pure returns (bytes32) {
        return keccak256(abi.encode(challenger, jobId, keccak256(proof)));
    }

    function _requireOpen(uint256 disputeId) private view returns (Dispute storage d) {
        d = _disputes[disputeId];
        DisputeStatus status = d.status;
        if (status == DisputeStatus.None) revert UnknownDispute(disputeId);
        if (uint8(status) >= uint8(DisputeStatus.ProviderAtFault)) revert DisputeEnded(disputeId, status);
    }

    function _requireStatus(uint256 disputeId, DisputeStatus expected) private view returns (Dispute storage d) {
        d = _requireOpen(disputeId);
        if (d.status != expected) revert DisputeNotInStatus(disputeId, d.status, expected);
    }

    /// @dev A dispute in `expected`, before its deadline. The terms are checked by the escrow when the dispute
    /// settles, before anyone is paid, so a call with another job's terms reverts there.
    function _requireTurn(uint256 disputeId, DisputeStatus expected) private view returns (Dispute storage d) {
        d = _requireStatus(disputeId, expected);
        _requireBefore(disputeId, d);
    }

    /// @dev {_requireTurn}, called by the job's provider; its terms checked by the escrow.
    function _requireProviderTurn(
        uint256 disputeId,
        IJobEscrow.Job calldata job,
        DisputeStatus expected
    ) private view returns (Dispute storage d) {
        d = _requireStatus(disputeId, expected);
        _escrow.verifiedStatus(d.jobId, job);
        if (msg.sender != job.provider) revert NotProvider(disputeId, job.provider, msg.sender);
    }

    function _requireBefore(uint256 disputeId, Dispute storage d) private view returns (uint256 deadline) {
        deadline = d.deadline;
        if (block.timestamp >= deadline) revert DisputeDeadlinePassed(disputeId, deadline);
    }

    function _requireChecker(bytes32 workloadId) private view returns (IWorkloadChecker workloadChecker) {
        workloadChecker = _checkers[workloadId];
        if (address(workloadChecker) == address(0)) revert NoCheckerForWorkload(workloadId);
    }

    function _requireParams(uint256 jobId, IJobEscrow.Job calldata job, bytes calldata params) private pure {
        bytes32 actual = keccak256(params);
        if (actual != job.paramsHash) revert ParamsMismatch(jobId, job.paramsHash, actual);
    }
}

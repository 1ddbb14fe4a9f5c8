// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDisputeManager} from "../interfaces/IDisputeManager.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IWorkloadChecker} from "../interfaces/IWorkloadChecker.sol";
import {BpsMath} from "../libraries/BpsMath.sol";
import {WorkloadLeaves} from "../libraries/WorkloadLeaves.sol";

/// @title DisputeManager
/// @notice Runs the three dispute paths of {IDisputeManager} and settles each dispute exactly once through the
/// escrow (refund or normal settlement) and the registry (slash, jail, reputation).
/// @dev Needs the DISPUTES permission on the escrow's markDisputed/resolveDispute and the registry's slash.
contract DisputeManager is IDisputeManager, AccessManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using BpsMath for uint256;

    /// @notice Bounds of the bond: enough to make a frivolous withheld-data dispute cost something, never a wall.
    uint256 public constant MIN_BOND = 1e18;
    uint256 public constant MAX_BOND = 1_000_000e18;
    /// @notice Bounds of each dispute window.
    uint256 public constant MIN_WINDOW = 1 minutes;
    uint256 public constant MAX_WINDOW = 30 days;

    /// @notice Initial values of the governed parameters.
    struct Parameters {
        uint256 bond;
        uint256 responseWindow;
        uint256 followUpWindow;
        uint256 arbitrationWindow;
        SlashSplit slashSplit;
        uint256 stakeShareBps;
    }

    IJobEscrow private immutable _escrow;
    IProviderRegistry private immutable _registry;
    IERC20 private immutable _bondToken;

    // One slot: opening a dispute reads the bond and a window, settling reads the split and the share.
    uint96 private _bond;
    uint32 private _responseWindow;
    uint32 private _followUpWindow;
    uint32 private _arbitrationWindow;
    uint16 private _challengerBps;
    uint16 private _clientBps;
    uint16 private _treasuryBps;
    uint16 private _stakeShareBps;

    mapping(bytes32 workloadId => IWorkloadChecker) private _checkers;
    mapping(uint256 jobId => Dispute) private _disputes;

    /// @param authority The AccessManager holding every permission.
    /// @param escrow_ The JobEscrow whose jobs are disputed.
    /// @param parameters Initial governed parameters, each checked against its bounds.
    /// @param checkers The first workload checkers, each registered under the workload it decides.
    constructor(
        address authority,
        IJobEscrow escrow_,
        Parameters memory parameters,
        IWorkloadChecker[] memory checkers
    ) AccessManaged(authority) {
        if (address(escrow_) == address(0)) revert ZeroAddress();
        _escrow = escrow_;
        _registry = IProviderRegistry(escrow_.registry());
        _bondToken = IERC20(_registry.stakeToken());
        _setBond(parameters.bond);
        _setResponseWindow(parameters.responseWindow);
        _setFollowUpWindow(parameters.followUpWindow);
        _setArbitrationWindow(parameters.arbitrationWindow);
        _setSlashSplit(parameters.slashSplit);
        _setStakeShareBps(parameters.stakeShareBps);
        for (uint256 i = 0; i < checkers.length; ++i) {
            _setChecker(checkers[i].workloadId(), checkers[i]);
        }
    }

    // ================================================================ challengers

    /// @inheritdoc IDisputeManager
    function disputeWithProof(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes calldata params,
        bytes calldata proof
    ) external nonReentrant {
        _escrow.verifiedStatus(jobId, job);
        Dispute storage d = _disputes[jobId];
        bool followUp = d.status == DisputeStatus.Revealed;
        if (followUp) {
            // Anyone may follow up once the chunk is public: otherwise a provider could open a withheld-data dispute
            // on its own job under another name, reveal, never follow up, and so shield a wrong result from every
            // other challenger until its challenge window has passed. The bond and the challenger's share still go
            // to the dispute's challenger, so the provider gains no more than by reporting itself.
            if (block.timestamp >= d.deadline) revert DisputeDeadlinePassed(jobId, d.deadline);
        } else {
            _requireNoOpenDispute(jobId, d);
        }
        IWorkloadChecker workloadChecker = _requireChecker(job.workloadId);
        _requireParams(jobId, job, params);

        IWorkloadChecker.Verdict memory verdict = workloadChecker.check(job.inputRoot, job.resultRoot, params, proof);
        if (!verdict.fraud) revert ResultChecksOut(jobId, verdict.wordIndex);

        if (!followUp) {
            // The bond is taken and returned in this transaction: the checker has already decided.
            _open(jobId, job, DisputeKind.Proof, DisputeStatus.ProviderAtFault, 0, verdict.wordIndex, 0);
        }
        emit FraudProven(jobId, verdict.wordIndex, verdict.committedWord, verdict.correctWord);
        _settleFault(jobId, job);
    }

    /// @inheritdoc IDisputeManager
    function disputeWithheld(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes calldata params,
        uint256 row,
        uint256 col
    ) external nonReentrant {
        _escrow.verifiedStatus(jobId, job);
        _requireNoOpenDispute(jobId, _disputes[jobId]);
        IWorkloadChecker workloadChecker = _requireChecker(job.workloadId);
        _requireParams(jobId, job, params);
        (uint256 rows, uint256 cols) = workloadChecker.outputShape(params);
        if (row >= rows || col >= cols) revert ElementOutOfRange(row, col, rows, cols);

        _open(
            jobId,
            job,
            DisputeKind.Withheld,
            DisputeStatus.AwaitingReveal,
            _responseWindow,
            row * cols + col,
            rows * cols
        );
    }

    /// @inheritdoc IDisputeManager
    function disputeForArbitration(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        string calldata evidenceURI
    ) external nonReentrant {
        _escrow.verifiedStatus(jobId, job);
        _requireNoOpenDispute(jobId, _disputes[jobId]);
        IWorkloadChecker workloadChecker = _checkers[job.workloadId];
        if (address(workloadChecker) != address(0)) revert WorkloadHasChecker(job.workloadId, address(workloadChecker));

        _open(jobId, job, DisputeKind.Arbitration, DisputeStatus.AwaitingRuling, _arbitrationWindow, 0, 0);
        emit ArbitrationRequested(jobId, evidenceURI);
    }

    // ================================================================ providers, arbiter, anyone

    /// @inheritdoc IDisputeManager
    function reveal(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes calldata chunk,
        bytes32[] calldata proof
    ) external nonReentrant {
        Dispute storage d = _disputes[jobId];
        _requireStatus(jobId, d, DisputeStatus.AwaitingReveal);
        if (block.timestamp >= d.deadline) revert DisputeDeadlinePassed(jobId, d.deadline);
        _escrow.verifiedStatus(jobId, job);
        WorkloadLeaves.requireResultWord(job.resultRoot, d.totalWords, d.wordIndex, chunk, proof);

        d.status = DisputeStatus.Revealed;
        d.deadline = _deadline(d.openedAt, _followUpWindow);
        emit ChunkRevealed(jobId, d.wordIndex / WorkloadLeaves.RESULT_CHUNK_WORDS, chunk, proof, d.deadline);
    }

    /// @inheritdoc IDisputeManager
    function arbitrate(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bool providerAtFault
    ) external restricted nonReentrant {
        Dispute storage d = _disputes[jobId];
        _requireStatus(jobId, d, DisputeStatus.AwaitingRuling);
        if (block.timestamp >= d.deadline) revert DisputeDeadlinePassed(jobId, d.deadline);
        if (providerAtFault) {
            _settleFault(jobId, job);
        } else {
            _settleNoFault(jobId, job, job.provider);
        }
    }

    /// @inheritdoc IDisputeManager
    function resolveTimeout(uint256 jobId, IJobEscrow.Job calldata job) external nonReentrant {
        Dispute storage d = _disputes[jobId];
        DisputeStatus status = d.status;
        if (
            status != DisputeStatus.AwaitingReveal &&
            status != DisputeStatus.Revealed &&
            status != DisputeStatus.AwaitingRuling
        ) {
            revert NoOpenDispute(jobId, status);
        }
        if (block.timestamp < d.deadline) revert DisputeDeadlineNotReached(jobId, d.deadline);
        if (status == DisputeStatus.AwaitingReveal) {
            _settleFault(jobId, job);
        } else if (status == DisputeStatus.Revealed) {
            _settleNoFault(jobId, job, job.provider);
        } else {
            // A silent arbiter: no fault, and the challenger is not punished for it.
            _settleNoFault(jobId, job, d.challenger);
        }
    }

    // ================================================================ governance

    /// @inheritdoc IDisputeManager
    function setChecker(bytes32 workloadId, IWorkloadChecker workloadChecker) external restricted {
        _setChecker(workloadId, workloadChecker);
    }

    /// @inheritdoc IDisputeManager
    function setBond(uint256 newBond) external restricted {
        _setBond(newBond);
    }

    /// @inheritdoc IDisputeManager
    function setResponseWindow(uint256 window) external restricted {
        _setResponseWindow(window);
    }

    /// @inheritdoc IDisputeManager
    function setFollowUpWindow(uint256 window) external restricted {
        _setFollowUpWindow(window);
    }

    /// @inheritdoc IDisputeManager
    function setArbitrationWindow(uint256 window) external restricted {
        _setArbitrationWindow(window);
    }

    /// @inheritdoc IDisputeManager
    function setSlashSplit(SlashSplit calldata split) external restricted {
        _setSlashSplit(split);
    }

    /// @inheritdoc IDisputeManager
    function setStakeShareBps(uint256 shareBps) external restricted {
        _setStakeShareBps(shareBps);
    }

    // ================================================================ views

    /// @inheritdoc IDisputeManager
    function dispute(uint256 jobId) external view returns (Dispute memory) {
        return _disputes[jobId];
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
    function checker(bytes32 workloadId) external view returns (IWorkloadChecker) {
        return _checkers[workloadId];
    }

    /// @inheritdoc IDisputeManager
    function bond() external view returns (uint256) {
        return _bond;
    }

    /// @inheritdoc IDisputeManager
    function responseWindow() external view returns (uint256) {
        return _responseWindow;
    }

    /// @inheritdoc IDisputeManager
    function followUpWindow() external view returns (uint256) {
        return _followUpWindow;
    }

    /// @inheritdoc IDisputeManager
    function arbitrationWindow() external view returns (uint256) {
        return _arbitrationWindow;
    }

    /// @inheritdoc IDisputeManager
    function slashSplit() public view returns (SlashSplit memory) {
        return SlashSplit(_challengerBps, _clientBps, _treasuryBps);
    }

    /// @inheritdoc IDisputeManager
    function stakeShareBps() external view returns (uint256) {
        return _stakeShareBps;
    }

    /// @inheritdoc IDisputeManager
    /// @dev A job's collateral counts only while the escrow still holds it locked (Assigned, Submitted, Disputed).
    function slashAmount(uint256 jobId, IJobEscrow.Job calldata job) external view returns (uint256) {
        IJobEscrow.JobStatus status = _escrow.verifiedStatus(jobId, job);
        // A finalized job keeps its settlement rather than its terms: the provider comes from there.
        bool finalized = status == IJobEscrow.JobStatus.Finalized;
        address provider = finalized ? _escrow.settlement(jobId).provider : job.provider;
        return _slashAmount(provider, _lockedCollateral(status, job.collateral));
    }

    // ================================================================ internals

    /// @dev Freezes the job in the escrow (which checks it is Submitted and inside its challenge window), records
    /// the dispute and takes the bond.
    function _open(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        DisputeKind kind,
        DisputeStatus status,
        uint256 window,
        uint256 wordIndex,
        uint256 totalWords
    ) private {
        _escrow.markDisputed(jobId, job);
        uint40 openedAt = uint40(block.timestamp);
        uint40 deadline = window == 0 ? 0 : _deadline(openedAt, window);
        uint96 bondAmount = _bond;
        _disputes[jobId] = Dispute({
            challenger: msg.sender,
            bond: bondAmount,
            kind: kind,
            status: status,
            deadline: deadline,
            openedAt: openedAt,
            wordIndex: uint64(wordIndex),
            totalWords: uint64(totalWords)
        });
        emit DisputeOpened(jobId, msg.sender, kind, bondAmount, wordIndex, deadline);
        _bondToken.safeTransferFrom(msg.sender, address(this), bondAmount);
    }

    /// @dev Refunds the client, slashes and splits, returns the bond to the challenger. The escrow checks `job`
    /// against the job before anyone is paid, so the terms used here are the job's.
    function _settleFault(uint256 jobId, IJobEscrow.Job calldata job) private {
        Dispute storage d = _disputes[jobId];
        (address challenger, uint256 bondAmount) = (d.challenger, d.bond);
        // The job is Disputed, so its collateral is still locked in the registry.
        uint256 collateral = job.collateral;
        uint256 amount = _slashAmount(job.provider, collateral);
        d.status = DisputeStatus.ProviderAtFault;

        _escrow.resolveDispute(jobId, job, true);
        address[] memory recipients = new address[](3);
        (recipients[0], recipients[1], recipients[2]) = (challenger, job.client, _escrow.treasury());
        uint16[] memory shares = new uint16[](3);
        (shares[0], shares[1], shares[2]) = (_challengerBps, _clientBps, _treasuryBps);
        uint256 taken = _registry.slash(job.provider, jobId, collateral, amount, recipients, shares);
        emit DisputeSettled(jobId, true, taken, challenger);
        _bondToken.safeTransfer(challenger, bondAmount);
    }

    /// @dev The job's collateral plus the stake share of the provider's other unlocked stake.
    function _slashAmount(address provider, uint256 collateral) private view returns (uint256) {
        uint256 unlocked = _registry.freeStake(provider) + _registry.providerState(provider).unbonding;
        return collateral + unlocked.mulBps(_stakeShareBps);
    }

    /// @dev The collateral the registry still holds locked for `job`: from acceptance until the job settles.
    function _lockedCollateral(IJobEscrow.JobStatus status, uint256 collateral) private pure returns (uint256) {
        bool locked =
            status == IJobEscrow.JobStatus.Assigned ||
                status == IJobEscrow.JobStatus.Submitted ||
                status == IJobEscrow.JobStatus.Disputed;
        return locked ? collateral : 0;
    }

    /// @dev Lets the job settle normally and pays the bond to `bondRecipient`.
    function _settleNoFault(uint256 jobId, IJobEscrow.Job calldata job, address bondRecipient) private {
        Dispute storage d = _disputes[jobId];
        uint256 bondAmount = d.bond;
        d.status = DisputeStatus.NoFault;
        _escrow.resolveDispute(jobId, job, false);
        emit DisputeSettled(jobId, false, 0, bondRecipient);
        _bondToken.safeTransfer(bondRecipient, bondAmount);
    }

    /// @dev `window` from now, but never past the escrow's dispute window from the dispute's opening: the registry's
    /// unbonding period covers that much, so the provider's stake is still there when the dispute ends.
    function _deadline(uint40 openedAt, uint256 window) private view returns (uint40) {
        uint256 latest = uint256(openedAt) + _escrow.disputeWindow();
        uint256 wanted = block.timestamp + window;
        return uint40(wanted < latest ? wanted : latest);
    }

    function _requireNoOpenDispute(uint256 jobId, Dispute storage d) private view {
        DisputeStatus status = d.status;
        if (
            status == DisputeStatus.AwaitingReveal ||
            status == DisputeStatus.Revealed ||
            status == DisputeStatus.AwaitingRuling
        ) {
            revert DisputeAlreadyOpen(jobId);
        }
    }

    function _requireStatus(uint256 jobId, Dispute storage d, DisputeStatus expected) private view {
        if (d.status != expected) revert DisputeNotInStatus(jobId, d.status, expected);
    }

    function _requireChecker(bytes32 workloadId) private view returns (IWorkloadChecker workloadChecker) {
        workloadChecker = _checkers[workloadId];
        if (address(workloadChecker) == address(0)) revert NoCheckerForWorkload(workloadId);
    }

    function _requireParams(uint256 jobId, IJobEscrow.Job calldata job, bytes calldata params) private pure {
        bytes32 actual = keccak256(params);
        if (actual != job.paramsHash) revert ParamsMismatch(jobId, job.paramsHash, actual);
    }

    function _setChecker(bytes32 workloadId, IWorkloadChecker workloadChecker) private {
        if (address(workloadChecker) != address(0)) {
            bytes32 decides = workloadChecker.workloadId();
            if (decides != workloadId) revert CheckerWorkloadMismatch(workloadId, decides);
        }
        emit CheckerSet(workloadId, address(_checkers[workloadId]), address(workloadChecker));
        _checkers[workloadId] = workloadChecker;
    }

    function _setBond(uint256 newBond) private {
        _checkBounds(newBond, MIN_BOND, MAX_BOND);
        emit BondSet(_bond, newBond);
        _bond = uint96(newBond);
    }

    function _setResponseWindow(uint256 window) private {
        _checkWindow(window, _followUpWindow);
        emit ResponseWindowSet(_responseWindow, window);
        _responseWindow = uint32(window);
    }

    function _setFollowUpWindow(uint256 window) private {
        _checkWindow(window, _responseWindow);
        emit FollowUpWindowSet(_followUpWindow, window);
        _followUpWindow = uint32(window);
    }

    function _setArbitrationWindow(uint256 window) private {
        _checkWindow(window, 0);
        emit ArbitrationWindowSet(_arbitrationWindow, window);
        _arbitrationWindow = uint32(window);
    }

    function _setSlashSplit(SlashSplit memory split) private {
        uint256 total = uint256(split.challengerBps) + split.clientBps + split.treasuryBps;
        if (total != BpsMath.BPS) revert InvalidSlashSplit(total);
        emit SlashSplitSet(slashSplit(), split);
        (_challengerBps, _clientBps, _treasuryBps) = (split.challengerBps, split.clientBps, split.treasuryBps);
    }

    function _setStakeShareBps(uint256 shareBps) private {
        _checkBounds(shareBps, 0, BpsMath.BPS);
        emit StakeShareSet(_stakeShareBps, shareBps);
        _stakeShareBps = uint16(shareBps);
    }

    /// @dev A window within its bounds, and the longest dispute it makes possible (`window` back to back with
    /// `alongside`) within the escrow's window. Bounds come first, so the sum cannot overflow.
    function _checkWindow(uint256 window, uint256 alongside) private view {
        _checkBounds(window, MIN_WINDOW, MAX_WINDOW);
        uint256 longestDispute = window + alongside;
        uint256 disputeWindow = _escrow.disputeWindow();
        if (longestDispute > disputeWindow) revert DisputeDurationExceedsWindow(longestDispute, disputeWindow);
    }

    function _checkBounds(uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ParameterOutOfBounds(value, min, max);
    }
}

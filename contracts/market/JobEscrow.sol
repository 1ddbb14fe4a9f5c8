// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {IDisputeWindows} from "../interfaces/IDisputeWindows.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IComputeReceipt} from "../interfaces/IComputeReceipt.sol";
import {ComputeReceipt} from "./ComputeReceipt.sol";
import {IWorkRecorder} from "../interfaces/IWorkRecorder.sol";
import {BpsMath} from "../libraries/BpsMath.sol";

/// @title JobEscrow
/// @notice Holds clients' payments while providers compute, and settles each job exactly once.
/// @dev Every path that returns money (finalize, cancel, timeout, dispute resolution) works while paused: a pause
/// only stops new jobs and new accepts.
contract JobEscrow is IJobEscrow, AccessManaged, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using BpsMath for uint256;

    /// @notice The protocol fee never exceeds 10% of a payment.
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 1_000;
    /// @notice Providers lock at least 10% and at most 20x the payment as collateral.
    uint256 public constant MIN_COLLATERAL_RATIO_BPS = 1_000;
    uint256 public constant MAX_COLLATERAL_RATIO_BPS = 200_000;
    /// @notice Bounds of the challenge and dispute windows.
    uint256 public constant MIN_WINDOW = 1 minutes;
    uint256 public constant MAX_WINDOW = 30 days;
    /// @notice The liveness penalty is at most the whole collateral.
    uint256 public constant MAX_LIVENESS_PENALTY_BPS = BpsMath.BPS;
    /// @notice The furthest a submit deadline may lie in the future.
    uint256 public constant MAX_JOB_DURATION = 90 days;

    /// @notice Initial values of the governed parameters.
    struct Parameters {
        uint256 protocolFeeBps;
        uint256 collateralRatioBps;
        uint256 challengeWindow;
        uint256 disputeWindow;
        uint256 livenessPenaltyBps;
    }

    IProviderRegistry private immutable _registry;
    IComputeReceipt private immutable _receipt;

    // One slot: createJob reads the fee and bumps the job count together, accept reads the ratio and submit the
    // challenge window, so each lifecycle step touches this slot once. Bounds above fit every field.
    uint64 private _jobCount;
    uint16 private _protocolFeeBps;
    uint32 private _collateralRatioBps;
    uint16 private _livenessPenaltyBps;
    uint32 private _challengeWindow;
    uint32 private _disputeWindow;

    address private _treasury;
    address private _workRecorder;

    mapping(uint256 jobId => Job) private _jobs;
    mapping(address token => PaymentTokenConfig) private _paymentTokens;

    /// @param authority The AccessManager holding every permission.
    /// @param registry_ The ProviderRegistry holding stake and collateral.
    /// @param treasury_ Where protocol fees go (the timelock).
    /// @param parameters Initial governed parameters, each checked against its bounds.
    constructor(
        address authority,
        IProviderRegistry registry_,
        address treasury_,
        Parameters memory parameters
    ) AccessManaged(authority) {
        if (address(registry_) == address(0)) revert ZeroAddress();
        _registry = registry_;
        // The escrow creates its receipt contract so that each knows the other from birth (immutables on both
        // sides, no one-time setter to guard).
        _receipt = new ComputeReceipt(this);
        _setTreasury(treasury_);
        _setProtocolFeeBps(parameters.protocolFeeBps);
        _setCollateralRatioBps(parameters.collateralRatioBps);
        _setLivenessPenaltyBps(parameters.livenessPenaltyBps);
        _setWindows(parameters.challengeWindow, parameters.disputeWindow);
    }

    // ================================================================ clients

    /// @inheritdoc IJobEscrow
    function createJob(JobRequest calldata request) external nonReentrant whenNotPaused returns (uint256) {
        return _createJob(request);
    }

    /// @inheritdoc IJobEscrow
    function createJobWithPermit(
        JobRequest calldata request,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant whenNotPaused returns (uint256) {
        // A front-runner may have used the permit already; the allowance it set is what matters.
        try
            IERC20Permit(request.paymentToken).permit(
                msg.sender,
                address(this),
                request.payment,
                permitDeadline,
                v,
                r,
                s
            )
        {} catch {} // solhint-disable-line no-empty-blocks
        return _createJob(request);
    }

    /// @inheritdoc IJobEscrow
    function cancelJob(uint256 jobId) external nonReentrant {
        Job storage j = _jobs[jobId];
        _requireStatus(jobId, j.status, JobStatus.Open);
        if (msg.sender != j.client) revert NotJobClient(jobId, msg.sender);

        j.status = JobStatus.Cancelled;
        j.deadline = uint40(block.timestamp);
        uint256 refund = j.payment;
        emit JobCancelled(jobId, refund);

        IERC20(j.paymentToken).safeTransfer(j.client, refund);
    }

    // ================================================================ providers

    /// @inheritdoc IJobEscrow
    function acceptJob(uint256 jobId) external nonReentrant whenNotPaused {
        Job storage j = _jobs[jobId];
        _requireStatus(jobId, j.status, JobStatus.Open);
        address directed = j.provider;
        if (directed != address(0) && directed != msg.sender) revert NotDirectedProvider(jobId, directed, msg.sender);
        if (block.timestamp > j.deadline) revert SubmitDeadlinePassed(jobId, j.deadline);
        if (!_registry.canAcceptJobs(msg.sender)) revert ProviderNotEligible(msg.sender);

        // Up to 20x a uint96 payment: checked, so that an oversized job cannot lock a truncated collateral.
        uint96 collateral = SafeCast.toUint96(uint256(j.payment).mulBps(_collateralRatioBps));
        j.provider = msg.sender;
        j.collateral = collateral;
        j.status = JobStatus.Assigned;
        emit JobAccepted(jobId, msg.sender, collateral);

        _registry.lockCollateral(msg.sender, jobId, collateral);
    }

    /// @inheritdoc IJobEscrow
    function submitResult(uint256 jobId, bytes32 resultRoot, string calldata resultURI) external {
        Job storage j = _jobs[jobId];
        _requireStatus(jobId, j.status, JobStatus.Assigned);
        if (msg.sender != j.provider) revert NotJobProvider(jobId, msg.sender);
        if (block.timestamp > j.deadline) revert SubmitDeadlinePassed(jobId, j.deadline);
        if (resultRoot == bytes32(0)) revert EmptyResultRoot(jobId);

        uint256 challengeEndsAt = block.timestamp + _challengeWindow;
        j.resultRoot = resultRoot;
        j.deadline = uint40(challengeEndsAt);
        j.status = JobStatus.Submitted;
        emit ResultSubmitted(jobId, msg.sender, resultRoot, resultURI, challengeEndsAt);
    }

    // ================================================================ anyone

    /// @inheritdoc IJobEscrow
    function finalize(uint256 jobId) external nonReentrant {
        Job storage j = _jobs[jobId];
        _requireStatus(jobId, j.status, JobStatus.Submitted);
        if (block.timestamp < j.deadline) revert ChallengeWindowOpen(jobId, j.deadline);

        j.status = JobStatus.Finalized;
        j.deadline = uint40(block.timestamp);
        (address client, uint256 payment) = (j.client, j.payment);
        (address provider, uint256 collateral) = (j.provider, j.collateral);
        address token = j.paymentToken;
        uint256 fee = payment.mulBps(j.feeBps);
        emit JobFinalized(jobId, provider, payment - fee, fee);

        _registry.unlockCollateral(provider, jobId, collateral);
        IERC20(token).safeTransfer(provider, payment - fee);
        if (fee != 0) IERC20(token).safeTransfer(_treasury, fee);
        _receipt.mint(client, jobId);
        address recorder = _workRecorder;
        if (recorder != address(0)) IWorkRecorder(recorder).recordWork(provider, jobId, token, fee);
    }

    /// @inheritdoc IJobEscrow
    function claimTimeout(uint256 jobId) external nonReentrant {
        Job storage j = _jobs[jobId];
        _requireStatus(jobId, j.status, JobStatus.Assigned);
        if (block.timestamp <= j.deadline) revert SubmitDeadlineNotReached(jobId, j.deadline);

        j.status = JobStatus.TimedOut;
        j.deadline = uint40(block.timestamp);
        (address client, uint256 refund) = (j.client, j.payment);
        (address provider, uint256 collateral) = (j.provider, j.collateral);
        uint256 penalty = collateral.mulBps(_livenessPenaltyBps);
        emit JobTimedOut(jobId, provider, refund, penalty);

        _registry.forfeitCollateral(provider, jobId, collateral, penalty, client);
        IERC20(j.paymentToken).safeTransfer(client, refund);
    }

    // ================================================================ dispute manager

    /// @inheritdoc IJobEscrow
    function markDisputed(uint256 jobId) external restricted {
        Job storage j = _jobs[jobId];
        _requireStatus(jobId, j.status, JobStatus.Submitted);
        if (block.timestamp >= j.deadline) revert ChallengeWindowClosed(jobId, j.deadline);

        j.status = JobStatus.Disputed;
        emit JobDisputed(jobId);
    }

    /// @inheritdoc IJobEscrow
    function resolveDispute(uint256 jobId, bool providerAtFault) external restricted nonReentrant {
        Job storage j = _jobs[jobId];
        _requireStatus(jobId, j.status, JobStatus.Disputed);

        if (!providerAtFault) {
            // Back to Submitted: finalize pays as usual once the original challenge window has passed.
            j.status = JobStatus.Submitted;
            emit DisputeResolved(jobId, false, 0);
            return;
        }
        j.status = JobStatus.Slashed;
        j.deadline = uint40(block.timestamp);
        uint256 refund = j.payment;
        emit DisputeResolved(jobId, true, refund);

        IERC20(j.paymentToken).safeTransfer(j.client, refund);
    }

    // ================================================================ guardian and governance

    /// @inheritdoc IJobEscrow
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc IJobEscrow
    function unpause() external restricted {
        _unpause();
    }

    /// @inheritdoc IJobEscrow
    function setProtocolFeeBps(uint256 feeBps) external restricted {
        _setProtocolFeeBps(feeBps);
    }

    /// @inheritdoc IJobEscrow
    function setCollateralRatioBps(uint256 ratioBps) external restricted {
        _setCollateralRatioBps(ratioBps);
    }

    /// @inheritdoc IJobEscrow
    function setChallengeWindow(uint256 window) external restricted {
        _setWindows(window, _disputeWindow);
    }

    /// @inheritdoc IJobEscrow
    function setDisputeWindow(uint256 window) external restricted {
        _setWindows(_challengeWindow, window);
    }

    /// @inheritdoc IJobEscrow
    function setLivenessPenaltyBps(uint256 penaltyBps) external restricted {
        _setLivenessPenaltyBps(penaltyBps);
    }

    /// @inheritdoc IJobEscrow
    function setPaymentToken(address token, bool allowed, uint96 minPayment) external restricted {
        if (token == address(0)) revert ZeroAddress();
        PaymentTokenConfig memory newConfig = PaymentTokenConfig(allowed, minPayment);
        emit PaymentTokenSet(token, _paymentTokens[token], newConfig);
        _paymentTokens[token] = newConfig;
    }

    /// @inheritdoc IJobEscrow
    function setTreasury(address treasury_) external restricted {
        _setTreasury(treasury_);
    }

    /// @inheritdoc IJobEscrow
    function setWorkRecorder(address recorder) external restricted {
        emit WorkRecorderSet(_workRecorder, recorder);
        _workRecorder = recorder;
    }

    // ================================================================ views

    /// @inheritdoc IJobEscrow
    function job(uint256 jobId) external view returns (Job memory) {
        return _jobs[jobId];
    }

    /// @inheritdoc IJobEscrow
    function jobCount() external view returns (uint256) {
        return _jobCount;
    }

    /// @inheritdoc IJobEscrow
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IJobEscrow
    function receipt() external view returns (address) {
        return address(_receipt);
    }

    /// @inheritdoc IJobEscrow
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IJobEscrow
    function workRecorder() external view returns (address) {
        return _workRecorder;
    }

    /// @inheritdoc IJobEscrow
    function protocolFeeBps() external view returns (uint256) {
        return _protocolFeeBps;
    }

    /// @inheritdoc IJobEscrow
    function collateralRatioBps() external view returns (uint256) {
        return _collateralRatioBps;
    }

    /// @inheritdoc IJobEscrow
    function challengeWindow() external view returns (uint256) {
        return _challengeWindow;
    }

    /// @inheritdoc IJobEscrow
    function disputeWindow() external view returns (uint256) {
        return _disputeWindow;
    }

    /// @inheritdoc IJobEscrow
    function livenessPenaltyBps() external view returns (uint256) {
        return _livenessPenaltyBps;
    }

    /// @inheritdoc IJobEscrow
    function paymentTokenConfig(address token) external view returns (PaymentTokenConfig memory) {
        return _paymentTokens[token];
    }

    /// @inheritdoc IDisputeWindows
    function disputeExposure() external view returns (uint256) {
        return uint256(_challengeWindow) + _disputeWindow;
    }

    // ================================================================ internal

    function _createJob(JobRequest calldata request) private returns (uint256 jobId) {
        address token = request.paymentToken;
        PaymentTokenConfig memory config = _paymentTokens[token];
        if (!config.allowed) revert PaymentTokenNotAllowed(token);
        uint256 payment = request.payment;
        if (payment < config.minPayment) revert PaymentBelowMinimum(payment, config.minPayment);
        if (payment > type(uint96).max) revert PaymentTooLarge(payment);
        uint256 latest = block.timestamp + MAX_JOB_DURATION;
        if (request.submitDeadline <= block.timestamp || request.submitDeadline > latest) {
            revert InvalidSubmitDeadline(request.submitDeadline, block.timestamp + 1, latest);
        }

        jobId = ++_jobCount;
        // Field by field into a never-used id: a struct literal would also write the provider slot of an open job and
        // the result-root slot, zero over zero, at 2,200 gas each.
        Job storage j = _jobs[jobId];
        j.client = msg.sender;
        j.payment = uint96(payment);
        if (request.provider != address(0)) j.provider = request.provider;
        j.paymentToken = token;
        j.deadline = uint40(request.submitDeadline);
        j.feeBps = _protocolFeeBps;
        j.status = JobStatus.Open;
        j.workloadId = request.workloadId;
        j.paramsHash = keccak256(request.params);
        j.inputRoot = request.inputRoot;
        _emitJobCreated(jobId, request);

        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), payment);
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        if (received != payment) revert FeeOnTransferNotSupported(token, payment, received);
    }

    /// @dev Its own frame: the event's ten fields do not fit the caller's stack.
    function _emitJobCreated(uint256 jobId, JobRequest calldata request) private {
        emit JobCreated(
            jobId,
            msg.sender,
            request.provider,
            request.workloadId,
            request.params,
            request.inputRoot,
            request.inputURI,
            request.paymentToken,
            request.payment,
            request.submitDeadline
        );
    }

    function _requireStatus(uint256 jobId, JobStatus actual, JobStatus expected) private pure {
        if (actual != expected) revert JobNotInStatus(jobId, actual, expected);
    }

    function _setProtocolFeeBps(uint256 feeBps) private {
        _checkBounds(feeBps, 0, MAX_PROTOCOL_FEE_BPS);
        emit ProtocolFeeSet(_protocolFeeBps, feeBps);
        _protocolFeeBps = uint16(feeBps);
    }

    function _setCollateralRatioBps(uint256 ratioBps) private {
        _checkBounds(ratioBps, MIN_COLLATERAL_RATIO_BPS, MAX_COLLATERAL_RATIO_BPS);
        emit CollateralRatioSet(_collateralRatioBps, ratioBps);
        _collateralRatioBps = uint32(ratioBps);
    }

    function _setLivenessPenaltyBps(uint256 penaltyBps) private {
        _checkBounds(penaltyBps, 0, MAX_LIVENESS_PENALTY_BPS);
        emit LivenessPenaltySet(_livenessPenaltyBps, penaltyBps);
        _livenessPenaltyBps = uint16(penaltyBps);
    }

    /// @dev Both windows in one setter because the registry's unbonding period must cover their sum.
    function _setWindows(uint256 challenge, uint256 dispute) private {
        _checkBounds(challenge, MIN_WINDOW, MAX_WINDOW);
        _checkBounds(dispute, MIN_WINDOW, MAX_WINDOW);
        uint256 unbonding = _registry.unbondingPeriod();
        if (challenge + dispute > unbonding) revert DisputeExposureExceedsUnbonding(challenge + dispute, unbonding);
        if (challenge != _challengeWindow) {
            emit ChallengeWindowSet(_challengeWindow, challenge);
            _challengeWindow = uint32(challenge);
        }
        if (dispute != _disputeWindow) {
            emit DisputeWindowSet(_disputeWindow, dispute);
            _disputeWindow = uint32(dispute);
        }
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert ZeroAddress();
        emit TreasurySet(_treasury, treasury_);
        _treasury = treasury_;
    }

    function _checkBounds(uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ParameterOutOfBounds(value, min, max);
    }
}

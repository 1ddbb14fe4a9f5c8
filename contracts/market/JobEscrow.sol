// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IComputeReceipt} from "../interfaces/IComputeReceipt.sol";
import {ComputeReceipt} from "./ComputeReceipt.sol";
import {IWorkRecorder} from "../interfaces/IWorkRecorder.sol";
import {BpsMath} from "../libraries/BpsMath.sol";
import {JobSlot} from "../libraries/JobSlot.sol";
import {EscrowParameters} from "./EscrowParameters.sol";

/// @title JobEscrow
/// @notice Holds clients' payments while providers compute, and settles each job exactly once.
/// @dev Every path that returns money (finalize, cancel, timeout, dispute resolution) works while paused: a pause
/// only stops new jobs and new accepts. The governed parameters and the pause switch are in {EscrowParameters}.
contract JobEscrow is EscrowParameters, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using BpsMath for uint256;

    /// @notice The furthest a submit deadline may lie in the future.
    uint256 public constant MAX_JOB_DURATION = 90 days;
    /// @notice A workload id names its workload in at most this many bytes: a settled job's slot keeps the name
    /// next to its token index, settlement time and status.
    uint256 public constant MAX_WORKLOAD_NAME_BYTES = JobSlot.MAX_WORKLOAD_NAME_BYTES;

    IComputeReceipt private immutable _receipt;

    /// @dev What a settled job's receipt shows beyond what its slot keeps: two slots, written once at finalize.
    struct SettledJob {
        address provider;
        uint96 payment;
        bytes32 resultRoot;
    }

    // One slot per job (see JobSlot): each step of a job writes that slot once instead of the fields it
    // changes, and the terms come back as calldata, checked against the hash. A job's whole life thus costs one
    // fresh slot, plus the two a receipt needs once it settles.
    mapping(uint256 jobId => bytes32) private _jobs;
    mapping(uint256 jobId => SettledJob) private _settled;

    /// @param authority The AccessManager holding every permission.
    /// @param registry_ The ProviderRegistry holding stake and collateral.
    /// @param treasury_ Where protocol fees go (the timelock).
    /// @param parameters Initial governed parameters, each checked against its bounds.
    constructor(
        address authority,
        IProviderRegistry registry_,
        address treasury_,
        Parameters memory parameters
    ) EscrowParameters(authority, registry_, treasury_, parameters) {
        // The escrow creates its receipt contract so that each knows the other from birth (immutables on both
        // sides, no one-time setter to guard).
        _receipt = new ComputeReceipt(this);
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
    function cancelJob(uint256 jobId, Job calldata job) external nonReentrant {
        _requireJob(jobId, job, JobStatus.Open);
        if (msg.sender != job.client) revert NotJobClient(jobId, msg.sender);

        _jobs[jobId] = JobSlot.withStatus(_jobs[jobId], JobStatus.Cancelled);
        emit JobCancelled(jobId, job.payment);

        IERC20(job.paymentToken).safeTransfer(job.client, job.payment);
    }

    // ================================================================ providers

    /// @inheritdoc IJobEscrow
    function acceptJob(uint256 jobId, Job calldata job) external nonReentrant whenNotPaused {
        _requireJob(jobId, job, JobStatus.Open);
        address directed = job.provider;
        if (directed != address(0) && directed != msg.sender) revert NotDirectedProvider(jobId, directed, msg.sender);
        if (block.timestamp > job.deadline) revert SubmitDeadlinePassed(jobId, job.deadline);

        // Up to 20x a uint96 value: checked, so that an oversized job cannot lock a truncated collateral.
        uint96 collateral = SafeCast.toUint96(collateralFor(job.paymentValue));
        bytes32 terms = JobSlot.hashAmendedTerms(
            job,
            JobSlot.PROVIDER_WORD,
            uint160(msg.sender),
            JobSlot.COLLATERAL_WORD,
            collateral
        );
        _jobs[jobId] = JobSlot.pack(terms, JobStatus.Assigned);
        emit JobAccepted(jobId, msg.sender, collateral);

        // Reverts ProviderNotEligible unless the provider may take jobs (registered, unjailed, staked, debt-free).
        _registry.lockCollateral(msg.sender, collateral);
    }

    /// @inheritdoc IJobEscrow
    function submitResult(uint256 jobId, Job calldata job, bytes32 resultRoot, string calldata resultURI) external {
        _requireJob(jobId, job, JobStatus.Assigned);
        if (msg.sender != job.provider) revert NotJobProvider(jobId, msg.sender);
        if (block.timestamp > job.deadline) revert SubmitDeadlinePassed(jobId, job.deadline);
        if (resultRoot == bytes32(0)) revert EmptyResultRoot(jobId);

        // The deadline becomes the end of the challenge window, far below 2^40 seconds.
        uint256 challengeEndsAt = block.timestamp + _challengeWindow;
        bytes32 terms = JobSlot.hashAmendedTerms(
            job,
            JobSlot.RESULT_ROOT_WORD,
            uint256(resultRoot),
            JobSlot.DEADLINE_WORD,
            uint40(challengeEndsAt)
        );
        _jobs[jobId] = JobSlot.pack(terms, JobStatus.Submitted);
        emit ResultSubmitted(jobId, msg.sender, resultRoot, resultURI, challengeEndsAt);
    }

    // ================================================================ anyone

    /// @inheritdoc IJobEscrow
    function finalize(uint256 jobId, Job calldata job) external nonReentrant {
        _requireJob(jobId, job, JobStatus.Submitted);
        if (block.timestamp < job.deadline) revert ChallengeWindowOpen(jobId, job.deadline);

        _settle(jobId, job);
        (address client, uint256 payment) = (job.client, job.payment);
        address provider = job.provider;
        address token = job.paymentToken;
        uint256 fee = payment.mulBps(job.feeBps);
        emit JobFinalized(jobId, provider, payment - fee, fee);

        _registry.unlockCollateral(provider, jobId, job.collateral);
        IERC20(token).safeTransfer(provider, payment - fee);
        if (fee != 0) IERC20(token).safeTransfer(_treasury, fee);
        _receipt.mint(client, jobId);
        address recorder = _workRecorder;
        if (recorder != address(0)) {
            IWorkRecorder(recorder).recordWork(provider, jobId, uint256(job.paymentValue).mulBps(job.feeBps));
        }
    }

    /// @inheritdoc IJobEscrow
    function claimTimeout(uint256 jobId, Job calldata job) external nonReentrant {
        _requireJob(jobId, job, JobStatus.Assigned);
        if (block.timestamp <= job.deadline) revert SubmitDeadlineNotReached(jobId, job.deadline);

        _jobs[jobId] = JobSlot.withStatus(_jobs[jobId], JobStatus.TimedOut);
        (address client, uint256 refund) = (job.client, job.payment);
        (address provider, uint256 collateral) = (job.provider, job.collateral);
        // The registry (trusted, behind ESCROW) pays what the provider's free stake allows: the event reports that.
        uint256 penalty = collateral.mulBps(_livenessPenaltyBps);
        penalty = _registry.forfeitCollateral(provider, jobId, collateral, penalty, client);
        emit JobTimedOut(jobId, provider, refund, penalty);

        IERC20(job.paymentToken).safeTransfer(client, refund);
    }

    // ================================================================ dispute manager

    /// @inheritdoc IJobEscrow
    function markDisputed(uint256 jobId, Job calldata job) external restricted {
        _requireJob(jobId, job, JobStatus.Submitted);
        if (block.timestamp >= job.deadline) revert ChallengeWindowClosed(jobId, job.deadline);

        _jobs[jobId] = JobSlot.withStatus(_jobs[jobId], JobStatus.Disputed);
        emit JobDisputed(jobId);
    }

    /// @inheritdoc IJobEscrow
    function resolveDispute(uint256 jobId, Job calldata job, bool providerAtFault) external restricted nonReentrant {
        _requireJob(jobId, job, JobStatus.Disputed);

        if (!providerAtFault) {
            // Back to Submitted: finalize pays as usual once the original challenge window has passed.
            _jobs[jobId] = JobSlot.withStatus(_jobs[jobId], JobStatus.Submitted);
            emit DisputeResolved(jobId, false, 0);
            return;
        }
        _jobs[jobId] = JobSlot.withStatus(_jobs[jobId], JobStatus.Slashed);
        emit DisputeResolved(jobId, true, job.payment);

        IERC20(job.paymentToken).safeTransfer(job.client, job.payment);
    }

    // ================================================================ views

    /// @inheritdoc IJobEscrow
    function jobStatus(uint256 jobId) external view returns (JobStatus) {
        return JobSlot.status(_jobs[jobId]);
    }

    /// @inheritdoc IJobEscrow
    function verifiedStatus(uint256 jobId, Job calldata job) external view returns (JobStatus status) {
        bytes32 stored = _jobs[jobId];
        status = JobSlot.status(stored);
        if (status != JobStatus.Finalized) JobSlot.requireTerms(stored, jobId, job);
    }

    /// @inheritdoc IJobEscrow
    function hashTerms(Job calldata job) external pure returns (bytes32) {
        return JobSlot.hashCalldataTerms(job);
    }

    /// @inheritdoc IJobEscrow
    function settlement(uint256 jobId) external view returns (Settlement memory) {
        bytes32 stored = _jobs[jobId];
        JobStatus status = JobSlot.status(stored);
        if (status != JobStatus.Finalized) revert JobNotInStatus(jobId, status, JobStatus.Finalized);
        (bytes32 workloadId, uint16 tokenIndex, uint40 settledAt) = JobSlot.unpackSettled(stored);
        SettledJob memory s = _settled[jobId];
        return Settlement(workloadId, s.provider, paymentTokenAt(tokenIndex), s.payment, s.resultRoot, settledAt);
    }

    /// @inheritdoc IJobEscrow
    function jobCount() external view returns (uint256) {
        return _jobCount;
    }

    /// @inheritdoc IJobEscrow
    function receipt() external view returns (address) {
        return address(_receipt);
    }

    // ================================================================ internal

    function _createJob(JobRequest calldata request) private returns (uint256 jobId) {
        address token = request.paymentToken;
        PaymentTokenConfig memory config = paymentTokenConfig(token);
        if (!config.allowed) revert PaymentTokenNotAllowed(token);
        uint256 payment = request.payment;
        if (payment < config.minPayment) revert PaymentBelowMinimum(payment, config.minPayment);
        if (payment > type(uint96).max) revert PaymentTooLarge(payment);
        uint256 value = _valueOf(config, payment);
        if (value > type(uint96).max) revert PaymentValueTooLarge(token, payment, value);
        uint256 latest = block.timestamp + MAX_JOB_DURATION;
        if (request.submitDeadline <= block.timestamp || request.submitDeadline > latest) {
            revert InvalidSubmitDeadline(request.submitDeadline, block.timestamp + 1, latest);
        }
        if (!JobSlot.fitsWorkloadName(request.workloadId)) revert WorkloadIdTooLong(request.workloadId);

        jobId = ++_jobCount;
        uint16 feeBps = _protocolFeeBps;
        Job memory j = Job({
            client: msg.sender,
            payment: uint96(payment),
            paymentValue: uint96(value),
            provider: request.provider,
            collateral: 0,
            paymentToken: token,
            deadline: uint40(request.submitDeadline),
            feeBps: feeBps,
            workloadId: request.workloadId,
            paramsHash: keccak256(request.params),
            inputRoot: request.inputRoot,
            resultRoot: bytes32(0)
        });
        _store(jobId, j, JobStatus.Open);
        _emitJobCreated(jobId, request, value, feeBps);

        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), payment);
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        if (received != payment) revert FeeOnTransferNotSupported(token, payment, received);
    }

    /// @dev Its own frame: the event's eleven fields do not fit the caller's stack.
    function _emitJobCreated(uint256 jobId, JobRequest calldata request, uint256 value, uint256 feeBps) private {
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
            value,
            request.submitDeadline,
            feeBps
        );
    }

    /// @dev Checks that job `jobId` is in status `expected` and that `job` are its terms.
    function _requireJob(uint256 jobId, Job calldata job, JobStatus expected) private view {
        bytes32 stored = _jobs[jobId];
        JobStatus actual = JobSlot.status(stored);
        if (actual != expected) revert JobNotInStatus(jobId, actual, expected);
        JobSlot.requireTerms(stored, jobId, job);
    }

    function _store(uint256 jobId, Job memory job, JobStatus status) private {
        _jobs[jobId] = JobSlot.pack(JobSlot.hashTerms(job), status);
    }

    /// @dev The job's slot becomes its receipt's record: the terms are not needed once nothing can happen to it.
    function _settle(uint256 jobId, Job calldata job) private {
        uint256 tokenIndex = paymentTokenConfig(job.paymentToken).index;
        _jobs[jobId] = JobSlot.packSettled(job.workloadId, tokenIndex, block.timestamp);
        _settled[jobId] = SettledJob(job.provider, job.payment, job.resultRoot);
    }
}

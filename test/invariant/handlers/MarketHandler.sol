// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";
import {VM} from "../utils/Vm.sol";
import {Ghost} from "./Ghost.sol";
import {HandlerBase, Weft, Actors} from "./HandlerBase.sol";
import {Matmul1x1} from "./Matmul1x1.sol";

uint256 constant MAX_PAYMENT = 1_000e18;
uint256 constant MAX_JOB_DURATION = 3 hours;
/// @dev Short steps let windows run their course (challenge 10 min, disputes 10-30 min); long ones let deadlines,
/// epochs (1 h), unbonding (2 h) and jail (1 day) pass.
uint256 constant MAX_SHORT_WARP = 15 minutes;
uint256 constant MAX_LONG_WARP = 6 hours;

/// @notice Drives jobs through their honest lifecycle and its client-side exits: create (WEFT or tUSD, open or
/// directed, checkable matmul-i8 or an arbitrated workload), accept, submit (honest or cheating), finalize, cancel,
/// claim a timeout, and let time pass.
contract MarketHandler is HandlerBase {
    /// @notice A workload with no checker: its disputes go to the ARBITER.
    bytes32 public constant ARBITRATED_WORKLOAD = "render-frames";

    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) HandlerBase(weft_, actors_, ghost_) {}

    function createJob(
        uint256 clientSeed,
        bool inUsd,
        uint256 payment,
        uint256 duration,
        uint256 providerSeed,
        bool directed,
        bool checkable,
        int8 a,
        int8 b
    ) external {
        address client = _pick(_actors.clients, clientSeed);
        IERC20 paymentToken = inUsd ? IERC20(address(_weft.usd)) : IERC20(address(_weft.token));
        payment = _bound(payment, _weft.escrow.paymentTokenConfig(address(paymentToken)).minPayment, MAX_PAYMENT);
        IJobEscrow.JobRequest memory request = IJobEscrow.JobRequest({
            workloadId: checkable ? Matmul1x1.WORKLOAD_ID : ARBITRATED_WORKLOAD,
            params: checkable ? Matmul1x1.params() : abi.encode(clientSeed),
            inputRoot: checkable ? Matmul1x1.inputRoot(a, b) : keccak256(abi.encode(a, b)),
            inputURI: "ipfs://inputs",
            paymentToken: address(paymentToken),
            payment: payment,
            provider: directed ? _pick(_actors.providers, providerSeed) : address(0),
            submitDeadline: block.timestamp + _bound(duration, 1 minutes, MAX_JOB_DURATION)
        });

        uint16 feeBps = uint16(_weft.escrow.protocolFeeBps());

        VM.prank(client);
        uint256 jobId = _weft.escrow.createJob(request);
        _ghost.newJob(jobId, checkable, a, b);
        _ghost.setTerms(jobId, _termsOf(request, client, feeBps));
        _ghost.paidIntoEscrow(address(paymentToken), payment);
        _observe(jobId, IJobEscrow.JobStatus.Open);
    }

    function acceptJob(uint256 jobSeed, uint256 providerSeed) external {
        uint256 jobId = _findJob(jobSeed, _acceptable);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        uint256 collateral = (uint256(j.payment) * _weft.escrow.collateralRatioBps()) / 10_000;
        address provider = j.provider != address(0) ? j.provider : _pick(_actors.providers, providerSeed);
        for (uint256 i = 0; i < _actors.providers.length && !_canBack(provider, collateral); ++i) {
            if (j.provider != address(0)) return; // directed: nobody else may take it
            provider = _pickNext(_actors.providers, providerSeed, i + 1);
        }
        if (!_canBack(provider, collateral)) return;

        VM.prank(provider);
        _weft.escrow.acceptJob(jobId, j);
        (j.provider, j.collateral) = (provider, uint96(collateral));
        _ghost.setTerms(jobId, j);
        _observe(jobId, IJobEscrow.JobStatus.Assigned);
    }

    function submitResult(uint256 jobSeed, bool cheat) external {
        uint256 jobId = _findJob(jobSeed, _submittable);
        if (jobId == 0) return;
        (, bool checkable, , int8 a, int8 b) = _ghost.jobs(jobId);
        bytes32 root =
            checkable ? Matmul1x1.resultRoot(Matmul1x1.resultChunk(a, b, cheat)) : keccak256(abi.encode(jobId, cheat));
        if (cheat) _ghost.markCheated(jobId);
        IJobEscrow.Job memory j = _terms(jobId);

        VM.prank(j.provider);
        _weft.escrow.submitResult(jobId, j, root, "ipfs://result");
        (j.resultRoot, j.deadline) = (root, uint40(block.timestamp + _weft.escrow.challengeWindow()));
        _ghost.setTerms(jobId, j);
        _observe(jobId, IJobEscrow.JobStatus.Submitted);
    }

    function finalize(uint256 jobSeed) external {
        uint256 jobId = _findJob(jobSeed, _finalizable);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        IERC20 paymentToken = IERC20(j.paymentToken);
        uint256 fee = (uint256(j.payment) * j.feeBps) / 10_000;
        uint256 providerBefore = paymentToken.balanceOf(j.provider);
        uint256 epoch = _weft.rewards.currentEpoch();
        bool firstWorkInEpoch = _weft.rewards.weightOf(j.provider, epoch) == 0;

        _weft.escrow.finalize(jobId, j);
        _ghost.paidOutOfEscrow(j.paymentToken, j.payment);
        if (paymentToken.balanceOf(j.provider) - providerBefore != j.payment - fee) {
            _ghost.violate(Ghost.Kind.Escrow, "finalize paid the provider other than payment minus fee");
        }
        if (firstWorkInEpoch && _weft.rewards.weightOf(j.provider, epoch) != 0) _ghost.workRecorded(j.provider, epoch);
        _observe(jobId, IJobEscrow.JobStatus.Finalized);
    }

    function cancelJob(uint256 jobSeed) external {
        uint256 jobId = _findJob(jobSeed, _cancellable);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        uint256 clientBefore = IERC20(j.paymentToken).balanceOf(j.client);

        VM.prank(j.client);
        _weft.escrow.cancelJob(jobId, j);
        _ghost.paidOutOfEscrow(j.paymentToken, j.payment);
        if (IERC20(j.paymentToken).balanceOf(j.client) - clientBefore != j.payment) {
            _ghost.violate(Ghost.Kind.Escrow, "cancel refunded other than the payment");
        }
        _observe(jobId, IJobEscrow.JobStatus.Cancelled);
    }

    function claimTimeout(uint256 jobSeed) external {
        uint256 jobId = _findJob(jobSeed, _timedOut);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        uint256 penalty = (uint256(j.collateral) * _weft.escrow.livenessPenaltyBps()) / 10_000;
        uint256 stakeBefore = _stakeOf(j.provider);

        _weft.escrow.claimTimeout(jobId, j);
        _ghost.paidOutOfEscrow(j.paymentToken, j.payment);
        _ghost.stakeLeft(penalty);
        if (stakeBefore - _stakeOf(j.provider) != penalty) {
            _ghost.violate(Ghost.Kind.Stake, "a timeout took other than the liveness penalty");
        }
        _observe(jobId, IJobEscrow.JobStatus.TimedOut);
    }

    function warp(uint256 seconds_, bool long) external {
        VM.warp(block.timestamp + _bound(seconds_, 1, long ? MAX_LONG_WARP : MAX_SHORT_WARP));
    }

    function _canBack(address provider, uint256 collateral) private view returns (bool) {
        return _weft.registry.canAcceptJobs(provider) && _weft.registry.freeStake(provider) >= collateral;
    }

    /// @dev The terms createJob commits to: the request's, with the caller as client and the fee then in force.
    function _termsOf(
        IJobEscrow.JobRequest memory request,
        address client,
        uint16 feeBps
    ) private pure returns (IJobEscrow.Job memory) {
        return
            IJobEscrow.Job({
                client: client,
                payment: uint96(request.payment),
                provider: request.provider,
                collateral: 0,
                paymentToken: request.paymentToken,
                deadline: uint40(request.submitDeadline),
                feeBps: feeBps,
                workloadId: request.workloadId,
                paramsHash: keccak256(request.params),
                inputRoot: request.inputRoot,
                resultRoot: bytes32(0)
            });
    }

    function _acceptable(uint256, IJobEscrow.JobStatus status, IJobEscrow.Job memory j) private view returns (bool) {
        return status == IJobEscrow.JobStatus.Open && block.timestamp <= j.deadline;
    }

    function _submittable(uint256, IJobEscrow.JobStatus status, IJobEscrow.Job memory j) private view returns (bool) {
        return status == IJobEscrow.JobStatus.Assigned && block.timestamp <= j.deadline;
    }

    function _finalizable(uint256, IJobEscrow.JobStatus status, IJobEscrow.Job memory j) private view returns (bool) {
        return status == IJobEscrow.JobStatus.Submitted && block.timestamp >= j.deadline;
    }

    function _cancellable(uint256, IJobEscrow.JobStatus status, IJobEscrow.Job memory) private pure returns (bool) {
        return status == IJobEscrow.JobStatus.Open;
    }

    function _timedOut(uint256, IJobEscrow.JobStatus status, IJobEscrow.Job memory j) private view returns (bool) {
        return status == IJobEscrow.JobStatus.Assigned && block.timestamp > j.deadline;
    }
}

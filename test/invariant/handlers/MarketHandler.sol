// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";
import {IProviderRegistry} from "../../../contracts/interfaces/IProviderRegistry.sol";
import {VM} from "../utils/Vm.sol";
import {Ghost} from "./Ghost.sol";
import {HandlerBase, Weft, Actors} from "./HandlerBase.sol";
import {MatmulJobs} from "./MatmulJobs.sol";

uint256 constant MAX_PAYMENT = 1_000e18;
/// @dev Long enough that most jobs are accepted and submitted before a warp expires them; long warps still do.
uint256 constant MIN_JOB_DURATION = 30 minutes;
uint256 constant MAX_JOB_DURATION = 3 hours;

/// @notice Drives jobs through their lifecycle and its client-side exits: create (WEFT or tUSD, open or directed,
/// checkable matmul-i8 of a small m x 1 x n shape or an arbitrated workload), accept, submit (an honest result, or a
/// wrong one: a word off, a garbage leaf or a garbage root), finalize, cancel and claim a timeout. Time passes in
/// KeeperHandler.warp, which lets the honest parties act first. It also plays the coalition's stake shield: a sybil
/// posts a job directed at a provider, sized to lock all its free stake, and the provider accepts it and lets it time
/// out, so that a slash of its wrong results would find no free stake (the slash still reaches the lock).
contract MarketHandler is HandlerBase {
    /// @notice A workload with no checker: its disputes go to the ARBITER.
    bytes32 public constant ARBITRATED_WORKLOAD = "render-frames";

    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) HandlerBase(weft_, actors_, ghost_) {
        for (uint256 i = 0; i < actors_.sybils.length; ++i) {
            VM.prank(actors_.sybils[i]);
            weft_.token.approve(address(weft_.escrow), type(uint256).max);
        }
    }

    function createJob(
        uint256 clientSeed,
        bool inUsd,
        uint256 payment,
        uint256 duration,
        uint256 providerSeed,
        bool directed,
        uint256 shapeSeed,
        uint64 inputSeed
    ) external {
        address client = _pick(_actors.clients, clientSeed);
        IERC20 paymentToken = inUsd ? IERC20(address(_weft.usd)) : IERC20(address(_weft.token));
        payment = _bound(payment, _weft.escrow.paymentTokenConfig(address(paymentToken)).minPayment, MAX_PAYMENT);
        // Three jobs in four are checkable matmul-i8: the dispute game is what this suite is about.
        bool checkable = shapeSeed % 4 != 0;
        MatmulJobs.Data memory data = _shape(shapeSeed >> 2, inputSeed);
        IJobEscrow.JobRequest memory request = IJobEscrow.JobRequest({
            workloadId: checkable ? MatmulJobs.WORKLOAD_ID : ARBITRATED_WORKLOAD,
            params: checkable ? MatmulJobs.params(data) : abi.encode(clientSeed),
            inputRoot: checkable ? MatmulJobs.inputRoot(data) : keccak256(abi.encode(inputSeed)),
            inputURI: "ipfs://inputs",
            paymentToken: address(paymentToken),
            payment: payment,
            provider: directed ? _pick(_actors.providers, providerSeed) : address(0),
            submitDeadline: block.timestamp + _bound(duration, MIN_JOB_DURATION, MAX_JOB_DURATION)
        });

        uint256 jobId = _create(client, request);
        _ghost.newJob(jobId, checkable, uint8(data.m), uint8(data.n), inputSeed);
    }

    function acceptJob(uint256 jobSeed, uint256 providerSeed) external {
        uint256 jobId = _findJob(jobSeed, _acceptable);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        uint256 collateral = _weft.escrow.collateralFor(j.paymentValue);
        address provider = j.provider != address(0) ? j.provider : _pick(_actors.providers, providerSeed);
        for (uint256 i = 0; i < _actors.providers.length && !_canBack(provider, collateral); ++i) {
            if (j.provider != address(0)) return; // directed: nobody else may take it
            provider = _pickNext(_actors.providers, providerSeed, i + 1);
        }
        if (!_canBack(provider, collateral)) return;
        _accept(jobId, j, provider, collateral);
    }

    /// @notice The coalition's shield: a sybil's WEFT job directed at a provider, sized so that its collateral takes
    /// all of the provider's free stake, accepted at once. Nobody checks its work (an arbitrated workload).
    function shieldStake(uint256 providerSeed, uint256 sybilSeed, uint256 duration) external {
        address provider = _pick(_actors.providers, providerSeed);
        address sybil = _pick(_actors.sybils, sybilSeed);
        uint256 free = _weft.registry.freeStake(provider);
        // WEFT values one for one: the payment whose collateral is `free` at the governed ratio.
        uint256 payment = (free * 10_000) / _weft.escrow.collateralRatioBps();
        if (payment > type(uint96).max || payment > _weft.token.balanceOf(sybil)) return;
        if (payment < _weft.escrow.paymentTokenConfig(address(_weft.token)).minPayment) return;
        uint256 collateral = _weft.escrow.collateralFor(payment);
        if (!_canBack(provider, collateral)) return;

        IJobEscrow.JobRequest memory request = IJobEscrow.JobRequest({
            workloadId: ARBITRATED_WORKLOAD,
            params: abi.encode(sybilSeed),
            inputRoot: keccak256(abi.encode("shield", providerSeed)),
            inputURI: "ipfs://inputs",
            paymentToken: address(_weft.token),
            payment: payment,
            provider: provider,
            submitDeadline: block.timestamp + _bound(duration, MIN_JOB_DURATION, MAX_JOB_DURATION)
        });
        uint256 jobId = _create(sybil, request);
        _ghost.newJob(jobId, false, 0, 0, 0);
        _accept(jobId, _terms(jobId), provider, collateral);
    }

    /// @notice The provider submits the correct result, or (two times in three) a wrong one of the kind `kindSeed`
    /// picks, wrong at the word or chunk `whereSeed` picks.
    function submitResult(uint256 jobSeed, uint8 kindSeed, uint256 whereSeed) external {
        uint256 jobId = _findJob(jobSeed, _submittable);
        if (jobId == 0) return;
        Ghost.JobGhost memory g = _job(jobId);
        bool cheat = kindSeed % 3 != 0;
        kindSeed /= 3;
        bytes32 root;
        if (g.checkable) {
            root = _submitMatmul(jobId, g, cheat, kindSeed, whereSeed);
        } else {
            root = keccak256(abi.encode(jobId, cheat));
            _ghost.submitted(jobId, cheat, Ghost.Cheat.None, 0, new bytes32[](0), new bytes32[](0));
        }
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
        _finalize(jobId);
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

    /// @notice The client is refunded and paid the liveness penalty, out of the provider's free stake once the job's
    /// collateral is released (a slash may already have taken part of it as debt: then the penalty is what is free).
    function claimTimeout(uint256 jobSeed) external {
        uint256 jobId = _findJob(jobSeed, _timedOut);
        if (jobId == 0) return;
        IJobEscrow.Job memory j = _terms(jobId);
        uint256 penalty = (uint256(j.collateral) * _weft.escrow.livenessPenaltyBps()) / 10_000;
        IProviderRegistry.ProviderState memory s = _weft.registry.providerState(j.provider);
        uint256 backing = j.collateral - (j.collateral < s.debt ? j.collateral : s.debt);
        uint256 freeAfter = s.staked - (s.locked - backing);
        if (penalty > freeAfter) penalty = freeAfter;
        uint256 stakeBefore = _stakeOf(j.provider);

        _weft.escrow.claimTimeout(jobId, j);
        _ghost.paidOutOfEscrow(j.paymentToken, j.payment);
        _ghost.stakeLeft(penalty);
        if (stakeBefore - _stakeOf(j.provider) != penalty) {
            _ghost.violate(Ghost.Kind.Stake, "a timeout took other than the liveness penalty");
        }
        _observe(jobId, IJobEscrow.JobStatus.TimedOut);
    }

    /// @dev One job in eight is 1 x 1 x 1 (one chunk: the root is a leaf); the others m x 1 x n with m in [1, 5] and
    /// n in [100, 130], from 100 to 650 words: one chunk (m = 1, n <= 128) to six, so trees of every shape up to
    /// depth 3 (three leaves: one at depth 1, two at depth 2; five: one at depth 3).
    function _shape(uint256 seed, uint64 inputSeed) private pure returns (MatmulJobs.Data memory) {
        if (seed % 8 == 0) return MatmulJobs.Data(1, 1, inputSeed);
        return MatmulJobs.Data(1 + ((seed >> 8) % 5), 100 + ((seed >> 16) % 31), inputSeed);
    }

    /// @dev Records the correct result tree and the committed one, and returns the committed root.
    function _submitMatmul(
        uint256 jobId,
        Ghost.JobGhost memory g,
        bool cheat,
        uint8 kindSeed,
        uint256 whereSeed
    ) private returns (bytes32 root) {
        MatmulJobs.Data memory data = MatmulJobs.Data(g.m, g.n, g.seed);
        bytes memory out = MatmulJobs.output(data);
        bytes32[] memory correct = MatmulJobs.resultLeaves(out);
        bytes32[] memory committed = correct;
        // Half the wrong results are a word off (a fraud proof exists), 3/8 a garbage leaf, 1/8 a garbage root (which
        // ends every bisection at once).
        Ghost.Cheat kind = Ghost.Cheat.None;
        if (cheat) {
            uint256 pick = kindSeed % 8;
            kind = pick < 4 ? Ghost.Cheat.WrongWord : (pick < 7 ? Ghost.Cheat.GarbageLeaf : Ghost.Cheat.GarbageRoot);
        }
        uint256 wrong;
        if (kind == Ghost.Cheat.WrongWord) {
            wrong = whereSeed % MatmulJobs.words(data);
            MatmulJobs.flipWord(out, wrong);
            committed = MatmulJobs.resultLeaves(out);
        } else if (kind == Ghost.Cheat.GarbageLeaf) {
            wrong = whereSeed % correct.length;
            committed = new bytes32[](correct.length);
            for (uint256 i = 0; i < correct.length; ++i) committed[i] = correct[i];
            committed[wrong] = keccak256(abi.encode("garbage leaf", jobId));
        } else if (kind == Ghost.Cheat.GarbageRoot) {
            committed = new bytes32[](0);
        }
        root =
            kind == Ghost.Cheat.GarbageRoot
                ? keccak256(abi.encode("garbage root", jobId))
                : MatmulJobs.tree(committed)[0];
        _ghost.submitted(jobId, cheat, kind, uint32(wrong), correct, committed);
    }

    /// @dev Creates `request` as `client`, recording the terms createJob commits to and the payment it took.
    function _create(address client, IJobEscrow.JobRequest memory request) private returns (uint256 jobId) {
        uint16 feeBps = uint16(_weft.escrow.protocolFeeBps());
        uint256 value = _weft.escrow.paymentValue(request.paymentToken, request.payment);
        VM.prank(client);
        jobId = _weft.escrow.createJob(request);
        _ghost.setTerms(jobId, _termsOf(request, client, value, feeBps));
        _ghost.paidIntoEscrow(request.paymentToken, request.payment);
        _observe(jobId, IJobEscrow.JobStatus.Open);
    }

    function _accept(uint256 jobId, IJobEscrow.Job memory j, address provider, uint256 collateral) private {
        VM.prank(provider);
        _weft.escrow.acceptJob(jobId, j);
        (j.provider, j.collateral) = (provider, uint96(collateral));
        _ghost.setTerms(jobId, j);
        _observe(jobId, IJobEscrow.JobStatus.Assigned);
    }

    function _canBack(address provider, uint256 collateral) private view returns (bool) {
        return _weft.registry.canAcceptJobs(provider) && _weft.registry.freeStake(provider) >= collateral;
    }

    /// @dev The terms createJob commits to: the request's, with the caller as client, and the value and the fee then
    /// in force.
    function _termsOf(
        IJobEscrow.JobRequest memory request,
        address client,
        uint256 value,
        uint16 feeBps
    ) private pure returns (IJobEscrow.Job memory) {
        return
            IJobEscrow.Job({
                client: client,
                payment: uint96(request.payment),
                paymentValue: uint96(value),
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

    function _cancellable(uint256, IJobEscrow.JobStatus status, IJobEscrow.Job memory) private pure returns (bool) {
        return status == IJobEscrow.JobStatus.Open;
    }

    function _timedOut(uint256, IJobEscrow.JobStatus status, IJobEscrow.Job memory j) private view returns (bool) {
        return status == IJobEscrow.JobStatus.Assigned && block.timestamp > j.deadline;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ComputeToken} from "../../../contracts/token/ComputeToken.sol";
import {ProviderRegistry} from "../../../contracts/staking/ProviderRegistry.sol";
import {JobEscrow} from "../../../contracts/market/JobEscrow.sol";
import {ComputeReceipt} from "../../../contracts/market/ComputeReceipt.sol";
import {DisputeManager} from "../../../contracts/disputes/DisputeManager.sol";
import {RewardDistributor} from "../../../contracts/rewards/RewardDistributor.sol";
import {TestERC20} from "../../../contracts/test/TestERC20.sol";
import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";
import {IDisputeManager} from "../../../contracts/interfaces/IDisputeManager.sol";
import {IProviderRegistry} from "../../../contracts/interfaces/IProviderRegistry.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ghost} from "./Ghost.sol";

/// @notice The deployed system, as the handlers and invariants reach it.
struct Weft {
    ComputeToken token;
    ProviderRegistry registry;
    JobEscrow escrow;
    ComputeReceipt receipt;
    DisputeManager disputes;
    RewardDistributor rewards;
    TestERC20 usd;
}

/// @notice Who acts: providers stake and compute (honestly or not), clients pay, challengers dispute at random, the
/// arbiter rules, the honest verifier disputes every wrong result it can check, and the sybils are the other addresses
/// of the cheaters' coalition.
struct Actors {
    address[] providers;
    address[] clients;
    address[] challengers;
    address[] sybils;
    address verifier;
    address arbiter;
}

// Free functions, so the handlers and the invariants share one definition each. solhint reads a free function as
// private and wants a leading underscore; `_stakeOf` is HandlerBase's own helper, so they keep public-style names.
/// @notice A provider's stake the registry can still slash: free, locked and unbonding. One definition for the
/// handlers' before/after checks and the invariants' sums, so the two cannot count stake differently.
// solhint-disable-next-line private-vars-leading-underscore
function stakeOf(IProviderRegistry registry, address provider) view returns (uint256) {
    IProviderRegistry.ProviderState memory s = registry.providerState(provider);
    return uint256(s.staked) + s.unbonding;
}

/// @notice Whether a dispute is still open (its bond held; its job Disputed unless another dispute slashed it): any
/// status from AwaitingProof to AwaitingRuling, before the outcomes.
// solhint-disable-next-line private-vars-leading-underscore
function isDisputeOpen(IDisputeManager.DisputeStatus status) pure returns (bool) {
    return
        status != IDisputeManager.DisputeStatus.None &&
        uint8(status) < uint8(IDisputeManager.DisputeStatus.ProviderAtFault);
}

/// @notice What every handler shares: the system, the actors, the ghost and input bounding.
/// @dev Handlers pick their targets among states where the call is valid and return early when there is none, and
/// catch the refusals they expect (a fraud proof against an honest result), so any revert that reaches forge is a
/// finding: fail_on_revert (foundry.toml) fails the run on it.
abstract contract HandlerBase {
    Weft internal _weft;
    Actors internal _actors;
    Ghost internal _ghost;

    constructor(Weft memory weft_, Actors memory actors_, Ghost ghost_) {
        _weft = weft_;
        _actors = actors_;
        _ghost = ghost_;
    }

    /// @dev forge-std's `bound`: maps any fuzzed value into [min, max] without rejecting it.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + (x % (max - min + 1));
    }

    function _pick(address[] storage accounts, uint256 seed) internal view returns (address) {
        return accounts[seed % accounts.length];
    }

    /// @dev The `offset`-th account after the one `seed` picks, wrapping.
    function _pickNext(address[] storage accounts, uint256 seed, uint256 offset) internal view returns (address) {
        return accounts[((seed % accounts.length) + offset) % accounts.length];
    }

    /// @dev The first job at or after a seed-chosen id (wrapping) whose status and current terms satisfy `wanted`, or
    /// zero.
    function _findJob(
        uint256 seed,
        function(uint256, IJobEscrow.JobStatus, IJobEscrow.Job memory) internal view returns (bool) wanted
    ) internal view returns (uint256) {
        uint256 count = _weft.escrow.jobCount();
        if (count == 0) return 0;
        seed %= count; // no overflow below
        for (uint256 i = 0; i < count; ++i) {
            uint256 jobId = ((seed + i) % count) + 1;
            if (wanted(jobId, _weft.escrow.jobStatus(jobId), _terms(jobId))) return jobId;
        }
        return 0;
    }

    /// @dev A job's current terms, as the ghost keeps them.
    function _terms(uint256 jobId) internal view returns (IJobEscrow.Job memory) {
        return _ghost.termsOf(jobId);
    }

    /// @dev After a step on `jobId`: its status must be the one the step leads to. Each handler picks its job in a
    /// status (the ghost's last observed one, which invariant_jobsFollowTheLifecycle holds equal to the escrow's) and
    /// expects an edge of IJobEscrow's lifecycle graph from it, so this check also keeps every move on the graph:
    /// None -> Open; Open -> Assigned | Cancelled; Assigned -> Submitted | TimedOut; Submitted -> Disputed | Finalized;
    /// Disputed -> Disputed (another dispute opens, a move, a dispute ends while others stay open) | Submitted (the
    /// last open dispute ends without fault) | Slashed; Finalized, Cancelled, TimedOut and Slashed are final. A step
    /// that leaves its job as it was expects its status unchanged.
    function _observe(uint256 jobId, IJobEscrow.JobStatus expected) internal {
        IJobEscrow.JobStatus actual = _weft.escrow.jobStatus(jobId);
        if (actual != expected) _ghost.violate(Ghost.Kind.Lifecycle, "a step left its job in another status");
        _ghost.observe(jobId, actual);
    }

    /// @dev Settles a Submitted job whose challenge window has ended: the provider is paid the payment minus the fee.
    function _finalize(uint256 jobId) internal {
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

    function _finalizable(uint256, IJobEscrow.JobStatus status, IJobEscrow.Job memory j) internal view returns (bool) {
        return status == IJobEscrow.JobStatus.Submitted && block.timestamp >= j.deadline;
    }

    /// @dev What the ghost remembers of a job.
    function _job(uint256 jobId) internal view returns (Ghost.JobGhost memory) {
        return _ghost.job(jobId);
    }

    /// @dev stakeOf, in the system under test.
    function _stakeOf(address provider) internal view returns (uint256) {
        return stakeOf(_weft.registry, provider);
    }
}

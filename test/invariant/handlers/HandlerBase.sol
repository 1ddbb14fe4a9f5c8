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

/// @notice Who acts: providers stake and compute, clients pay, challengers dispute, the arbiter rules.
struct Actors {
    address[] providers;
    address[] clients;
    address[] challengers;
    address arbiter;
}

/// @notice What every handler shares: the system, the actors, the ghost and input bounding.
/// @dev Handlers pick their targets among states where the call is valid and return early when there is none, so a
/// revert seen by forge is a real surprise, not fuzzing noise.
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

    /// @dev After a step on `jobId`: its status must be the one the step leads to, reached along a lifecycle edge.
    function _observe(uint256 jobId, IJobEscrow.JobStatus expected) internal {
        IJobEscrow.JobStatus actual = _weft.escrow.jobStatus(jobId);
        if (actual != expected) _ghost.violate(Ghost.Kind.Lifecycle, "a step left its job in another status");
        _ghost.observe(jobId, actual);
    }

    /// @dev A provider's stake the registry can still slash: free, locked and unbonding.
    function _stakeOf(address provider) internal view returns (uint256) {
        ProviderRegistry.ProviderState memory s = _weft.registry.providerState(provider);
        return uint256(s.staked) + s.unbonding;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IComputeToken} from "../interfaces/IComputeToken.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {IWorkRecorder} from "../interfaces/IWorkRecorder.sol";
import {BpsMath} from "../libraries/BpsMath.sol";
import {Bounds} from "../libraries/Bounds.sol";
import {EmissionMath} from "../libraries/EmissionMath.sol";

/// @title RewardDistributor
/// @notice Epoch emissions of ComputeToken for settled work, pro rata to fee weight and capped per provider at a
/// share of its fee weight (see {IRewardDistributor}). Holds the MINTER permission, alone.
/// @dev Every step is O(1) in the number of providers and jobs: recordWork adds to two totals, claim reads them.
contract RewardDistributor is IRewardDistributor, AccessManaged {
    using BpsMath for uint256;

    /// @notice Bounds of the epoch length.
    uint256 public constant MIN_EPOCH_LENGTH = 1 minutes;
    uint256 public constant MAX_EPOCH_LENGTH = 90 days;
    /// @notice The most one epoch may emit: 1% of ComputeToken's cap at the default cap.
    uint256 public constant MAX_EPOCH_EMISSION = 10_000_000e18;
    /// @notice The emission decays by at most half per epoch.
    uint256 public constant MAX_DECAY_BPS = 5_000;
    /// @notice A provider earns at most 90% of its fee weight: below 100%, so wash trading always loses.
    uint256 public constant MAX_REWARD_CAP_BPS = 9_000;

    /// @notice Initial values of the governed parameters.
    struct Parameters {
        uint256 epochLength;
        uint256 initialEmission;
        uint256 decayBps;
        uint256 rewardCapBps;
    }

    /// @dev A provider's work in one epoch; `claimed` shares the slot so a claim reads and writes one word.
    struct ProviderEpoch {
        uint248 weight;
        bool claimed;
    }

    IComputeToken private immutable _token;

    // The epoch clock, one slot: epoch `_anchorEpoch` starts at `_anchorTime`, each lasting `_epochLength`; the epoch
    // before the anchor (if the length changed) ends at `_anchorTime`. recordWork reads this slot alone.
    uint40 private _anchorTime;
    uint64 private _anchorEpoch;
    uint32 private _epochLength;
    uint16 private _decayBps;
    uint16 private _rewardCapBps;

    // The emission schedule: `_scheduleEmission` in epoch `_scheduleEpoch`, decaying by `_decayBps` per epoch after.
    uint64 private _scheduleEpoch;
    uint128 private _scheduleEmission;

    mapping(uint256 epoch => EpochTotals) private _epochs;
    mapping(address provider => mapping(uint256 epoch => ProviderEpoch)) private _work;

    /// @param authority The AccessManager holding every permission.
    /// @param token_ ComputeToken, which this contract mints.
    /// @param parameters Initial governed parameters, each checked against its bounds.
    constructor(address authority, IComputeToken token_, Parameters memory parameters) AccessManaged(authority) {
        if (address(token_) == address(0)) revert ZeroAddress();
        _token = token_;
        _anchorTime = uint40(block.timestamp);
        _setEpochLength(parameters.epochLength);
        _setEmissionSchedule(parameters.initialEmission, parameters.decayBps);
        _setRewardCapBps(parameters.rewardCapBps);
    }

    // ================================================================ escrow

    /// @inheritdoc IWorkRecorder
    /// @dev A job's fee value is below 2^96 (the escrow's payment values are), so the weight fits its 248 bits. The
    /// job's id is not kept: the escrow's JobFinalized announces the job (see {IRewardDistributor}).
    function recordWork(address provider, uint256, uint256 feeValue) external restricted {
        if (feeValue == 0) return;
        uint256 epoch = currentEpoch();
        EpochTotals storage totals = _epochs[epoch];
        if (totals.totalWeight == 0) totals.emission = _scheduledEmission(epoch);
        totals.totalWeight += feeValue;
        _work[provider][epoch].weight += uint248(feeValue);
    }

    // ================================================================ providers

    /// @inheritdoc IRewardDistributor
    function claim(uint256 epoch) external returns (uint256) {
        return _claim(epoch, currentEpoch());
    }

    /// @inheritdoc IRewardDistributor
    function claimMany(uint256[] calldata epochs) external returns (uint256 amount) {
        uint256 now_ = currentEpoch();
        for (uint256 i = 0; i < epochs.length; ++i) {
            amount += _claim(epochs[i], now_);
        }
    }

    // ================================================================ governance

    /// @inheritdoc IRewardDistributor
    function setEpochLength(uint256 length) external restricted {
        _setEpochLength(length);
    }

    /// @inheritdoc IRewardDistributor
    function setEmissionSchedule(uint256 emission_, uint256 decayBps_) external restricted {
        _setEmissionSchedule(emission_, decayBps_);
    }

    /// @inheritdoc IRewardDistributor
    function setRewardCapBps(uint256 capBps) external restricted {
        _setRewardCapBps(capBps);
    }

    // ================================================================ views

    /// @inheritdoc IRewardDistributor
    function currentEpoch() public view returns (uint256) {
        uint256 anchorTime = _anchorTime;
        if (block.timestamp < anchorTime) return _anchorEpoch - 1;
        return _anchorEpoch + (block.timestamp - anchorTime) / _epochLength;
    }

    /// @inheritdoc IRewardDistributor
    function epochEnd(uint256 epoch) public view returns (uint256) {
        uint256 anchorEpoch = _anchorEpoch;
        if (epoch + 1 < anchorEpoch) return 0; // ended before the last length change
        if (epoch + 1 == anchorEpoch) return _anchorTime;
        return _anchorTime + (epoch - anchorEpoch + 1) * _epochLength;
    }

    /// @inheritdoc IRewardDistributor
    function emission(uint256 epoch) external view returns (uint256) {
        EpochTotals storage totals = _epochs[epoch];
        return totals.totalWeight == 0 ? _scheduledEmission(epoch) : totals.emission;
    }

    /// @inheritdoc IRewardDistributor
    function epochTotals(uint256 epoch) external view returns (EpochTotals memory) {
        return _epochs[epoch];
    }

    /// @inheritdoc IRewardDistributor
    function weightOf(address provider, uint256 epoch) external view returns (uint256) {
        return _work[provider][epoch].weight;
    }

    /// @inheritdoc IRewardDistributor
    function pendingReward(address provider, uint256 epoch) external view returns (uint256) {
        ProviderEpoch storage work = _work[provider][epoch];
        // Without weight there is nothing to share, and an epoch without any work has no total to divide by.
        if (epoch >= currentEpoch() || work.claimed || work.weight == 0) return 0;
        return _mintable(_reward(work.weight, _epochs[epoch]));
    }

    /// @inheritdoc IRewardDistributor
    function claimed(address provider, uint256 epoch) external view returns (bool) {
        return _work[provider][epoch].claimed;
    }

    /// @inheritdoc IRewardDistributor
    function epochLength() external view returns (uint256) {
        return _epochLength;
    }

    /// @inheritdoc IRewardDistributor
    function decayBps() external view returns (uint256) {
        return _decayBps;
    }

    /// @inheritdoc IRewardDistributor
    function rewardCapBps() external view returns (uint256) {
        return _rewardCapBps;
    }

    /// @inheritdoc IRewardDistributor
    function token() external view returns (address) {
        return address(_token);
    }

    // ================================================================ internals

    function _claim(uint256 epoch, uint256 now_) private returns (uint256 amount) {
        if (epoch >= now_) revert EpochNotEnded(epoch, now_);
        ProviderEpoch storage work = _work[msg.sender][epoch];
        uint256 weight = work.weight;
        if (weight == 0) revert NoWorkInEpoch(msg.sender, epoch);
        if (work.claimed) revert AlreadyClaimed(msg.sender, epoch);
        work.claimed = true;
        amount = _mintable(_reward(weight, _epochs[epoch]));
        emit RewardClaimed(msg.sender, epoch, amount);
        if (amount > 0) _token.mint(msg.sender, amount);
    }

    /// @dev Pro rata share of the emission, rounded down (shares never add up to more than the emission), and never
    /// more than the weight times the reward cap.
    function _reward(uint256 weight, EpochTotals storage totals) private view returns (uint256) {
        uint256 share = Math.mulDiv(totals.emission, weight, totals.totalWeight);
        return Math.min(share, weight.mulBps(_rewardCapBps));
    }

    /// @dev What the token's cap still allows: a claim past the cap mints what is left rather than failing.
    function _mintable(uint256 amount) private view returns (uint256) {
        uint256 supply = _token.totalSupply();
        uint256 cap = _token.cap();
        return supply >= cap ? 0 : Math.min(amount, cap - supply);
    }

    function _scheduledEmission(uint256 epoch) private view returns (uint256) {
        uint256 start = _scheduleEpoch;
        if (epoch < start) return 0;
        return EmissionMath.decayed(_scheduleEmission, _decayBps, epoch - start);
    }

    function _setEpochLength(uint256 length) private {
        Bounds.check(length, MIN_EPOCH_LENGTH, MAX_EPOCH_LENGTH);
        uint256 oldLength = _epochLength;
        uint256 fromEpoch = 0;
        if (oldLength != 0) {
            // The current epoch keeps the end it was promised; the new length starts with the next one.
            uint256 epoch = currentEpoch();
            fromEpoch = epoch + 1;
            _anchorTime = uint40(epochEnd(epoch));
            _anchorEpoch = uint64(fromEpoch);
        }
        _epochLength = uint32(length);
        emit EpochLengthSet(oldLength, length, fromEpoch);
    }

    function _setEmissionSchedule(uint256 emission_, uint256 decayBps_) private {
        Bounds.check(emission_, 0, MAX_EPOCH_EMISSION);
        Bounds.check(decayBps_, 0, MAX_DECAY_BPS);
        // An epoch with recorded work keeps the emission it was snapshotted with.
        uint256 epoch = currentEpoch();
        uint256 fromEpoch = _epochs[epoch].totalWeight == 0 ? epoch : epoch + 1;
        emit EmissionScheduleSet(_scheduleEmission, emission_, _decayBps, decayBps_, fromEpoch);
        _scheduleEpoch = uint64(fromEpoch);
        _scheduleEmission = uint128(emission_);
        _decayBps = uint16(decayBps_);
    }

    function _setRewardCapBps(uint256 capBps) private {
        Bounds.check(capBps, 0, MAX_REWARD_CAP_BPS);
        emit RewardCapSet(_rewardCapBps, capBps);
        _rewardCapBps = uint16(capBps);
    }
}

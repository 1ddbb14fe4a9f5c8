// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWeftErrors} from "./IWeftErrors.sol";
import {IWorkRecorder} from "./IWorkRecorder.sol";

/// @title IRewardDistributor
/// @notice Mints ComputeToken to providers for verified work: each epoch emits a governed amount that decays by a
/// governed rate per epoch, shared pro rata to the protocol fees each provider's settled jobs paid (valued in
/// ComputeToken by the escrow, at the payment token's rate when the job was created: the escrow's allow-list is the
/// one valuation of every payment token). A provider's reward for an epoch never exceeds its fee weight
/// times `rewardCapBps` (below 100%), so paying fees to oneself always costs more than it earns; what the cap
/// leaves of an epoch's emission is never minted.
/// @dev Only the escrow records work (at finalize, after the challenge window: disputed-and-slashed work never
/// finalizes, so it never earns). Claims are pulled per epoch once it has ended.
interface IRewardDistributor is IWorkRecorder, IWeftErrors {
    /// @notice One epoch's totals.
    /// @dev Full words: a sum of fee values must never overflow inside the escrow's finalize.
    /// `emission` is fixed when the epoch's first work is recorded, so later schedule changes never alter it.
    struct EpochTotals {
        uint256 totalWeight;
        uint256 emission;
    }

    // ---------------------------------------------------------------- errors
    // ZeroAddress and ParameterOutOfBounds come from IWeftErrors.

    /// @notice The epoch has not ended yet.
    error EpochNotEnded(uint256 epoch, uint256 currentEpoch);
    /// @notice The provider recorded no work in the epoch.
    error NoWorkInEpoch(address provider, uint256 epoch);
    /// @notice The provider already claimed the epoch.
    error AlreadyClaimed(address provider, uint256 epoch);

    // ---------------------------------------------------------------- events

    /// @notice `provider` claimed `amount` for `epoch`.
    event RewardClaimed(address indexed provider, uint256 indexed epoch, uint256 amount);
    /// @notice The epoch length changed, from `fromEpoch` on.
    event EpochLengthSet(uint256 oldLength, uint256 newLength, uint256 fromEpoch);
    /// @notice The emission schedule changed, from `fromEpoch` on.
    event EmissionScheduleSet(
        uint256 oldEmission,
        uint256 newEmission,
        uint256 oldDecayBps,
        uint256 newDecayBps,
        uint256 fromEpoch
    );
    /// @notice The reward cap changed.
    event RewardCapSet(uint256 oldCapBps, uint256 newCapBps);

    // recordWork (ESCROW role) comes from IWorkRecorder: the fee value of each settled job, as its provider's weight.
    // It emits nothing: the escrow's JobFinalized names the job and the provider, the job's JobCreated its value and
    // fee rate (the weight is value x feeBps), and the block's time its epoch; {weightOf} and {epochTotals} read the
    // sums.

    // ---------------------------------------------------------------- providers

    /// @notice Mints the caller's reward for an ended epoch.
    /// @return amount What was minted.
    function claim(uint256 epoch) external returns (uint256 amount);

    /// @notice {claim} for several epochs in one transaction.
    /// @return amount The total minted.
    function claimMany(uint256[] calldata epochs) external returns (uint256 amount);

    // ---------------------------------------------------------------- governance (PARAMETERS role)

    /// @notice Sets the epoch length; the current epoch keeps its end, the next one starts with the new length.
    function setEpochLength(uint256 length) external;

    /// @notice Sets the emission schedule from the next epoch without recorded work on: `emission` for that epoch,
    /// decaying by `decayBps` per epoch after it.
    function setEmissionSchedule(uint256 emission, uint256 decayBps) external;

    /// @notice Sets the most a provider earns per unit of fee weight, in bps (below 10,000).
    function setRewardCapBps(uint256 capBps) external;

    // ---------------------------------------------------------------- views

    /// @notice The epoch now.
    function currentEpoch() external view returns (uint256);

    /// @notice When `epoch` ends (only known for the current and past epochs under the current length).
    function epochEnd(uint256 epoch) external view returns (uint256);

    /// @notice The emission of `epoch`: fixed once it has recorded work, else what the schedule says.
    function emission(uint256 epoch) external view returns (uint256);

    /// @notice `epoch`'s totals.
    function epochTotals(uint256 epoch) external view returns (EpochTotals memory);

    /// @notice `provider`'s fee weight in `epoch`.
    function weightOf(address provider, uint256 epoch) external view returns (uint256);

    /// @notice What `provider` can claim for `epoch` (zero if claimed, not ended or no work).
    function pendingReward(address provider, uint256 epoch) external view returns (uint256);

    /// @notice Whether `provider` claimed `epoch`.
    function claimed(address provider, uint256 epoch) external view returns (bool);

    /// @notice The epoch length, in seconds.
    function epochLength() external view returns (uint256);

    /// @notice The per-epoch decay, in bps.
    function decayBps() external view returns (uint256);

    /// @notice The reward cap per unit of fee weight, in bps.
    function rewardCapBps() external view returns (uint256);

    /// @notice The token minted (ComputeToken).
    function token() external view returns (address);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWeftErrors} from "./IWeftErrors.sol";

/// @title IProviderRegistry
/// @notice GPU providers' profiles, stake, unbonding queue, collateral locks, slashing, jailing and reputation.
/// @dev Stake is ComputeToken. A provider's stake is split three ways: free (can back new jobs or be unbonded),
/// locked (collateral of running jobs) and unbonding (waiting out the unbonding period). A slash reaches all
/// three, so neither leaving through the unbonding queue nor locking stake in other jobs (one's own, directed from a
/// second address) shields any of it. What a slash takes from other jobs' locks becomes the provider's collateral
/// debt: those jobs' collateral was already paid out, so their releases pay the debt back before freeing anything.
/// For every provider, the collateral of its running jobs adds up to `locked + debt`.
/// The registry keeps only each provider's locked total, not a record per job: the JobEscrow is the single record
/// of each job's provider and collateral and passes them to the hooks (a second per-job record here cost a fresh
/// storage slot on every accept). Every release is checked against the provider's locked total.
interface IProviderRegistry is IWeftErrors {
    /// @notice A provider's public description of its hardware.
    struct Profile {
        string gpuModel;
        uint32 vramGb;
        string metadataURI;
    }

    /// @notice One pending unbonding request.
    struct UnbondingEntry {
        uint128 amount;
        uint40 maturesAt;
    }

    /// @notice A provider's stake and reputation. `staked` is free plus locked stake; `unbonding` is separate;
    /// `debt` is running jobs' collateral that a slash already took (see the interface's @dev).
    struct ProviderState {
        bool registered;
        uint128 staked;
        uint128 locked;
        uint128 unbonding;
        uint128 debt;
        uint40 jailedUntil;
        uint32 jobsCompleted;
        uint32 jobsSlashed;
        uint32 jobsTimedOut;
    }

    // ---------------------------------------------------------------- errors
    // ZeroAddress, ParameterOutOfBounds and InvalidSlashSplit come from IWeftErrors.

    /// @notice The caller is already registered.
    error ProviderAlreadyRegistered(address provider);
    /// @notice The account is not a registered provider.
    error ProviderNotRegistered(address provider);
    /// @notice A profile must name its GPU and its memory.
    error InvalidProfile();
    /// @notice Amounts must be positive.
    error ZeroAmount();
    /// @notice The amount does not fit the registry's 128-bit accounting.
    error AmountTooLarge(uint256 amount);
    /// @notice Not enough free (unlocked, not unbonding) stake for the request.
    error InsufficientFreeStake(address provider, uint256 free, uint256 needed);
    /// @notice The provider already has the maximum number of pending unbonding entries.
    error TooManyUnbondingEntries(address provider, uint256 max);
    /// @notice No unbonding entry has matured yet.
    error NothingToWithdraw(address provider);
    /// @notice A release asked to unlock more than the provider has locked.
    error ReleaseExceedsLocked(address provider, uint256 locked, uint256 amount);
    /// @notice A forfeit asked for more than the job's locked collateral.
    error ForfeitExceedsCollateral(uint256 jobId, uint256 amount, uint256 collateral);
    /// @notice The unbonding period must cover the challenge window plus the dispute window.
    error UnbondingShorterThanDisputeExposure(uint256 unbondingPeriod, uint256 exposure);

    // ---------------------------------------------------------------- events

    /// @notice A provider registered with its profile.
    event ProviderRegistered(address indexed provider, string gpuModel, uint32 vramGb, string metadataURI);
    /// @notice A provider changed its profile.
    event ProfileUpdated(address indexed provider, string gpuModel, uint32 vramGb, string metadataURI);
    /// @notice Stake was added.
    event Staked(address indexed provider, uint256 amount, uint256 totalStaked);
    /// @notice Stake entered the unbonding queue.
    event UnbondRequested(address indexed provider, uint256 amount, uint256 maturesAt);
    /// @notice Matured unbonding entries were paid out.
    event Withdrawn(address indexed provider, uint256 amount);
    /// @notice Part of a job's collateral went to `recipient` because the provider missed the deadline.
    event CollateralForfeited(address indexed provider, uint256 indexed jobId, uint256 amount, address recipient);
    /// @notice A provider was slashed: `taken` from its stake, `requested` was asked for.
    event Slashed(address indexed provider, uint256 indexed jobId, uint256 requested, uint256 taken);
    /// @notice A slash took `amount` of the collateral of the provider's other running jobs; it owes `debt` in all.
    event CollateralDebtIncurred(address indexed provider, uint256 indexed jobId, uint256 amount, uint256 debt);
    /// @notice Releasing job `jobId`'s collateral paid back `amount` of the provider's debt; `debt` is left.
    event CollateralDebtRepaid(address indexed provider, uint256 indexed jobId, uint256 amount, uint256 debt);
    /// @notice One recipient's share of a slash.
    event SlashPaid(address indexed provider, uint256 indexed jobId, address indexed recipient, uint256 amount);
    /// @notice A provider may not accept jobs until `jailedUntil`.
    event Jailed(address indexed provider, uint256 jailedUntil);
    /// @notice The least stake a provider needs to accept jobs changed.
    event MinProviderStakeSet(uint256 oldMinStake, uint256 newMinStake);
    /// @notice The unbonding period changed.
    event UnbondingPeriodSet(uint256 oldPeriod, uint256 newPeriod);
    /// @notice The jail duration applied on a slash changed.
    event JailDurationSet(uint256 oldDuration, uint256 newDuration);
    /// @notice The contract the dispute-exposure invariant is read from changed.
    event DisputeWindowsSourceSet(address oldSource, address newSource);

    // ---------------------------------------------------------------- providers

    /// @notice Registers the caller as a provider.
    /// @param profile GPU model (non-empty), VRAM in GB (non-zero) and a metadata URI.
    function register(Profile calldata profile) external;

    /// @notice Replaces the caller's profile.
    function updateProfile(Profile calldata profile) external;

    /// @notice Adds `amount` ComputeToken to the caller's stake (pulled with transferFrom).
    function stake(uint256 amount) external;

    /// @notice {stake} with an ERC-2612 permit, in one transaction.
    function stakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Moves `amount` of free stake into the unbonding queue; it matures after the unbonding period.
    /// @dev At most {MAX_UNBONDING_ENTRIES} entries may be pending at once.
    function requestUnbond(uint256 amount) external;

    /// @notice Pays out every matured unbonding entry of the caller.
    /// @return amount The total paid.
    function withdraw() external returns (uint256 amount);

    // ---------------------------------------------------------------- escrow hooks (ESCROW role)

    /// @notice Locks `amount` of `provider`'s free stake as the collateral of a job, if `provider` can accept jobs.
    /// @dev Reverts {ProviderNotEligible} unless {canAcceptJobs} holds, so the escrow asks once. Nothing is stored per
    /// job, and nothing is emitted: the escrow's {IJobEscrow-JobAccepted} names the job, the provider and the
    /// collateral.
    function lockCollateral(address provider, uint256 amount) external;

    /// @notice Releases `amount` (the collateral of `provider`'s job `jobId`) to free stake, after paying back the
    /// provider's collateral debt out of it, and counts a completed job.
    /// @dev Reverts with {ReleaseExceedsLocked} if what is left to release exceeds what `provider` has locked. Emits
    /// {CollateralDebtRepaid} if debt was paid back, and nothing else: the escrow's {IJobEscrow-JobFinalized} names the
    /// job and the provider.
    function unlockCollateral(address provider, uint256 jobId, uint256 amount) external;

    /// @notice Releases `collateral` (the collateral of `provider`'s job `jobId`) as {unlockCollateral} does, pays
    /// up to `amount` of the provider's free stake to `recipient` (a liveness penalty) and counts a timed-out job.
    /// @dev Reverts with {ForfeitExceedsCollateral} if `amount` > `collateral`. Less than `amount` is paid only when a
    /// slash already took the provider's stake (its free stake is then below `amount`).
    /// @return paid What `recipient` received.
    function forfeitCollateral(
        address provider,
        uint256 jobId,
        uint256 collateral,
        uint256 amount,
        address recipient
    ) external returns (uint256 paid);

    // ---------------------------------------------------------------- disputes hook (DISPUTES role)

    /// @notice Slashes `provider` for job `jobId`: the job's collateral plus `stakeShareBps` of all its other stake
    /// (free, unbonding, and locked by other jobs), as {slashAmount} reports. It is taken from free stake first (the
    /// job's released collateral is part of it), then unbonding entries newest first, then other jobs' locks, which
    /// become collateral debt. Jails the provider for the jail duration and counts a slashed job. What is taken is
    /// split between `recipients` by `sharesBps`.
    /// @param collateral The collateral of `jobId` still locked (0 when the job holds none). It is released (paying
    /// back debt first) before anything is taken; reverts with {ReleaseExceedsLocked} as {unlockCollateral} does.
    /// @return taken What was taken: always the whole {slashAmount}, which never exceeds the provider's stake.
    function slash(
        address provider,
        uint256 jobId,
        uint256 collateral,
        uint256 stakeShareBps,
        address[] calldata recipients,
        uint16[] calldata sharesBps
    ) external returns (uint256 taken);

    // ---------------------------------------------------------------- governance (PARAMETERS role)

    /// @notice Sets the unbonding period; it must cover the dispute exposure (challenge + dispute windows).
    function setUnbondingPeriod(uint256 period) external;

    /// @notice Sets how long a slashed provider is jailed.
    function setJailDuration(uint256 duration) external;

    /// @notice Sets the least stake (free plus locked) a provider needs to accept jobs: walking away from a jail to a
    /// fresh address costs at least this much stake again.
    function setMinProviderStake(uint256 minStake) external;

    /// @notice Sets the contract whose `disputeExposure()` the unbonding period must cover (the JobEscrow).
    function setDisputeWindowsSource(address source) external;

    // ---------------------------------------------------------------- views

    /// @notice The ComputeToken staked here.
    function stakeToken() external view returns (address);

    /// @notice A provider's stake and reputation.
    function providerState(address provider) external view returns (ProviderState memory);

    /// @notice A provider's profile.
    function profile(address provider) external view returns (Profile memory);

    /// @notice A provider's stake that is neither locked nor unbonding.
    function freeStake(address provider) external view returns (uint256);

    /// @notice A provider's pending unbonding entries, oldest first.
    function unbondingEntries(address provider) external view returns (UnbondingEntry[] memory);

    /// @notice Whether `provider` is registered, not jailed, has at least the minimum provider stake and owes no
    /// collateral debt: what {lockCollateral} requires.
    function canAcceptJobs(address provider) external view returns (bool);

    /// @notice What a slash of `provider` for a job whose locked collateral is `collateral` would take now, at a stake
    /// share of `stakeShareBps`: the part of that collateral not already paid to an earlier slash, plus the share of
    /// everything else the provider has staked, unbonding or locked.
    function slashAmount(address provider, uint256 collateral, uint256 stakeShareBps) external view returns (uint256);

    /// @notice The least stake a provider needs to accept jobs.
    function minProviderStake() external view returns (uint256);

    /// @notice The sum of all providers' stake held here (free, locked and unbonding).
    function totalStake() external view returns (uint256);

    /// @notice How long unbonding stake stays slashable.
    function unbondingPeriod() external view returns (uint256);

    /// @notice How long a slashed provider is jailed.
    function jailDuration() external view returns (uint256);

    /// @notice The contract that reports the dispute exposure.
    function disputeWindowsSource() external view returns (address);
}

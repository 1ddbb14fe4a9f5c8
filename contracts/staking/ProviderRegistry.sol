// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDisputeWindows} from "../interfaces/IDisputeWindows.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {BpsMath} from "../libraries/BpsMath.sol";
import {Bounds} from "../libraries/Bounds.sol";
import {UnbondingQueue} from "../libraries/UnbondingQueue.sol";

/// @title ProviderRegistry
/// @notice GPU providers register a profile and stake ComputeToken; the JobEscrow locks part of that stake as each
/// job's collateral; the DisputeManager slashes it. Only per-provider totals are kept here: the JobEscrow is the
/// single record of each job's provider and collateral and passes them to the hooks (a per-job record here cost a
/// fresh slot on every accept). A slash reaches unbonding stake and stake locked by other jobs, so neither walking
/// out nor locking stake in a job directed at oneself shields any.
/// @dev Accounting, per provider: `staked` = free + locked; `unbonding` = the sum of the queue's entries; the
/// escrow's running jobs' collateral = locked + debt. `_totalStake`, the sum of staked + unbonding over all providers,
/// equals the token balance after every function (plus plain transfers, which nobody can take out). It never exceeds
/// {MAX_TOTAL_STAKE} ({stake} enforces it), so every per-provider figure, the debt included, fits in 96 bits.
/// The stake token is ComputeToken, which takes no transfer fee, so amounts transferred are amounts received.
contract ProviderRegistry is IProviderRegistry, AccessManaged, ReentrancyGuardTransient {
    using BpsMath for uint256;
    using SafeERC20 for IERC20;
    using UnbondingQueue for UnbondingQueue.Queue;

    /// @notice The most unbonding entries a provider may have pending at once.
    uint256 public constant MAX_UNBONDING_ENTRIES = UnbondingQueue.CAPACITY;
    /// @notice Bounds of the unbonding period governance may set (short local networks need minutes).
    uint256 public constant MIN_UNBONDING_PERIOD = 1 minutes;
    uint256 public constant MAX_UNBONDING_PERIOD = 90 days;
    /// @notice Bounds of the jail governance may set.
    uint256 public constant MIN_JAIL_DURATION = 1 minutes;
    uint256 public constant MAX_JAIL_DURATION = 365 days;
    /// @notice The highest minimum provider stake governance may set: a million ComputeToken (2^80 > 1e24).
    uint256 public constant MAX_MIN_PROVIDER_STAKE = 1_000_000e18;
    /// @notice The most stake the registry holds in all: 7.9e28, far above ComputeToken's cap, so that every
    /// per-provider figure fits in 96 bits.
    uint256 public constant MAX_TOTAL_STAKE = type(uint96).max;
    /// @notice The most recipients one slash pays (challenger, client, treasury, with room to spare).
    uint256 public constant MAX_SLASH_RECIPIENTS = 8;
    /// @notice The largest collateral one job may lock (the JobEscrow stores collateral as uint96; 7.9e28 is far
    /// above ComputeToken's cap).
    uint256 public constant MAX_JOB_COLLATERAL = type(uint96).max;
    /// @notice The longest GPU model name, in bytes (profiles stay cheap to store and read).
    uint256 public constant MAX_GPU_MODEL_BYTES = 64;
    /// @notice The longest metadata URI, in bytes.
    uint256 public constant MAX_METADATA_URI_BYTES = 256;

    /// @dev Slot 0 holds all that a job's lock and release read and write: staked, locked, the completed-jobs counter,
    /// and two flags that spare them slot 1, `inDebt` (debt is nonzero) and `jailSet` (a jail was set and no lock has
    /// seen it end since), 96 + 96 + 32 + 2 * 8 = 240 bits; every per-provider figure fits in 96 bits (see the
    /// contract's @dev). Slot 1 holds the rest: the jail's end, registration (which a lock reads only for a provider
    /// without stake, as only a registered provider can stake; it keeps the slot nonzero from registration on, so
    /// that a first slash or timeout updates the slot rather than filling it), the counters of faults written by
    /// forfeit and slash, and the debt, 40 + 8 + 2 * 32 + 96 = 208 bits.
    /// `unbonding` takes a slot for its head and length plus one slot per entry; its sum is not stored, as the queue
    /// holds at most {MAX_UNBONDING_ENTRIES} entries and only slash and views need it.
    struct Provider {
        uint96 staked;
        uint96 locked;
        uint32 jobsCompleted;
        bool inDebt;
        bool jailSet;
        // Slot 1 (jailedUntil does not fit in slot 0's last 16 bits, so it starts the slot and registration joins it).
        uint40 jailedUntil;
        bool registered;
        uint32 jobsSlashed;
        uint32 jobsTimedOut;
        uint96 debt;
        UnbondingQueue.Queue unbonding;
    }

    IERC20 private immutable _stakeToken;

    /// @dev One slot: stake and withdraw write the total; unbond reads the period; slash reads the jail duration and
    /// writes the total; {canAcceptJobs} reads the minimum stake. 96 + 40 + 40 + 80 bits; both durations are bounded
    /// far below 2^40 seconds, the minimum stake below 2^80.
    uint96 private _totalStake;
    uint40 private _unbondingPeriod;
    uint40 private _jailDuration;
    uint80 private _minProviderStake;
    /// @dev Zero until the deploy wires the JobEscrow; while zero the dispute-exposure check is skipped.
    address private _disputeWindowsSource;

    mapping(address provider => Provider) private _providers;
    mapping(address provider => Profile) private _profiles;

    /// @param authority_ The AccessManager deciding who may call the escrow, dispute and governance functions.
    /// @param stakeToken_ ComputeToken (IERC20 + IERC20Permit).
    /// @param unbondingPeriod_ Initial unbonding period, within the bounds. The dispute-windows source is not set
    /// yet, so the exposure check waits for {setDisputeWindowsSource}, which the deploy calls at once.
    /// @param jailDuration_ Initial jail duration, within the bounds.
    /// @param minProviderStake_ Initial minimum provider stake, within the bounds.
    constructor(
        address authority_,
        address stakeToken_,
        uint256 unbondingPeriod_,
        uint256 jailDuration_,
        uint256 minProviderStake_
    ) AccessManaged(authority_) {
        if (authority_ == address(0) || stakeToken_ == address(0)) revert ZeroAddress();
        _stakeToken = IERC20(stakeToken_);
        _setUnbondingPeriod(unbondingPeriod_);
        _setJailDuration(jailDuration_);
        _setMinProviderStake(minProviderStake_);
    }

    // ---------------------------------------------------------------- providers

    /// @inheritdoc IProviderRegistry
    function register(Profile calldata newProfile) external {
        Provider storage p = _providers[msg.sender];
        if (p.registered) revert ProviderAlreadyRegistered(msg.sender);
        _validateProfile(newProfile);
        p.registered = true;
        _profiles[msg.sender] = newProfile;
        emit ProviderRegistered(msg.sender, newProfile.gpuModel, newProfile.vramGb, newProfile.metadataURI);
    }

    /// @inheritdoc IProviderRegistry
    function updateProfile(Profile calldata newProfile) external {
        if (!_providers[msg.sender].registered) revert ProviderNotRegistered(msg.sender);
        _validateProfile(newProfile);
        _profiles[msg.sender] = newProfile;
        emit ProfileUpdated(msg.sender, newProfile.gpuModel, newProfile.vramGb, newProfile.metadataURI);
    }

    /// @inheritdoc IProviderRegistry
    function stake(uint256 amount) external nonReentrant {
        _stake(msg.sender, amount);
    }

    /// @inheritdoc IProviderRegistry
    /// @dev Anyone can submit a permit seen in the mempool first, which makes this permit call revert. The revert
    /// is ignored: if the allowance is there (set by that front-run permit or an earlier approve) the stake goes
    /// through, and if it is not, the transfer reverts with the token's allowance error.
    function stakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external nonReentrant {
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(address(_stakeToken)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(msg.sender, amount);
    }

    /// @inheritdoc IProviderRegistry
    /// @dev The entry matures after the unbonding period, or with the newest pending entry if that is later, so that
    /// the queue stays sorted by maturity when governance shortens the period.
    function requestUnbond(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        Provider storage p = _providers[msg.sender];
        uint256 staked = p.staked;
        uint256 free = staked - p.locked;
        if (amount > free) revert InsufficientFreeStake(msg.sender, free, amount);
        if (p.unbonding.isFull()) revert TooManyUnbondingEntries(msg.sender, MAX_UNBONDING_ENTRIES);

        // Both casts are safe: amount <= free < 2^96, and the maturity is bounded by now + MAX_UNBONDING_PERIOD.
        p.staked = uint96(staked - amount);
        uint40 maturesAt = p.unbonding.push(uint128(amount), uint40(block.timestamp + _unbondingPeriod));
        emit UnbondRequested(msg.sender, amount, maturesAt);
    }

    /// @inheritdoc IProviderRegistry
    function withdraw() external nonReentrant returns (uint256 amount) {
        amount = _providers[msg.sender].unbonding.popMatured(block.timestamp);
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        _totalStake -= uint96(amount);
        emit Withdrawn(msg.sender, amount);
        _stakeToken.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- escrow hooks (ESCROW role)

    /// @inheritdoc IProviderRegistry
    /// @dev Checks what {canAcceptJobs} checks, in one call with the lock and from slot 0 alone in the steady state:
    /// registration is read only for a provider without stake (only a registered provider can stake, and none
    /// unregisters), and the jail's end only while a jail set by a slash has not been seen to end (the first lock
    /// after it clears the flag). Then requires a positive amount (a job backed by nothing could not be slashed) of
    /// at most {MAX_JOB_COLLATERAL}.
    function lockCollateral(address provider, uint256 amount) external restricted {
        Provider storage p = _providers[provider];
        if (p.jailSet) {
            if (block.timestamp < p.jailedUntil) revert ProviderNotEligible(provider);
            p.jailSet = false;
        }
        uint256 staked = p.staked;
        if ((staked == 0 && !p.registered) || staked < _minProviderStake || p.inDebt) {
            revert ProviderNotEligible(provider);
        }
        if (amount == 0) revert ZeroAmount();
        if (amount > MAX_JOB_COLLATERAL) revert AmountTooLarge(amount);
        uint256 locked = p.locked;
        uint256 free = staked - locked;
        if (amount > free) revert InsufficientFreeStake(provider, free, amount);

        // amount <= free <= staked - locked < 2^96. No event: the escrow's JobAccepted carries the job, the provider
        // and this amount, and only the escrow may lock.
        p.locked = uint96(locked + amount);
    }

    /// @inheritdoc IProviderRegistry
    function unlockCollateral(address provider, uint256 jobId, uint256 amount) external restricted {
        Provider storage p = _providers[provider];
        _release(provider, p, jobId, amount);
        // No event: the escrow's JobFinalized names the job and the provider, JobAccepted the collateral, and
        // CollateralDebtRepaid any part of it that paid back debt instead of returning to free stake.
        ++p.jobsCompleted;
    }

    /// @inheritdoc IProviderRegistry
    /// @dev `amount` may be zero. Without debt the released collateral alone covers it, so the whole penalty is paid.
    function forfeitCollateral(
        address provider,
        uint256 jobId,
        uint256 collateral,
        uint256 amount,
        address recipient
    ) external restricted nonReentrant returns (uint256 paid) {
        if (recipient == address(0)) revert ZeroAddress();
        if (amount > collateral) revert ForfeitExceedsCollateral(jobId, amount, collateral);

        Provider storage p = _providers[provider];
        _release(provider, p, jobId, collateral);
        uint256 staked = p.staked;
        uint256 free = staked - p.locked;
        paid = Math.min(amount, free);
        // paid <= free <= staked < 2^96.
        p.staked = uint96(staked - paid);
        ++p.jobsTimedOut;
        _totalStake -= uint96(paid);
        emit CollateralForfeited(provider, jobId, paid, recipient);

        if (paid != 0) _stakeToken.safeTransfer(recipient, paid);
    }

    // ---------------------------------------------------------------- disputes hook (DISPUTES role)

    /// @inheritdoc IProviderRegistry
    /// @dev A slash with no collateral for `jobId` is allowed (a dispute about work whose collateral was already
    /// released): it takes the stake share alone. The amount never exceeds staked + unbonding (the job's backing is
    /// part of staked), and free + unbonding + locked = staked + unbonding, so the three steps always take it whole.
    /// Dust from rounding the shares goes to the last recipient, so the payouts add up to `taken` exactly.
    function slash(
        address provider,
        uint256 jobId,
        uint256 collateral,
        uint256 stakeShareBps,
        address[] calldata recipients,
        uint16[] calldata sharesBps
    ) external restricted nonReentrant returns (uint256 taken) {
        Bounds.check(stakeShareBps, 0, BpsMath.BPS);
        _validateSplit(recipients, sharesBps);
        Provider storage p = _providers[provider];
        if (!p.registered) revert ProviderNotRegistered(provider);

        uint256 backing = _release(provider, p, jobId, collateral);
        taken = _slashAmount(backing, p.staked + p.unbonding.total(), stakeShareBps);
        _take(provider, p, jobId, taken);

        uint40 jailedUntil = uint40(block.timestamp + _jailDuration);
        uint40 currentJail = p.jailedUntil;
        if (currentJail > jailedUntil) jailedUntil = currentJail;
        p.jailedUntil = jailedUntil;
        p.jailSet = true;
        ++p.jobsSlashed;
        _totalStake -= uint96(taken);
        emit Slashed(provider, jobId, taken, taken);
        emit Jailed(provider, jailedUntil);

        _paySlash(provider, jobId, taken, recipients, sharesBps);
    }

    // ---------------------------------------------------------------- governance (PARAMETERS role)

    /// @inheritdoc IProviderRegistry
    function setUnbondingPeriod(uint256 period) external restricted {
        _setUnbondingPeriod(period);
    }

    /// @inheritdoc IProviderRegistry
    function setJailDuration(uint256 duration) external restricted {
        _setJailDuration(duration);
    }

    /// @inheritdoc IProviderRegistry
    function setMinProviderStake(uint256 minStake) external restricted {
        _setMinProviderStake(minStake);
    }

    /// @inheritdoc IProviderRegistry
    /// @dev The current unbonding period must already cover the new source's exposure.
    function setDisputeWindowsSource(address source) external restricted {
        _setDisputeWindowsSource(source);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IProviderRegistry
    function stakeToken() external view returns (address) {
        return address(_stakeToken);
    }

    /// @inheritdoc IProviderRegistry
    function providerState(address provider) external view returns (ProviderState memory) {
        Provider storage p = _providers[provider];
        return
            ProviderState({
                registered: p.registered,
                staked: p.staked,
                locked: p.locked,
                // At most the total stake, which is below 2^128.
                unbonding: uint128(p.unbonding.total()),
                debt: p.debt,
                jailedUntil: p.jailedUntil,
                jobsCompleted: p.jobsCompleted,
                jobsSlashed: p.jobsSlashed,
                jobsTimedOut: p.jobsTimedOut
            });
    }

    /// @inheritdoc IProviderRegistry
    function profile(address provider) external view returns (Profile memory) {
        return _profiles[provider];
    }

    /// @inheritdoc IProviderRegistry
    function freeStake(address provider) external view returns (uint256) {
        Provider storage p = _providers[provider];
        return p.staked - p.locked;
    }

    /// @inheritdoc IProviderRegistry
    function unbondingEntries(address provider) external view returns (UnbondingEntry[] memory) {
        return _providers[provider].unbonding.toArray();
    }

    /// @inheritdoc IProviderRegistry
    /// @dev A provider is jailed while `block.timestamp < jailedUntil`. A provider in debt may not accept: the debt is
    /// collateral a slash already took from its other jobs, and the slash of a new job would net it against that
    /// job's own collateral, so a fault on the new job could cost nothing.
    function canAcceptJobs(address provider) external view returns (bool) {
        Provider storage p = _providers[provider];
        return p.registered && block.timestamp >= p.jailedUntil && p.staked >= _minProviderStake && !p.inDebt;
    }

    /// @inheritdoc IProviderRegistry
    function slashAmount(address provider, uint256 collateral, uint256 stakeShareBps) external view returns (uint256) {
        Provider storage p = _providers[provider];
        uint256 backing = collateral - Math.min(collateral, p.debt);
        return _slashAmount(backing, p.staked + p.unbonding.total(), stakeShareBps);
    }

    /// @inheritdoc IProviderRegistry
    function minProviderStake() external view returns (uint256) {
        return _minProviderStake;
    }

    /// @inheritdoc IProviderRegistry
    function totalStake() external view returns (uint256) {
        return _totalStake;
    }

    /// @inheritdoc IProviderRegistry
    function unbondingPeriod() external view returns (uint256) {
        return _unbondingPeriod;
    }

    /// @inheritdoc IProviderRegistry
    function jailDuration() external view returns (uint256) {
        return _jailDuration;
    }

    /// @inheritdoc IProviderRegistry
    function disputeWindowsSource() external view returns (address) {
        return _disputeWindowsSource;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Requires a registered provider and keeps the total stake below 2^128 (see the contract's @dev).
    function _stake(address provider, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        Provider storage p = _providers[provider];
        if (!p.registered) revert ProviderNotRegistered(provider);
        uint256 newTotal = uint256(_totalStake) + amount;
        if (newTotal > MAX_TOTAL_STAKE) revert AmountTooLarge(amount);

        uint256 newStaked = p.staked + amount; // <= newTotal
        p.staked = uint96(newStaked);
        _totalStake = uint96(newTotal);
        emit Staked(provider, amount, newStaked);
        _stakeToken.safeTransferFrom(provider, address(this), amount);
    }

    /// @dev Releases job `jobId`'s `collateral`: debt is paid back out of it first (a slash already took that much),
    /// the rest, the job's backing (returned), leaves the lock. The provider's locked total is the one bound a release
    /// can be checked against here (no per-job record); breaking it reverts with the values.
    function _release(
        address provider,
        Provider storage p,
        uint256 jobId,
        uint256 collateral
    ) private returns (uint256 backing) {
        uint256 repaid;
        if (p.inDebt) {
            uint256 debt = p.debt;
            repaid = Math.min(collateral, debt);
            if (repaid != 0) {
                p.debt = uint96(debt - repaid);
                p.inDebt = debt != repaid;
                emit CollateralDebtRepaid(provider, jobId, repaid, debt - repaid);
            }
        }
        backing = collateral - repaid;
        uint256 locked = p.locked;
        if (backing > locked) revert ReleaseExceedsLocked(provider, locked, backing);
        p.locked = uint96(locked - backing);
    }

    /// @dev Takes `amount` from free stake, then unbonding entries newest first, then other jobs' locks (as debt);
    /// `amount` <= staked + unbonding (see {slash}), so the locks cover the rest. Every figure is below 2^96.
    function _take(address provider, Provider storage p, uint256 jobId, uint256 amount) private {
        uint256 staked = p.staked;
        uint256 locked = p.locked;
        uint256 fromFree = Math.min(amount, staked - locked);
        uint256 fromUnbonding = fromFree == amount ? 0 : p.unbonding.takeNewestFirst(amount - fromFree);
        uint256 fromLocks = amount - fromFree - fromUnbonding;
        p.staked = uint96(staked - fromFree - fromLocks);
        if (fromLocks != 0) {
            p.locked = uint96(locked - fromLocks);
            uint256 debt = p.debt + fromLocks;
            p.debt = uint96(debt);
            p.inDebt = true;
            emit CollateralDebtIncurred(provider, jobId, fromLocks, debt);
        }
    }

    /// @dev The job's backing plus the stake share of everything else the provider has (`total` includes the backing).
    function _slashAmount(uint256 backing, uint256 total, uint256 stakeShareBps) private pure returns (uint256) {
        return backing + (total - backing).mulBps(stakeShareBps);
    }

    /// @dev Pays each recipient its share of `taken`; the last one also gets the rounding dust.
    function _paySlash(
        address provider,
        uint256 jobId,
        uint256 taken,
        address[] calldata recipients,
        uint16[] calldata sharesBps
    ) private {
        uint256 last = recipients.length - 1;
        uint256 paid;
        for (uint256 i = 0; i <= last; ++i) {
            uint256 share = i == last ? taken - paid : taken.mulBps(sharesBps[i]);
            paid += share;
            emit SlashPaid(provider, jobId, recipients[i], share);
            if (share != 0) _stakeToken.safeTransfer(recipients[i], share);
        }
    }

    function _setUnbondingPeriod(uint256 period) private {
        Bounds.check(period, MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD);
        _checkCoversExposure(period, _disputeWindowsSource);
        emit UnbondingPeriodSet(_unbondingPeriod, period);
        _unbondingPeriod = uint40(period);
    }

    function _setMinProviderStake(uint256 minStake) private {
        Bounds.check(minStake, 0, MAX_MIN_PROVIDER_STAKE);
        emit MinProviderStakeSet(_minProviderStake, minStake);
        _minProviderStake = uint80(minStake);
    }

    function _setJailDuration(uint256 duration) private {
        Bounds.check(duration, MIN_JAIL_DURATION, MAX_JAIL_DURATION);
        emit JailDurationSet(_jailDuration, duration);
        _jailDuration = uint40(duration);
    }

    function _setDisputeWindowsSource(address source) private {
        if (source == address(0)) revert ZeroAddress();
        _checkCoversExposure(_unbondingPeriod, source);
        emit DisputeWindowsSourceSet(_disputeWindowsSource, source);
        _disputeWindowsSource = source;
    }

    /// @dev Unbonding stake must stay slashable for as long as a submitted result can still lead to a slash.
    /// Skipped while no source is set (only between deployment and the deploy's wiring call).
    function _checkCoversExposure(uint256 period, address source) private view {
        if (source == address(0)) return;
        uint256 exposure = IDisputeWindows(source).disputeExposure();
        if (period < exposure) revert UnbondingShorterThanDisputeExposure(period, exposure);
    }

    function _validateProfile(Profile calldata newProfile) private pure {
        uint256 modelLength = bytes(newProfile.gpuModel).length;
        if (
            modelLength == 0 ||
            modelLength > MAX_GPU_MODEL_BYTES ||
            newProfile.vramGb == 0 ||
            bytes(newProfile.metadataURI).length > MAX_METADATA_URI_BYTES
        ) revert InvalidProfile();
    }

    /// @dev Equal lengths, 1 to {MAX_SLASH_RECIPIENTS} recipients, no zero address, shares adding up to 10,000 bps.
    function _validateSplit(address[] calldata recipients, uint16[] calldata sharesBps) private pure {
        uint256 count = recipients.length;
        uint256 totalBps;
        for (uint256 i = 0; i < sharesBps.length; ++i) {
            totalBps += sharesBps[i];
        }
        if (count != sharesBps.length || count > MAX_SLASH_RECIPIENTS || totalBps != BpsMath.BPS) {
            revert InvalidSlashSplit(count, sharesBps.length, totalBps);
        }
        for (uint256 i = 0; i < count; ++i) {
            if (recipients[i] == address(0)) revert ZeroAddress();
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IDisputeWindows} from "../interfaces/IDisputeWindows.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {BpsMath} from "../libraries/BpsMath.sol";
import {Bounds} from "../libraries/Bounds.sol";
import {PaymentTokenAllowList} from "./PaymentTokenAllowList.sol";

/// @title EscrowParameters
/// @notice The governed side of the JobEscrow: the protocol fee, the collateral rule (a ratio of the payment's value
/// with a floor), the challenge and dispute windows, the liveness penalty, the payment tokens with their valuation,
/// the treasury and the work recorder, each with its bounds, a restricted setter and a view; and the pause switch.
/// @dev The JobEscrow's state machine lives in JobEscrow.sol; this contract holds no job.
abstract contract EscrowParameters is IJobEscrow, PaymentTokenAllowList, AccessManaged, Pausable {
    using BpsMath for uint256;

    /// @notice The protocol fee never exceeds 10% of a payment.
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 1_000;
    /// @notice Providers lock at least 10% and at most 20x the payment's value as collateral.
    uint256 public constant MIN_COLLATERAL_RATIO_BPS = 1_000;
    uint256 public constant MAX_COLLATERAL_RATIO_BPS = 200_000;
    /// @notice The collateral floor is at most a million ComputeToken (a fault on a small job must cost something,
    /// but the floor must not shut every provider out).
    uint256 public constant MAX_MIN_COLLATERAL = 1_000_000e18;
    /// @notice Bounds of the challenge and dispute windows.
    uint256 public constant MIN_WINDOW = 1 minutes;
    uint256 public constant MAX_WINDOW = 30 days;
    /// @notice The liveness penalty is at most the whole collateral.
    uint256 public constant MAX_LIVENESS_PENALTY_BPS = BpsMath.BPS;

    /// @notice Initial values of the governed parameters.
    struct Parameters {
        uint256 protocolFeeBps;
        uint256 collateralRatioBps;
        uint256 minCollateral;
        uint256 challengeWindow;
        uint256 disputeWindow;
        uint256 livenessPenaltyBps;
    }

    IProviderRegistry internal immutable _registry;

    // With the authority and the pause flag, which createJob and acceptJob read anyway: the job counter lives here
    // only to share that slot (createJob reads the fee, acceptJob the ratio). 2^40 jobs and the bounds above fit.
    uint40 internal _jobCount;
    uint16 internal _protocolFeeBps;
    uint24 internal _collateralRatioBps;
    // One slot: acceptJob reads the floor, submitResult the challenge window, claimTimeout the penalty. The floor is
    // bounded by MAX_MIN_COLLATERAL < 2^96, like every collateral.
    uint16 internal _livenessPenaltyBps;
    uint32 internal _challengeWindow;
    uint32 internal _disputeWindow;
    uint96 internal _minCollateral;

    address internal _treasury;
    address internal _workRecorder;

    /// @param authority The AccessManager holding every permission.
    /// @param registry_ The ProviderRegistry holding stake and collateral; its unbonding period bounds the windows.
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
        _setTreasury(treasury_);
        _setProtocolFeeBps(parameters.protocolFeeBps);
        _setCollateralRatioBps(parameters.collateralRatioBps);
        _setMinCollateral(parameters.minCollateral);
        _setLivenessPenaltyBps(parameters.livenessPenaltyBps);
        _setWindows(parameters.challengeWindow, parameters.disputeWindow);
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
    function setMinCollateral(uint256 newMinCollateral) external restricted {
        _setMinCollateral(newMinCollateral);
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
    function setPaymentToken(address token, bool allowed, uint96 minPayment, uint128 weftPerToken) external restricted {
        _setPaymentToken(token, allowed, minPayment, weftPerToken);
    }

    /// @inheritdoc IJobEscrow
    function setTreasury(address treasury_) external restricted {
        _setTreasury(treasury_);
    }

    /// @inheritdoc IJobEscrow
    function setWorkRecorder(address recorder) external restricted {
        _setWorkRecorder(recorder);
    }

    // ================================================================ views

    /// @inheritdoc IJobEscrow
    function registry() external view returns (address) {
        return address(_registry);
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
    function minCollateral() external view returns (uint256) {
        return _minCollateral;
    }

    /// @inheritdoc IJobEscrow
    function collateralFor(uint256 value) public view returns (uint256) {
        uint256 collateral = value.mulBps(_collateralRatioBps);
        uint256 floor = _minCollateral;
        return collateral < floor ? floor : collateral;
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

    /// @inheritdoc IDisputeWindows
    function disputeExposure() external view returns (uint256) {
        return uint256(_challengeWindow) + _disputeWindow;
    }

    // ================================================================ setters

    function _setProtocolFeeBps(uint256 feeBps) private {
        Bounds.check(feeBps, 0, MAX_PROTOCOL_FEE_BPS);
        emit ProtocolFeeSet(_protocolFeeBps, feeBps);
        _protocolFeeBps = uint16(feeBps);
    }

    function _setCollateralRatioBps(uint256 ratioBps) private {
        Bounds.check(ratioBps, MIN_COLLATERAL_RATIO_BPS, MAX_COLLATERAL_RATIO_BPS);
        emit CollateralRatioSet(_collateralRatioBps, ratioBps);
        _collateralRatioBps = uint24(ratioBps);
    }

    function _setMinCollateral(uint256 newMinCollateral) private {
        Bounds.check(newMinCollateral, 0, MAX_MIN_COLLATERAL);
        emit MinCollateralSet(_minCollateral, newMinCollateral);
        _minCollateral = uint96(newMinCollateral);
    }

    function _setLivenessPenaltyBps(uint256 penaltyBps) private {
        Bounds.check(penaltyBps, 0, MAX_LIVENESS_PENALTY_BPS);
        emit LivenessPenaltySet(_livenessPenaltyBps, penaltyBps);
        _livenessPenaltyBps = uint16(penaltyBps);
    }

    /// @dev Both windows in one setter because the registry's unbonding period must cover their sum.
    function _setWindows(uint256 challenge, uint256 dispute) private {
        Bounds.check(challenge, MIN_WINDOW, MAX_WINDOW);
        Bounds.check(dispute, MIN_WINDOW, MAX_WINDOW);
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

    /// @dev Zero is allowed: it turns the recording of work off.
    function _setWorkRecorder(address recorder) private {
        emit WorkRecorderSet(_workRecorder, recorder);
        _workRecorder = recorder;
    }
}

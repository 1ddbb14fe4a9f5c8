// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IDisputeManager} from "../interfaces/IDisputeManager.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {IWorkloadChecker} from "../interfaces/IWorkloadChecker.sol";
import {BpsMath} from "../libraries/BpsMath.sol";
import {Bounds} from "../libraries/Bounds.sol";

/// @title DisputeParameters
/// @notice The governed parameters of the DisputeManager: workload checkers, the bond, the windows of each path, the
/// slash split and the stake share, each with its bounds, a PARAMETERS-restricted setter and a view.
/// @dev The windows are bounded together: the longest dispute they allow ({maxDisputeDuration}) stays within the
/// escrow's dispute window, which the registry's unbonding period covers, so stake backing a disputed result is still
/// there when the dispute ends.
abstract contract DisputeParameters is IDisputeManager, AccessManaged {
    /// @notice Bounds of the bond: enough to make a frivolous dispute cost something, never a wall.
    uint256 public constant MIN_BOND = 1e18;
    uint256 public constant MAX_BOND = 1_000_000e18;
    /// @notice Bounds of each dispute window.
    uint256 public constant MIN_WINDOW = 1 minutes;
    uint256 public constant MAX_WINDOW = 30 days;
    /// @dev A slash pays three recipients, each its share of the split: the challenger, the client, the treasury.
    uint256 internal constant _SLASH_RECIPIENTS = 3;

    /// @notice Initial values of the governed parameters.
    struct Parameters {
        uint256 bond;
        uint256 responseWindow;
        uint256 followUpWindow;
        uint256 arbitrationWindow;
        SlashSplit slashSplit;
        uint256 stakeShareBps;
    }

    IJobEscrow internal immutable _escrow;

    // One slot: opening a dispute reads the bond and a window, settling reads the split and the share.
    uint96 internal _bond;
    uint32 internal _responseWindow;
    uint32 internal _followUpWindow;
    uint32 internal _arbitrationWindow;
    uint16 internal _challengerBps;
    uint16 internal _clientBps;
    uint16 internal _treasuryBps;
    uint16 internal _stakeShareBps;

    mapping(bytes32 workloadId => IWorkloadChecker) internal _checkers;

    /// @param authority The AccessManager holding every permission.
    /// @param escrow_ The JobEscrow whose jobs are disputed.
    /// @param parameters Initial governed parameters, each checked against its bounds.
    /// @param checkers The first workload checkers, each registered under the workload it decides.
    constructor(
        address authority,
        IJobEscrow escrow_,
        Parameters memory parameters,
        IWorkloadChecker[] memory checkers
    ) AccessManaged(authority) {
        if (address(escrow_) == address(0)) revert ZeroAddress();
        _escrow = escrow_;
        _setBond(parameters.bond);
        _setResponseWindow(parameters.responseWindow);
        _setFollowUpWindow(parameters.followUpWindow);
        _setArbitrationWindow(parameters.arbitrationWindow);
        _setSlashSplit(parameters.slashSplit);
        _setStakeShareBps(parameters.stakeShareBps);
        for (uint256 i = 0; i < checkers.length; ++i) {
            _setChecker(checkers[i].workloadId(), checkers[i]);
        }
    }

    // ================================================================ governance

    /// @inheritdoc IDisputeManager
    function setChecker(bytes32 workloadId, IWorkloadChecker workloadChecker) external restricted {
        _setChecker(workloadId, workloadChecker);
    }

    /// @inheritdoc IDisputeManager
    function setBond(uint256 newBond) external restricted {
        _setBond(newBond);
    }

    /// @inheritdoc IDisputeManager
    function setResponseWindow(uint256 window) external restricted {
        _setResponseWindow(window);
    }

    /// @inheritdoc IDisputeManager
    function setFollowUpWindow(uint256 window) external restricted {
        _setFollowUpWindow(window);
    }

    /// @inheritdoc IDisputeManager
    function setArbitrationWindow(uint256 window) external restricted {
        _setArbitrationWindow(window);
    }

    /// @inheritdoc IDisputeManager
    function setSlashSplit(SlashSplit calldata split) external restricted {
        _setSlashSplit(split);
    }

    /// @inheritdoc IDisputeManager
    function setStakeShareBps(uint256 shareBps) external restricted {
        _setStakeShareBps(shareBps);
    }

    // ================================================================ views

    /// @inheritdoc IDisputeManager
    function checker(bytes32 workloadId) external view returns (IWorkloadChecker) {
        return _checkers[workloadId];
    }

    /// @inheritdoc IDisputeManager
    function bond() external view returns (uint256) {
        return _bond;
    }

    /// @inheritdoc IDisputeManager
    function responseWindow() external view returns (uint256) {
        return _responseWindow;
    }

    /// @inheritdoc IDisputeManager
    function followUpWindow() external view returns (uint256) {
        return _followUpWindow;
    }

    /// @inheritdoc IDisputeManager
    function arbitrationWindow() external view returns (uint256) {
        return _arbitrationWindow;
    }

    /// @inheritdoc IDisputeManager
    function slashSplit() public view returns (SlashSplit memory) {
        return SlashSplit(_challengerBps, _clientBps, _treasuryBps);
    }

    /// @inheritdoc IDisputeManager
    function stakeShareBps() external view returns (uint256) {
        return _stakeShareBps;
    }

    /// @inheritdoc IDisputeManager
    function maxDisputeDuration() public view returns (uint256) {
        return _maxDisputeDuration(_responseWindow, _followUpWindow, _arbitrationWindow);
    }

    // ================================================================ internals

    function _maxDisputeDuration(
        uint256 response,
        uint256 followUp,
        uint256 arbitration
    ) internal pure returns (uint256) {
        // Withheld data: both clocks and the follow-up; a proof's reveal window (one clock) is always shorter.
        uint256 withheld = 2 * response + followUp;
        return withheld > arbitration ? withheld : arbitration;
    }

    function _setChecker(bytes32 workloadId, IWorkloadChecker workloadChecker) private {
        if (address(workloadChecker) != address(0)) {
            bytes32 decides = workloadChecker.workloadId();
            if (decides != workloadId) revert CheckerWorkloadMismatch(workloadId, decides);
        }
        emit CheckerSet(workloadId, address(_checkers[workloadId]), address(workloadChecker));
        _checkers[workloadId] = workloadChecker;
    }

    function _setBond(uint256 newBond) private {
        Bounds.check(newBond, MIN_BOND, MAX_BOND);
        emit BondSet(_bond, newBond);
        _bond = uint96(newBond);
    }

    function _setResponseWindow(uint256 window) private {
        Bounds.check(window, MIN_WINDOW, MAX_WINDOW);
        _checkDuration(_maxDisputeDuration(window, _followUpWindow, _arbitrationWindow));
        emit ResponseWindowSet(_responseWindow, window);
        _responseWindow = uint32(window);
    }

    function _setFollowUpWindow(uint256 window) private {
        Bounds.check(window, MIN_WINDOW, MAX_WINDOW);
        _checkDuration(_maxDisputeDuration(_responseWindow, window, _arbitrationWindow));
        emit FollowUpWindowSet(_followUpWindow, window);
        _followUpWindow = uint32(window);
    }

    function _setArbitrationWindow(uint256 window) private {
        Bounds.check(window, MIN_WINDOW, MAX_WINDOW);
        _checkDuration(_maxDisputeDuration(_responseWindow, _followUpWindow, window));
        emit ArbitrationWindowSet(_arbitrationWindow, window);
        _arbitrationWindow = uint32(window);
    }

    function _setSlashSplit(SlashSplit memory split) private {
        uint256 total = uint256(split.challengerBps) + split.clientBps + split.treasuryBps;
        if (total != BpsMath.BPS) revert InvalidSlashSplit(_SLASH_RECIPIENTS, _SLASH_RECIPIENTS, total);
        emit SlashSplitSet(slashSplit(), split);
        (_challengerBps, _clientBps, _treasuryBps) = (split.challengerBps, split.clientBps, split.treasuryBps);
    }

    function _setStakeShareBps(uint256 shareBps) private {
        Bounds.check(shareBps, 0, BpsMath.BPS);
        emit StakeShareSet(_stakeShareBps, shareBps);
        _stakeShareBps = uint16(shareBps);
    }

    /// @dev The longest dispute the windows make possible, within the escrow's window (and so the registry's
    /// unbonding). Each window's bounds are checked first, so the duration cannot overflow.
    function _checkDuration(uint256 longestDispute) private view {
        uint256 disputeWindow = _escrow.disputeWindow();
        if (longestDispute > disputeWindow) revert DisputeDurationExceedsWindow(longestDispute, disputeWindow);
    }
}

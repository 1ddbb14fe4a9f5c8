// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IJobEscrow} from "./IJobEscrow.sol";
import {IWorkloadChecker} from "./IWorkloadChecker.sol";

/// @title IDisputeManager
/// @notice Challenges of submitted results, one open dispute per job, along three paths:
/// - proof: a workload with a checker; the checker decides in the same transaction (fraud -> slash, no fraud ->
///   the call reverts with {ResultChecksOut} and nothing changes);
/// - withheld data: the provider must reveal the chunk holding a named output element within the response window;
///   silence -> slash; a reveal -> anyone may follow with the proof path within the follow-up window (the
///   challenger keeps the bond and the challenger's share), otherwise the bond goes to the provider;
/// - arbitration: a workload without a checker; the ARBITER rules before the arbitration deadline; silence -> no
///   fault and the bond returns to the challenger, so a dead arbiter cannot freeze funds.
/// @dev On fault: the escrow refunds the client in full; the registry slashes the job's collateral plus
/// `stakeShareBps` of the provider's other unlocked stake (free and unbonding), splits it between challenger,
/// client and treasury, jails the provider and counts the slash; the bond returns to the challenger. On no fault:
/// the bond goes to the provider and the job settles normally.
interface IDisputeManager {
    enum DisputeKind {
        None,
        Proof,
        Withheld,
        Arbitration
    }

    enum DisputeStatus {
        None,
        AwaitingReveal, // withheld data: the provider must reveal before `deadline`
        Revealed, // withheld data: anyone may prove fraud before `deadline`
        AwaitingRuling, // arbitration: the arbiter must rule before `deadline`
        ProviderAtFault,
        NoFault
    }

    /// @notice The latest dispute of a job.
    /// @dev Two slots: the challenger and its bond, then what the state machine reads on every step. `deadline` ends
    /// the current phase; no deadline lies beyond `openedAt` plus the escrow's dispute window, which the registry's
    /// unbonding period covers. `totalWords` is the job's output size (withheld data: to check the reveal).
    struct Dispute {
        address challenger;
        uint96 bond;
        DisputeKind kind;
        DisputeStatus status;
        uint40 deadline;
        uint40 openedAt;
        uint64 wordIndex;
        uint64 totalWords;
    }

    /// @notice How a slash is split, in basis points adding up to 10,000.
    struct SlashSplit {
        uint16 challengerBps;
        uint16 clientBps;
        uint16 treasuryBps;
    }

    // ---------------------------------------------------------------- errors

    /// @notice The job already has an open dispute.
    error DisputeAlreadyOpen(uint256 jobId);
    /// @notice The job has no open dispute.
    error NoOpenDispute(uint256 jobId, DisputeStatus status);
    /// @notice The job's dispute is not in the status the call needs.
    error DisputeNotInStatus(uint256 jobId, DisputeStatus actual, DisputeStatus expected);
    /// @notice The checker recomputed the element and the committed value is correct.
    error ResultChecksOut(uint256 jobId, uint256 wordIndex);
    /// @notice The params given are not the job's (their hash differs from the one the escrow stored).
    error ParamsMismatch(uint256 jobId, bytes32 expectedHash, bytes32 actualHash);
    /// @notice The workload has no checker: use arbitration.
    error NoCheckerForWorkload(bytes32 workloadId);
    /// @notice The workload has a checker: use the proof or withheld-data path.
    error WorkloadHasChecker(bytes32 workloadId, address checker);
    /// @notice The dispute's current deadline has passed.
    error DisputeDeadlinePassed(uint256 jobId, uint256 deadline);
    /// @notice The dispute's current deadline has not passed yet.
    error DisputeDeadlineNotReached(uint256 jobId, uint256 deadline);
    /// @notice The element lies outside the job's output.
    error ElementOutOfRange(uint256 row, uint256 col, uint256 rows, uint256 cols);
    /// @notice The checker decides another workload.
    error CheckerWorkloadMismatch(bytes32 workloadId, bytes32 checkerWorkloadId);
    /// @notice A governed parameter is outside its bounds.
    error ParameterOutOfBounds(uint256 value, uint256 min, uint256 max);
    /// @notice The slash split must add up to 10,000 bps.
    error InvalidSlashSplit(uint256 totalBps);
    /// @notice The longest dispute would outlast the escrow's dispute window (and so the registry's unbonding).
    error DisputeDurationExceedsWindow(uint256 duration, uint256 disputeWindow);
    /// @notice An address parameter cannot be zero.
    error ZeroAddress();

    // ---------------------------------------------------------------- events

    /// @notice A dispute opened; `deadline` is when its current phase ends (zero for the atomic proof path).
    event DisputeOpened(
        uint256 indexed jobId,
        address indexed challenger,
        DisputeKind kind,
        uint256 bond,
        uint256 wordIndex,
        uint256 deadline
    );
    /// @notice A checker proved output word `wordIndex` wrong.
    event FraudProven(uint256 indexed jobId, uint256 wordIndex, bytes4 committedWord, bytes4 correctWord);
    /// @notice The provider revealed the result chunk `chunkIndex`. Its bytes and proof are in this event, so any
    /// watcher can check it and, if it is wrong, prove it with {disputeWithProof} before `followUpDeadline`.
    event ChunkRevealed(
        uint256 indexed jobId,
        uint256 chunkIndex,
        bytes chunk,
        bytes32[] proof,
        uint256 followUpDeadline
    );
    /// @notice A challenger asked the arbiter to rule, with its evidence.
    event ArbitrationRequested(uint256 indexed jobId, string evidenceURI);
    /// @notice A dispute ended. At fault: `slashed` was taken from the provider; otherwise the bond went to it.
    event DisputeSettled(uint256 indexed jobId, bool providerAtFault, uint256 slashed, address bondRecipient);
    /// @notice A workload's checker changed (zero: none, disputes go to arbitration).
    event CheckerSet(bytes32 indexed workloadId, address oldChecker, address newChecker);
    /// @notice The bond changed.
    event BondSet(uint256 oldBond, uint256 newBond);
    /// @notice The reveal window of the withheld-data path changed.
    event ResponseWindowSet(uint256 oldWindow, uint256 newWindow);
    /// @notice The follow-up window after a reveal changed.
    event FollowUpWindowSet(uint256 oldWindow, uint256 newWindow);
    /// @notice The arbitration window changed.
    event ArbitrationWindowSet(uint256 oldWindow, uint256 newWindow);
    /// @notice The slash split changed.
    event SlashSplitSet(SlashSplit oldSplit, SlashSplit newSplit);
    /// @notice The share of the provider's other unlocked stake slashed at fault changed.
    event StakeShareSet(uint256 oldShareBps, uint256 newShareBps);

    // ---------------------------------------------------------------- challengers
    // Every call about a job takes its terms (`job`, as in the escrow's events); the escrow checks them against the
    // hash it stores, and a call with other terms reverts with the escrow's JobTermsMismatch.

    /// @notice Proves a Submitted job's result wrong in one transaction, inside its challenge window (takes and returns
    /// the bond); or, after a reveal, follows up a withheld-data dispute inside the follow-up window (by anyone; the
    /// dispute's challenger gets its bond back and the challenger's share). Reverts with {ResultChecksOut} if the
    /// element is correct.
    /// @param params The job's ABI-encoded params (checked against its params hash).
    /// @param proof The workload checker's ABI-encoded fraud proof.
    function disputeWithProof(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes calldata params,
        bytes calldata proof
    ) external;

    /// @notice Challenges a Submitted job whose output is not available: the provider must reveal the result chunk
    /// holding element (row, col) within the response window. Takes the bond.
    function disputeWithheld(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes calldata params,
        uint256 row,
        uint256 col
    ) external;

    /// @notice Asks the arbiter to rule on a Submitted job whose workload has no checker. Takes the bond.
    function disputeForArbitration(uint256 jobId, IJobEscrow.Job calldata job, string calldata evidenceURI) external;

    // ---------------------------------------------------------------- providers, arbiter, anyone

    /// @notice Reveals the disputed result chunk with its proof against the job's result root (anyone may).
    function reveal(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes calldata chunk,
        bytes32[] calldata proof
    ) external;

    /// @notice The arbiter's ruling (ARBITER role), before the arbitration deadline.
    function arbitrate(uint256 jobId, IJobEscrow.Job calldata job, bool providerAtFault) external;

    /// @notice Ends a dispute whose deadline has passed: no reveal -> fault; no follow-up -> no fault (bond to the
    /// provider); no ruling -> no fault (bond back to the challenger).
    function resolveTimeout(uint256 jobId, IJobEscrow.Job calldata job) external;

    // ---------------------------------------------------------------- governance (PARAMETERS role)

    /// @notice Sets the checker of a workload; zero removes it (its disputes then go to arbitration).
    function setChecker(bytes32 workloadId, IWorkloadChecker checker) external;

    /// @notice Sets the bond, in ComputeToken.
    function setBond(uint256 bond) external;

    /// @notice Sets how long a provider has to reveal withheld data.
    function setResponseWindow(uint256 window) external;

    /// @notice Sets how long a challenger has to prove fraud after a reveal.
    function setFollowUpWindow(uint256 window) external;

    /// @notice Sets how long the arbiter has to rule.
    function setArbitrationWindow(uint256 window) external;

    /// @notice Sets how a slash is split between challenger, client and treasury.
    function setSlashSplit(SlashSplit calldata split) external;

    /// @notice Sets the share of the provider's other unlocked stake slashed at fault, on top of the collateral.
    function setStakeShareBps(uint256 shareBps) external;

    // ---------------------------------------------------------------- views

    /// @notice The latest dispute of a job.
    function dispute(uint256 jobId) external view returns (Dispute memory);

    /// @notice The escrow whose jobs are disputed.
    function escrow() external view returns (address);

    /// @notice The registry that slashes.
    function registry() external view returns (address);

    /// @notice The token bonds are paid in (ComputeToken).
    function bondToken() external view returns (address);

    /// @notice The checker of a workload, or zero.
    function checker(bytes32 workloadId) external view returns (IWorkloadChecker);

    /// @notice The bond, in ComputeToken.
    function bond() external view returns (uint256);

    /// @notice The reveal window of the withheld-data path.
    function responseWindow() external view returns (uint256);

    /// @notice The follow-up window after a reveal.
    function followUpWindow() external view returns (uint256);

    /// @notice The arbitration window.
    function arbitrationWindow() external view returns (uint256);

    /// @notice How a slash is split.
    function slashSplit() external view returns (SlashSplit memory);

    /// @notice The share of the provider's other unlocked stake slashed at fault.
    function stakeShareBps() external view returns (uint256);

    /// @notice What a fault on `jobId` would slash now: its collateral plus the stake share.
    function slashAmount(uint256 jobId, IJobEscrow.Job calldata job) external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDisputeWindows} from "./IDisputeWindows.sol";
import {IWeftErrors} from "./IWeftErrors.sol";

/// @title IJobEscrow
/// @notice The job state machine: clients pay into escrow, providers lock collateral and submit a committed
/// result, and after the challenge window anyone finalizes the job, paying the provider and minting a receipt.
/// @dev Open -accept-> Assigned -submitResult-> Submitted -(window passes)-> Finalized.
/// Open -cancelJob-> Cancelled; Assigned -(deadline passes)-> TimedOut; Submitted -markDisputed-> Disputed
/// -resolveDispute-> Slashed (provider at fault) or back to Submitted (no fault).
interface IJobEscrow is IDisputeWindows, IWeftErrors {
    enum JobStatus {
        None,
        Open,
        Assigned,
        Submitted,
        Disputed,
        Finalized,
        Cancelled,
        TimedOut,
        Slashed
    }

    /// @notice What a client asks for when creating a job.
    struct JobRequest {
        bytes32 workloadId; // which workload (bytes32 of its name, e.g. "matmul-i8")
        bytes params; // the workload's ABI-encoded parameters (e.g. the matrix shape)
        bytes32 inputRoot; // Merkle root of the inputs
        string inputURI; // where the inputs can be fetched
        address paymentToken; // an allow-listed ERC20
        uint256 payment; // what the provider is paid, protocol fee included
        address provider; // the only provider who may accept, or zero for anyone
        uint256 submitDeadline; // the time by which the result must be submitted
    }

    /// @notice A job's terms. The escrow stores only their hash and the job's status in one slot; every call about a
    /// job brings its terms back as calldata, checked against that hash, and the events carry every term
    /// (JobCreated, JobAccepted, ResultSubmitted), so anyone can rebuild them from the logs.
    /// @dev `deadline` is when the current phase ends: the submit deadline while Open or Assigned, the end of the
    /// challenge window while Submitted or Disputed. While Open, a non-zero `provider` is the only one who may
    /// accept. `feeBps` is the protocol fee when the job was created. `paymentValue` is the payment valued in
    /// ComputeToken at the token's rate when the job was created: collateral, the liveness penalty, the slash and the
    /// reward weight all follow from it, so a later rate change never changes a running job.
    struct Job {
        address client;
        uint96 payment;
        uint96 paymentValue;
        address provider;
        uint96 collateral;
        address paymentToken;
        uint40 deadline;
        uint16 feeBps;
        bytes32 workloadId;
        bytes32 paramsHash;
        bytes32 inputRoot;
        bytes32 resultRoot;
    }

    /// @notice What a finalized job's receipt shows, kept by the escrow when the job settles.
    /// @dev `workloadId` keeps the first MAX_WORKLOAD_NAME_BYTES bytes of the id (createJob refuses longer ids).
    struct Settlement {
        bytes32 workloadId;
        address provider;
        address paymentToken;
        uint96 payment;
        bytes32 resultRoot;
        uint40 settledAt;
    }

    /// @notice How an allow-listed payment token is configured. `index` (from 1) names the token in a settled
    /// job's record; it is assigned the first time the token is configured and never changes. `weftPerToken` is what
    /// one whole token (10^`decimals` base units) is worth in ComputeToken base units: the protocol's one valuation of
    /// the token, used for collateral, penalties, slashes and reward weights. `decimals` is read from the token.
    struct PaymentTokenConfig {
        bool allowed;
        uint96 minPayment;
        uint16 index;
        uint8 decimals;
        uint128 weftPerToken;
    }

    // ---------------------------------------------------------------- errors
    // ZeroAddress and ParameterOutOfBounds come from IWeftErrors.

    /// @notice The job is not in the status the call needs.
    error JobNotInStatus(uint256 jobId, JobStatus actual, JobStatus expected);
    /// @notice The terms given are not the job's: they do not hash to what the escrow stores for it.
    error JobTermsMismatch(uint256 jobId, bytes32 stored, bytes32 given);
    /// @notice A workload id may use only its first MAX_WORKLOAD_NAME_BYTES bytes (the rest must be zero).
    error WorkloadIdTooLong(bytes32 workloadId);
    /// @notice Every payment-token index is taken.
    error PaymentTokenLimitReached(uint256 limit);
    /// @notice The payment token is not on the allow-list.
    error PaymentTokenNotAllowed(address token);
    /// @notice The payment is below the token's minimum.
    error PaymentBelowMinimum(uint256 payment, uint256 minimum);
    /// @notice The payment does not fit in 96 bits.
    error PaymentTooLarge(uint256 payment);
    /// @notice The payment's value in ComputeToken does not fit in 96 bits.
    error PaymentValueTooLarge(address token, uint256 payment, uint256 value);
    /// @notice An allowed payment token needs a rate within bounds: a token with no valuation cannot back a job.
    error PaymentTokenRateOutOfBounds(address token, uint256 weftPerToken, uint256 min, uint256 max);
    /// @notice The token does not report its decimals, or reports more than the escrow values.
    error PaymentTokenDecimalsUnsupported(address token);
    /// @notice The submit deadline is not within (now, now + MAX_JOB_DURATION].
    error InvalidSubmitDeadline(uint256 deadline, uint256 earliest, uint256 latest);
    /// @notice The escrow received less than the payment: fee-on-transfer tokens are not supported.
    error FeeOnTransferNotSupported(address token, uint256 expected, uint256 received);
    /// @notice Only the job's client may do this.
    error NotJobClient(uint256 jobId, address caller);
    /// @notice The job is directed to another provider.
    error NotDirectedProvider(uint256 jobId, address directed, address caller);
    /// @notice Only the job's provider may do this.
    error NotJobProvider(uint256 jobId, address caller);
    /// @notice The result came after the submit deadline.
    error SubmitDeadlinePassed(uint256 jobId, uint256 deadline);
    /// @notice The submit deadline has not passed yet.
    error SubmitDeadlineNotReached(uint256 jobId, uint256 deadline);
    /// @notice The challenge window is still open.
    error ChallengeWindowOpen(uint256 jobId, uint256 endsAt);
    /// @notice The challenge window has closed.
    error ChallengeWindowClosed(uint256 jobId, uint256 endedAt);
    /// @notice A result must commit to a non-zero root.
    error EmptyResultRoot(uint256 jobId);
    /// @notice The challenge and dispute windows together would outlast the registry's unbonding period.
    error DisputeExposureExceedsUnbonding(uint256 exposure, uint256 unbondingPeriod);

    // ---------------------------------------------------------------- events

    /// @notice A client created a job and paid `payment` into escrow, worth `paymentValue` ComputeToken.
    event JobCreated(
        uint256 indexed jobId,
        address indexed client,
        address indexed provider,
        bytes32 workloadId,
        bytes params,
        bytes32 inputRoot,
        string inputURI,
        address paymentToken,
        uint256 payment,
        uint256 paymentValue,
        uint256 submitDeadline,
        uint256 feeBps
    );
    /// @notice A provider accepted a job and locked `collateral`.
    event JobAccepted(uint256 indexed jobId, address indexed provider, uint256 collateral);
    /// @notice The provider committed to a result; it can be challenged until `challengeEndsAt`.
    event ResultSubmitted(
        uint256 indexed jobId,
        address indexed provider,
        bytes32 resultRoot,
        string resultURI,
        uint256 challengeEndsAt
    );
    /// @notice The job settled: `providerPayout` to the provider, `fee` to the treasury.
    event JobFinalized(uint256 indexed jobId, address indexed provider, uint256 providerPayout, uint256 fee);
    /// @notice The client cancelled an open job and was refunded.
    event JobCancelled(uint256 indexed jobId, uint256 refund);
    /// @notice The provider missed the deadline: the client got `refund` plus `penalty` out of the provider's stake
    /// (the liveness penalty, less only if a slash already took the stake).
    event JobTimedOut(uint256 indexed jobId, address indexed provider, uint256 refund, uint256 penalty);
    /// @notice A dispute froze the job.
    event JobDisputed(uint256 indexed jobId);
    /// @notice A dispute ended; at fault, the client was refunded `refund`.
    event DisputeResolved(uint256 indexed jobId, bool providerAtFault, uint256 refund);
    /// @notice The protocol fee changed.
    event ProtocolFeeSet(uint256 oldFeeBps, uint256 newFeeBps);
    /// @notice The collateral ratio changed.
    event CollateralRatioSet(uint256 oldRatioBps, uint256 newRatioBps);
    /// @notice The challenge window changed.
    event ChallengeWindowSet(uint256 oldWindow, uint256 newWindow);
    /// @notice The dispute window changed.
    event DisputeWindowSet(uint256 oldWindow, uint256 newWindow);
    /// @notice The liveness penalty changed.
    event LivenessPenaltySet(uint256 oldPenaltyBps, uint256 newPenaltyBps);
    /// @notice The minimum collateral per job changed.
    event MinCollateralSet(uint256 oldMinCollateral, uint256 newMinCollateral);
    /// @notice A payment token's allow-list entry changed.
    event PaymentTokenSet(address indexed token, PaymentTokenConfig oldConfig, PaymentTokenConfig newConfig);
    /// @notice The treasury changed.
    event TreasurySet(address oldTreasury, address newTreasury);
    /// @notice The work recorder changed.
    event WorkRecorderSet(address oldRecorder, address newRecorder);

    // ---------------------------------------------------------------- clients

    /// @notice Creates a job and pulls its payment into escrow. Stops while paused.
    /// @return jobId The new job's id (ids start at 1).
    function createJob(JobRequest calldata request) external returns (uint256 jobId);

    /// @notice {createJob}, approving the payment with an ERC-2612 permit in the same transaction.
    /// @dev A permit that fails (e.g. front-run) is ignored if the allowance is already there.
    function createJobWithPermit(
        JobRequest calldata request,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 jobId);

    /// @notice The client cancels an Open job and is refunded in full.
    function cancelJob(uint256 jobId, Job calldata job) external;

    // ---------------------------------------------------------------- providers

    /// @notice An eligible provider takes an Open job, locking as collateral the job's payment value x the collateral
    /// ratio, and at least the minimum collateral, of its free stake. Stops while paused.
    /// @dev The registry's lock checks eligibility and reverts {IWeftErrors-ProviderNotEligible} (one call, not two).
    function acceptJob(uint256 jobId, Job calldata job) external;

    /// @notice The provider commits to its result before the submit deadline; the challenge window starts.
    function submitResult(uint256 jobId, Job calldata job, bytes32 resultRoot, string calldata resultURI) external;

    // ---------------------------------------------------------------- anyone

    /// @notice Settles a Submitted job after its challenge window: pays the provider minus the protocol fee, sends
    /// the fee to the treasury, releases the collateral, mints the receipt and records the work.
    function finalize(uint256 jobId, Job calldata job) external;

    /// @notice Closes an Assigned job past its submit deadline: the client is refunded and receives the liveness
    /// penalty out of the provider's collateral.
    function claimTimeout(uint256 jobId, Job calldata job) external;

    // ---------------------------------------------------------------- dispute manager (DISPUTES role)

    /// @notice Freezes a Submitted job inside its challenge window while a dispute runs.
    function markDisputed(uint256 jobId, Job calldata job) external;

    /// @notice Ends a dispute. At fault: the client is refunded in full and the job is Slashed (the collateral
    /// stays locked for the registry's slash). No fault: the job is Submitted again and settles normally.
    function resolveDispute(uint256 jobId, Job calldata job, bool providerAtFault) external;

    // ---------------------------------------------------------------- guardian and governance

    /// @notice Stops new jobs and accepts (GUARDIAN). Settlement, refunds and withdrawals keep working.
    function pause() external;

    /// @notice Resumes new jobs and accepts (PARAMETERS: a DAO vote).
    function unpause() external;

    /// @notice Sets the protocol fee in basis points of the payment.
    function setProtocolFeeBps(uint256 feeBps) external;

    /// @notice Sets the collateral a provider locks, in basis points of the payment's value.
    function setCollateralRatioBps(uint256 ratioBps) external;

    /// @notice Sets the least collateral any job locks, in ComputeToken: a fault on a tiny job still costs this much.
    function setMinCollateral(uint256 minCollateral) external;

    /// @notice Sets how long after submission a result may be disputed.
    function setChallengeWindow(uint256 window) external;

    /// @notice Sets the longest a dispute may keep a job frozen.
    function setDisputeWindow(uint256 window) external;

    /// @notice Sets the share of the collateral paid to the client when the provider times out.
    function setLivenessPenaltyBps(uint256 penaltyBps) external;

    /// @notice Allows or disallows a payment token, with its minimum payment (base units) and its value: one whole
    /// token is worth `weftPerToken` ComputeToken base units. An allowed token needs a rate within bounds; its
    /// decimals are read from the token.
    function setPaymentToken(address token, bool allowed, uint96 minPayment, uint128 weftPerToken) external;

    /// @notice Sets where protocol fees go.
    function setTreasury(address treasury) external;

    /// @notice Sets the contract told about settled work (zero for none).
    function setWorkRecorder(address recorder) external;

    // ---------------------------------------------------------------- views

    /// @notice A job's status (None for an id never used).
    function jobStatus(uint256 jobId) external view returns (JobStatus);

    /// @notice The status of job `jobId`, after checking that `job` are its terms (reverts JobTermsMismatch if not).
    /// @dev A Finalized job keeps its {settlement} instead of its terms: for it, Finalized is returned unchecked.
    function verifiedStatus(uint256 jobId, Job calldata job) external view returns (JobStatus);

    /// @notice The hash of a job's terms as the escrow commits to them: keccak256 of their ABI encoding, with the
    /// lowest byte cleared (the stored slot keeps the status there).
    function hashTerms(Job calldata job) external pure returns (bytes32);

    /// @notice What a Finalized job's receipt shows. Reverts JobNotInStatus for any other job.
    function settlement(uint256 jobId) external view returns (Settlement memory);

    /// @notice How many jobs have been created (the last job id).
    function jobCount() external view returns (uint256);

    /// @notice The registry holding providers' stake.
    function registry() external view returns (address);

    /// @notice The receipt NFT minted at finalize.
    function receipt() external view returns (address);

    /// @notice Where protocol fees go.
    function treasury() external view returns (address);

    /// @notice The contract told about settled work, or zero.
    function workRecorder() external view returns (address);

    /// @notice The protocol fee in basis points.
    function protocolFeeBps() external view returns (uint256);

    /// @notice The collateral ratio in basis points of the payment's value.
    function collateralRatioBps() external view returns (uint256);

    /// @notice The least collateral a job locks, in ComputeToken.
    function minCollateral() external view returns (uint256);

    /// @notice The collateral a job worth `paymentValue` ComputeToken would lock if accepted now.
    function collateralFor(uint256 paymentValue) external view returns (uint256);

    /// @notice `amount` base units of payment token `token` valued in ComputeToken at its current rate (zero for a
    /// token never configured).
    function paymentValue(address token, uint256 amount) external view returns (uint256);

    /// @notice The challenge window in seconds.
    function challengeWindow() external view returns (uint256);

    /// @notice The dispute window in seconds.
    function disputeWindow() external view returns (uint256);

    /// @notice The liveness penalty in basis points of the collateral.
    function livenessPenaltyBps() external view returns (uint256);

    /// @notice A payment token's allow-list entry.
    function paymentTokenConfig(address token) external view returns (PaymentTokenConfig memory);

    /// @notice The payment token with `index` (zero address if none).
    function paymentTokenAt(uint256 index) external view returns (address);
}

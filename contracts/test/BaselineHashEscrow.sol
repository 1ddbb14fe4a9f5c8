// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title BaselineHashEscrow
/// @notice The least an escrow with Weft's lifecycle can store: one hash of each job's terms, which every call
/// brings back in calldata. No staking, receipts or rewards. The gas bench measures it to show how close to the
/// floor model an implementation can get (bench/gas/floor.ts).
contract BaselineHashEscrow {
    using SafeERC20 for IERC20;

    /// @notice A job's terms and state; only their hash is stored.
    struct Job {
        address client;
        uint96 payment;
        address provider;
        uint40 deadline;
        uint8 status;
        IERC20 token;
        bytes32 workloadId;
        bytes32 paramsHash;
        bytes32 inputRoot;
        bytes32 resultRoot;
    }

    /// @notice The terms given do not hash to the stored job, or the job is not in the status the call needs.
    error BadJob(uint256 jobId);
    /// @notice The caller may not do this to the job now.
    error NotAllowed(uint256 jobId);

    /// @notice A job was created (its terms in full, for providers).
    event JobCreated(uint256 indexed jobId, address indexed client, Job job, bytes params, string inputURI);
    /// @notice A provider accepted a job.
    event JobAccepted(uint256 indexed jobId, address indexed provider);
    /// @notice A provider submitted a result.
    event ResultSubmitted(uint256 indexed jobId, address indexed provider, bytes32 resultRoot, string resultURI);
    /// @notice A job was paid out.
    event JobFinalized(uint256 indexed jobId, uint256 payout, uint256 fee);

    uint8 private constant _OPEN = 1;
    uint8 private constant _ASSIGNED = 2;
    uint8 private constant _SUBMITTED = 3;
    uint8 private constant _FINALIZED = 4;
    uint256 private constant _FEE_BPS = 300;
    uint256 private constant _CHALLENGE_WINDOW = 10 minutes;

    address private immutable _treasury;
    uint256 private _jobCount;
    mapping(uint256 jobId => bytes32) private _jobHashes;

    constructor(address treasury) {
        _treasury = treasury;
    }

    /// @notice Creates a job from `job`'s terms (client and status are set here) and takes the payment.
    function createJob(Job memory job, bytes calldata params, string calldata inputURI) external returns (uint256 id) {
        job.client = msg.sender;
        job.status = _OPEN;
        job.paramsHash = keccak256(params);
        job.resultRoot = bytes32(0);
        id = ++_jobCount;
        _jobHashes[id] = keccak256(abi.encode(job));
        emit JobCreated(id, msg.sender, job, params, inputURI);
        job.token.safeTransferFrom(msg.sender, address(this), job.payment);
    }

    /// @notice Accepts job `id` whose terms are `job`.
    function acceptJob(uint256 id, Job memory job) external {
        _check(id, job, _OPEN);
        if (job.provider != address(0) && job.provider != msg.sender) revert NotAllowed(id);
        job.provider = msg.sender;
        job.status = _ASSIGNED;
        _jobHashes[id] = keccak256(abi.encode(job));
        emit JobAccepted(id, msg.sender);
    }

    /// @notice Submits the result of job `id` whose terms are `job`.
    function submitResult(uint256 id, Job memory job, bytes32 resultRoot, string calldata resultURI) external {
        _check(id, job, _ASSIGNED);
        if (msg.sender != job.provider || block.timestamp > job.deadline) revert NotAllowed(id);
        job.resultRoot = resultRoot;
        job.status = _SUBMITTED;
        job.deadline = uint40(block.timestamp + _CHALLENGE_WINDOW);
        _jobHashes[id] = keccak256(abi.encode(job));
        emit ResultSubmitted(id, msg.sender, resultRoot, resultURI);
    }

    /// @notice Pays the provider (minus the fee, to the treasury) once the challenge window has passed.
    function finalize(uint256 id, Job memory job) external {
        _check(id, job, _SUBMITTED);
        if (block.timestamp < job.deadline) revert NotAllowed(id);
        job.status = _FINALIZED;
        _jobHashes[id] = keccak256(abi.encode(job));
        uint256 fee = (uint256(job.payment) * _FEE_BPS) / 10_000;
        emit JobFinalized(id, job.payment - fee, fee);
        job.token.safeTransfer(job.provider, job.payment - fee);
        job.token.safeTransfer(_treasury, fee);
    }

    function _check(uint256 id, Job memory job, uint8 status) private view {
        if (_jobHashes[id] != keccak256(abi.encode(job)) || job.status != status) revert BadJob(id);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";

/// @notice What the handlers saw happen, kept apart from the contracts under test so the invariants can compare the
/// two: each job's current terms (the escrow keeps only their hash), money in and out per contract, each job's last
/// observed status, the stake slashed, the rewards minted, and every broken expectation a handler met mid-sequence (a
/// violation fails the matching invariant with its first message).
/// @dev Written only by the handlers; the fuzzer never calls it (it is not a target).
contract Ghost {
    /// @notice What a handler must remember about a job that the escrow does not store.
    struct JobGhost {
        IJobEscrow.JobStatus lastStatus;
        bool checkable; // matmul-i8 with a checker (proof and withheld-data paths), else arbitration
        bool cheated; // the provider committed a wrong result
        int8 a; // the 1x1x1 matmul-i8 inputs: A = [a], B = [b]
        int8 b;
    }

    /// @notice Where a violation was seen; each invariant asserts its own kind stays at zero.
    enum Kind {
        Lifecycle,
        Escrow,
        Stake,
        Slash,
        HonestDispute,
        Rewards
    }

    /// @notice A provider's work in an epoch, once, so rewards can be claimed for it.
    struct WorkEntry {
        address provider;
        uint256 epoch;
    }

    mapping(uint256 jobId => JobGhost) public jobs;
    /// @dev Each job's terms as the handlers derived them from what they asked for, never read back from the escrow.
    mapping(uint256 jobId => IJobEscrow.Job) private _terms;
    mapping(address token => uint256) public escrowIn;
    mapping(address token => uint256) public escrowOut;
    uint256 public stakedIn;
    uint256 public stakeOut; // withdrawn, forfeited on timeouts and slashed
    uint256 public slashed;
    uint256 public minted;
    mapping(uint256 epoch => uint256) public mintedInEpoch;
    WorkEntry[] public work;
    uint256[] public epochsMinted;

    mapping(Kind => uint256) public violations;
    mapping(Kind => string) public firstViolation;

    function newJob(uint256 jobId, bool checkable, int8 a, int8 b) external {
        jobs[jobId] = JobGhost(IJobEscrow.JobStatus.None, checkable, false, a, b);
    }

    function setTerms(uint256 jobId, IJobEscrow.Job memory terms) external {
        _terms[jobId] = terms;
    }

    function markCheated(uint256 jobId) external {
        jobs[jobId].cheated = true;
    }

    /// @notice Records a job's status after a step on it, for invariant_jobsFollowTheLifecycle to compare with the
    /// escrow's. The step's edge is checked before, by HandlerBase._observe.
    function observe(uint256 jobId, IJobEscrow.JobStatus status) external {
        jobs[jobId].lastStatus = status;
    }

    function paidIntoEscrow(address token, uint256 amount) external {
        escrowIn[token] += amount;
    }

    function paidOutOfEscrow(address token, uint256 amount) external {
        escrowOut[token] += amount;
    }

    function staked(uint256 amount) external {
        stakedIn += amount;
    }

    function stakeLeft(uint256 amount) external {
        stakeOut += amount;
    }

    function slashTaken(uint256 amount) external {
        slashed += amount;
        stakeOut += amount;
    }

    function workRecorded(address provider, uint256 epoch) external {
        work.push(WorkEntry(provider, epoch));
    }

    function rewardMinted(uint256 epoch, uint256 amount) external {
        if (mintedInEpoch[epoch] == 0 && amount != 0) epochsMinted.push(epoch);
        mintedInEpoch[epoch] += amount;
        minted += amount;
    }

    function violate(Kind kind, string memory message) public {
        if (violations[kind] == 0) firstViolation[kind] = message;
        ++violations[kind];
    }

    /// @notice A job's current terms, to pass to every call about it.
    function termsOf(uint256 jobId) external view returns (IJobEscrow.Job memory) {
        return _terms[jobId];
    }

    function workCount() external view returns (uint256) {
        return work.length;
    }

    function epochsMintedCount() external view returns (uint256) {
        return epochsMinted.length;
    }
}

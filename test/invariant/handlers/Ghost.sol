// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../../../contracts/interfaces/IJobEscrow.sol";

/// @notice What the handlers saw happen, kept apart from the contracts under test so the invariants can compare the
/// two: each job's current terms (the escrow keeps only their hash) and data, each dispute's party and opening, money
/// in and out per contract, each job's last observed status, the stake slashed, the bonds taken and paid, the rewards
/// minted, what the disputes' moves published (the events a watcher reads), and every broken expectation a handler met
/// mid-sequence (a violation fails the matching invariant with its first message).
/// @dev Written only by the handlers; the fuzzer never calls it (it is not a target).
contract Ghost {
    /// @notice How a result is wrong. WrongWord: one output word off, the data published (a fraud proof exists);
    /// GarbageLeaf: one result leaf is a hash of nothing (the tree above it is real, that chunk can never be shown);
    /// GarbageRoot: the root is a hash of nothing (no data at all). Arbitrated jobs cheat without a kind.
    enum Cheat {
        None,
        WrongWord,
        GarbageLeaf,
        GarbageRoot
    }

    /// @notice Who opened a dispute: a random challenger (arbitration), the honest verifier, or the cheaters'
    /// coalition.
    enum Party {
        None,
        Other,
        Honest,
        Coalition
    }

    /// @notice What a handler must remember about a job that the escrow does not store.
    struct JobGhost {
        IJobEscrow.JobStatus lastStatus;
        bool checkable; // matmul-i8 with a checker (proof and withheld-data paths), else arbitration
        bool cheated; // the provider committed a wrong result
        Cheat cheat; // how (checkable jobs)
        uint8 m; // the m x 1 x n matmul-i8 shape and the seed of its inputs (MatmulJobs.Data)
        uint8 n;
        uint64 seed;
        uint32 wrong; // WrongWord: the flipped word; GarbageLeaf: the chunk whose leaf is garbage
        uint40 submittedAt;
        uint32 openDisputes;
        uint32 honestDispute; // the honest verifier's first dispute of the job, or zero
    }

    struct DisputeGhost {
        uint64 jobId;
        uint40 openedAt;
        Party party;
        bool open;
    }

    /// @notice A dispute's chess clocks as the handlers model them: when the current turn began and what each side has
    /// left besides it.
    struct Clock {
        uint40 turnStart;
        uint32 providerLeft;
        uint32 challengerLeft;
    }

    /// @notice Where a violation was seen; each invariant asserts its own kinds stay at zero.
    enum Kind {
        Lifecycle,
        Escrow,
        Stake,
        Slash,
        HonestResult,
        WrongResult,
        Bond,
        Clock,
        Rewards
    }

    /// @notice A provider's work in an epoch, once, so rewards can be claimed for it.
    struct WorkEntry {
        address provider;
        uint256 epoch;
    }

    mapping(uint256 jobId => JobGhost) private _jobs;
    /// @dev Each job's terms as the handlers derived them from what they asked for, never read back from the escrow.
    mapping(uint256 jobId => IJobEscrow.Job) private _terms;
    /// @dev The result tree's leaves: the correct ones, and the committed ones (empty for a garbage root).
    mapping(uint256 jobId => bytes32[]) private _correctLeaves;
    mapping(uint256 jobId => bytes32[]) private _committedLeaves;
    mapping(uint256 disputeId => DisputeGhost) private _disputes;
    mapping(uint256 disputeId => Clock) private _clocks;
    /// @dev The open disputes (a set: each one's position + 1 in the list), and every submission in order, so the
    /// handlers look only at what is live.
    uint256[] private _openDisputeIds;
    mapping(uint256 disputeId => uint256) private _openPosition;
    uint256[] private _submissions;
    /// @dev The last pair of children and the chunk revealed in each dispute, as its events publish them.
    mapping(uint256 disputeId => bytes32[2]) private _revealedPair;
    mapping(uint256 disputeId => bytes) private _revealedChunk;

    mapping(address token => uint256) public escrowIn;
    mapping(address token => uint256) public escrowOut;
    uint256 public stakedIn;
    uint256 public stakeOut; // withdrawn, forfeited on timeouts and slashed
    uint256 public slashed;
    uint256 public bondsIn;
    uint256 public bondsReturned; // to challengers: at fault and moot
    uint256 public bondsForfeited; // to providers: no fault
    uint256 public minted;
    mapping(uint256 epoch => uint256) public mintedInEpoch;
    WorkEntry[] public work;
    uint256[] public epochsMinted;
    /// @notice When the keeper last settled everything due (KeeperHandler.settleDue).
    uint256 public sweptAt;

    mapping(Kind => uint256) public violations;
    mapping(Kind => string) public firstViolation;

    // ---------------------------------------------------------------- jobs

    function newJob(uint256 jobId, bool checkable, uint8 m, uint8 n, uint64 seed) external {
        JobGhost storage g = _jobs[jobId];
        (g.checkable, g.m, g.n, g.seed) = (checkable, m, n, seed);
    }

    function setTerms(uint256 jobId, IJobEscrow.Job memory terms) external {
        _terms[jobId] = terms;
    }

    /// @notice A result was submitted now: honest (`cheat` None and not `cheated`) or wrong.
    function submitted(
        uint256 jobId,
        bool cheated,
        Cheat cheat,
        uint32 wrong,
        bytes32[] memory correctLeaves_,
        bytes32[] memory committedLeaves_
    ) external {
        JobGhost storage g = _jobs[jobId];
        (g.cheated, g.cheat, g.wrong, g.submittedAt) = (cheated, cheat, wrong, uint40(block.timestamp));
        _correctLeaves[jobId] = correctLeaves_;
        _committedLeaves[jobId] = committedLeaves_;
        _submissions.push(jobId);
    }

    /// @notice Records a job's status after a step on it, for invariant_jobsFollowTheLifecycle to compare with the
    /// escrow's. The step's edge is checked before, by HandlerBase._observe.
    function observe(uint256 jobId, IJobEscrow.JobStatus status) external {
        _jobs[jobId].lastStatus = status;
    }

    // ---------------------------------------------------------------- disputes

    function disputeOpened(uint256 disputeId, uint256 jobId, Party party, uint256 bond) external {
        _disputes[disputeId] = DisputeGhost(uint64(jobId), uint40(block.timestamp), party, true);
        _openDisputeIds.push(disputeId);
        _openPosition[disputeId] = _openDisputeIds.length;
        JobGhost storage g = _jobs[jobId];
        ++g.openDisputes;
        if (party == Party.Honest && g.honestDispute == 0) g.honestDispute = uint32(disputeId);
        bondsIn += bond;
    }

    function disputeClosed(uint256 disputeId) external {
        _disputes[disputeId].open = false;
        --_jobs[_disputes[disputeId].jobId].openDisputes;
        uint256 position = _openPosition[disputeId];
        uint256 last = _openDisputeIds[_openDisputeIds.length - 1];
        _openDisputeIds[position - 1] = last;
        _openPosition[last] = position;
        _openDisputeIds.pop();
        delete _openPosition[disputeId];
    }

    function setClock(uint256 disputeId, uint256 providerLeft, uint256 challengerLeft) external {
        _clocks[disputeId] = Clock(uint40(block.timestamp), uint32(providerLeft), uint32(challengerLeft));
    }

    function bondReturned(uint256 amount) external {
        bondsReturned += amount;
    }

    function bondForfeited(uint256 amount) external {
        bondsForfeited += amount;
    }

    function publishChildren(uint256 disputeId, bytes32 left, bytes32 right) external {
        _revealedPair[disputeId] = [left, right];
    }

    function publishChunk(uint256 disputeId, bytes memory chunk) external {
        _revealedChunk[disputeId] = chunk;
    }

    function swept() external {
        sweptAt = block.timestamp;
    }

    // ---------------------------------------------------------------- money

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

    // ---------------------------------------------------------------- views

    function job(uint256 jobId) external view returns (JobGhost memory) {
        return _jobs[jobId];
    }

    /// @notice A job's current terms, to pass to every call about it.
    function termsOf(uint256 jobId) external view returns (IJobEscrow.Job memory) {
        return _terms[jobId];
    }

    function correctLeaves(uint256 jobId) external view returns (bytes32[] memory) {
        return _correctLeaves[jobId];
    }

    function committedLeaves(uint256 jobId) external view returns (bytes32[] memory) {
        return _committedLeaves[jobId];
    }

    function disputeOf(uint256 disputeId) external view returns (DisputeGhost memory) {
        return _disputes[disputeId];
    }

    function clock(uint256 disputeId) external view returns (Clock memory) {
        return _clocks[disputeId];
    }

    function openDisputeIds() external view returns (uint256[] memory) {
        return _openDisputeIds;
    }

    function submissionCount() external view returns (uint256) {
        return _submissions.length;
    }

    function submission(uint256 index) external view returns (uint256) {
        return _submissions[index];
    }

    function revealedPair(uint256 disputeId) external view returns (bytes32 left, bytes32 right) {
        (left, right) = (_revealedPair[disputeId][0], _revealedPair[disputeId][1]);
    }

    function revealedChunk(uint256 disputeId) external view returns (bytes memory) {
        return _revealedChunk[disputeId];
    }

    function workCount() external view returns (uint256) {
        return work.length;
    }

    function epochsMintedCount() external view returns (uint256) {
        return epochsMinted.length;
    }
}

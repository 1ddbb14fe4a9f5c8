// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "./IJobEscrow.sol";
import {IWeftErrors} from "./IWeftErrors.sol";
import {IWorkloadChecker} from "./IWorkloadChecker.sol";

/// @title IDisputeManager
/// @notice Challenges of submitted results. Any number of disputes may run on one job at once, each with its own
/// challenger and bond, so no address can keep another out ("all against all"); the job stays frozen while any is
/// open, and the first to prove a fault slashes the provider. Three paths:
/// - proof (workloads with a checker), in two steps so a copied proof earns its copier nothing: commit
///   `proofCommitment(challenger, jobId, proof)` inside the challenge window, then reveal the proof in a later block
///   before the response window ends; the checker decides at once (fraud: slash; no reveal: the bond goes to the
///   provider);
/// - withheld data (workloads with a checker, output not available or not matching its root): a bisection over the
///   committed result tree. The provider reveals the two children of the disputed node, the challenger (who
///   recomputed the output and so knows every correct node) names the child it disputes, and so on down to a leaf,
///   whose chunk the provider must reveal; anyone may then prove a word of that chunk wrong within the follow-up
///   window. Each side plays on a chess clock of `responseWindow` seconds for all its moves: whoever runs out loses
///   (provider: slashed; challenger: bond to the provider), and an unanswered reveal of a correct chunk pays the bond
///   to the provider;
/// - arbitration (workloads without a checker): the ARBITER rules before the arbitration deadline; a silent arbiter
///   rules for the provider (bond to the provider), so opening a dispute that nobody backs always costs the bond.
/// @dev On fault: the escrow refunds the client in full; the registry slashes the job's collateral plus
/// `stakeShareBps` of the provider's other stake (free, unbonding or locked by other jobs), splits it between the
/// proving dispute's challenger, the client and the treasury, and jails the provider; the bond returns to that
/// challenger. Every other dispute of a slashed job ends Moot with its bond returned. On no fault the bond goes to
/// the provider, and the job settles normally once no dispute of it is open. No dispute lasts longer than
/// {maxDisputeDuration}, which governance keeps within the escrow's dispute window, so every job settles within
/// challengeWindow + maxDisputeDuration of submission.
interface IDisputeManager is IWeftErrors {
    enum DisputeKind {
        None,
        Proof,
        Withheld,
        Arbitration
    }

    enum DisputeStatus {
        None,
        AwaitingProof, // proof: the challenger must reveal its committed proof before `deadline`
        AwaitingChildren, // withheld: the provider must reveal the children of `node` before `deadline`
        AwaitingChoice, // withheld: the challenger must name the child of `node` it disputes before `deadline`
        AwaitingChunk, // withheld: `node` is a leaf; the provider must reveal its chunk before `deadline`
        ChunkRevealed, // withheld: anyone may prove a word of the revealed chunk wrong before `deadline`
        AwaitingRuling, // arbitration: the arbiter must rule before `deadline`
        ProviderAtFault,
        NoFault,
        Moot // another dispute of the job proved the fault first; the bond went back to the challenger
    }

    /// @notice One dispute, by its id.
    /// @dev Three slots: the challenger and its bond; what every move reads and writes; one hash. `deadline` ends the
    /// current turn; `providerTime` and `challengerTime` are what each side has left on its clock besides the current
    /// turn (the withheld path; in the proof path `challengerTime` is the reveal window, so the commit happened at
    /// `deadline - challengerTime`). `node` is the disputed node's position in the result tree and `totalWords` the
    /// output's size. `hash` is the proof commitment (proof), the disputed node's hash, or, after the provider revealed
    /// its children, keccak256(left, right) in the order it claimed (withheld).
    struct Dispute {
        address challenger;
        uint96 bond;
        uint64 jobId;
        DisputeKind kind;
        DisputeStatus status;
        uint40 deadline;
        uint32 providerTime;
        uint32 challengerTime;
        uint32 node;
        uint32 totalWords;
        bytes32 hash;
    }

    /// @notice How a slash is split, in basis points adding up to 10,000.
    struct SlashSplit {
        uint16 challengerBps;
        uint16 clientBps;
        uint16 treasuryBps;
    }

    // ---------------------------------------------------------------- errors
    // ZeroAddress, ParameterOutOfBounds and InvalidSlashSplit come from IWeftErrors.

    /// @notice No dispute has this id.
    error UnknownDispute(uint256 disputeId);
    /// @notice The dispute is not in the status the call needs.
    error DisputeNotInStatus(uint256 disputeId, DisputeStatus actual, DisputeStatus expected);
    /// @notice The dispute has ended.
    error DisputeEnded(uint256 disputeId, DisputeStatus status);
    /// @notice Only the dispute's challenger may make the challenger's moves.
    error NotChallenger(uint256 disputeId, address challenger, address caller);
    /// @notice Only the job's provider may make the provider's moves.
    error NotProvider(uint256 disputeId, address provider, address caller);
    /// @notice The revealed proof is not the one committed to by the dispute's challenger.
    error ProofNotCommitted(uint256 disputeId, bytes32 commitment, bytes32 revealed);
    /// @notice A proof is revealed in the block it was committed in: it must wait at least one block.
    error RevealTooEarly(uint256 disputeId, uint256 committedAt);
    /// @notice The checker recomputed the element and the committed value is correct.
    error ResultChecksOut(uint256 jobId, uint256 wordIndex);
    /// @notice A follow-up proof names a word outside the revealed chunk.
    error WordNotInRevealedChunk(uint256 disputeId, uint256 wordIndex, uint256 chunkIndex);
    /// @notice The revealed children do not hash to the disputed node.
    error ChildrenMismatch(uint256 disputeId, bytes32 node, bytes32 parentOfRevealed);
    /// @notice The children given are not the ones the provider revealed.
    error RevealedPairMismatch(uint256 disputeId, bytes32 committedPair, bytes32 givenPair);
    /// @notice The revealed chunk does not hash to the disputed leaf.
    error ChunkMismatch(uint256 disputeId, uint256 chunkIndex, bytes32 leaf, bytes32 revealedLeaf);
    /// @notice The job is not open to a new dispute: only a Submitted or Disputed job inside its challenge window is.
    error JobNotDisputable(uint256 jobId, IJobEscrow.JobStatus status);
    /// @notice The params given are not the job's (their hash differs from the one the escrow stored).
    error ParamsMismatch(uint256 jobId, bytes32 expectedHash, bytes32 actualHash);
    /// @notice The workload has no checker: use arbitration.
    error NoCheckerForWorkload(bytes32 workloadId);
    /// @notice The workload has a checker: use the proof or withheld-data path.
    error WorkloadHasChecker(bytes32 workloadId, address checker);
    /// @notice The job's output is larger than a dispute can name.
    error OutputTooLarge(uint256 words, uint256 maxWords);
    /// @notice The dispute's current deadline has passed.
    error DisputeDeadlinePassed(uint256 disputeId, uint256 deadline);
    /// @notice The dispute's current deadline has not passed yet (and its job was not slashed by another dispute).
    error DisputeDeadlineNotReached(uint256 disputeId, uint256 deadline);
    /// @notice The checker decides another workload.
    error CheckerWorkloadMismatch(bytes32 workloadId, bytes32 checkerWorkloadId);
    /// @notice The longest dispute would outlast the escrow's dispute window (and so the registry's unbonding).
    error DisputeDurationExceedsWindow(uint256 duration, uint256 disputeWindow);

    // ---------------------------------------------------------------- events

    /// @notice A dispute opened; `deadline` ends its first turn.
    event DisputeOpened(
        uint256 indexed disputeId,
        uint256 indexed jobId,
        address indexed challenger,
        DisputeKind kind,
        uint256 bond,
        uint256 deadline
    );
    /// @notice A checker proved output word `wordIndex` wrong.
    event FraudProven(
        uint256 indexed disputeId,
        uint256 indexed jobId,
        uint256 wordIndex,
        bytes4 committedWord,
        bytes4 correctWord
    );
    /// @notice The provider revealed the children of `node` (left is node 2 * node + 1); the challenger names one by
    /// `deadline`.
    event ChildrenRevealed(
        uint256 indexed disputeId,
        uint256 indexed jobId,
        uint256 node,
        bytes32 left,
        bytes32 right,
        uint256 deadline
    );
    /// @notice The challenger disputes `node`, whose hash the provider committed to be `nodeHash`; the provider answers
    /// by `deadline`.
    event ChildChosen(
        uint256 indexed disputeId,
        uint256 indexed jobId,
        uint256 node,
        bytes32 nodeHash,
        uint256 deadline
    );
    /// @notice The provider revealed result chunk `chunkIndex`. Its bytes are here and its proof is the siblings in
    /// the dispute's ChildrenRevealed events, so any watcher can check it and, if a word is wrong, prove it with
    /// {proveChunkWrong} before `followUpDeadline`.
    event ChunkRevealed(
        uint256 indexed disputeId,
        uint256 indexed jobId,
        uint256 chunkIndex,
        bytes chunk,
        uint256 followUpDeadline
    );
    /// @notice A challenger asked the arbiter to rule, with its evidence.
    event ArbitrationRequested(uint256 indexed disputeId, uint256 indexed jobId, string evidenceURI);
    /// @notice A dispute ended with `outcome`: at fault `slashed` was taken from the provider; the bond went to
    /// `bondRecipient`.
    event DisputeSettled(
        uint256 indexed disputeId,
        uint256 indexed jobId,
        DisputeStatus outcome,
        uint256 slashed,
        address bondRecipient
    );
    /// @notice A workload's checker changed (zero: none, disputes go to arbitration).
    event CheckerSet(bytes32 indexed workloadId, address oldChecker, address newChecker);
    /// @notice The bond changed.
    event BondSet(uint256 oldBond, uint256 newBond);
    /// @notice Each side's clock in the withheld-data path (and the proof path's reveal window) changed.
    event ResponseWindowSet(uint256 oldWindow, uint256 newWindow);
    /// @notice The follow-up window after a chunk is revealed changed.
    event FollowUpWindowSet(uint256 oldWindow, uint256 newWindow);
    /// @notice The arbitration window changed.
    event ArbitrationWindowSet(uint256 oldWindow, uint256 newWindow);
    /// @notice The slash split changed.
    event SlashSplitSet(SlashSplit oldSplit, SlashSplit newSplit);
    /// @notice The share of the provider's other stake (free, unbonding, locked) slashed at fault changed.
    event StakeShareSet(uint256 oldShareBps, uint256 newShareBps);

    // ---------------------------------------------------------------- challengers
    // Every call that opens or settles a dispute takes the job's terms (`job`, as in the escrow's events); the escrow
    // checks them against the hash it stores, and a call with other terms reverts with the escrow's JobTermsMismatch.

    /// @notice Opens a proof dispute on a Submitted or Disputed job inside its challenge window: `commitment` is
    /// {proofCommitment} of the caller, the job and the proof it will reveal. Takes the bond.
    /// @return disputeId The new dispute's id.
    function commitProof(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes32 commitment
    ) external returns (uint256 disputeId);

    /// @notice Reveals the proof committed in dispute `disputeId`, in a later block than the commit and before its
    /// deadline (anyone may send it; the dispute's challenger is paid). Fraud: the provider is slashed. Reverts with
    /// {ResultChecksOut} if the element is correct.
    /// @param params The job's ABI-encoded params (checked against its params hash).
    /// @param proof The workload checker's ABI-encoded fraud proof.
    function revealProof(
        uint256 disputeId,
        IJobEscrow.Job calldata job,
        bytes calldata params,
        bytes calldata proof
    ) external;

    /// @notice Opens a withheld-data dispute (a bisection of the result tree from its root) on a Submitted or Disputed
    /// job inside its challenge window. Takes the bond.
    /// @return disputeId The new dispute's id.
    function disputeWithheld(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        bytes calldata params
    ) external returns (uint256 disputeId);

    /// @notice The challenger's move: names the child of the disputed node whose hash it disputes; `left` and `right`
    /// are the children the provider revealed, in its order.
    function chooseChild(uint256 disputeId, bytes32 left, bytes32 right, bool disputeRight) external;

    /// @notice Asks the arbiter to rule on a Submitted or Disputed job, inside its challenge window, whose workload has
    /// no checker. Takes the bond.
    /// @return disputeId The new dispute's id.
    function disputeForArbitration(
        uint256 jobId,
        IJobEscrow.Job calldata job,
        string calldata evidenceURI
    ) external returns (uint256 disputeId);

    // ---------------------------------------------------------------- providers, arbiter, anyone

    /// @notice The provider's move on an internal node: its two children in tree order (left is 2 * node + 1).
    function revealChildren(uint256 disputeId, IJobEscrow.Job calldata job, bytes32 left, bytes32 right) external;

    /// @notice The provider's move on a leaf: the result chunk it committed to there.
    function revealChunk(uint256 disputeId, IJobEscrow.Job calldata job, bytes calldata chunk) external;

    /// @notice Proves a word of the chunk revealed in dispute `disputeId` wrong, before the follow-up deadline (anyone
    /// may; the dispute's challenger is paid). Reverts with {ResultChecksOut} if the word is correct.
    function proveChunkWrong(
        uint256 disputeId,
        IJobEscrow.Job calldata job,
        bytes calldata params,
        bytes calldata proof
    ) external;

    /// @notice The arbiter's ruling (ARBITER role), before the arbitration deadline. On a job another dispute has
    /// slashed, the dispute ends Moot whatever the ruling.
    function arbitrate(uint256 disputeId, IJobEscrow.Job calldata job, bool providerAtFault) external;

    /// @notice Ends a dispute whose deadline has passed: the side whose turn it was loses (the provider's turn:
    /// slashed; the challenger's, a revealed chunk nobody proved wrong, a silent arbiter: the bond goes to the
    /// provider). Ends any open dispute of a job another dispute has slashed as Moot, at any time.
    function resolve(uint256 disputeId, IJobEscrow.Job calldata job) external;

    // ---------------------------------------------------------------- governance (PARAMETERS role)

    /// @notice Sets the checker of a workload; zero removes it (its disputes then go to arbitration).
    function setChecker(bytes32 workloadId, IWorkloadChecker checker) external;

    /// @notice Sets the bond, in ComputeToken.
    function setBond(uint256 bond) external;

    /// @notice Sets each side's clock in the withheld-data path, which is also the proof path's reveal window.
    function setResponseWindow(uint256 window) external;

    /// @notice Sets how long anyone has to prove a revealed chunk wrong.
    function setFollowUpWindow(uint256 window) external;

    /// @notice Sets how long the arbiter has to rule.
    function setArbitrationWindow(uint256 window) external;

    /// @notice Sets how a slash is split between challenger, client and treasury.
    function setSlashSplit(SlashSplit calldata split) external;

    /// @notice Sets the share of the provider's other stake (free, unbonding or locked by other jobs) slashed at fault,
    /// on top of the collateral.
    function setStakeShareBps(uint256 shareBps) external;

    // ---------------------------------------------------------------- views

    /// @notice A dispute by id.
    function dispute(uint256 disputeId) external view returns (Dispute memory);

    /// @notice How many disputes have been opened (the last id; ids start at 1).
    function disputeCount() external view returns (uint256);

    /// @notice How many disputes of a job are open.
    function openDisputes(uint256 jobId) external view returns (uint256);

    /// @notice What a challenger commits to in {commitProof}: keccak256(abi.encode(challenger, jobId,
    /// keccak256(proof))). Binding the challenger makes a copied commitment or proof worthless to anyone else.
    function proofCommitment(address challenger, uint256 jobId, bytes calldata proof) external pure returns (bytes32);

    /// @notice The longest any dispute can last from its opening: both clocks and the follow-up window of the
    /// withheld path, or the arbitration window. A job is settled at most this long after its challenge window ends.
    function maxDisputeDuration() external view returns (uint256);

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

    /// @notice Each side's clock in the withheld-data path, and the proof path's reveal window.
    function responseWindow() external view returns (uint256);

    /// @notice The follow-up window after a chunk is revealed.
    function followUpWindow() external view returns (uint256);

    /// @notice The arbitration window.
    function arbitrationWindow() external view returns (uint256);

    /// @notice How a slash is split.
    function slashSplit() external view returns (SlashSplit memory);

    /// @notice The share of the provider's other stake (free, unbonding or locked by other jobs) slashed at fault.
    function stakeShareBps() external view returns (uint256);

    /// @notice What a fault on `jobId` would slash now: its collateral plus the stake share.
    function slashAmount(uint256 jobId, IJobEscrow.Job calldata job) external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../interfaces/IJobEscrow.sol";

/// @title JobSlot
/// @notice The one storage word the escrow keeps per job. Its lowest byte is the job's status; above it, while the
/// job can still change, the hash of its terms; once it is Finalized, what its receipt shows that fits: the
/// settlement time (bits 8-47), the payment token's index (bits 48-63) and the workload's name (bits 64-255, where
/// a workload id's first MAX_WORKLOAD_NAME_BYTES bytes already sit).
library JobSlot {
    /// @notice A workload id names its workload in at most this many bytes.
    uint256 internal constant MAX_WORKLOAD_NAME_BYTES = 24;

    uint256 private constant _STATUS_BITS = 8;
    /// @dev (1 << _STATUS_BITS) - 1, as a literal that assembly can read.
    uint256 private constant _STATUS_WORD_MASK = 0xff;
    bytes32 private constant _STATUS_MASK = bytes32(_STATUS_WORD_MASK);
    uint256 private constant _SETTLED_AT_SHIFT = _STATUS_BITS;
    uint256 private constant _TOKEN_INDEX_SHIFT = _SETTLED_AT_SHIFT + 40;
    uint256 private constant _WORKLOAD_TAIL_MASK = (1 << (8 * (32 - MAX_WORKLOAD_NAME_BYTES))) - 1;
    /// @dev A Job's ABI encoding: its twelve fields, each a static word.
    uint256 private constant _JOB_BYTES = 384;

    /// @notice Positions, among a Job's words, of the fields that accepting and submitting change.
    uint256 internal constant PROVIDER_WORD = 3;
    uint256 internal constant COLLATERAL_WORD = 4;
    uint256 internal constant DEADLINE_WORD = 6;
    uint256 internal constant RESULT_ROOT_WORD = 11;

    /// @notice The hash a slot commits to: keccak256 of the ABI-encoded terms, lowest byte cleared for the status.
    function hashTerms(IJobEscrow.Job memory job) internal pure returns (bytes32) {
        return keccak256(abi.encode(job)) & ~_STATUS_MASK;
    }

    /// @notice {hashTerms} of terms given as calldata, hashed where they lie.
    /// @dev Every field of a Job is static, so its calldata is its ABI encoding, word for word: hashing those words
    /// skips the copy to memory and the encoding again. A word with dirty high bits hashes differently from the clean
    /// terms a slot commits to, so such calldata can only fail {requireTerms}.
    function hashCalldataTerms(IJobEscrow.Job calldata job) internal pure returns (bytes32 hash) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, job, _JOB_BYTES)
            hash := and(keccak256(ptr, _JOB_BYTES), not(_STATUS_WORD_MASK))
        }
    }

    /// @notice {hashTerms} of `job` with two of its fields changed: word `first` (one of the *_WORD positions) set to
    /// `firstValue` and word `second` to `secondValue`, each the field's ABI encoding.
    /// @dev For terms already checked against their slot, whose words are therefore clean: the new terms are hashed
    /// from a copy of the calldata words, without building them in memory field by field.
    function hashAmendedTerms(
        IJobEscrow.Job calldata job,
        uint256 first,
        uint256 firstValue,
        uint256 second,
        uint256 secondValue
    ) internal pure returns (bytes32 hash) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, job, _JOB_BYTES)
            mstore(add(ptr, shl(5, first)), firstValue)
            mstore(add(ptr, shl(5, second)), secondValue)
            hash := and(keccak256(ptr, _JOB_BYTES), not(_STATUS_WORD_MASK))
        }
    }

    /// @notice Reverts {IJobEscrow-JobTermsMismatch} unless `job` hashes to what `slot` commits to.
    function requireTerms(bytes32 slot, uint256 jobId, IJobEscrow.Job calldata job) internal pure {
        bytes32 given = hashCalldataTerms(job);
        if (given != committed(slot)) revert IJobEscrow.JobTermsMismatch(jobId, committed(slot), given);
    }

    /// @notice The slot of a job whose terms hash to `termsHash` (from {hashTerms}).
    function pack(bytes32 termsHash, IJobEscrow.JobStatus jobStatus) internal pure returns (bytes32) {
        return termsHash | bytes32(uint256(jobStatus));
    }

    /// @notice The same slot with another status.
    function withStatus(bytes32 slot, IJobEscrow.JobStatus jobStatus) internal pure returns (bytes32) {
        return pack(committed(slot), jobStatus);
    }

    /// @notice The job's status. Only valid statuses are ever stored, so the conversion cannot fail.
    function status(bytes32 slot) internal pure returns (IJobEscrow.JobStatus) {
        return IJobEscrow.JobStatus(uint8(uint256(slot)));
    }

    /// @notice What the slot holds above the status: the terms' hash while the job can change.
    function committed(bytes32 slot) internal pure returns (bytes32) {
        return slot & ~_STATUS_MASK;
    }

    /// @notice Whether a workload id fits in MAX_WORKLOAD_NAME_BYTES (its remaining bytes are zero).
    function fitsWorkloadName(bytes32 workloadId) internal pure returns (bool) {
        return uint256(workloadId) & _WORKLOAD_TAIL_MASK == 0;
    }

    /// @notice The slot of a job finalized at `settledAt`: its workload name, payment-token index and that time.
    function packSettled(bytes32 workloadId, uint256 tokenIndex, uint256 settledAt) internal pure returns (bytes32) {
        return
            bytes32(
                uint256(workloadId) |
                    (tokenIndex << _TOKEN_INDEX_SHIFT) |
                    (settledAt << _SETTLED_AT_SHIFT) |
                    uint256(IJobEscrow.JobStatus.Finalized)
            );
    }

    /// @notice The facts {packSettled} put in a finalized job's slot.
    function unpackSettled(
        bytes32 slot
    ) internal pure returns (bytes32 workloadId, uint16 tokenIndex, uint40 settledAt) {
        uint256 word = uint256(slot);
        return (
            bytes32(word & ~_WORKLOAD_TAIL_MASK),
            uint16(word >> _TOKEN_INDEX_SHIFT),
            uint40(word >> _SETTLED_AT_SHIFT)
        );
    }
}

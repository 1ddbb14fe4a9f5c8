// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {WorkloadLeaves} from "../libraries/WorkloadLeaves.sol";

/**
 * @title WorkloadLeavesHarness
 * @notice Exposes WorkloadLeaves for tests. The batch functions run many checks in one eth_call and
 * report each outcome instead of reverting, so a differential test needs few round trips.
 */
contract WorkloadLeavesHarness {
    /// @notice One matmul-i8 input vector check.
    struct InputCheck {
        bytes32 inputRoot;
        uint8 kind;
        uint256 index;
        uint256 k;
        bytes vector;
        bytes32[] proof;
    }

    /// @notice One result word check.
    struct WordCheck {
        bytes32 resultRoot;
        uint256 totalWords;
        uint256 wordIndex;
        bytes chunk;
        bytes32[] proof;
    }

    /// @notice See WorkloadLeaves.matmulInputLeaf.
    function matmulInputLeaf(uint8 kind, uint256 index, bytes calldata vector) external pure returns (bytes32) {
        return WorkloadLeaves.matmulInputLeaf(kind, index, vector);
    }

    /// @notice See WorkloadLeaves.resultChunkLeaf.
    function resultChunkLeaf(uint256 chunkIndex, bytes calldata chunk) external pure returns (bytes32) {
        return WorkloadLeaves.resultChunkLeaf(chunkIndex, chunk);
    }

    /// @notice See WorkloadLeaves.paramsCommitment.
    function paramsCommitment(bytes calldata params) external pure returns (bytes32) {
        return WorkloadLeaves.paramsCommitment(params);
    }

    /// @notice See WorkloadLeaves.requireMatmulInput.
    function requireMatmulInput(InputCheck calldata check) public pure {
        WorkloadLeaves.requireMatmulInput(check.inputRoot, check.kind, check.index, check.k, check.vector, check.proof);
    }

    /// @notice See WorkloadLeaves.requireResultWord.
    function requireResultWord(WordCheck calldata check) public pure returns (bytes4) {
        return
            WorkloadLeaves.requireResultWord(
                check.resultRoot,
                check.totalWords,
                check.wordIndex,
                check.chunk,
                check.proof
            );
    }

    /// @notice See WorkloadLeaves.encodedStructOffset; returns the struct's offset from the start of `encoded`.
    function encodedStructHead(bytes calldata encoded) external pure returns (uint256 head) {
        uint256 offset = WorkloadLeaves.encodedStructOffset(encoded);
        assembly ("memory-safe") {
            head := sub(offset, encoded.offset)
        }
    }

    /// @notice Runs requireMatmulInput on each check; accepted[i] is false where it reverted.
    function checkMatmulInputs(InputCheck[] calldata checks) external view returns (bool[] memory accepted) {
        accepted = new bool[](checks.length);
        for (uint256 i = 0; i < checks.length; ++i) {
            try this.requireMatmulInput(checks[i]) {
                accepted[i] = true;
            } catch {
                accepted[i] = false;
            }
        }
    }

    /// @notice Runs requireResultWord on each check; words[i] is the word, accepted[i] false where it reverted.
    function checkResultWords(
        WordCheck[] calldata checks
    ) external view returns (bool[] memory accepted, bytes4[] memory words) {
        accepted = new bool[](checks.length);
        words = new bytes4[](checks.length);
        for (uint256 i = 0; i < checks.length; ++i) {
            try this.requireResultWord(checks[i]) returns (bytes4 word) {
                accepted[i] = true;
                words[i] = word;
            } catch {
                accepted[i] = false;
            }
        }
    }
}

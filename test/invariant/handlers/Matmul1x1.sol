// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {MatmulI8Checker} from "../../../contracts/disputes/checkers/MatmulI8Checker.sol";

/// @notice matmul-i8 jobs of shape 1x1x1, committed exactly as src/commitments does (see WorkloadLeaves): the input
/// tree has two leaves (row 0 of A, column 0 of B) and the result tree one chunk, so every Merkle proof is one
/// sibling or none and the real fraud-proof path can run inside a fuzz sequence at no cost.
library Matmul1x1 {
    bytes32 internal constant WORKLOAD_ID = "matmul-i8";

    function params() internal pure returns (bytes memory) {
        return abi.encode(uint256(1), uint256(1), uint256(1));
    }

    function inputRoot(int8 a, int8 b) internal pure returns (bytes32) {
        return Hashes.commutativeKeccak256(_rowLeaf(a), _columnLeaf(b));
    }

    /// @dev The one-word result chunk: C[0][0] = a * b, or that word with its low bit flipped when cheating.
    function resultChunk(int8 a, int8 b, bool cheat) internal pure returns (bytes memory) {
        uint32 word = uint32(int32(int256(a) * int256(b)));
        if (cheat) word ^= 1;
        return abi.encodePacked(word);
    }

    function resultRoot(bytes memory chunk) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(uint256(0), chunk))));
    }

    /// @dev MatmulI8Checker's fraud proof of element (0, 0).
    function fraudProof(int8 a, int8 b, bytes memory chunk) internal pure returns (bytes memory) {
        bytes32[] memory rowProof = new bytes32[](1);
        rowProof[0] = _columnLeaf(b);
        bytes32[] memory columnProof = new bytes32[](1);
        columnProof[0] = _rowLeaf(a);
        return
            abi.encode(
                MatmulI8Checker.FraudProof({
                    row: 0,
                    col: 0,
                    rowOfA: _vector(a),
                    rowProof: rowProof,
                    columnOfB: _vector(b),
                    columnProof: columnProof,
                    resultChunk: chunk,
                    resultChunkProof: new bytes32[](0)
                })
            );
    }

    function _rowLeaf(int8 a) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(uint8(0), uint256(0), _vector(a)))));
    }

    function _columnLeaf(int8 b) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(uint8(1), uint256(0), _vector(b)))));
    }

    function _vector(int8 value) private pure returns (bytes memory) {
        return abi.encodePacked(value);
    }
}

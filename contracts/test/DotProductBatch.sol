// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MatmulI8Checker} from "../disputes/checkers/MatmulI8Checker.sol";

/**
 * @title DotProductBatch
 * @notice Runs MatmulI8Checker.dotI8 on many vector pairs in one eth_call, so the differential test of thousands of
 * random cases needs a handful of round trips; and measures one call's gas for the bench.
 */
contract DotProductBatch {
    /// @notice dotI8(a[i], b[i]) for every i.
    function dots(
        MatmulI8Checker checker,
        bytes[] calldata a,
        bytes[] calldata b
    ) external pure returns (int256[] memory sums) {
        sums = new int256[](a.length);
        for (uint256 i = 0; i < a.length; ++i) {
            sums[i] = checker.dotI8(a[i], b[i]);
        }
    }

    /// @notice The gas of one checker.dotI8(a, b) call, measured inside this one (the bench's gas per element).
    function dotGas(
        MatmulI8Checker checker,
        bytes calldata a,
        bytes calldata b
    ) external view returns (uint256 gasUsed) {
        uint256 before = gasleft();
        checker.dotI8(a, b);
        gasUsed = before - gasleft();
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWorkloadChecker} from "../../interfaces/IWorkloadChecker.sol";
import {WorkloadLeaves} from "../../libraries/WorkloadLeaves.sol";

/**
 * @title MandelbrotChecker
 * @notice Fraud proofs for mandelbrot-q: one pixel's escape iteration count is recomputed in the fixed point of
 * src/workloads/mandelbrot-q/tile.ts (Q.23, arithmetic shifts) and compared with the committed word.
 * @dev The params are the whole input: the job's input root is keccak256(params), so the tile cannot be swapped.
 */
contract MandelbrotChecker is IWorkloadChecker {
    /// @notice mandelbrot-q's workload id.
    bytes32 public constant WORKLOAD_ID = "mandelbrot-q";
    /// @notice Fraction bits of the Q format.
    uint256 public constant FRACTION_BITS = 23;
    /// @notice 2.0 in the Q format: every pixel's |cx|, |cy| is at most this.
    int256 public constant MAX_COORDINATE = int256(2) << FRACTION_BITS;
    /// @notice Largest tile side.
    uint256 public constant MAX_SIDE = 8192;
    /// @notice Largest iteration cap (bounds the gas of one pixel).
    uint256 public constant MAX_ITERATIONS = 1 << 16;

    /// @dev |z|^2 > 4 escapes.
    int256 private constant _ESCAPE_THRESHOLD = int256(4) << FRACTION_BITS;

    /// @notice The params do not commit to the job's input root.
    error ParamsNotCommitted(bytes32 inputRoot, bytes32 paramsCommitment);
    /// @notice The pixel lies outside the tile.
    error PixelOutOfRange(uint256 pixelIndex, uint256 pixels);

    /// @notice A tile, as ABI-encoded in a job's params.
    struct Tile {
        int64 x0;
        int64 y0;
        int64 step;
        uint32 width;
        uint32 height;
        uint32 maxIter;
    }

    /// @notice What a mandelbrot-q fraud proof carries (ABI-encoded as the `proof` argument of {check}).
    struct FraudProof {
        uint256 pixelIndex;
        bytes resultChunk;
        bytes32[] resultChunkProof;
    }

    /// @inheritdoc IWorkloadChecker
    function workloadId() external pure returns (bytes32) {
        return WORKLOAD_ID;
    }

    /// @inheritdoc IWorkloadChecker
    function outputShape(bytes calldata params) external pure returns (uint256 rows, uint256 cols) {
        Tile memory tile = _decodeTile(params);
        (rows, cols) = (tile.height, tile.width);
    }

    /// @inheritdoc IWorkloadChecker
    function check(
        bytes32 inputRoot,
        bytes32 resultRoot,
        bytes calldata params,
        bytes calldata proof
    ) external pure returns (Verdict memory verdict) {
        bytes32 commitment = WorkloadLeaves.paramsCommitment(params);
        if (commitment != inputRoot) revert ParamsNotCommitted(inputRoot, commitment);
        Tile memory tile = _decodeTile(params);
        FraudProof calldata p = _decodeProof(proof);
        uint256 pixels = uint256(tile.width) * tile.height;
        if (p.pixelIndex >= pixels) revert PixelOutOfRange(p.pixelIndex, pixels);
        verdict.wordIndex = p.pixelIndex;
        verdict.committedWord = WorkloadLeaves.requireResultWord(
            resultRoot,
            pixels,
            p.pixelIndex,
            p.resultChunk,
            p.resultChunkProof
        );
        int256 cx = tile.x0 + int256(p.pixelIndex % tile.width) * tile.step;
        int256 cy = tile.y0 + int256(p.pixelIndex / tile.width) * tile.step;
        verdict.correctWord = bytes4(uint32(escapeIterations(cx, cy, tile.maxIter)));
        verdict.fraud = verdict.committedWord != verdict.correctWord;
    }

    /// @notice Escape iteration count of c = (cx, cy) in the Q format, capped at `maxIter`.
    function escapeIterations(int256 cx, int256 cy, uint256 maxIter) public pure returns (uint256) {
        int256 x;
        int256 y;
        for (uint256 iter; iter < maxIter; ++iter) {
            int256 xx = (x * x) >> FRACTION_BITS;
            int256 yy = (y * y) >> FRACTION_BITS;
            if (xx + yy > _ESCAPE_THRESHOLD) return iter;
            int256 xy2 = (x * y) >> (FRACTION_BITS - 1);
            x = xx - yy + cx;
            y = xy2 + cy;
        }
        return maxIter;
    }

    function _decodeTile(bytes calldata params) private pure returns (Tile memory tile) {
        if (params.length != 192) revert InvalidWorkloadParams(params);
        tile = abi.decode(params, (Tile));
        bool inBounds =
            tile.width >= 1 &&
                tile.width <= MAX_SIDE &&
                tile.height >= 1 &&
                tile.height <= MAX_SIDE &&
                tile.maxIter >= 1 &&
                tile.maxIter <= MAX_ITERATIONS &&
                tile.step >= 1 &&
                tile.step <= 2 * MAX_COORDINATE &&
                _withinPlane(tile.x0, tile.width, tile.step) &&
                _withinPlane(tile.y0, tile.height, tile.step);
        if (!inBounds) revert InvalidWorkloadParams(params);
    }

    function _decodeProof(bytes calldata proof) private pure returns (FraudProof calldata p) {
        uint256 offset = WorkloadLeaves.encodedStructOffset(proof);
        assembly ("memory-safe") {
            p := offset
        }
    }

    function _withinPlane(int256 first, uint256 count, int256 step) private pure returns (bool) {
        int256 last = first + int256(count - 1) * step;
        return first >= -MAX_COORDINATE && last <= MAX_COORDINATE;
    }
}

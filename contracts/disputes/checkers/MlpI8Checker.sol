// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IWorkloadChecker} from "../../interfaces/IWorkloadChecker.sol";
import {Int8DotProduct} from "../../libraries/Int8DotProduct.sol";
import {WorkloadLeaves} from "../../libraries/WorkloadLeaves.sol";

/**
 * @title MlpI8Checker
 * @notice Fraud proofs for mlp-i8, a quantized feed-forward network: one value of one layer is recomputed from the
 * layer's input row (a batch row proven against the input root for the first layer, the previous layer's committed
 * activations proven against the result root for the others), the unit's weights and bias proven against the model
 * in the input root, and the layer's constants in the params; then compared with the committed word.
 * @dev Semantics identical to src/workloads/mlp-i8: acc = bias + x . w exactly; y = act(clamp(round-half-up(acc *
 * multiplier / 2^shift), -128, 127)). The output layout (layout.ts): layer by layer, batch x outputs int32
 * accumulators, then batch x outputs int8 activations packed four to a word and zero-padded to a word; then zero
 * words up to a power of two of result chunks.
 */
contract MlpI8Checker is IWorkloadChecker {
    /// @notice mlp-i8's workload id.
    bytes32 public constant WORKLOAD_ID = "mlp-i8";
    /// @notice Most layers (MLP_MAX_LAYERS in TypeScript).
    uint256 public constant MAX_LAYERS = 8;
    /// @notice Widest input or layer (MLP_MAX_WIDTH): |x . w| <= 2^26, so with MAX_BIAS every accumulator is an int32.
    uint256 public constant MAX_WIDTH = 4096;
    /// @notice Largest batch (MLP_MAX_BATCH).
    uint256 public constant MAX_BATCH = 4096;
    /// @notice Largest requantization multiplier (a positive int32).
    uint256 public constant MAX_MULTIPLIER = (1 << 31) - 1;
    /// @notice Largest requantization shift.
    uint256 public constant MAX_SHIFT = 31;
    /// @notice Activation codes.
    uint256 public constant IDENTITY = 0;
    uint256 public constant RELU = 1;

    uint256 private constant _CHUNK_BYTES = WorkloadLeaves.RESULT_CHUNK_WORDS * WorkloadLeaves.WORD_BYTES;
    uint256 private constant _BIAS_BYTES = 4;

    /// @notice The named value lies outside the layer's values (or the padding after the last layer).
    error ElementOutOfRange(uint256 layer, uint256 element, uint256 elements);
    /// @notice The unit's data must be its 4-byte bias and one weight per input.
    error UnitLengthMismatch(uint256 expectedLength, uint256 actualLength);
    /// @notice The unit is not the committed model's (wrong data, layer, unit or proof).
    error UnitNotInModel(bytes32 inputRoot, uint256 layer, uint256 unit);
    /// @notice The first layer's input row is not the committed batch's (wrong data, item or proof).
    error InputRowNotInBatch(bytes32 inputRoot, uint256 item);
    /// @notice The input must be the row (first layer) or the whole result chunks that hold it (other layers).
    error InputMismatch(uint256 firstChunk, uint256 chunks, uint256 givenFirstChunk, uint256 givenLength);

    /// @notice One layer's shape and constants, as ABI-encoded in a job's params.
    struct Layer {
        uint256 outputs;
        uint256 multiplier;
        uint256 shift;
        uint256 activation;
    }

    /// @notice What an mlp-i8 fraud proof carries (ABI-encoded as the `proof` argument of {check}).
    struct FraudProof {
        /// The layer of the value, or the number of layers for a padding word after the last layer.
        uint256 layer;
        /// item * outputs + unit (for activations, up to the padded end of the block; for padding, the word after
        /// the last layer's values).
        uint256 element;
        /// The accumulator of the element, or the activation word that holds it.
        bool accumulator;
        /// First layer: the item's batch row. Others: the whole result chunks holding the item's input row.
        bytes input;
        uint256 firstInputChunk;
        /// First layer: one proof against the input root. Others: one per chunk against the result root.
        bytes32[][] inputProofs;
        /// The unit's bias (int32, big-endian) then its weights.
        bytes unit;
        bytes32[] unitProof;
        bytes resultChunk;
        bytes32[] resultChunkProof;
    }

    /// @dev Where the disputed value is, from the params.
    struct Site {
        uint256 inputs;
        uint256 outputs;
        uint256 totalWords;
        uint256 wordIndex;
        /// First word of the previous layer's activations (the input row's block), for layers after the first.
        uint256 inputActWord;
        bool padding;
    }

    /// @inheritdoc IWorkloadChecker
    function workloadId() external pure returns (bytes32) {
        return WORKLOAD_ID;
    }

    /// @inheritdoc IWorkloadChecker
    /// @dev The output's result chunks: rows, of RESULT_CHUNK_WORDS words each.
    function outputShape(bytes calldata params) external pure returns (uint256 rows, uint256 cols) {
        (uint256 batch, , Layer[] memory layers) = _decodeParams(params);
        uint256 word = 0;
        for (uint256 l = 0; l < layers.length; ++l) word += _layerWords(batch * layers[l].outputs);
        (rows, cols) = (_totalWords(word) / WorkloadLeaves.RESULT_CHUNK_WORDS, WorkloadLeaves.RESULT_CHUNK_WORDS);
    }

    /// @inheritdoc IWorkloadChecker
    function check(
        bytes32 inputRoot,
        bytes32 resultRoot,
        bytes calldata params,
        bytes calldata proof
    ) external pure returns (Verdict memory verdict) {
        (uint256 batch, uint256 inputs, Layer[] memory layers) = _decodeParams(params);
        FraudProof calldata p = _decodeProof(proof);
        Site memory site = _locate(batch, inputs, layers, p.layer, p.element, p.accumulator);
        verdict.wordIndex = site.wordIndex;
        verdict.committedWord = WorkloadLeaves.requireResultWord(
            resultRoot,
            site.totalWords,
            site.wordIndex,
            p.resultChunk,
            p.resultChunkProof
        );
        if (site.padding) {
            // A padding byte (of the activation block's last word) or word is zero; only that byte is compared.
            verdict.correctWord =
                p.layer == layers.length
                    ? bytes4(0)
                    : _withByte(verdict.committedWord, p.element % WorkloadLeaves.WORD_BYTES, 0);
        } else {
            int256 acc = _accumulator(inputRoot, resultRoot, p, site);
            if (p.accumulator) {
                verdict.correctWord = bytes4(uint32(int32(acc)));
            } else {
                Layer memory layer = layers[p.layer];
                int256 y = requantize(acc, layer.multiplier, layer.shift, layer.activation);
                verdict.correctWord = _withByte(
                    verdict.committedWord,
                    p.element % WorkloadLeaves.WORD_BYTES,
                    uint8(uint256(y) & 0xff)
                );
            }
        }
        verdict.fraud = verdict.committedWord != verdict.correctWord;
    }

    /// @notice The requantized, saturated and activated int8 value of an accumulator (requantize.ts).
    /// @dev Public for the differential tests against the TypeScript reference.
    function requantize(
        int256 acc,
        uint256 multiplier,
        uint256 shift,
        uint256 activation
    ) public pure returns (int256 y) {
        y = acc * int256(multiplier);
        // `>>` on a signed value is an arithmetic shift: floor division, so adding half first rounds half up.
        if (shift > 0) y = (y + int256(1 << (shift - 1))) >> shift;
        if (y < type(int8).min) y = type(int8).min;
        if (y > type(int8).max) y = type(int8).max;
        if (activation == RELU && y < 0) y = 0;
    }

    /// @dev bias + input row . weights, each proven.
    function _accumulator(
        bytes32 inputRoot,
        bytes32 resultRoot,
        FraudProof calldata p,
        Site memory site
    ) private pure returns (int256) {
        uint256 item = p.element / site.outputs;
        uint256 unit = p.element % site.outputs;
        if (p.unit.length != _BIAS_BYTES + site.inputs) {
            revert UnitLengthMismatch(_BIAS_BYTES + site.inputs, p.unit.length);
        }
        if (!MerkleProof.verifyCalldata(p.unitProof, inputRoot, WorkloadLeaves.mlpUnitLeaf(p.layer, unit, p.unit))) {
            revert UnitNotInModel(inputRoot, p.layer, unit);
        }
        bytes calldata row =
            p.layer == 0
                ? _batchRow(inputRoot, p, item, site.inputs)
                : _committedRow(
                    resultRoot,
                    p,
                    site.inputActWord * WorkloadLeaves.WORD_BYTES + item * site.inputs,
                    site
                );
        int256 bias = int32(uint32(bytes4(p.unit[:_BIAS_BYTES])));
        return bias + Int8DotProduct.dot(row, p.unit[_BIAS_BYTES:]);
    }

    /// @dev The first layer's input: the batch row, proven against the input root.
    function _batchRow(
        bytes32 inputRoot,
        FraudProof calldata p,
        uint256 item,
        uint256 width
    ) private pure returns (bytes calldata) {
        if (p.input.length != width || p.inputProofs.length != 1 || p.firstInputChunk != 0) {
            revert InputMismatch(0, 1, p.firstInputChunk, p.input.length);
        }
        bytes32 leaf = WorkloadLeaves.matmulInputLeaf(WorkloadLeaves.MLP_INPUT_ROW, item, p.input);
        if (!MerkleProof.verifyCalldata(p.inputProofs[0], inputRoot, leaf)) revert InputRowNotInBatch(inputRoot, item);
        return p.input;
    }

    /// @dev A later layer's input: the row's bytes out of the whole result chunks that hold them, each proven.
    function _committedRow(
        bytes32 resultRoot,
        FraudProof calldata p,
        uint256 startByte,
        Site memory site
    ) private pure returns (bytes calldata) {
        uint256 firstChunk = startByte / _CHUNK_BYTES;
        uint256 chunks = (startByte + site.inputs - 1) / _CHUNK_BYTES - firstChunk + 1;
        if (
            p.firstInputChunk != firstChunk || p.input.length != chunks * _CHUNK_BYTES || p.inputProofs.length != chunks
        ) {
            revert InputMismatch(firstChunk, chunks, p.firstInputChunk, p.input.length);
        }
        for (uint256 i = 0; i < chunks; ++i) {
            bytes calldata chunk = p.input[i * _CHUNK_BYTES:(i + 1) * _CHUNK_BYTES];
            bytes32 leaf = WorkloadLeaves.resultChunkLeaf(firstChunk + i, chunk);
            if (!MerkleProof.verifyCalldata(p.inputProofs[i], resultRoot, leaf)) {
                revert WorkloadLeaves.ResultChunkNotInTree(resultRoot, firstChunk + i);
            }
        }
        uint256 offset = startByte - firstChunk * _CHUNK_BYTES;
        return p.input[offset:offset + site.inputs];
    }

    /// @dev The word of value `element` of layer `layerIndex` (its accumulator or its activation's word), and where
    /// the layer's input row lives. `layerIndex == layers.length` names padding word `element` after the values.
    function _locate(
        uint256 batch,
        uint256 inputs,
        Layer[] memory layers,
        uint256 layerIndex,
        uint256 element,
        bool accumulator
    ) private pure returns (Site memory site) {
        site.inputs = inputs;
        uint256 word = 0;
        for (uint256 l = 0; l < layers.length; ++l) {
            uint256 values = batch * layers[l].outputs;
            uint256 actWords = (values + WorkloadLeaves.WORD_BYTES - 1) / WorkloadLeaves.WORD_BYTES;
            if (l == layerIndex) {
                site.outputs = layers[l].outputs;
                uint256 elements = accumulator ? values : actWords * WorkloadLeaves.WORD_BYTES;
                if (element >= elements) revert ElementOutOfRange(layerIndex, element, elements);
                site.wordIndex = accumulator ? word + element : word + values + element / WorkloadLeaves.WORD_BYTES;
                site.padding = element >= values;
            } else if (l < layerIndex) {
                site.inputs = layers[l].outputs;
                site.inputActWord = word + values;
            }
            word += _layerWords(values);
        }
        site.totalWords = _totalWords(word);
        if (layerIndex == layers.length) {
            site.padding = true;
            if (element >= site.totalWords - word)
                revert ElementOutOfRange(layerIndex, element, site.totalWords - word);
            site.wordIndex = word + element;
        } else if (layerIndex > layers.length) {
            revert ElementOutOfRange(layerIndex, element, 0);
        }
    }

    /// @dev Words of a layer with `values` values: the accumulators, then the activations packed and padded.
    function _layerWords(uint256 values) private pure returns (uint256) {
        return values + (values + WorkloadLeaves.WORD_BYTES - 1) / WorkloadLeaves.WORD_BYTES;
    }

    /// @dev `valueWords` padded to a power of two of result chunks.
    function _totalWords(uint256 valueWords) private pure returns (uint256) {
        uint256 chunks = 1;
        while (chunks * WorkloadLeaves.RESULT_CHUNK_WORDS < valueWords) chunks *= 2;
        return chunks * WorkloadLeaves.RESULT_CHUNK_WORDS;
    }

    function _withByte(bytes4 word, uint256 position, uint8 value) private pure returns (bytes4) {
        uint256 shift = 8 * (WorkloadLeaves.WORD_BYTES - 1 - position);
        return bytes4((uint32(word) & ~uint32(0xff << shift)) | uint32(uint256(value) << shift));
    }

    function _decodeParams(
        bytes calldata params
    ) private pure returns (uint256 batch, uint256 inputs, Layer[] memory layers) {
        (batch, inputs, layers) = abi.decode(params, (uint256, uint256, Layer[]));
        if (batch == 0 || batch > MAX_BATCH || inputs == 0 || inputs > MAX_WIDTH) revert InvalidWorkloadParams(params);
        if (layers.length == 0 || layers.length > MAX_LAYERS) revert InvalidWorkloadParams(params);
        for (uint256 l = 0; l < layers.length; ++l) {
            Layer memory layer = layers[l];
            if (
                layer.outputs == 0 ||
                layer.outputs > MAX_WIDTH ||
                layer.multiplier == 0 ||
                layer.multiplier > MAX_MULTIPLIER ||
                layer.shift > MAX_SHIFT ||
                layer.activation > RELU
            ) revert InvalidWorkloadParams(params);
        }
    }

    function _decodeProof(bytes calldata proof) private pure returns (FraudProof calldata p) {
        uint256 offset = WorkloadLeaves.encodedStructOffset(proof);
        assembly ("memory-safe") {
            p := offset
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {ReceiptArt} from "../libraries/ReceiptArt.sol";
import {TokenText} from "../libraries/TokenText.sol";
import {UtcDate} from "../libraries/UtcDate.sol";

/**
 * @title ReceiptTextHarness
 * @notice Exposes the receipt's text and art libraries for tests, in batches, so that a differential test needs one
 * eth_call.
 */
contract ReceiptTextHarness {
    /// @notice {UtcDate-format} of each timestamp.
    function formatDates(uint256[] calldata timestamps) external pure returns (string[] memory out) {
        out = new string[](timestamps.length);
        for (uint256 i; i < timestamps.length; ++i) out[i] = UtcDate.format(timestamps[i]);
    }

    /// @notice {TokenText-amount} of each value with the decimals at the same position.
    function formatAmounts(
        uint256[] calldata values,
        uint256[] calldata decimals
    ) external pure returns (string[] memory out) {
        out = new string[](values.length);
        for (uint256 i; i < values.length; ++i) out[i] = TokenText.amount(values[i], decimals[i]);
    }

    /// @notice {ReceiptArt-safeText} of each byte string.
    function safeTexts(bytes[] calldata raws) external pure returns (string[] memory out) {
        out = new string[](raws.length);
        for (uint256 i; i < raws.length; ++i) out[i] = ReceiptArt.safeText(raws[i]);
    }

    /// @notice {ReceiptArt-svg} of a settled job.
    function svg(
        uint256 jobId,
        ReceiptArt.Texts calldata texts,
        IJobEscrow.Settlement calldata settlement
    ) external pure returns (string memory) {
        return ReceiptArt.svg(jobId, texts, settlement);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TokenText} from "../libraries/TokenText.sol";
import {UtcDate} from "../libraries/UtcDate.sol";

/**
 * @title ReceiptTextHarness
 * @notice Exposes the receipt's text libraries for tests, in batches, so that a differential test needs one eth_call.
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
}

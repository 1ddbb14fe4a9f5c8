// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ReceiptArt} from "./ReceiptArt.sol";

/// @title TokenText
/// @notice A token amount as a person reads it: whole tokens and the token's symbol ("12.5 tUSD").
library TokenText {
    using Strings for uint256;

    /// @notice An amount prints at most this many fractional digits.
    uint256 internal constant MAX_FRACTION_DIGITS = 6;
    /// @notice A symbol prints at most this many bytes: with the longest amount, the receipt's line still fits.
    uint256 internal constant MAX_SYMBOL_BYTES = 12;
    /// @notice The most gas a token's symbol() is given: a plain or proxied token needs a few thousand (a 1,000-byte
    /// symbol in storage about 72,000), and a token cannot make a receipt unreadable by burning all of the call's gas.
    uint256 internal constant SYMBOL_GAS = 100_000;
    /// @dev 10^77 is the largest power of ten below 2^256.
    uint256 private constant MAX_POWER_OF_TEN = 77;
    /// @dev A symbol that cannot be read is named by this many leading bytes of the token's address.
    uint256 private constant FALLBACK_ADDRESS_BYTES = 4;
    uint256 private constant ADDRESS_BYTES = 20;
    /// @dev ASCII '0'.
    uint8 private constant DIGIT_ZERO = 0x30;

    /// @notice `value` base units of a token with `decimals` decimals, in whole tokens: "100", "12.5", "0.000001".
    /// At most MAX_FRACTION_DIGITS fractional digits print, the rest is cut off (rounding down) and trailing zeros are
    /// dropped; an amount that lost nonzero digits to the cut starts with "~" ("~0.333333"). Any `decimals` works,
    /// also above 77, where 10^decimals exceeds 2^256 and every amount is below one token.
    function amount(uint256 value, uint256 decimals) internal pure returns (string memory) {
        bool huge = decimals > MAX_POWER_OF_TEN;
        uint256 whole = huge ? 0 : value / 10 ** decimals;
        uint256 fraction = huge ? value : value % 10 ** decimals;
        uint256 digits = decimals < MAX_FRACTION_DIGITS ? decimals : MAX_FRACTION_DIGITS;
        uint256 dropped = decimals - digits;
        bool hugeDrop = dropped > MAX_POWER_OF_TEN;
        uint256 kept = hugeDrop ? 0 : fraction / 10 ** dropped;
        bool cut = hugeDrop ? fraction != 0 : fraction % 10 ** dropped != 0;
        while (digits > 0 && kept % 10 == 0) {
            kept /= 10;
            --digits;
        }
        string memory text =
            digits == 0 ? whole.toString() : string.concat(whole.toString(), ".", _padded(kept, digits));
        return cut ? string.concat("~", text) : text;
    }

    /// @notice `token`'s symbol, for text: its symbol() called with at most SYMBOL_GAS gas, read as an ABI string or
    /// (as some early tokens return it) a bytes32, cut to its first MAX_SYMBOL_BYTES bytes and made safe by
    /// {ReceiptArt-safeText}. A token whose symbol() reverts, runs out of gas, returns anything else (e.g. a string
    /// whose offset or length points outside the data) or an empty symbol is named by the first four bytes of its
    /// address instead ("0x5fbdb231"). Only the bytes kept are copied, however much the token returns.
    function symbol(address token) internal view returns (string memory) {
        string memory text = ReceiptArt.safeText(_rawSymbol(token));
        if (bytes(text).length != 0) return text;
        return
            (uint256(uint160(token)) >> (8 * (ADDRESS_BYTES - FALLBACK_ADDRESS_BYTES))).toHexString(
                FALLBACK_ADDRESS_BYTES
            );
    }

    /// @dev At most MAX_SYMBOL_BYTES (<= 32) bytes of what symbol() returned, or no bytes if it failed or returned
    /// neither one word (a bytes32) nor a string lying within the return data.
    function _rawSymbol(address token) private view returns (bytes memory raw) {
        bytes4 selector = IERC20Metadata.symbol.selector;
        assembly ("memory-safe") {
            raw := mload(0x40)
            mstore(raw, 0)
            // A length word and one word of bytes.
            mstore(0x40, add(raw, 0x40))
            mstore(0, selector)
            if staticcall(SYMBOL_GAS, token, 0, 4, 0, 0) {
                let size := returndatasize()
                let from := 0
                let length := 0
                switch size
                case 0x20 {
                    length := 0x20
                }
                default {
                    if gt(size, 0x3f) {
                        returndatacopy(0, 0, 0x40)
                        let offset := mload(0)
                        let declared := mload(0x20)
                        // The length word lies within the data, and so do the bytes it counts.
                        if and(
                            iszero(gt(offset, sub(size, 0x20))),
                            iszero(gt(declared, sub(sub(size, 0x20), offset)))
                        ) {
                            from := add(offset, 0x20)
                            length := declared
                        }
                    }
                }
                if gt(length, MAX_SYMBOL_BYTES) {
                    length := MAX_SYMBOL_BYTES
                }
                returndatacopy(add(raw, 0x20), from, length)
                mstore(raw, length)
            }
        }
    }

    /// @dev `value` (below 10^width) as exactly `width` decimal digits, with leading zeros.
    function _padded(uint256 value, uint256 width) private pure returns (string memory) {
        bytes memory out = new bytes(width);
        for (uint256 i = width; i > 0; --i) {
            out[i - 1] = bytes1(DIGIT_ZERO + uint8(value % 10));
            value /= 10;
        }
        return string(out);
    }
}

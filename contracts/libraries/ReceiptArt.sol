// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// JSON and SVG are written with double quotes inside, so their literals use single quotes.
// solhint-disable quotes

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";

/// @title ReceiptArt
/// @notice Draws a receipt's SVG: a card with the job's facts over a weave whose threads and crossings are read
/// from the result root, so the same result always looks the same. The weave alone cannot tell every root apart
/// (it reads 24 of the root's 32 bytes, and a thread that is never on top hides its hue), so the card also prints
/// the root: two different results never draw the same image.
library ReceiptArt {
    using Strings for uint256;
    using Strings for address;

    /// @dev The weave is a GRID x GRID pattern of CELL-pixel squares.
    uint256 private constant GRID = 8;
    uint256 private constant CELL = 40;
    uint256 private constant WEAVE_OFFSET = 40;

    /// @notice A receipt's facts as a person reads them, each safe in JSON and SVG (see {safeText}).
    struct Texts {
        /// @dev The workload's name, e.g. "matmul-i8".
        string workload;
        /// @dev The payment in its token's units, with its symbol, e.g. "12.5 tUSD".
        string paid;
        /// @dev The settlement time, e.g. "2026-12-03 15:20 UTC".
        string settled;
    }

    /// @notice The SVG document for a settled job: `texts` on a card, over a weave drawn from `j`'s result root.
    function svg(
        uint256 jobId,
        Texts memory texts,
        IJobEscrow.Settlement memory j
    ) internal pure returns (string memory) {
        return
            string.concat(
                '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="520" viewBox="0 0 400 520">',
                '<rect width="400" height="520" rx="16" fill="#10131a"/>',
                _weave(j.resultRoot),
                '<g font-family="monospace" fill="#e8ecf4">',
                _text(372, 8, uint256(j.resultRoot).toHexString(32)),
                _text(400, 20, string.concat("WEFT RECEIPT #", jobId.toString())),
                _text(428, 13, string.concat("workload ", texts.workload)),
                _text(450, 13, string.concat("paid ", texts.paid)),
                _text(472, 11, string.concat("provider ", j.provider.toHexString())),
                _text(494, 11, string.concat("settled ", texts.settled)),
                "</g></svg>"
            );
    }

    /// @notice A bytes32 name (e.g. a workload id) as text, by the rule of {safeText}.
    function bytes32ToString(bytes32 name) internal pure returns (string memory) {
        return safeText(abi.encodePacked(name));
    }

    /// @notice `raw` as text that is safe in JSON and SVG: it ends at the first zero byte, and every byte outside
    /// [A-Za-z0-9._-] becomes '?'. The one rule for text the receipt takes from others (workload ids, token symbols).
    function safeText(bytes memory raw) internal pure returns (string memory) {
        uint256 length;
        while (length < raw.length && raw[length] != 0) ++length;
        bytes memory out = new bytes(length);
        for (uint256 i; i < length; ++i) {
            bytes1 c = raw[i];
            bool safe =
                (c >= "a" && c <= "z") ||
                    (c >= "A" && c <= "Z") ||
                    (c >= "0" && c <= "9") ||
                    c == "-" ||
                    c == "_" ||
                    c == ".";
            out[i] = safe ? c : bytes1("?");
        }
        return string(out);
    }

    /// @dev Row threads (weft) take their hues from the root's first 8 bytes, column threads (warp) from the next 8,
    /// and the last 8 bytes decide, bit by bit, which thread is on top at each crossing.
    function _weave(bytes32 root) private pure returns (string memory out) {
        uint256 bits = uint256(root);
        for (uint256 row; row < GRID; ++row) {
            for (uint256 col; col < GRID; ++col) {
                bool weftOnTop = (bits >> (row * GRID + col)) & 1 == 1;
                uint256 hueByte = weftOnTop ? uint8(root[row]) : uint8(root[GRID + col]);
                out = string.concat(out, _cell(WEAVE_OFFSET + col * CELL, WEAVE_OFFSET / 2 + row * CELL, hueByte));
            }
        }
    }

    function _text(uint256 y, uint256 fontSize, string memory content) private pure returns (string memory) {
        return
            string.concat(
                '<text x="40" y="',
                y.toString(),
                '" font-size="',
                fontSize.toString(),
                '">',
                content,
                "</text>"
            );
    }

    function _cell(uint256 x, uint256 y, uint256 hueByte) private pure returns (string memory) {
        return
            string.concat(
                '<rect x="',
                x.toString(),
                '" y="',
                y.toString(),
                '" width="38" height="38" rx="4" fill="hsl(',
                ((hueByte * 360) / 256).toString(),
                ',70%,55%)"/>'
            );
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// JSON and SVG are written with double quotes inside, so their literals use single quotes.
// solhint-disable quotes

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IComputeReceipt} from "../interfaces/IComputeReceipt.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {ReceiptArt} from "../libraries/ReceiptArt.sol";
import {TokenText} from "../libraries/TokenText.sol";
import {UtcDate} from "../libraries/UtcDate.sol";

/// @title ComputeReceipt
/// @notice One NFT per settled job, minted to the client by the escrow; `tokenId == jobId`.
/// @dev Stores nothing but ownership: `tokenURI` reads the job's settlement from the escrow and renders JSON and SVG
/// on-chain, the payment in the token's units with its symbol and the settlement time as a UTC date and time. Nothing
/// of that is done at mint, so settling a job costs no more for it.
contract ComputeReceipt is ERC721, IComputeReceipt {
    using Strings for uint256;
    using Strings for address;

    IJobEscrow private immutable _escrow;

    /// @param escrow_ The JobEscrow, the only minter.
    constructor(IJobEscrow escrow_) ERC721("Weft Compute Receipt", "WEFTR") {
        _escrow = escrow_;
    }

    /// @inheritdoc IComputeReceipt
    function mint(address client, uint256 jobId) external {
        if (msg.sender != address(_escrow)) revert OnlyEscrow(msg.sender);
        _mint(client, jobId);
    }

    /// @inheritdoc IComputeReceipt
    function escrow() external view returns (address) {
        return address(_escrow);
    }

    /// @notice On-chain JSON metadata (base64 data URI) with the job's facts and an SVG image.
    /// @dev The payment's decimals are the escrow's, read from the token when it was allowed and used to value the
    /// payment (at most MAX_PAYMENT_TOKEN_DECIMALS, and kept when the token is disallowed); only the symbol is asked of
    /// the token itself, with bounded gas and a fallback (see {TokenText-symbol}).
    function tokenURI(uint256 jobId) public view override(ERC721, IERC721Metadata) returns (string memory) {
        _requireOwned(jobId);
        IJobEscrow.Settlement memory j = _escrow.settlement(jobId);
        ReceiptArt.Texts memory texts = ReceiptArt.Texts(
            ReceiptArt.bytes32ToString(j.workloadId),
            string.concat(
                TokenText.amount(j.payment, _escrow.paymentTokenConfig(j.paymentToken).decimals),
                " ",
                TokenText.symbol(j.paymentToken)
            ),
            UtcDate.format(j.settledAt)
        );
        string memory json = string.concat(
            '{"name":"Weft receipt #',
            jobId.toString(),
            '","description":"Receipt for GPU compute job ',
            jobId.toString(),
            ' settled on Weft.","attributes":[',
            _attributes(texts, j),
            '],"image":"data:image/svg+xml;base64,',
            Base64.encode(bytes(ReceiptArt.svg(jobId, texts, j))),
            '"}'
        );
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }

    /// @dev Machines get each fact raw (base units, unix seconds, addresses); people get "paid" and "settled".
    function _attributes(
        ReceiptArt.Texts memory texts,
        IJobEscrow.Settlement memory j
    ) private pure returns (string memory) {
        return
            string.concat(
                _attribute("workload", texts.workload, true),
                _attribute("provider", j.provider.toHexString(), true),
                _paymentAttributes(texts.paid, j),
                _attribute("result root", uint256(j.resultRoot).toHexString(32), true),
                _attribute("settled at", uint256(j.settledAt).toString(), true),
                _attribute("settled", texts.settled, false)
            );
    }

    function _paymentAttributes(
        string memory paid,
        IJobEscrow.Settlement memory j
    ) private pure returns (string memory) {
        return
            string.concat(
                _attribute("payment token", j.paymentToken.toHexString(), true),
                _attribute("amount", uint256(j.payment).toString(), true),
                _attribute("paid", paid, true)
            );
    }

    function _attribute(string memory trait, string memory value, bool more) private pure returns (string memory) {
        return string.concat('{"trait_type":"', trait, '","value":"', value, more ? '"},' : '"}');
    }
}

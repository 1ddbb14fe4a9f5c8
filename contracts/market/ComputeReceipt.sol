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

/// @title ComputeReceipt
/// @notice One NFT per settled job, minted to the client by the escrow; `tokenId == jobId`.
/// @dev Stores nothing but ownership: `tokenURI` reads the job's settlement from the escrow and renders JSON and SVG
/// on-chain.
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
    function tokenURI(uint256 jobId) public view override(ERC721, IERC721Metadata) returns (string memory) {
        _requireOwned(jobId);
        IJobEscrow.Settlement memory j = _escrow.settlement(jobId);
        string memory workload = ReceiptArt.bytes32ToString(j.workloadId);
        string memory json = string.concat(
            '{"name":"Weft receipt #',
            jobId.toString(),
            '","description":"Receipt for GPU compute job ',
            jobId.toString(),
            ' settled on Weft.","attributes":[',
            _attributes(workload, j),
            '],"image":"data:image/svg+xml;base64,',
            Base64.encode(bytes(ReceiptArt.svg(jobId, workload, j))),
            '"}'
        );
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }

    function _attributes(string memory workload, IJobEscrow.Settlement memory j) private pure returns (string memory) {
        return
            string.concat(
                _attribute("workload", workload, true),
                _attribute("provider", j.provider.toHexString(), true),
                _attribute("payment token", j.paymentToken.toHexString(), true),
                _attribute("amount", uint256(j.payment).toString(), true),
                _attribute("result root", uint256(j.resultRoot).toHexString(32), true),
                _attribute("settled at", uint256(j.settledAt).toString(), false)
            );
    }

    function _attribute(string memory trait, string memory value, bool more) private pure returns (string memory) {
        return string.concat('{"trait_type":"', trait, '","value":"', value, more ? '"},' : '"}');
    }
}

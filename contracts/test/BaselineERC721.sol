// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title BaselineERC721
/// @notice OpenZeppelin's ERC721 with an open mint and nothing else: the gas bench's yardstick for a receipt mint.
contract BaselineERC721 is ERC721 {
    constructor() ERC721("Baseline NFT", "BNFT") {}

    /// @notice Mints `tokenId` to `to`; anyone may call it (bench only).
    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";

/// @title IComputeReceipt
/// @notice An ERC721 receipt for every settled job, minted to the client, with `tokenId == jobId`.
/// @dev The token URI is on-chain JSON with an SVG image, drawn from the job's settlement as the escrow keeps it,
/// so nothing is stored twice. Receipts are transferable: a receipt is ownership of the work.
interface IComputeReceipt is IERC721Metadata {
    /// @notice Only the escrow mints receipts.
    error OnlyEscrow(address caller);

    /// @notice Mints the receipt of `jobId` to `client` (the escrow only, at finalize).
    function mint(address client, uint256 jobId) external;

    /// @notice The escrow whose jobs the receipts describe.
    function escrow() external view returns (address);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";
import {VestingWalletCliff} from "@openzeppelin/contracts/finance/VestingWalletCliff.sol";

/// @title CliffVestingWallet
/// @notice Holds a launch allocation of WEFT and releases it to its beneficiary linearly over `duration` seconds from
/// `start`, nothing before the cliff. Anyone may call `release(token)`; the tokens go to the owner (the beneficiary).
/// @dev OpenZeppelin's VestingWalletCliff, made deployable. The wallet cannot delegate, so the ERC20Votes tokens it
/// holds carry no votes until released: a vested allocation cannot vote at launch. The start is an offset from this
/// contract's deployment rather than a timestamp, so that a resumed deployment passes the same arguments.
contract CliffVestingWallet is VestingWalletCliff {
    /// @param beneficiary The owner, who receives the released tokens (and may transfer the wallet).
    /// @param startDelay Seconds from deployment until vesting starts.
    /// @param durationSeconds Seconds over which the allocation vests linearly from the start.
    /// @param cliffSeconds Seconds from the start before which nothing is released (at most `durationSeconds`).
    constructor(
        address beneficiary,
        uint64 startDelay,
        uint64 durationSeconds,
        uint64 cliffSeconds
    )
        VestingWallet(beneficiary, uint64(block.timestamp) + startDelay, durationSeconds)
        VestingWalletCliff(cliffSeconds)
    {}
}

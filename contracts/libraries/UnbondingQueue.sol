// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";

/// @title UnbondingQueue
/// @notice One provider's pending unbonding entries: a fixed-capacity ring buffer, oldest first.
/// @dev Every function touches at most {CAPACITY} entries, so its gas is bounded by a constant.
/// Invariants kept by the functions below:
/// - every stored entry has a positive amount (entries that reach zero are deleted);
/// - entries mature in queue order: {push} clamps a new entry's maturity to the newest entry's, so a shorter
///   unbonding period set by governance never lets a newer entry overtake an older one. The matured entries are
///   therefore always a prefix of the queue, and {popMatured} stops at the first immature one.
library UnbondingQueue {
    /// @notice The most entries a queue holds at once.
    uint256 internal constant CAPACITY = 8;

    /// @dev `head` and `length` share one slot (read together by every operation); each entry (uint128 amount +
    /// uint40 maturity = 168 bits) fills one slot of its own. Slot `entries[(head + i) % CAPACITY]` is the i-th
    /// oldest entry for i < length; the others are zero.
    struct Queue {
        uint8 head;
        uint8 length;
        IProviderRegistry.UnbondingEntry[CAPACITY] entries;
    }

    /// @notice Whether the queue has no room for another entry.
    function isFull(Queue storage queue) internal view returns (bool) {
        return queue.length == CAPACITY;
    }

    /// @notice Appends an entry; the caller must have checked {isFull}.
    /// @param maturesAt The earliest maturity wanted; raised to the newest entry's maturity if that is later.
    /// @return The maturity actually recorded.
    function push(Queue storage queue, uint128 amount, uint40 maturesAt) internal returns (uint40) {
        uint256 head = queue.head;
        uint256 length = queue.length;
        if (length != 0) {
            uint40 newest = queue.entries[(head + length - 1) % CAPACITY].maturesAt;
            if (newest > maturesAt) maturesAt = newest;
        }
        queue.entries[(head + length) % CAPACITY] = IProviderRegistry.UnbondingEntry(amount, maturesAt);
        queue.length = uint8(length + 1);
        return maturesAt;
    }

    /// @notice Removes every entry matured at `timestamp` (a prefix of the queue) and returns their sum.
    function popMatured(Queue storage queue, uint256 timestamp) internal returns (uint256 sum) {
        uint256 head = queue.head;
        uint256 length = queue.length;
        while (length != 0) {
            IProviderRegistry.UnbondingEntry memory entry = queue.entries[head];
            if (entry.maturesAt > timestamp) break;
            sum += entry.amount;
            delete queue.entries[head];
            head = (head + 1) % CAPACITY;
            --length;
        }
        if (sum != 0) {
            queue.head = uint8(head);
            queue.length = uint8(length);
        }
    }

    /// @notice Takes up to `amount` from the entries, newest first, and returns what it took.
    /// @dev Newest first: the stake that most recently left is the stake most likely to have backed the work in
    /// dispute, and the oldest entries (closest to maturity) keep their place.
    function takeNewestFirst(Queue storage queue, uint256 amount) internal returns (uint256 taken) {
        uint256 head = queue.head;
        uint256 length = queue.length;
        while (length != 0 && taken < amount) {
            uint256 index = (head + length - 1) % CAPACITY;
            uint256 entryAmount = queue.entries[index].amount;
            uint256 wanted = amount - taken;
            if (entryAmount > wanted) {
                // Partially taken: the entry stays, smaller, with its maturity.
                queue.entries[index].amount = uint128(entryAmount - wanted);
                taken = amount;
            } else {
                taken += entryAmount;
                delete queue.entries[index];
                --length;
            }
        }
        queue.length = uint8(length);
    }

    /// @notice The sum of all pending entries.
    function total(Queue storage queue) internal view returns (uint256 sum) {
        uint256 head = queue.head;
        uint256 length = queue.length;
        for (uint256 i = 0; i < length; ++i) {
            sum += queue.entries[(head + i) % CAPACITY].amount;
        }
    }

    /// @notice The pending entries, oldest first.
    function toArray(Queue storage queue) internal view returns (IProviderRegistry.UnbondingEntry[] memory entries) {
        uint256 head = queue.head;
        uint256 length = queue.length;
        entries = new IProviderRegistry.UnbondingEntry[](length);
        for (uint256 i = 0; i < length; ++i) {
            entries[i] = queue.entries[(head + i) % CAPACITY];
        }
    }
}

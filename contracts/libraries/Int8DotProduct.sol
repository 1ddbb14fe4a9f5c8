// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title Int8DotProduct
 * @notice The exact dot product of two int8 vectors given as two's-complement bytes in calldata, 32 elements per step
 * (SWAR: SIMD within a register), bit-exact with src/workloads/matmul-i8. No well-kept library does int8 SIMD in the
 * EVM, hence this one.
 * @dev A 32-byte word is split into four groups of eight 32-bit lanes, one element per lane (the bytes at 8-bit
 * shifts, masked). Each byte x is read as the unsigned u = x + 128 (xor 0x80) and turned back into x by subtracting
 * 128 from every lane at once: as a 256-bit integer the word is then sum_l x_l * 2^(32 l) mod 2^256, negative lanes
 * borrowing from the lanes above as integer arithmetic does. With b's lanes in reverse order, one 256-bit `mul` is the
 * product of two degree-7 polynomials in 2^32 mod 2^256: the coefficient of (2^32)^7, sum_l a_l * b_l, lands in the
 * top lane, the coefficients above fall off the word, and the ones below form a tail T with |T| < 7 * 2^14 * 2^193.
 * The products of all steps accumulate in one word; the tails sum to less than 2^222 in magnitude (length <= 2^16,
 * so at most 2^13 steps), so adding 2^223 once makes the low 224 bits nonnegative and the top lane exactly the sum
 * mod 2^32. The sum itself is at most length * 2^14 <= 2^30 in magnitude (MAX_LENGTH), so it is the top lane sign
 * extended from 32 bits. The last partial word (length mod 32 bytes) goes through the same step with the lanes beyond
 * the vector set to x = 0, which adds nothing.
 * The legacy code generator does not run the Yul optimizer on inline assembly: expressions are nested so that few
 * values are named (each costs stack shuffling), and the loop writes `reversed` and `products` out, since a Yul
 * function call costs about 45 gas a step there (measured: 13.8 gas per element with the calls, 12.4 without).
 */
library Int8DotProduct {
    /// @notice The longest vector the lanes hold exactly (sum below 2^31, tails below 2^223; see above).
    uint256 internal constant MAX_LENGTH = 1 << 16;

    /// @notice The two vectors differ in length.
    error VectorLengthMismatch(uint256 lengthA, uint256 lengthB);
    /// @notice The vectors are longer than MAX_LENGTH, beyond which the lanes could overflow.
    error VectorTooLong(uint256 length, uint256 maxLength);

    /// @notice sum_i a[i] * b[i], with a[i] and b[i] the int8 values of the bytes of `a` and `b`.
    function dot(bytes calldata a, bytes calldata b) internal pure returns (int256 sum) {
        uint256 length = a.length;
        if (b.length != length) revert VectorLengthMismatch(length, b.length);
        if (length > MAX_LENGTH) revert VectorTooLong(length, MAX_LENGTH);
        assembly ("memory-safe") {
            // The step on two offset words, b's already in reversed lane order: the four groups' products.
            function products(ua, ub) -> p {
                p := add(
                    add(
                        mul(
                            sub(
                                and(ua, 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                0x0000008000000080000000800000008000000080000000800000008000000080
                            ),
                            sub(
                                and(ub, 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                0x0000008000000080000000800000008000000080000000800000008000000080
                            )
                        ),
                        mul(
                            sub(
                                and(shr(8, ua), 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                0x0000008000000080000000800000008000000080000000800000008000000080
                            ),
                            sub(
                                and(shr(8, ub), 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                0x0000008000000080000000800000008000000080000000800000008000000080
                            )
                        )
                    ),
                    add(
                        mul(
                            sub(
                                and(shr(16, ua), 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                0x0000008000000080000000800000008000000080000000800000008000000080
                            ),
                            sub(
                                and(shr(16, ub), 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                0x0000008000000080000000800000008000000080000000800000008000000080
                            )
                        ),
                        mul(
                            sub(
                                and(shr(24, ua), 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                0x0000008000000080000000800000008000000080000000800000008000000080
                            ),
                            sub(
                                and(shr(24, ub), 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                0x0000008000000080000000800000008000000080000000800000008000000080
                            )
                        )
                    )
                )
            }
            // Reverses the eight 32-bit lanes of w: swap halves, then 64-bit pairs, then 32-bit pairs.
            function reversed(w) -> r {
                r := or(shr(128, w), shl(128, w))
                r := or(
                    and(shr(64, r), 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff),
                    shl(64, and(r, 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff))
                )
                r := or(
                    and(shr(32, r), 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff),
                    shl(32, and(r, 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff))
                )
            }

            let fullBytes := and(length, not(31))
            // The bias that keeps the accumulated tails nonnegative (2^223), added once.
            let acc := shl(223, 1)
            let rest := sub(length, fullBytes)
            if rest {
                // calldataload past the vector reads whatever follows it: its `rest` leading bytes are the vector's,
                // the others are zeroed, so x = 0 there.
                let keep := not(shr(shl(3, rest), not(0)))
                acc := add(
                    acc,
                    products(
                        xor(
                            and(calldataload(add(a.offset, fullBytes)), keep),
                            0x8080808080808080808080808080808080808080808080808080808080808080
                        ),
                        reversed(
                            xor(
                                and(calldataload(add(b.offset, fullBytes)), keep),
                                0x8080808080808080808080808080808080808080808080808080808080808080
                            )
                        )
                    )
                )
            }
            let toB := sub(b.offset, a.offset)
            // Every full word: `products(wa, reversed(wb))`, written out.
            for {
                let p := a.offset
                let end := add(a.offset, fullBytes)
            } lt(p, end) {
                p := add(p, 32)
            } {
                let wa := xor(calldataload(p), 0x8080808080808080808080808080808080808080808080808080808080808080)
                let wb := xor(
                    calldataload(add(p, toB)),
                    0x8080808080808080808080808080808080808080808080808080808080808080
                )
                wb := or(shr(128, wb), shl(128, wb))
                wb := or(
                    and(shr(64, wb), 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff),
                    shl(64, and(wb, 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff))
                )
                wb := or(
                    and(shr(32, wb), 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff),
                    shl(32, and(wb, 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff))
                )
                acc := add(
                    acc,
                    add(
                        add(
                            mul(
                                sub(
                                    and(wa, 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                    0x0000008000000080000000800000008000000080000000800000008000000080
                                ),
                                sub(
                                    and(wb, 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                    0x0000008000000080000000800000008000000080000000800000008000000080
                                )
                            ),
                            mul(
                                sub(
                                    and(shr(8, wa), 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                    0x0000008000000080000000800000008000000080000000800000008000000080
                                ),
                                sub(
                                    and(shr(8, wb), 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff),
                                    0x0000008000000080000000800000008000000080000000800000008000000080
                                )
                            )
                        ),
                        add(
                            mul(
                                sub(
                                    and(
                                        shr(16, wa),
                                        0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff
                                    ),
                                    0x0000008000000080000000800000008000000080000000800000008000000080
                                ),
                                sub(
                                    and(
                                        shr(16, wb),
                                        0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff
                                    ),
                                    0x0000008000000080000000800000008000000080000000800000008000000080
                                )
                            ),
                            mul(
                                sub(
                                    and(
                                        shr(24, wa),
                                        0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff
                                    ),
                                    0x0000008000000080000000800000008000000080000000800000008000000080
                                ),
                                sub(
                                    and(
                                        shr(24, wb),
                                        0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff
                                    ),
                                    0x0000008000000080000000800000008000000080000000800000008000000080
                                )
                            )
                        )
                    )
                )
            }
            sum := signextend(3, shr(224, acc))
        }
    }
}

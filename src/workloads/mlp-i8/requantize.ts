/**
 * Requantization of an int32 accumulator to int8, bit-exact with MlpI8Checker:
 *
 *   p = acc * multiplier                                  exact (|p| < 2^62)
 *   q = shift == 0 ? p : floor((p + 2^(shift - 1)) / 2^shift)   round half up (ties toward +infinity)
 *   y = min(127, max(-128, q))                            saturate to int8
 *   out = activation == relu ? max(0, y) : y
 *
 * This is gemmlowp's and TFLite's fixed-point scale (an integer multiplier and a right shift, real scale
 * multiplier / 2^shift) with zero points 0 (symmetric int8). It differs from TFLite's
 * MultiplyByQuantizedMultiplier in one place, on purpose: that rounds the doubling high multiply and then the shift
 * separately, half away from zero; here the exact product is shifted once, half up, which the EVM does with one
 * `sar` and which has no double rounding.
 */
import { Activation } from "./network";

const INT8_MIN = -128;
const INT8_MAX = 127;
/** Products below this, plus a rounding term below 2^31, stay below 2^53: exact in a double, no BigInt needed. */
const EXACT_PRODUCT = 2 ** 52;

/** The requantized, saturated and activated int8 value of `acc`. */
export function requantize(acc: number, multiplier: number, shift: number, activation: Activation): number {
  const product = acc * multiplier;
  let q: number;
  if (Math.abs(product) < EXACT_PRODUCT) {
    // Exact: the sum of the product and the rounding term is an integer below 2^53, and division by 2^shift is exact.
    q = shift === 0 ? product : Math.floor((product + 2 ** (shift - 1)) / 2 ** shift);
  } else {
    const big = BigInt(acc) * BigInt(multiplier);
    q = Number(shift === 0 ? big : (big + (1n << BigInt(shift - 1))) >> BigInt(shift));
  }
  const y = q < INT8_MIN ? INT8_MIN : q > INT8_MAX ? INT8_MAX : q;
  return activation === Activation.RELU && y < 0 ? 0 : y;
}

/**
 * Requantizes a layer's accumulators into `into`: requantize() with the rounding term and the scale computed once,
 * about ten times faster on the hot path of inference and of the verifier's check.
 */
export function requantizeLayer(
  accumulators: Int32Array,
  into: Int8Array,
  layer: { multiplier: number; shift: number; activation: Activation },
): void {
  const { multiplier, shift, activation } = layer;
  const half = shift === 0 ? 0 : 2 ** (shift - 1);
  // Multiplying by a power of two is exact, like the division it replaces.
  const scale = 2 ** -shift;
  const floor = activation === Activation.RELU ? 0 : INT8_MIN;
  for (let i = 0; i < accumulators.length; i++) {
    const product = accumulators[i] * multiplier;
    if (Math.abs(product) >= EXACT_PRODUCT) {
      into[i] = requantize(accumulators[i], multiplier, shift, activation);
      continue;
    }
    const q = Math.floor((product + half) * scale);
    into[i] = q < floor ? floor : q > INT8_MAX ? INT8_MAX : q;
  }
}

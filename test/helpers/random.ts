/**
 * The tests' one seeded random source: the counter-based generator of src/workloads/prng.ts (the one that makes
 * workload inputs and drives the demo's cheaters). One seed always gives the same sequence, so a failing test
 * replays from its seed. Seeds are any integers, taken modulo 2^32.
 */
import type { RandomSource } from "../../src/provider/cheat";
import type { RandomWords } from "../../src/workloads/matmul-i8/freivalds";
import { uniformStream, wordStream } from "../../src/workloads/prng";

/** Uniform draws in [0, 1) from `seed`'s stream. */
export function seededRandom(seed: number): RandomSource {
  return uniformStream(seed >>> 0);
}

/** Uniform 32-bit words from `seed`'s stream, as the Freivalds check and the verifier's sampling draw them. */
export function seededWords(seed: number): RandomWords {
  return wordStream(seed >>> 0);
}

/** One of `items`, chosen uniformly by `random`. */
export function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/**
 * The tests' one seeded random source: the counter-based generator of src/workloads/prng.ts (the one that makes
 * workload inputs), through the refilling source src/demo/random.ts builds on it. One seed always gives the same
 * sequence, so a failing test replays from its seed. Seeds are any integers, taken modulo 2^32.
 */
import { seededRandom as seededSource } from "../../src/demo/random";
import type { RandomSource } from "../../src/provider/cheat";
import type { RandomWords } from "../../src/workloads/matmul-i8/freivalds";

/** Uniform draws in [0, 1) from `seed`'s stream. */
export function seededRandom(seed: number): RandomSource {
  return seededSource(seed);
}

/**
 * Uniform 32-bit words from `seed`'s stream, as the Freivalds check and the verifier's sampling draw them: each draw
 * in [0, 1) is a word divided by 2^32, so multiplying it back gives the word exactly.
 */
export function seededWords(seed: number): RandomWords {
  const random = seededSource(seed);
  return (out) => {
    for (let i = 0; i < out.length; i++) out[i] = random() * 2 ** 32;
  };
}

/** One of `items`, chosen uniformly by `random`. */
export function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

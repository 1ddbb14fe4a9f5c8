/** A seeded random source, so that what the demo's cheaters do is the same on every run with the same --seed. */
import type { RandomSource } from "../../src/provider/cheat";
import { int8Stream } from "../../src/workloads/prng";

const WORDS_PER_BLOCK = 256;
const GOLDEN_GAMMA = 0x9e3779b9;

/**
 * Uniform draws in [0, 1) from the counter-based stream of workloads/prng.ts. Word t of the stream for seed s is a
 * hash of s + (t + 1) * gamma, so the stream for s + W * gamma starts where the one for s ends after W words: the
 * source refills block by block without ever repeating.
 */
export function seededRandom(seed: number): RandomSource {
  let blockSeed = seed >>> 0;
  let words = new Uint32Array(0);
  let next = 0;
  return () => {
    if (next === words.length) {
      const bytes = int8Stream(blockSeed, 4 * WORDS_PER_BLOCK);
      words = new Uint32Array(WORDS_PER_BLOCK);
      for (let i = 0; i < WORDS_PER_BLOCK; i++) {
        const b = (j: number) => bytes[4 * i + j] & 0xff;
        words[i] = (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0;
      }
      blockSeed = (blockSeed + Math.imul(WORDS_PER_BLOCK, GOLDEN_GAMMA)) >>> 0;
      next = 0;
    }
    return words[next++] / 2 ** 32;
  };
}

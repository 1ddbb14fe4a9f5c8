/** Uniform samples of result chunks, without replacement, from an injectable random source. */
import type { RandomWords } from "../../workloads/matmul-i8/freivalds";

const TWO_32 = 2 ** 32;

/** A uniform integer in [0, bound), by rejection sampling uint32 words (no modulo bias). */
export function randomBelow(bound: number, random: RandomWords): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > TWO_32) {
    throw new RangeError(`bound must be an integer in [1, 2^32], got ${bound}`);
  }
  const limit = TWO_32 - (TWO_32 % bound);
  const word = new Uint32Array(1);
  for (;;) {
    random(word);
    if (word[0] < limit) return word[0] % bound;
  }
}

/** Chunks to sample out of `chunkCount` so that a single wrong chunk is caught with probability >= `detection`. */
export function chunksForDetection(chunkCount: number, detection: number): number {
  if (!(detection > 0 && detection <= 1)) throw new RangeError(`detection must be in (0, 1], got ${detection}`);
  return Math.min(chunkCount, Math.max(1, Math.ceil(detection * chunkCount)));
}

/** `count` distinct indices in [0, total), uniformly, ascending (Floyd's algorithm: O(count) draws). */
export function sampleWithoutReplacement(total: number, count: number, random: RandomWords): number[] {
  if (!Number.isInteger(count) || count < 0 || count > total) {
    throw new RangeError(`cannot sample ${count} of ${total} without replacement`);
  }
  const chosen = new Set<number>();
  for (let j = total - count; j < total; j++) {
    const t = randomBelow(j + 1, random);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

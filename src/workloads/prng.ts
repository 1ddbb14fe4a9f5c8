/**
 * Deterministic input generation, reproducible in any language.
 *
 * The generator is a 32-bit counter-based hash: word t (t = 0, 1, 2, ...) of the stream for `seed` is
 * fmix32(seed + (t + 1) * 0x9E3779B9 mod 2^32), where fmix32 is MurmurHash3's finalizer
 *   z ^= z >>> 16; z *= 0x85EBCA6B; z ^= z >>> 13; z *= 0xC2B2AE35; z ^= z >>> 16   (all mod 2^32).
 * fmix32 is a bijection on 32-bit words and the counter visits 2^32 distinct states, so every word,
 * and therefore every byte, is reachable. Each word gives four int8 values: its bytes from least to
 * most significant, each reinterpreted as two's complement (-128..127).
 */
const GOLDEN_GAMMA = 0x9e3779b9;

function fmix32(word: number): number {
  let z = word;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function requireSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be a uint32, got ${seed}`);
  }
}

/** The first `count` int8 values of the stream for `seed` (a uint32). */
export function int8Stream(seed: number, count: number): Int8Array {
  requireSeed(seed);
  const out = new Int8Array(count);
  let state = seed | 0;
  for (let i = 0; i < count; i += 4) {
    state = (state + GOLDEN_GAMMA) | 0;
    const word = fmix32(state);
    for (let b = 0; b < 4 && i + b < count; b++) out[i + b] = (word >>> (8 * b)) & 0xff;
  }
  return out;
}

/** The words of the stream for `seed`, one per call, continuing where the last call stopped. */
function nextWords(seed: number): () => number {
  requireSeed(seed);
  let state = seed | 0;
  return () => {
    state = (state + GOLDEN_GAMMA) | 0;
    return fmix32(state);
  };
}

/** Uniform draws in [0, 1), one per call: word t of the stream for `seed` over 2^32 (the demo's cheaters, tests). */
export function uniformStream(seed: number): () => number {
  const next = nextWords(seed);
  return () => next() / 2 ** 32;
}

/** Fills each array it is given with the next words of the stream for `seed`: reproducible random words. */
export function wordStream(seed: number): (out: Uint32Array) => void {
  const next = nextWords(seed);
  return (out) => {
    for (let i = 0; i < out.length; i++) out[i] = next();
  };
}

/**
 * Serialisation of 32-bit output words (matmul-i8's int32 C, mandelbrot-q's uint32 iteration counts).
 * Big-endian, because the EVM reads a word out of calldata as `bytes4`, which is big-endian.
 */
import { InvalidWorkloadError } from "./errors";

export const WORD_BYTES = 4;

/** Big-endian bytes of each 32-bit word, in order. */
export function encodeWordsBigEndian(words: Int32Array | Uint32Array): Uint8Array {
  const bytes = new Uint8Array(words.length * WORD_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(i * WORD_BYTES, words[i] >>> 0);
  return bytes;
}

function requireWholeWords(workload: string, bytes: Uint8Array, expectedWords: number): DataView {
  if (bytes.length !== expectedWords * WORD_BYTES) {
    throw new InvalidWorkloadError(
      workload,
      `output must be ${expectedWords} words (${expectedWords * WORD_BYTES} bytes), got ${bytes.length} bytes`,
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads `expectedWords` big-endian int32 words; throws if the length does not match. */
export function decodeInt32BigEndian(workload: string, bytes: Uint8Array, expectedWords: number): Int32Array {
  const view = requireWholeWords(workload, bytes, expectedWords);
  const words = new Int32Array(expectedWords);
  for (let i = 0; i < expectedWords; i++) words[i] = view.getInt32(i * WORD_BYTES);
  return words;
}

/** Reads `expectedWords` big-endian uint32 words; throws if the length does not match. */
export function decodeUint32BigEndian(workload: string, bytes: Uint8Array, expectedWords: number): Uint32Array {
  const view = requireWholeWords(workload, bytes, expectedWords);
  const words = new Uint32Array(expectedWords);
  for (let i = 0; i < expectedWords; i++) words[i] = view.getUint32(i * WORD_BYTES);
  return words;
}

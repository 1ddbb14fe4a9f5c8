/**
 * Leaf encodings shared with contracts/libraries/WorkloadLeaves.sol. Every leaf is
 * abi.encode(uint256 header..., bytes data) hashed as an OZ standard leaf. The encoding is written out
 * by hand, straight into the tree builder's memory, because ethers' AbiCoder costs more than the hashing on the
 * ~10^5 leaves of a large result.
 */
import { type LeafMessages, standardLeafHash } from "./merkle";

const ABI_WORD = 32;

/** Bytes of abi.encode(uint256 h0, ..., uint256 hN, bytes data) with `headerWords` headers and `dataLength` data bytes. */
export function headerAndBytesLength(headerWords: number, dataLength: number): number {
  return (headerWords + 2) * ABI_WORD + Math.ceil(dataLength / ABI_WORD) * ABI_WORD;
}

/**
 * Writes abi.encode(uint256 h0, ..., uint256 hN, bytes data) for small non-negative integer headers over all of
 * `target` (headerAndBytesLength bytes, whatever they held: the tree builder reuses its memory) and returns it.
 * `data`, when given as a function, writes the data bytes into the view it is handed (a column read out of B).
 */
export function writeHeaderAndBytes(
  target: Uint8Array,
  header: readonly number[],
  data: Uint8Array | { readonly length: number; write(into: Uint8Array): void },
): Uint8Array {
  const headBytes = (header.length + 1) * ABI_WORD;
  if (target.length !== headerAndBytesLength(header.length, data.length)) {
    throw new RangeError(`abi.encode of ${header.length} words and ${data.length} bytes is not ${target.length} bytes`);
  }
  target.fill(0);
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const writeWord = (offset: number, value: number) => {
    // Values are below 2^53: the high 24 bytes of the word stay zero.
    view.setUint32(offset + ABI_WORD - 4, value % 2 ** 32);
    view.setUint32(offset + ABI_WORD - 8, Math.floor(value / 2 ** 32));
  };
  header.forEach((value, i) => writeWord(i * ABI_WORD, value));
  writeWord(header.length * ABI_WORD, headBytes); // offset of the dynamic bytes
  writeWord(headBytes, data.length);
  const body = target.subarray(headBytes + ABI_WORD, headBytes + ABI_WORD + data.length);
  if (data instanceof Uint8Array) body.set(data);
  else data.write(body);
  return target;
}

/** abi.encode(uint256 h0, ..., uint256 hN, bytes data) for small non-negative integer headers. */
export function abiEncodeHeaderAndBytes(header: readonly number[], data: Uint8Array): Uint8Array {
  return writeHeaderAndBytes(new Uint8Array(headerAndBytesLength(header.length, data.length)), header, data);
}

/** Kind tags of matmul-i8 input leaves. */
export const MatmulInputKind = { ROW_OF_A: 0, COLUMN_OF_B: 1 } as const;
export type MatmulInputKind = (typeof MatmulInputKind)[keyof typeof MatmulInputKind];

/** Leaf of one row of A or column of B: abi.encode(uint8 kind, uint256 index, bytes k int8 values). */
export function matmulInputLeafHash(kind: MatmulInputKind, index: number, vector: Uint8Array): Uint8Array {
  return standardLeafHash(abiEncodeHeaderAndBytes([kind, index], vector));
}

/** Leaf of one result chunk: abi.encode(uint256 chunkIndex, bytes chunk). */
export function resultChunkLeafHash(chunkIndex: number, chunk: Uint8Array): Uint8Array {
  return standardLeafHash(abiEncodeHeaderAndBytes([chunkIndex], chunk));
}

/** The messages of the input leaves of one kind: `count` vectors of k bytes, vector i written by `writeVector`. */
export function matmulInputLeafMessages(
  kind: MatmulInputKind,
  count: number,
  k: number,
  writeVector: (into: Uint8Array, index: number) => void,
): LeafMessages {
  return {
    count,
    length: headerAndBytesLength(2, k),
    write: (target, index) =>
      writeHeaderAndBytes(target, [kind, index], { length: k, write: (into) => writeVector(into, index) }),
  };
}

/**
 * The messages of result chunk leaves `first`..`first + count - 1`, all `chunkBytes` long, chunk i read by `chunkOf`.
 */
export function resultChunkLeafMessages(
  first: number,
  count: number,
  chunkBytes: number,
  chunkOf: (chunkIndex: number) => Uint8Array,
): LeafMessages {
  return {
    count,
    length: headerAndBytesLength(1, chunkBytes),
    write: (target, index) => writeHeaderAndBytes(target, [first + index], chunkOf(first + index)),
  };
}

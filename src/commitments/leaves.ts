/**
 * Leaf encodings shared with contracts/libraries/WorkloadLeaves.sol. Every leaf is
 * abi.encode(uint256 header..., bytes data) hashed as an OZ standard leaf. The encoding is written out
 * by hand because ethers' AbiCoder costs more than the hashing on the ~10^5 leaves of a large result.
 */
import { standardLeafHash } from "./merkle";

const ABI_WORD = 32;

/** abi.encode(uint256 h0, ..., uint256 hN, bytes data) for small non-negative integer headers. */
export function abiEncodeHeaderAndBytes(header: readonly number[], data: Uint8Array): Uint8Array {
  const headBytes = (header.length + 1) * ABI_WORD;
  const paddedData = Math.ceil(data.length / ABI_WORD) * ABI_WORD;
  const out = new Uint8Array(headBytes + ABI_WORD + paddedData);
  const view = new DataView(out.buffer);
  const writeWord = (offset: number, value: number) => {
    // Values are below 2^53: the high 24 bytes of the word stay zero.
    view.setUint32(offset + ABI_WORD - 4, value % 2 ** 32);
    view.setUint32(offset + ABI_WORD - 8, Math.floor(value / 2 ** 32));
  };
  header.forEach((value, i) => writeWord(i * ABI_WORD, value));
  writeWord(header.length * ABI_WORD, headBytes); // offset of the dynamic bytes
  writeWord(headBytes, data.length);
  out.set(data, headBytes + ABI_WORD);
  return out;
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

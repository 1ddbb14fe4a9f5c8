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
  const bodyStart = headBytes + ABI_WORD;
  // Only the words and the padding are zeroed: the data overwrites the rest (this runs once per leaf of a tree).
  target.fill(0, 0, bodyStart);
  target.fill(0, bodyStart + data.length);
  header.forEach((value, i) => writeWord(target, i * ABI_WORD, value));
  writeWord(target, header.length * ABI_WORD, headBytes); // offset of the dynamic bytes
  writeWord(target, headBytes, data.length);
  const body = target.subarray(bodyStart, bodyStart + data.length);
  if (data instanceof Uint8Array) body.set(data);
  else data.write(body);
  return target;
}

/** Writes `value` (a non-negative integer below 2^53) as the big-endian uint256 word at `offset` of zeroed `target`. */
function writeWord(target: Uint8Array, offset: number, value: number): void {
  // The high 25 bytes stay zero; the low 7 bytes hold the value.
  for (let i = ABI_WORD - 1, rest = value; rest > 0; i--, rest = Math.floor(rest / 256))
    target[offset + i] = rest % 256;
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

/** Kind tags of mlp-i8 input leaves, after matmul-i8's (every tag names one leaf encoding). */
export const MlpInputKind = { INPUT_ROW: 2, LAYER: 3, UNIT: 4 } as const;

/** Leaf of one batch row: abi.encode(uint8 2, uint256 item, bytes row), the encoding of a matmul-i8 input vector. */
export function mlpInputRowLeafMessages(
  count: number,
  width: number,
  rowOf: (item: number) => Uint8Array,
): LeafMessages {
  return {
    count,
    length: headerAndBytesLength(2, width),
    write: (target, index) => writeHeaderAndBytes(target, [MlpInputKind.INPUT_ROW, index], rowOf(index)),
  };
}

/**
 * Leaf of a layer's shape and constants: abi.encode(uint8 3, uint256 layer, uint256 inputs, uint256 outputs,
 * uint256 multiplier, uint256 shift, uint256 activation, bytes ""). One leaf.
 */
export function mlpLayerLeafMessages(header: readonly number[]): LeafMessages {
  return {
    count: 1,
    length: headerAndBytesLength(header.length + 1, 0),
    write: (target) => writeHeaderAndBytes(target, [MlpInputKind.LAYER, ...header], new Uint8Array(0)),
  };
}

/**
 * Leaf of one unit of a layer: abi.encode(uint8 4, uint256 layer, uint256 unit, bytes data), data = the unit's bias
 * (int32, big-endian) then its `inputs` int8 weights.
 */
export function mlpUnitLeafMessages(
  layer: number,
  count: number,
  dataLength: number,
  writeData: (into: Uint8Array, unit: number) => void,
): LeafMessages {
  return {
    count,
    length: headerAndBytesLength(3, dataLength),
    write: (target, index) =>
      writeHeaderAndBytes(target, [MlpInputKind.UNIT, layer, index], {
        length: dataLength,
        write: (into) => writeData(into, index),
      }),
  };
}

/** The hash of a leaf of an mlp-i8 input row or unit (headers and data as the leaf messages above write them). */
export function mlpLeafHash(header: readonly number[], data: Uint8Array): Uint8Array {
  return standardLeafHash(abiEncodeHeaderAndBytes(header, data));
}

/**
 * Bytes of matmul-i8 jobs, as the contracts and the content store hold them.
 *  - params: abi.encode(uint32 m, uint32 k, uint32 n)
 *  - inputs: A then B, each row-major, one two's-complement byte per element; no header (the shape is
 *    in the params): exactly m*k + k*n bytes
 *  - output: C row-major, each element a big-endian int32: exactly 4*m*n bytes
 */
import { abiParamsCodec } from "../abi-params";
import { InvalidWorkloadError } from "../errors";
import { int8Stream } from "../prng";
import { decodeInt32BigEndian, encodeWordsBigEndian } from "../words";
import { MATMUL_I8_NAME, type MatmulOperands, type MatmulShape, validateMatmulShape } from "./shape";

export const matmulParamsCodec = abiParamsCodec<{ m: number; k: number; n: number }>(MATMUL_I8_NAME, [
  { name: "m", type: "uint32" },
  { name: "k", type: "uint32" },
  { name: "n", type: "uint32" },
]);

/** A followed by B. */
export function encodeMatmulInputs(operands: MatmulOperands): Uint8Array {
  const bytes = new Uint8Array(operands.a.length + operands.b.length);
  bytes.set(new Uint8Array(operands.a.buffer, operands.a.byteOffset, operands.a.length));
  bytes.set(new Uint8Array(operands.b.buffer, operands.b.byteOffset, operands.b.length), operands.a.length);
  return bytes;
}

/** Splits serialized inputs into A and B (views, no copy); throws if the length does not fit the shape. */
export function decodeMatmulInputs(shape: MatmulShape, bytes: Uint8Array): MatmulOperands {
  validateMatmulShape(shape);
  const aLength = shape.m * shape.k;
  const bLength = shape.k * shape.n;
  if (bytes.length !== aLength + bLength) {
    throw new InvalidWorkloadError(
      MATMUL_I8_NAME,
      `inputs for ${shape.m}x${shape.k}x${shape.n} must be ${aLength + bLength} bytes (A then B), got ${bytes.length}`,
    );
  }
  const signed = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  return { shape, a: signed.subarray(0, aLength), b: signed.subarray(aLength) };
}

export const encodeMatmulOutput = (c: Int32Array): Uint8Array => encodeWordsBigEndian(c);

export function decodeMatmulOutput(shape: MatmulShape, bytes: Uint8Array): Int32Array {
  return decodeInt32BigEndian(MATMUL_I8_NAME, bytes, shape.m * shape.n);
}

/** Deterministic operands: the first m*k + k*n int8 values of the prng.ts stream for `seed` (A, then B). */
export function generateMatmulOperands(shape: MatmulShape, seed: number): MatmulOperands {
  validateMatmulShape(shape);
  return decodeMatmulInputs(shape, new Uint8Array(int8Stream(seed, shape.m * shape.k + shape.k * shape.n).buffer));
}

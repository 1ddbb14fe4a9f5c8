/**
 * Bytes of mandelbrot-q jobs.
 *  - params: abi.encode(int64 x0, int64 y0, int64 step, uint32 width, uint32 height, uint32 maxIter), the
 *    first three in the Q format of tile.ts
 *  - inputs: none; the params are the whole input (commitments/mandelbrot.ts commits to them)
 *  - output: iteration counts row-major, each a big-endian uint32: exactly 4*width*height bytes
 */
import { abiParamsCodec } from "../abi-params";
import { decodeUint32BigEndian, encodeWordsBigEndian } from "../words";
import { MANDELBROT_Q_NAME, type MandelbrotTile } from "./tile";

export const mandelbrotParamsCodec = abiParamsCodec<{ [Field in keyof MandelbrotTile]: number }>(MANDELBROT_Q_NAME, [
  { name: "x0", type: "int64" },
  { name: "y0", type: "int64" },
  { name: "step", type: "int64" },
  { name: "width", type: "uint32" },
  { name: "height", type: "uint32" },
  { name: "maxIter", type: "uint32" },
]);

export const encodeMandelbrotOutput = (pixels: Uint32Array): Uint8Array => encodeWordsBigEndian(pixels);

export function decodeMandelbrotOutput(tile: MandelbrotTile, bytes: Uint8Array): Uint32Array {
  return decodeUint32BigEndian(MANDELBROT_Q_NAME, bytes, tile.width * tile.height);
}

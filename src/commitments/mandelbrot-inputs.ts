/**
 * mandelbrot-q has no input data: its params are the whole input. The input root is keccak256 of the
 * ABI-encoded params (workloads/mandelbrot-q/codec.ts), so a checker can bind the params it is given
 * to the job with one hash (WorkloadLeaves.paramsCommitment).
 */
import { keccak256 } from "ethers";

import { mandelbrotParamsCodec } from "../workloads/mandelbrot-q/codec";
import { type MandelbrotTile, validateMandelbrotTile } from "../workloads/mandelbrot-q/tile";

export function mandelbrotInputRoot(tile: MandelbrotTile): string {
  validateMandelbrotTile(tile);
  return keccak256(mandelbrotParamsCodec.encode(tile));
}

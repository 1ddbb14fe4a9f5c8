/**
 * mandelbrot-q: recompute sampled pixels. Pixels are cheap to recompute one at a time (each depends only on its
 * own coordinates) but there is no algebraic shortcut like Freivalds', so the check samples.
 *
 * What is sampled: whole result chunks (RESULT_CHUNK_WORDS pixels each), s of the C chunks, uniformly without
 * replacement, and every pixel in them is recomputed. A result with one wrong chunk is caught with probability
 * exactly s / C; with w wrong chunks, 1 - binom(C - w, s) / binom(C, s) >= s / C. Sampling chunks rather than
 * pixels matters: a cheater who fakes one chunk (the least it can fake and still save work) is caught with the
 * same probability as one who fakes a single pixel in it, and the chunk is what a dispute proves anyway.
 * `--full` samples every chunk.
 *
 * Default detection: 0.5, so s = ceil(C / 2). Why that suffices: faking a result saves the provider at most its
 * compute cost c, and c < P, the payment (or it would not take the job). Caught, it loses the payment (the
 * client is refunded) and its collateral, 1.5 P at the default collateral ratio, plus a governed share of its
 * stake. Cheating pays only if c > p (P + 1.5 P) = 2.5 p P; at p = 0.5 that is 1.25 P > c, so cheating loses
 * money in expectation even for a provider whose compute costs nothing, before counting the stake share, the
 * jailing and every other watcher (each one independently raises the detection). p = 0.4 is the break-even;
 * 0.5 leaves a margin while halving the verifier's work against recomputing everything.
 */
import type { ResultTree } from "../../commitments/result-tree";
import { RESULT_CHUNK_WORDS } from "../../commitments/result-tree";
import { decodeMandelbrotOutput } from "../../workloads/mandelbrot-q/codec";
import { escapeIterations, type MandelbrotTile } from "../../workloads/mandelbrot-q/tile";
import type { RandomWords } from "../../workloads/matmul-i8/freivalds";
import type { Verdict } from "../verdict";
import { type CheckInput, findingBase } from "./commitments";
import { wordEvidence } from "./evidence";
import { chunksForDetection, sampleWithoutReplacement } from "./sampling";

/** Probability of catching a single wrong chunk when nothing else is said (see the file comment). */
export const DEFAULT_DETECTION = 0.5;

export interface MandelbrotSampling {
  /** Recompute every pixel. */
  readonly full?: boolean;
  /** Probability in (0, 1] of catching a single wrong chunk; DEFAULT_DETECTION if not given. */
  readonly detection?: number;
}

/** The chunks a check recomputes: all of them with `full`, else a uniform sample sized for the detection. */
export function chunksToCheck(chunkCount: number, sampling: MandelbrotSampling, random: RandomWords): number[] {
  const count = sampling.full ? chunkCount : chunksForDetection(chunkCount, sampling.detection ?? DEFAULT_DETECTION);
  return sampleWithoutReplacement(chunkCount, count, random);
}

export function checkMandelbrot(
  input: CheckInput,
  tile: MandelbrotTile,
  output: { bytes: Uint8Array; tree: ResultTree },
  sampling: MandelbrotSampling,
  random: RandomWords,
): Verdict {
  const claimed = decodeMandelbrotOutput(tile, output.bytes);
  const { x0, y0, step, width, maxIter } = tile;
  for (const chunkIndex of chunksToCheck(output.tree.chunkCount, sampling, random)) {
    const end = Math.min(claimed.length, (chunkIndex + 1) * RESULT_CHUNK_WORDS);
    for (let pixelIndex = chunkIndex * RESULT_CHUNK_WORDS; pixelIndex < end; pixelIndex++) {
      const x = pixelIndex % width;
      const y = Math.floor(pixelIndex / width);
      const correct = escapeIterations(x0 + x * step, y0 + y * step, maxIter);
      if (claimed[pixelIndex] === correct) continue;
      return {
        verdict: "finding",
        finding: {
          ...findingBase(input),
          kind: "wrong-pixel",
          pixelIndex,
          x,
          y,
          claimed: claimed[pixelIndex],
          correct,
          result: wordEvidence(output.tree, pixelIndex, input.resultRoot),
        },
      };
    }
  }
  return { verdict: "valid" };
}

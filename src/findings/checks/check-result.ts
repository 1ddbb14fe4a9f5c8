/** Checks one submitted result: commitments first, then the workload. Pure: no chain, file or network I/O. */
import { MATMUL_I8_NAME } from "../../workloads/matmul-i8/shape";
import { cryptoRandomWords, type RandomWords } from "../../workloads/matmul-i8/freivalds";
import type { Verdict } from "../verdict";
import { type CheckInput, checkInputCommitment, checkOutputCommitment } from "./commitments";
import { checkMandelbrot, type MandelbrotSampling } from "./mandelbrot";
import { checkMatmul } from "./matmul";
import { checkMlp } from "./mlp";
import { MANDELBROT_Q_NAME } from "../../workloads/mandelbrot-q/tile";
import { MLP_I8_NAME } from "../../workloads/mlp-i8/network";

export interface CheckOptions {
  readonly mandelbrot?: MandelbrotSampling;
  /** Source of Freivalds' vectors and of the pixel sample; crypto-random unless a test injects one. */
  readonly random?: RandomWords;
}

export function checkResult(input: CheckInput, options: CheckOptions = {}): Verdict {
  const random = options.random ?? cryptoRandomWords;
  const output = checkOutputCommitment(input);
  if (!output.ok) return { verdict: "finding", finding: output.finding };
  const inputs = checkInputCommitment(input);
  if (!inputs.ok) return inputs.verdict;
  const { job } = input;
  switch (job.name) {
    case MATMUL_I8_NAME:
      return checkMatmul(input, job.params, inputs.bytes, output, { random });
    case MLP_I8_NAME:
      return checkMlp(input, job.params, inputs.bytes, output, { random });
    case MANDELBROT_Q_NAME:
      return checkMandelbrot(input, job.params, output, options.mandelbrot ?? {}, random);
  }
}

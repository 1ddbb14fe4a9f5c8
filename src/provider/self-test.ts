/**
 * The backend self-test `provider:run` runs before it registers, stakes or accepts anything: one tiny job of each
 * workload the agent serves, computed by the configured backend and compared bit for bit with the reference
 * implementation. A kernel that crashes, times out or computes wrong is found here, at no cost, instead of on the
 * first real job, where it would lock collateral the liveness penalty (or a dispute) then takes.
 *
 * The jobs are small enough to cost milliseconds on the CPU and one process start per workload with `exec`, so the
 * test always runs: an operator who does not want a workload tested leaves it out of --workloads, and then the
 * agent never takes a job of it either.
 */
import { generateInputs, referenceOutput } from "../jobs/job-data";
import { toFixedPoint } from "../workloads/mandelbrot-q/tile";
import { MATMUL_I8_NAME } from "../workloads/matmul-i8/shape";
import { Activation, MLP_I8_NAME } from "../workloads/mlp-i8/network";
import { type DecodedJob, mandelbrotQ, matmulI8, mlpI8, outputGrid } from "../workloads/registry";
import { WORD_BYTES } from "../workloads/words";
import { errorMessage, UserError } from "../errors";
import { type ComputeBackend, describeJob } from "./backends/backend";

/**
 * The self-test job of each workload: odd, unequal sides (a transposed or padded layout shows), full int8 range
 * inputs (sign handling shows), a tile crossing the set's boundary (escaping and bounded pixels both appear), and a
 * two-layer network (ReLU then identity) whose activation blocks end mid-word, with rounded, zeroed and saturated
 * values.
 */
export const SELF_TEST_JOBS: readonly DecodedJob[] = [
  { name: MATMUL_I8_NAME, workload: matmulI8, params: { m: 3, k: 5, n: 4 } },
  {
    name: mandelbrotQ.name,
    workload: mandelbrotQ,
    params: { x0: toFixedPoint(-2), y0: toFixedPoint(-1), step: toFixedPoint(0.25), width: 7, height: 5, maxIter: 40 },
  },
  {
    name: MLP_I8_NAME,
    workload: mlpI8,
    params: {
      batch: 3,
      inputs: 5,
      layers: [
        { outputs: 7, multiplier: 3 << 20, shift: 28, activation: Activation.RELU },
        { outputs: 3, multiplier: 1 << 16, shift: 24, activation: Activation.IDENTITY },
      ],
    },
  },
];

/** The seed of the self-test inputs. */
export const SELF_TEST_SEED = 23;

/** Where two outputs first differ, as one clause: "word 6 (row 1, col 2) is 17, the reference 18; 3 of 12 differ". */
function firstDifference(job: DecodedJob, got: Uint8Array, expected: Uint8Array): string | undefined {
  if (got.length !== expected.length) return `it is ${got.length} bytes, the reference ${expected.length}`;
  const words = expected.length / WORD_BYTES;
  const gotView = new DataView(got.buffer, got.byteOffset, got.byteLength);
  const expectedView = new DataView(expected.buffer, expected.byteOffset, expected.byteLength);
  let first = -1;
  let differing = 0;
  for (let word = 0; word < words; word++) {
    if (gotView.getInt32(word * WORD_BYTES) === expectedView.getInt32(word * WORD_BYTES)) continue;
    if (first === -1) first = word;
    differing++;
  }
  if (first === -1) return undefined;
  const { cols } = outputGrid(job);
  const at = `word ${first} (row ${Math.floor(first / cols)}, col ${first % cols})`;
  return (
    `${at} is ${gotView.getInt32(first * WORD_BYTES)}, the reference ${expectedView.getInt32(first * WORD_BYTES)}; ` +
    `${differing} of ${words} words differ`
  );
}

/**
 * Computes the self-test job of each workload in `workloads` with `backend` and compares it with the reference.
 * Throws a one-line UserError naming the workload, the backend and what differed (or what failed).
 */
export async function selfTestBackend(backend: ComputeBackend, workloads: readonly string[]): Promise<void> {
  for (const job of SELF_TEST_JOBS.filter((candidate) => workloads.includes(candidate.name))) {
    const inputs = generateInputs(job, SELF_TEST_SEED);
    const expected = await referenceOutput(job, inputs);
    const failed = (problem: string) =>
      new UserError(
        `backend self-test failed: the ${backend.name} backend on a ${describeJob(job)} job ${problem.replace(/\s+/g, " ")}; ` +
          `the agent did not start (fix the backend, or leave ${job.name} out of --workloads).`,
      );
    let output: Uint8Array;
    try {
      output = await backend.compute(job, inputs);
    } catch (error) {
      throw failed(`failed: ${errorMessage(error)}`);
    }
    const difference = firstDifference(job, output, expected);
    if (difference !== undefined) throw failed(`computed a wrong output: ${difference}`);
  }
}

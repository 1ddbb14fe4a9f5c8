/**
 * Commitments are checked before any workload arithmetic. The output comes first: whether the provider's
 * committed output can be had is its duty whatever the inputs are. Then the inputs, whose availability and
 * root are the client's duty.
 */
import { RESULT_CHUNK_BYTES, ResultTree } from "../../commitments/result-tree";
import { inputByteLength, inputRootOf } from "../../commitments/job-inputs";
import { type DecodedJob, encodeJobParams, jobOutputBytes } from "../../workloads/registry";
import { WORD_BYTES } from "../../workloads/words";
import type { Fetched, Finding, FindingBase, Verdict } from "../verdict";
import { chunkEvidence } from "./evidence";

/** Everything a check needs: the decoded job, its committed roots and what was fetched for it. */
export interface CheckInput {
  readonly jobId: bigint;
  readonly job: DecodedJob;
  readonly inputRoot: string;
  readonly resultRoot: string;
  /** The job's input bytes (empty for workloads without input data, e.g. mandelbrot-q). */
  readonly inputs: Fetched;
  readonly output: Fetched;
}

export function findingBase(input: CheckInput): FindingBase {
  return {
    jobId: input.jobId.toString(),
    workload: input.job.name,
    params: encodeJobParams(input.job),
    inputRoot: input.inputRoot,
    resultRoot: input.resultRoot,
  };
}

export type OutputCommitment =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly tree: ResultTree }
  | { readonly ok: false; readonly finding: Finding };

/**
 * The output, if it was fetched, hashes to the committed result root and has the workload's size. In that order:
 * bytes that do not hash to the root say nothing about the committed output (whose data is then withheld), while
 * bytes that do are the commitment, so a wrong size is the provider's own malformed result.
 */
export function checkOutputCommitment(input: CheckInput): OutputCommitment {
  const base = findingBase(input);
  const expectedBytes = jobOutputBytes(input.job);
  const withheld = { chunkCount: Math.ceil(expectedBytes / RESULT_CHUNK_BYTES) };
  if (!input.output.ok) {
    return { ok: false, finding: { ...base, kind: "output-unavailable", ...withheld, error: input.output.error } };
  }
  const { bytes } = input.output;
  const tree = bytes.length > 0 && bytes.length % WORD_BYTES === 0 ? new ResultTree(bytes) : undefined;
  if (tree === undefined || tree.root !== input.resultRoot.toLowerCase()) {
    return {
      ok: false,
      finding: { ...base, kind: "result-root-mismatch", ...withheld, publishedRoot: tree?.root ?? null },
    };
  }
  if (bytes.length !== expectedBytes) {
    const lastChunk = chunkEvidence(tree, tree.chunkCount - 1, input.resultRoot);
    return {
      ok: false,
      finding: { ...base, kind: "output-malformed", expectedBytes, actualBytes: bytes.length, lastChunk },
    };
  }
  return { ok: true, bytes, tree };
}

export type InputCommitment =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly verdict: Verdict & { verdict: "inputs-unverifiable" } };

/** The inputs were fetched, have the job's size and hash to its input root. */
export function checkInputCommitment(input: CheckInput): InputCommitment {
  const unverifiable = (reason: string) => ({
    ok: false as const,
    verdict: { verdict: "inputs-unverifiable" as const, reason },
  });
  if (!input.inputs.ok) return unverifiable(`inputs unavailable: ${input.inputs.error}`);
  const { bytes } = input.inputs;
  const expected = inputByteLength(input.job);
  if (bytes.length !== expected) return unverifiable(`inputs are ${bytes.length} bytes, the job needs ${expected}`);
  const root = inputRootOf(input.job, bytes);
  if (root !== input.inputRoot.toLowerCase()) {
    return unverifiable(`inputs hash to ${root}, the job commits to ${input.inputRoot}`);
  }
  return { ok: true, bytes };
}

/** A job's inputs as the provider gets them: fetched from the content store and checked against the input root. */
import { inputRootOf } from "../commitments/job-inputs";
import { readJobInputs } from "../jobs/input-content";
import type { ContentStoreConfig } from "../store/factory";
import { InvalidWorkloadError } from "../workloads/errors";
import type { DecodedJob } from "../workloads/registry";

/** The inputs do not belong to the job: wrong size, or a root other than the one the job commits to. */
export class InputsMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputsMismatchError";
  }
}

/**
 * The inputs of `job` from `inputURI` (nothing is fetched for workloads without input data), checked against
 * `inputRoot`. Throws an InputsMismatchError if they do not match, or the store's error if they cannot be read.
 */
export async function fetchJobInputs(
  job: DecodedJob,
  inputURI: string,
  inputRoot: string,
  config: ContentStoreConfig,
): Promise<Uint8Array> {
  let root: string;
  let inputs: Uint8Array;
  try {
    inputs = await readJobInputs(job, inputURI, config);
    root = inputRootOf(job, inputs);
  } catch (error) {
    if (error instanceof InvalidWorkloadError) throw new InputsMismatchError(`inputs at ${inputURI}: ${error.message}`);
    throw error;
  }
  if (root.toLowerCase() !== inputRoot.toLowerCase()) {
    throw new InputsMismatchError(`inputs at ${inputURI} have root ${root}, but the job commits to ${inputRoot}`);
  }
  return inputs;
}

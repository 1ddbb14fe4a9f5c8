/**
 * A job's inputs as the content store holds them, and as every reader gets them back: the client publishes, the
 * provider, the verifier and a challenger read.
 *
 * Most workloads store their input bytes as they are. An mlp-i8 model is content of its own, stored once and shared
 * by every job that runs it: a job's stored inputs are the model file's SHA-256 (32 bytes) then its batch
 * (batch x inputs int8), and the model is read from the same store, beside them. Readers get the workload's inputs
 * (the model file, then the batch), which the input root commits to; a store serving a different model fails the
 * hash check of the content store, and a model that does not fit the params fails the input root.
 */
import { hexlify } from "ethers";

import { withRetry, type RetryOptions } from "../chain/retry";
import { errorMessage } from "../errors";
import type { Fetched } from "../findings/verdict";
import type { ContentStore } from "../store/content-store";
import { sha256Bytes } from "../store/content-store";
import { type ContentStoreConfig, contentUriBeside, fetchContent } from "../store/factory";
import { inputByteLength } from "../commitments/job-inputs";
import { InvalidWorkloadError } from "../workloads/errors";
import { encodeMlpInputs } from "../workloads/mlp-i8/codec";
import { modelByteLength } from "../workloads/mlp-i8/model";
import { MLP_I8_NAME } from "../workloads/mlp-i8/network";
import type { DecodedJob } from "../workloads/registry";

const HASH_BYTES = 32;

/** Stores a job's inputs in `store` (an mlp-i8 model first, once) and returns the URI the job names. */
export async function publishJobInputs(job: DecodedJob, inputs: Uint8Array, store: ContentStore): Promise<string> {
  if (job.name !== MLP_I8_NAME) return store.put(inputs);
  const modelLength = modelByteLength(job.params);
  const model = inputs.subarray(0, modelLength);
  await store.put(model);
  const stored = new Uint8Array(HASH_BYTES + inputs.length - modelLength);
  stored.set(sha256Bytes(model));
  stored.set(inputs.subarray(modelLength), HASH_BYTES);
  return store.put(stored);
}

/**
 * The inputs of `job` published at `uri` (none for a workload whose params are its whole input), in the workload's
 * format. Throws the store's error if they cannot be read, or an InvalidWorkloadError if what is stored does not fit.
 */
export async function readJobInputs(
  job: DecodedJob,
  uri: string,
  config: ContentStoreConfig = {},
): Promise<Uint8Array> {
  if (inputByteLength(job) === 0) return new Uint8Array(0);
  const stored = await fetchContent(uri, config);
  if (job.name !== MLP_I8_NAME) return stored;
  const batchBytes = job.params.batch * job.params.inputs;
  if (stored.length !== HASH_BYTES + batchBytes) {
    throw new InvalidWorkloadError(
      MLP_I8_NAME,
      `${uri} holds ${stored.length} bytes; a job's inputs are the model's SHA-256 (32 bytes) and ${batchBytes} batch bytes`,
    );
  }
  const modelHash = hexlify(stored.subarray(0, HASH_BYTES)).slice(2);
  const model = await fetchContent(contentUriBeside(uri, modelHash), config);
  return encodeMlpInputs(model, new Int8Array(stored.buffer, stored.byteOffset + HASH_BYTES, batchBytes));
}

/** readJobInputs as a check takes it: the bytes, or why they could not be had. Retried with `retry` when given. */
export async function readJobInputsOutcome(
  job: DecodedJob,
  uri: string,
  config: ContentStoreConfig = {},
  retry?: RetryOptions,
): Promise<Fetched> {
  try {
    const read = () => readJobInputs(job, uri, config);
    return { ok: true, bytes: await (retry === undefined ? read() : withRetry(`fetching ${uri}`, read, retry)) };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

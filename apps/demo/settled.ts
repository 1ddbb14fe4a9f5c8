/** A settled job's output, as the demo's pictures use it: only what the chain says was verified and paid for. */
import { JobStatus, readJob, readSubmittedResult } from "../../src/chain/jobs";
import { ResultTree } from "../../src/commitments/result-tree";
import type { WeftSystem } from "../../src/deploy/system";
import { fetchContent } from "../../src/store/factory";

/**
 * The published output of job `id`, only if the job settled and the bytes hash to the result root its provider
 * committed to; `what` names the job in errors ("tile", "inference").
 */
export async function settledOutput(
  system: Pick<WeftSystem, "JobEscrow">,
  fromBlock: number,
  id: bigint,
  what: string,
): Promise<Uint8Array> {
  const stored = await readJob(system.JobEscrow, id, fromBlock);
  if (stored.status !== JobStatus.Finalized) throw new Error(`${what} job ${id} did not settle`);
  const submitted = await readSubmittedResult(system.JobEscrow, id, fromBlock);
  if (submitted === undefined) throw new Error(`${what} job ${id} has no submitted result`);
  const bytes = await fetchContent(submitted.resultURI);
  if (new ResultTree(bytes).root !== stored.resultRoot) {
    throw new Error(`the published output of ${what} job ${id} does not match its committed result root`);
  }
  return bytes;
}

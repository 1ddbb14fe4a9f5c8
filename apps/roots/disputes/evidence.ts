/**
 * The job's data a command checks and proves with: its inputs and output, the check the verifier makes, the
 * wrong word of a wrong result, the bond, and revealing a committed proof a block later.
 */
import { chainTime } from "../../../src/chain/clock";
import { type DisputeRecord } from "../../../src/chain/disputes";
import { committedTerms, type JobRecord } from "../../../src/chain/jobs";
import { errorMessage, UserError } from "../../../src/errors";
import { readJobInputs } from "../../../src/jobs/input-content";
import { inputByteLength, inputRootOf } from "../../../src/commitments/job-inputs";
import { formatWeft } from "../../../src/jobs/amounts";
import { formatMoment } from "../../../src/markdown";
import { fetchOutcome } from "../../../src/store/factory";
import { checkResult } from "../../../src/findings/checks/check-result";
import { type FindingBase, isProofFinding, type ProofFinding, type Verdict } from "../../../src/findings/verdict";
import { type DecodedJob, decodeJobParams } from "../../../src/workloads/registry";
import { providerOf } from "../../../src/chain/provider";
import type { DisputeContext } from "./context";
import { command, readFailure } from "./reading";

export function decodeJob(record: JobRecord): DecodedJob {
  try {
    return decodeJobParams(record.created.workloadId, record.created.params);
  } catch (error) {
    throw new UserError(`Job ${record.job.id}'s workload cannot be checked off-chain: ${errorMessage(error)}.`);
  }
}

/** Checks job `record`'s result as the verifier does (every pixel of a tile). */
export async function checkJob(ctx: DisputeContext, record: JobRecord, job: DecodedJob): Promise<Verdict> {
  const { created, submitted } = record;
  return checkResult(
    {
      jobId: record.job.id,
      job,
      inputRoot: created.inputRoot,
      resultRoot: record.job.resultRoot,
      inputs:
        inputByteLength(job) > 0
          ? await fetchOutcome(created.inputURI, ctx.fetchConfig)
          : { ok: true, bytes: new Uint8Array(0) },
      output:
        submitted === undefined
          ? { ok: false, error: "no result submitted" }
          : await fetchOutcome(submitted.resultURI, ctx.fetchConfig),
    },
    { mandelbrot: { full: true } },
  );
}

export function refuseUncheckable(
  id: bigint,
  verdict: Verdict,
): asserts verdict is Exclude<Verdict, { verdict: "inputs-unverifiable" }> {
  if (verdict.verdict === "inputs-unverifiable") {
    throw new UserError(
      `Job ${id} cannot be checked (${verdict.reason}); that is the client's fault, not the provider's.`,
    );
  }
}

/** The wrong element or pixel of job `record`'s result, or a refusal saying why there is none to prove. */
export async function wrongWord(ctx: DisputeContext, record: JobRecord, job: DecodedJob): Promise<ProofFinding> {
  const id = record.job.id;
  const verdict = await checkJob(ctx, record, job);
  if (verdict.verdict === "valid") throw new UserError(`Job ${id}'s result checks out: there is no fraud to prove.`);
  refuseUncheckable(id, verdict);
  const { finding } = verdict;
  if (!isProofFinding(finding)) {
    throw new UserError(`Job ${id}'s output is unusable (${finding.kind}): use --path withheld.`);
  }
  return finding;
}

export function wordOf(finding: ProofFinding): number {
  return finding.kind === "wrong-pixel" ? finding.pixelIndex : finding.wordIndex;
}

/** The job's inputs, checked against its input root (what recomputing the correct output needs). */
export async function jobInputs(ctx: DisputeContext, record: JobRecord, job: DecodedJob): Promise<Uint8Array> {
  if (inputByteLength(job) === 0) return new Uint8Array(0);
  const { id } = record.job;
  const uri = record.created.inputURI;
  let inputs: Uint8Array;
  try {
    inputs = await readJobInputs(job, uri, ctx.fetchConfig);
  } catch (error) {
    throw new UserError(
      `Cannot read job ${id}'s inputs${readFailure(uri, error)}; the correct output is recomputed from them.`,
    );
  }
  let root: string | undefined;
  try {
    root = inputRootOf(job, inputs);
  } catch {
    root = undefined;
  }
  if (root !== record.created.inputRoot) {
    throw new UserError(`The inputs at ${uri} do not match job ${id}'s input root ${record.created.inputRoot}.`);
  }
  return inputs;
}

export function findingBase(record: JobRecord, job: DecodedJob): FindingBase {
  return {
    jobId: record.job.id.toString(),
    workload: job.name,
    params: record.created.params,
    inputRoot: record.created.inputRoot,
    resultRoot: record.job.resultRoot,
  };
}

/** Refuses a challenger that cannot pay the bond (nothing is sent). */
export async function requireBond(ctx: DisputeContext, challenger: string): Promise<bigint> {
  const bond = await ctx.system.DisputeManager.bond();
  const balance = await ctx.system.ComputeToken.balanceOf(challenger);
  if (balance < bond) {
    throw new UserError(`The bond is ${formatWeft(bond)} and ${challenger} holds ${formatWeft(balance)}.`);
  }
  return bond;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the latest block is later than `committedAt` (the proof's commit), so a reveal lands, and is
 * estimated, in a later block than its commit. A local node that mines only on transactions is asked for a block.
 */
async function waitForBlockAfter(ctx: DisputeContext, dispute: DisputeRecord, committedAt: bigint): Promise<void> {
  const provider = providerOf(ctx.signer);
  const timeoutMs = ctx.blockTimeoutMs ?? 300_000;
  const started = Date.now();
  while ((await chainTime(provider)) <= committedAt) {
    if (Date.now() - started >= timeoutMs) {
      throw new UserError(
        `No block came after dispute ${dispute.id}'s commit within ${timeoutMs / 1000} s; reveal its proof before ` +
          `${formatMoment(dispute.deadline, committedAt)} with ${command(ctx, "dispute:step", `--dispute ${dispute.id}`)}.`,
      );
    }
    if (ctx.mineBlock !== undefined) await ctx.mineBlock();
    else await sleep(ctx.pollMs ?? 2_000);
  }
}

/** Reveals the proof committed in `dispute` (once a later block has come); returns the transaction's hash. */
export async function revealCommittedProof(
  ctx: DisputeContext,
  dispute: DisputeRecord,
  record: JobRecord,
  proof: string,
): Promise<string> {
  await waitForBlockAfter(ctx, dispute, dispute.deadline - dispute.challengerTime);
  const tx = await ctx.system.DisputeManager.connect(ctx.signer).revealProof(
    dispute.id,
    committedTerms(record.job),
    record.created.params,
    proof,
  );
  return (await tx.wait())!.hash;
}

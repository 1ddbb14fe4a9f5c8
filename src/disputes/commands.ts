/** What the dispute:* tasks do, one function each, over a connected system. */
import type { Signer } from "ethers";

import { consoleLogger } from "../agents/logger";
import { chainTime } from "../chain/clock";
import { DisputeKind, disputeKindName, DisputeStatus, disputeStatusName } from "../chain/disputes";
import { JobStatus, jobStatusName, readCreatedJob, readJob, readSubmittedResult } from "../chain/jobs";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { inputByteLength } from "../jobs/job-data";
import { formatMoment } from "../jobs/status";
import { DisputeResponder } from "../provider/disputes";
import { type ContentStoreConfig, fetchContent } from "../store/factory";
import { checkResult } from "../verifier/checks/check-result";
import type { Fetched } from "../verifier/verdict";
import { decodeJobParams } from "../workloads/registry";
import { encodeFraudProof } from "./proofs";

type Contracts = Pick<WeftSystem, "DisputeManager" | "JobEscrow" | "ComputeToken">;

export const DISPUTE_PATHS = ["proof", "withheld", "arbitration"] as const;
export type DisputePath = (typeof DISPUTE_PATHS)[number];

export interface OpenDisputeRequest {
  readonly id: bigint;
  readonly path: DisputePath;
  /** withheld: the element whose chunk the provider must reveal. */
  readonly row?: number;
  readonly col?: number;
  /** arbitration: where the arbiter finds the evidence. */
  readonly evidenceURI?: string;
  readonly fetchConfig?: ContentStoreConfig;
  readonly deploymentBlock: number;
}

async function fetched(uri: string, config: ContentStoreConfig | undefined): Promise<Fetched> {
  try {
    return { ok: true, bytes: await fetchContent(uri, config) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Approves the bond if the allowance does not cover it. */
async function approveBond(system: Contracts, signer: Signer): Promise<void> {
  const spender = await system.DisputeManager.getAddress();
  const bond = await system.DisputeManager.bond();
  const token = system.ComputeToken.connect(signer);
  if ((await token.allowance(await signer.getAddress(), spender)) < bond)
    await (await token.approve(spender, bond)).wait();
}

/**
 * Opens a dispute by hand. The proof path first checks the whole result as the verifier does and refuses, with the
 * reason, when there is no wrong element to prove.
 */
export async function openDispute(system: Contracts, signer: Signer, request: OpenDisputeRequest): Promise<string> {
  const { id, deploymentBlock } = request;
  const job = await readJob(system.JobEscrow, id);
  if (job.status !== JobStatus.Submitted) {
    throw new UserError(`Job ${id} is ${jobStatusName(job.status)}; only a Submitted job can be disputed.`);
  }
  const now = await chainTime(signer.provider!);
  if (now >= job.deadline)
    throw new UserError(`Job ${id}'s challenge window closed ${formatMoment(job.deadline, now)}.`);
  const created = await readCreatedJob(system.JobEscrow, id, deploymentBlock);
  const disputes = system.DisputeManager.connect(signer);
  await approveBond(system, signer);

  if (request.path === "arbitration") {
    if (!request.evidenceURI) throw new UserError("--path arbitration needs --evidence <uri>.");
    return (await (await disputes.disputeForArbitration(id, request.evidenceURI)).wait())!.hash;
  }
  if (request.path === "withheld") {
    if (request.row === undefined || request.col === undefined) {
      throw new UserError("--path withheld needs --row and --col: the element whose chunk the provider must reveal.");
    }
    return (await (await disputes.disputeWithheld(id, created.params, request.row, request.col)).wait())!.hash;
  }
  const decoded = decodeJobParams(created.workloadId, created.params);
  const submitted = await readSubmittedResult(system.JobEscrow, id, deploymentBlock);
  const verdict = checkResult(
    {
      jobId: id,
      job: decoded,
      inputRoot: created.inputRoot,
      resultRoot: job.resultRoot,
      inputs:
        inputByteLength(decoded) > 0
          ? await fetched(created.inputURI, request.fetchConfig)
          : { ok: true, bytes: new Uint8Array(0) },
      output: await fetched(submitted!.resultURI, request.fetchConfig),
    },
    { mandelbrot: { full: true } },
  );
  if (verdict.verdict === "valid") throw new UserError(`Job ${id}'s result checks out: there is no fraud to prove.`);
  if (verdict.verdict === "inputs-unverifiable") {
    throw new UserError(
      `Job ${id} cannot be checked (${verdict.reason}); that is the client's fault, not the provider's.`,
    );
  }
  const { finding } = verdict;
  if (finding.kind !== "wrong-element" && finding.kind !== "wrong-pixel") {
    throw new UserError(`Job ${id}'s output is unusable (${finding.kind}): use --path withheld.`);
  }
  return (await (await disputes.disputeWithProof(id, created.params, encodeFraudProof(finding))).wait())!.hash;
}

/** The provider reveals the chunk its open withheld-data dispute names, from where it published its output. */
export async function revealChunk(
  system: Contracts,
  signer: Signer,
  id: bigint,
  deploymentBlock: number,
  fetchConfig?: ContentStoreConfig,
  resultURI?: string,
): Promise<void> {
  const dispute = await system.DisputeManager.dispute(id);
  if (Number(dispute.status) !== DisputeStatus.AwaitingReveal) {
    throw new UserError(
      `Job ${id}'s dispute is ${disputeStatusName(Number(dispute.status))}; there is nothing to reveal.`,
    );
  }
  const now = await chainTime(signer.provider!);
  if (now >= dispute.deadline)
    throw new UserError(`The response deadline passed ${formatMoment(dispute.deadline, now)}.`);
  const uri = resultURI ?? (await readSubmittedResult(system.JobEscrow, id, deploymentBlock))?.resultURI;
  await new DisputeResponder({ system, signer, fetchConfig, logger: consoleLogger("dispute") }).respond(id, uri);
}

/** Ends a dispute whose deadline has passed. */
export async function resolveDispute(system: Contracts, signer: Signer, id: bigint): Promise<string> {
  const dispute = await system.DisputeManager.dispute(id);
  const status = Number(dispute.status);
  const open = [DisputeStatus.AwaitingReveal, DisputeStatus.Revealed, DisputeStatus.AwaitingRuling] as number[];
  if (!open.includes(status))
    throw new UserError(`Job ${id}'s dispute is ${disputeStatusName(status)}: nothing to resolve.`);
  const now = await chainTime(signer.provider!);
  if (now < dispute.deadline)
    throw new UserError(`Its deadline is ${formatMoment(dispute.deadline, now)}; resolve after it.`);
  return (await (await system.DisputeManager.connect(signer).resolveTimeout(id)).wait())!.hash;
}

/** The arbiter's ruling. */
export async function arbitrate(
  system: Contracts,
  signer: Signer,
  id: bigint,
  providerAtFault: boolean,
): Promise<string> {
  const dispute = await system.DisputeManager.dispute(id);
  if (Number(dispute.status) !== DisputeStatus.AwaitingRuling) {
    throw new UserError(`Job ${id}'s dispute is ${disputeStatusName(Number(dispute.status))}, not awaiting a ruling.`);
  }
  return (await (await system.DisputeManager.connect(signer).arbitrate(id, providerAtFault)).wait())!.hash;
}

/** A job's dispute, in lines for people. */
export async function formatDisputeStatus(system: Contracts, id: bigint, now: bigint): Promise<string> {
  const d = await system.DisputeManager.dispute(id);
  const status = Number(d.status);
  if (status === DisputeStatus.None) return `Job ${id} has never been disputed.`;
  const open =
    status === DisputeStatus.AwaitingReveal ||
    status === DisputeStatus.Revealed ||
    status === DisputeStatus.AwaitingRuling;
  return [
    `Job ${id}: ${disputeKindName(Number(d.kind))} dispute, ${disputeStatusName(status)}`,
    `  challenger  ${d.challenger}`,
    `  bond        ${d.bond} (ComputeToken wei)`,
    `  opened      ${formatMoment(d.openedAt, now)}`,
    ...(open && d.deadline > 0n ? [`  deadline    ${formatMoment(d.deadline, now)}`] : []),
    ...(Number(d.kind) === DisputeKind.Withheld ? [`  element     word ${d.wordIndex} of ${d.totalWords}`] : []),
  ].join("\n");
}

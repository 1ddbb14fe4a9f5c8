/**
 * What the dispute:* tasks do, one function each, over a connected system. Every request is checked against the
 * chain before a transaction is sent (job state, the workload's checker, the element's range, the bond, the
 * arbiter's role), so a refused request costs nothing and says what to do instead.
 */
import type { Signer } from "ethers";

import { Roles } from "../access/roles";
import { consoleLogger } from "../agents/logger";
import { chainTime } from "../chain/clock";
import { DisputeKind, disputeKindName, DisputeStatus, disputeStatusName } from "../chain/disputes";
import {
  JobStatus,
  jobStatusName,
  readJob,
  readJobRecord,
  readSubmittedResult,
  readTerms,
  committedTerms,
} from "../chain/jobs";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { inputByteLength } from "../jobs/job-data";
import { formatMoment } from "../jobs/status";
import { DisputeResponder } from "../provider/disputes";
import { ContentStoreError } from "../store/content-store";
import { type ContentStoreConfig, fetchContent } from "../store/factory";
import { checkResult } from "../verifier/checks/check-result";
import type { Fetched } from "../verifier/verdict";
import { decodeJobParams, outputGrid } from "../workloads/registry";
import { proveRevealedChunk } from "./follower";
import { encodeFraudProof } from "./proofs";

type Contracts = Pick<WeftSystem, "AccessManager" | "DisputeManager" | "JobEscrow" | "ComputeToken">;

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

const OPEN_STATUSES: readonly number[] = [
  DisputeStatus.AwaitingReveal,
  DisputeStatus.Revealed,
  DisputeStatus.AwaitingRuling,
];

async function fetched(uri: string, config: ContentStoreConfig | undefined): Promise<Fetched> {
  try {
    return { ok: true, bytes: await fetchContent(uri, config) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Checks the challenger can pay the bond and approves it if the allowance does not cover it. */
async function approveBond(system: Contracts, signer: Signer): Promise<void> {
  const owner = await signer.getAddress();
  const spender = await system.DisputeManager.getAddress();
  const bond = await system.DisputeManager.bond();
  const token = system.ComputeToken.connect(signer);
  const balance = await token.balanceOf(owner);
  if (balance < bond) throw new UserError(`The bond is ${bond} WEFT wei and ${owner} holds ${balance}.`);
  if ((await token.allowance(owner, spender)) < bond) await (await token.approve(spender, bond)).wait();
}

/**
 * Opens a dispute by hand, or follows one up: on a job whose withheld-data dispute has been answered with a reveal,
 * `--path proof` checks the revealed chunk and proves it wrong if it is. The proof path first checks the whole
 * result as the verifier does and refuses, with the reason, when there is no wrong element to prove.
 */
export async function openDispute(system: Contracts, signer: Signer, request: OpenDisputeRequest): Promise<string> {
  const { id, deploymentBlock, fetchConfig } = request;
  const { job, created, submitted } = await readJobRecord(system.JobEscrow, id, deploymentBlock);
  const now = await chainTime(signer.provider!);
  const dispute = await system.DisputeManager.dispute(id);
  if (request.path === "proof" && Number(dispute.status) === DisputeStatus.Revealed && now < dispute.deadline) {
    const outcome = await proveRevealedChunk({ system, signer, deploymentBlock, fetchConfig }, id);
    if (!outcome.proven) throw new UserError(`Job ${id}'s revealed chunk ${outcome.chunkIndex} checks out.`);
    return outcome.txHash;
  }
  if (job.status !== JobStatus.Submitted) {
    throw new UserError(`Job ${id} is ${jobStatusName(job.status)}; only a Submitted job can be disputed.`);
  }
  if (now >= job.deadline)
    throw new UserError(`Job ${id}'s challenge window closed ${formatMoment(job.deadline, now)}.`);
  const hasChecker = (await system.DisputeManager.checker(created.workloadId)) !== "0x" + "0".repeat(40);
  if (request.path === "arbitration" && hasChecker) {
    throw new UserError(`Job ${id}'s workload has an on-chain checker: use --path proof or --path withheld.`);
  }
  if (request.path !== "arbitration" && !hasChecker) {
    throw new UserError(`Job ${id}'s workload has no on-chain checker: use --path arbitration --evidence <uri>.`);
  }
  const disputes = system.DisputeManager.connect(signer);

  if (request.path === "arbitration") {
    if (!request.evidenceURI) throw new UserError("--path arbitration needs --evidence <uri>.");
    await approveBond(system, signer);
    return (await (await disputes.disputeForArbitration(id, committedTerms(job), request.evidenceURI)).wait())!.hash;
  }
  const decoded = decodeJobParams(created.workloadId, created.params);
  if (request.path === "withheld") {
    const { row, col } = request;
    if (row === undefined || col === undefined) {
      throw new UserError("--path withheld needs --row and --col: the element whose chunk the provider must reveal.");
    }
    const { rows, cols } = outputGrid(decoded);
    if (row >= rows || col >= cols) {
      throw new UserError(`(${row}, ${col}) is outside job ${id}'s ${rows} x ${cols} output.`);
    }
    await approveBond(system, signer);
    return (await (await disputes.disputeWithheld(id, committedTerms(job), created.params, row, col)).wait())!.hash;
  }
  const verdict = checkResult(
    {
      jobId: id,
      job: decoded,
      inputRoot: created.inputRoot,
      resultRoot: job.resultRoot,
      inputs:
        inputByteLength(decoded) > 0
          ? await fetched(created.inputURI, fetchConfig)
          : { ok: true, bytes: new Uint8Array(0) },
      output: await fetched(submitted!.resultURI, fetchConfig),
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
  await approveBond(system, signer);
  return (await (
    await disputes.disputeWithProof(id, committedTerms(job), created.params, encodeFraudProof(finding))
  ).wait())!.hash;
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
  if (uri === undefined) throw new UserError(`No result was submitted for job ${id}; pass --result-uri.`);
  try {
    await new DisputeResponder({
      system,
      signer,
      fetchConfig,
      logger: consoleLogger("dispute"),
      deploymentBlock,
    }).respond(id, uri, now);
  } catch (error) {
    if (error instanceof ContentStoreError) {
      throw new UserError(`Cannot read the output to reveal: ${error.message}. Pass --result-uri where it is.`);
    }
    throw error;
  }
}

/** Ends a dispute whose deadline has passed. */
export async function resolveDispute(
  system: Contracts,
  signer: Signer,
  id: bigint,
  deploymentBlock: number,
): Promise<string> {
  const dispute = await system.DisputeManager.dispute(id);
  const status = Number(dispute.status);
  if (!OPEN_STATUSES.includes(status)) {
    throw new UserError(`Job ${id}'s dispute is ${disputeStatusName(status)}: nothing to resolve.`);
  }
  const now = await chainTime(signer.provider!);
  if (now < dispute.deadline) {
    throw new UserError(`Job ${id}'s dispute deadline is ${formatMoment(dispute.deadline, now)}; resolve after it.`);
  }
  return (await (
    await system.DisputeManager.connect(signer).resolveTimeout(
      id,
      await readTerms(system.JobEscrow, id, deploymentBlock),
    )
  ).wait())!.hash;
}

/** The arbiter's ruling. */
export async function arbitrate(
  system: Contracts,
  signer: Signer,
  id: bigint,
  providerAtFault: boolean,
  deploymentBlock: number,
): Promise<string> {
  const dispute = await system.DisputeManager.dispute(id);
  if (Number(dispute.status) !== DisputeStatus.AwaitingRuling) {
    throw new UserError(`Job ${id}'s dispute is ${disputeStatusName(Number(dispute.status))}, not awaiting a ruling.`);
  }
  const arbiter = await signer.getAddress();
  const [isArbiter] = await system.AccessManager.hasRole(Roles.ARBITER, arbiter);
  if (!isArbiter) throw new UserError(`${arbiter} does not hold the ARBITER role; the DAO grants it.`);
  return (await (
    await system.DisputeManager.connect(signer).arbitrate(
      id,
      await readTerms(system.JobEscrow, id, deploymentBlock),
      providerAtFault,
    )
  ).wait())!.hash;
}

const DEADLINE_LABELS: Partial<Record<number, string>> = {
  [DisputeStatus.AwaitingReveal]: "reveal by",
  [DisputeStatus.Revealed]: "follow-up by",
  [DisputeStatus.AwaitingRuling]: "ruling by",
};

/** A job's dispute, in lines for people. */
export async function formatDisputeStatus(
  system: Contracts,
  id: bigint,
  now: bigint,
  deploymentBlock: number,
): Promise<string> {
  await readJob(system.JobEscrow, id, deploymentBlock);
  const d = await system.DisputeManager.dispute(id);
  const status = Number(d.status);
  if (status === DisputeStatus.None) return `Job ${id} has never been disputed.`;
  const deadlineLabel = DEADLINE_LABELS[status];
  return [
    `Job ${id}: ${disputeKindName(Number(d.kind))} dispute, ${disputeStatusName(status)}`,
    `  challenger  ${d.challenger}`,
    `  bond        ${d.bond} (ComputeToken wei)`,
    `  opened      ${formatMoment(d.openedAt, now)}`,
    ...(deadlineLabel !== undefined ? [`  ${deadlineLabel.padEnd(11)} ${formatMoment(d.deadline, now)}`] : []),
    ...(Number(d.kind) === DisputeKind.Withheld ? [`  element     word ${d.wordIndex} of ${d.totalWords}`] : []),
  ].join("\n");
}

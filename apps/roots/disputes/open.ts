/**
 * `dispute:open`: checks the result as the verifier does, then opens the dispute on the path asked for.
 */
import { chainTime } from "../../../src/chain/clock";
import {
  disputeIdsOf,
  disputeKindName,
  disputeStatusName,
  isOpenDispute,
  readDispute,
} from "../../../src/chain/disputes";
import { committedTerms, JobStatus, jobStatusName, readJobRecord } from "../../../src/chain/jobs";
import { errorMessage, UserError } from "../../../src/errors";
import { formatMoment } from "../../../src/markdown";
import { ensureBondAllowance } from "../../../src/disputes/bond";
import { openedDisputeId } from "../../../src/disputes/onchain-sink";
import { encodeFraudProof, proofCommitment } from "../../../src/disputes/proofs";
import { providerOf } from "../../../src/chain/provider";
import type { DisputeContext, DisputePath } from "./context";
import {
  checkJob,
  decodeJob,
  refuseUncheckable,
  requireBond,
  revealCommittedProof,
  wordOf,
  wrongWord,
} from "./evidence";
import { nextOf } from "./moves";
import { command } from "./reading";

export interface OpenDisputeRequest {
  readonly jobId: bigint;
  readonly path: DisputePath;
  /** arbitration: where the arbiter finds the evidence. */
  readonly evidenceURI?: string;
}

export type OpenedDispute =
  | {
      readonly path: "proof";
      readonly disputeId: bigint;
      readonly jobId: bigint;
      readonly commitTx: string;
      readonly revealTx: string;
      /** The output word proven wrong. */
      readonly wordIndex: number;
    }
  | {
      readonly path: "withheld" | "arbitration";
      readonly disputeId: bigint;
      readonly jobId: bigint;
      readonly tx: string;
      /** Who moves first and by when (the provider in a bisection, the arbiter in arbitration). */
      readonly next: string;
    };

/**
 * Opens a dispute on a Submitted (or already Disputed) job inside its challenge window. The proof path checks the
 * whole result as the verifier does and refuses when there is no wrong element or pixel to prove; otherwise it
 * commits to the proof, waits for a later block and reveals it. The withheld path refuses a result that checks out
 * (the bisection would end at a correct chunk and cost the bond) and opens the bisection, which dispute:step plays.
 */
export async function openDispute(ctx: DisputeContext, request: OpenDisputeRequest): Promise<OpenedDispute> {
  const { jobId, path } = request;
  if (path === "arbitration" && !request.evidenceURI) {
    throw new UserError("--path arbitration needs --evidence <uri>.");
  }
  const { system, signer, history } = ctx;
  const record = await readJobRecord(system.JobEscrow, jobId, history);
  const { job } = record;
  if (job.status !== JobStatus.Submitted && job.status !== JobStatus.Disputed) {
    throw new UserError(
      `Job ${jobId} is ${jobStatusName(job.status)}; only a Submitted or Disputed job can be disputed.`,
    );
  }
  const now = await chainTime(providerOf(signer));
  if (now >= job.deadline) {
    throw new UserError(`Job ${jobId}'s challenge window closed ${formatMoment(job.deadline, now)}.`);
  }
  const hasChecker = (await system.DisputeManager.checker(job.workloadId)) !== "0x" + "0".repeat(40);
  if (path === "arbitration" && hasChecker) {
    throw new UserError(`Job ${jobId}'s workload has an on-chain checker: use --path proof or --path withheld.`);
  }
  if (path !== "arbitration" && !hasChecker) {
    throw new UserError(`Job ${jobId}'s workload has no on-chain checker: use --path arbitration --evidence <uri>.`);
  }
  const challenger = await signer.getAddress();
  for (const earlier of await disputeIdsOf(system.DisputeManager, jobId, history, challenger)) {
    const dispute = await readDispute(system.DisputeManager, earlier);
    if (isOpenDispute(dispute.status)) {
      throw new UserError(
        `${challenger} already has dispute ${earlier} open on job ${jobId} (${disputeKindName(dispute.kind)}, ` +
          `${disputeStatusName(dispute.status)}): play it with ${command(ctx, "dispute:step", `--dispute ${earlier}`)}.`,
      );
    }
  }
  const bond = await requireBond(ctx, challenger);
  const disputes = system.DisputeManager.connect(signer);
  const terms = committedTerms(job);

  if (path === "arbitration") {
    await ensureBondAllowance(ctx.system, ctx.signer, bond);
    const receipt = (await (await disputes.disputeForArbitration(jobId, terms, request.evidenceURI!)).wait())!;
    const disputeId = openedDisputeId(system.DisputeManager, receipt);
    return { path, disputeId, jobId, tx: receipt.hash, next: await nextOf(ctx, disputeId, job.provider) };
  }

  const decoded = decodeJob(record);
  if (path === "withheld") {
    const verdict = await checkJob(ctx, record, decoded);
    if (verdict.verdict === "valid") {
      throw new UserError(
        `Job ${jobId}'s result checks out: a bisection would end at a correct chunk and the bond would go to the provider.`,
      );
    }
    refuseUncheckable(jobId, verdict);
    await ensureBondAllowance(ctx.system, ctx.signer, bond);
    const receipt = (await (await disputes.disputeWithheld(jobId, terms, record.created.params)).wait())!;
    const disputeId = openedDisputeId(system.DisputeManager, receipt);
    return { path, disputeId, jobId, tx: receipt.hash, next: await nextOf(ctx, disputeId, job.provider) };
  }

  const finding = await wrongWord(ctx, record, decoded);
  const proof = encodeFraudProof(finding);
  await ensureBondAllowance(ctx.system, ctx.signer, bond);
  const receipt = (await (await disputes.commitProof(jobId, terms, proofCommitment(challenger, jobId, proof))).wait())!;
  const disputeId = openedDisputeId(system.DisputeManager, receipt);
  const dispute = await readDispute(system.DisputeManager, disputeId);
  let revealTx: string;
  try {
    revealTx = await revealCommittedProof(ctx, dispute, record, proof);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `The proof is committed in dispute ${disputeId} (tx ${receipt.hash}) but its reveal failed: ${errorMessage(error)}. ` +
        `Reveal it before ${formatMoment(dispute.deadline, now)} with ${command(ctx, "dispute:step", `--dispute ${disputeId}`)}.`,
    );
  }
  return { path, disputeId, jobId, commitTx: receipt.hash, revealTx, wordIndex: wordOf(finding) };
}

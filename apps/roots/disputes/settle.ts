/**
 * `dispute:resolve` and `dispute:arbitrate`: ends a dispute whose deadline has passed, or rules on one.
 */
import { Roles } from "../../../config/roles";
import { chainTime } from "../../../src/chain/clock";
import { type DisputeRecord, DisputeStatus, disputeStatusName, readDispute } from "../../../src/chain/disputes";
import { committedTerms, JobStatus, readJobRecord } from "../../../src/chain/jobs";
import { UserError } from "../../../src/errors";
import { formatMoment } from "../../../src/markdown";
import { providerOf } from "../../../src/chain/provider";
import type { DisputeContext } from "./context";
import { OUTCOMES, command, outcomeAtDeadline, requireDispute, requireJobNotSlashed, requireOpen } from "./reading";

export interface Settled {
  readonly disputeId: bigint;
  readonly jobId: bigint;
  readonly tx: string;
  /** The dispute's final status and what it meant. */
  readonly status: string;
  readonly outcome: string;
}

async function settled(ctx: DisputeContext, dispute: DisputeRecord, tx: string): Promise<Settled> {
  const { status } = await readDispute(ctx.system.DisputeManager, dispute.id);
  return {
    disputeId: dispute.id,
    jobId: dispute.jobId,
    tx,
    status: disputeStatusName(status),
    outcome: OUTCOMES[status] ?? "",
  };
}

/**
 * Ends dispute `id` once its deadline has passed (the side whose turn it was loses), or at any time as Moot when
 * another dispute has slashed its job.
 */
export async function resolveDispute(ctx: DisputeContext, id: bigint): Promise<Settled> {
  const dispute = await requireDispute(ctx, id);
  requireOpen(dispute, "nothing to resolve");
  const record = await readJobRecord(ctx.system.JobEscrow, dispute.jobId, ctx.history);
  const now = await chainTime(providerOf(ctx.signer));
  if (record.job.status !== JobStatus.Slashed && now < dispute.deadline) {
    throw new UserError(
      `Dispute ${id}'s deadline is ${formatMoment(dispute.deadline, now)}; resolve after it (then ${outcomeAtDeadline(dispute)}).`,
    );
  }
  const tx = await ctx.system.DisputeManager.connect(ctx.signer).resolve(id, committedTerms(record.job));
  return settled(ctx, dispute, (await tx.wait())!.hash);
}

/** The arbiter's ruling on dispute `id`. */
export async function arbitrate(ctx: DisputeContext, id: bigint, providerAtFault: boolean): Promise<Settled> {
  const dispute = await requireDispute(ctx, id);
  if (dispute.status !== DisputeStatus.AwaitingRuling) {
    throw new UserError(`Dispute ${id} is ${disputeStatusName(dispute.status)}, not awaiting a ruling.`);
  }
  const record = await readJobRecord(ctx.system.JobEscrow, dispute.jobId, ctx.history);
  requireJobNotSlashed(ctx, dispute, record);
  const now = await chainTime(providerOf(ctx.signer));
  if (now >= dispute.deadline) {
    throw new UserError(
      `Dispute ${id}'s ruling was due ${formatMoment(dispute.deadline, now)}: a silent arbiter rules for the provider; ` +
        `end it with ${command(ctx, "dispute:resolve", `--dispute ${id}`)}.`,
    );
  }
  const arbiter = await ctx.signer.getAddress();
  const [isArbiter] = await ctx.system.AccessManager.hasRole(Roles.ARBITER, arbiter);
  if (!isArbiter) throw new UserError(`${arbiter} does not hold the ARBITER role; the DAO grants it.`);
  const tx = await ctx.system.DisputeManager.connect(ctx.signer).arbitrate(
    id,
    committedTerms(record.job),
    providerAtFault,
  );
  return settled(ctx, dispute, (await tx.wait())!.hash);
}

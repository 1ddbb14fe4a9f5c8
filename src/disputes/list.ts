/**
 * `dispute:list`: every dispute on the network (or of one job), read from the DisputeManager's DisputeOpened events,
 * with its job, kind, status, challenger, bond and deadline, for verifiers and watchers to find what needs them.
 */
import { textTable } from "../table";

import {
  disputeIdsOf,
  disputeKindName,
  type DisputeRecord,
  disputeStatusName,
  isOpenDispute,
  readDispute,
} from "../chain/disputes";
import type { HistorySource } from "../chain/logs";
import type { WeftSystem } from "../deploy/system";
import { formatWeft as weft, weftJson } from "../jobs/amounts";
import { formatUtc, momentJson, relative, shortAddress } from "../markdown";

export interface DisputeFilter {
  /** Only the disputes of this job. */
  readonly jobId?: bigint;
  /** Only the disputes still running. */
  readonly open?: boolean;
}

/** The disputes `filter` selects, newest first. */
export async function listDisputes(
  system: Pick<WeftSystem, "DisputeManager">,
  history: HistorySource,
  filter: DisputeFilter = {},
): Promise<DisputeRecord[]> {
  const ids = await disputeIdsOf(system.DisputeManager, filter.jobId, history);
  const disputes = await Promise.all(ids.map((id) => readDispute(system.DisputeManager, id)));
  return disputes.filter((d) => !filter.open || isOpenDispute(d.status)).reverse();
}

/** What a dispute's deadline means: the next move's, or, once it is settled, nothing more to wait for. */
function deadlineCell(dispute: DisputeRecord, now: bigint): string {
  if (!isOpenDispute(dispute.status)) return "(settled)";
  return `${formatUtc(dispute.deadline)}\n${relative(dispute.deadline, now)}`;
}

/** The disputes as one table for people, at most 100 columns wide; dispute:status --dispute shows one in full. */
export function formatDisputeList(disputes: readonly DisputeRecord[], now: bigint): string {
  if (disputes.length === 0) return "No disputes.";
  // No colours: the output is as often piped or logged as read on a terminal.
  const table = textTable({
    head: ["dispute", "job", "kind", "status", "challenger", "bond", "deadline"],
    style: { head: [], border: [] },
  });
  for (const d of disputes) {
    table.push([
      d.id.toString(),
      d.jobId.toString(),
      disputeKindName(d.kind),
      disputeStatusName(d.status),
      shortAddress(d.challenger),
      weft(d.bond),
      deadlineCell(d, now),
    ]);
  }
  return table.toString();
}

/** The disputes for programs: the bond in base units and formatted, the deadline in unix seconds and UTC. */
export function disputesJson(disputes: readonly DisputeRecord[]): string {
  return JSON.stringify(
    disputes.map((d) => ({
      id: d.id.toString(),
      jobId: d.jobId.toString(),
      kind: disputeKindName(d.kind),
      status: disputeStatusName(d.status),
      open: isOpenDispute(d.status),
      challenger: d.challenger,
      bond: weftJson(d.bond),
      deadline: momentJson(d.deadline),
    })),
    null,
    2,
  );
}

/** The demo's closing tables: providers, jobs, the WEFT ledger and every expected outcome. */
import { textTable } from "../../src/table";
import { formatEther } from "ethers";

import { disputeKindName } from "../../src/chain/disputes";
import { jobStatusName } from "../../src/chain/jobs";
import type { Check, Conservation } from "./conservation";
import type { JobRecord } from "./job-records";
import { describeSpec, type ProviderName } from "./plan";

export interface ProviderRecord {
  readonly name: ProviderName;
  readonly address: string;
  /** Staked once registered, before any job. */
  readonly stakeBefore: bigint;
  readonly stakeAfter: bigint;
  readonly jobsCompleted: number;
  readonly jobsSlashed: number;
  /** Paid out by the escrow for settled jobs, after the protocol fee. */
  readonly feesEarned: bigint;
  readonly rewards: bigint;
}

/** Exact WEFT with thousands separators: the ledger must add up to the wei on screen. */
export function weft(wei: bigint): string {
  const [whole, fraction] = formatEther(wei).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === "0" ? grouped : `${grouped}.${fraction}`;
}

const signed = (wei: bigint) => (wei > 0n ? `+${weft(wei)}` : weft(wei));
const right = (content: string) => ({ content, hAlign: "right" as const });

export function providersTable(providers: readonly ProviderRecord[]): string {
  const table = textTable({
    head: ["provider", "address", "stake before", "stake after", "jobs done", "slashed", "fees earned", "rewards"],
    style: COMPACT,
  });
  for (const p of providers) {
    table.push([
      p.name,
      `${p.address.slice(0, 10)}…`,
      right(weft(p.stakeBefore)),
      right(weft(p.stakeAfter)),
      right(String(p.jobsCompleted)),
      right(String(p.jobsSlashed)),
      right(weft(p.feesEarned)),
      right(weft(p.rewards)),
    ]);
  }
  return table.toString();
}

const DISPUTE_PATH: Readonly<Record<string, string>> = { Proof: "fraud proof", Withheld: "withheld data" };

function outcome(record: JobRecord): string {
  const status = jobStatusName(record.status).toLowerCase();
  if (record.settlement !== undefined) return `${status}, fee ${record.feeBps / 100}%`;
  if (record.dispute === undefined) return status;
  const kind = disputeKindName(record.dispute.kind);
  return `${status} ${weft(record.dispute.slashed)} (${DISPUTE_PATH[kind] ?? kind})`;
}

/** Without lines between rows: the tables stay short enough to read at a glance. */
const COMPACT = { compact: true };

export function jobsTable(jobs: readonly JobRecord[], nameOf: (address: string) => string): string {
  const table = textTable({
    head: ["job", "workload", "shape", "provider", "payment", "verdict", "outcome", "gas used"],
    style: COMPACT,
  });
  for (const job of jobs) {
    table.push([
      right(String(job.id)),
      job.plan.spec.job.name,
      describeSpec(job.plan.spec),
      nameOf(job.provider),
      right(weft(job.payment)),
      job.verdict ?? "not checked",
      outcome(job),
      right(`${job.gasUsed.toLocaleString("en-US")} (${job.transactions} tx)`),
    ]);
  }
  const gas = jobs.reduce((total, job) => total + job.gasUsed, 0n);
  return `${table.toString()}\ngas of every job's transactions (create, accept, submit, disputes, finalize): ${gas.toLocaleString("en-US")}`;
}

export function ledgerTable(conservation: Conservation): string {
  const table = textTable({ head: ["WEFT holder", "start", "end", "change"], style: COMPACT });
  const { holders, start, end } = conservation;
  holders.forEach((holder, i) =>
    table.push([
      holder.name,
      right(weft(start.balances[i])),
      right(weft(end.balances[i])),
      right(signed(end.balances[i] - start.balances[i])),
    ]),
  );
  table.push([
    "total supply",
    right(weft(start.totalSupply)),
    right(weft(end.totalSupply)),
    right(signed(end.totalSupply - start.totalSupply)),
  ]);
  table.push(["minted by reward claims", "", "", right(signed(conservation.minted))]);
  return table.toString();
}

/** One line per outcome, with how many checks make it; a failed check is listed under its outcome. */
export function checksList(checks: readonly Check[]): string {
  const outcomes = [...new Set(checks.map((c) => c.outcome))];
  return outcomes
    .flatMap((outcome) => {
      const mine = checks.filter((c) => c.outcome === outcome);
      const failed = mine.filter((c) => !c.ok);
      const count = `${mine.length} check${mine.length === 1 ? "" : "s"}`;
      return failed.length === 0
        ? [`✔ ${outcome} (${count})`]
        : [`✖ ${outcome} (${failed.length} of ${count} failed)`, ...failed.map((c) => `    ${c.name}: ${c.detail}`)];
    })
    .join("\n");
}

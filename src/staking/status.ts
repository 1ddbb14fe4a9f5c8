/**
 * A provider's standing in the registry as provider:status shows it: profile, where its stake is (free, locked,
 * unbonding), its jail, debt and counters, and whether it can accept jobs now and, if not, why. Times are judged by
 * the chain's clock (`now`), which is what the registry checks.
 */
import { textTable } from "../table";
import { formatUnits } from "ethers";

import { formatUtc, relative } from "../markdown";
import { WEFT_UNITS } from "../cli/flags";
import { withRetry } from "../chain/retry";
import type { WeftSystem } from "../deploy/system";
import type { ProviderProfile } from "./profile";
import { describeProfile } from "./profile";
import { type AmountJson, formatWeft, weftJson } from "../jobs/amounts";

type Contracts = Pick<WeftSystem, "ProviderRegistry">;

export interface UnbondingStake {
  readonly amount: bigint;
  readonly maturesAt: bigint;
}

export interface ProviderStatus {
  readonly address: string;
  readonly registered: boolean;
  /** Undefined when not registered. */
  readonly profile?: ProviderProfile;
  /** Free plus locked. */
  readonly staked: bigint;
  readonly locked: bigint;
  readonly free: bigint;
  /** Oldest first. */
  readonly unbonding: readonly UnbondingStake[];
  readonly debt: bigint;
  /** 0 when never jailed. */
  readonly jailedUntil: bigint;
  readonly jobsCompleted: bigint;
  readonly jobsSlashed: bigint;
  readonly jobsTimedOut: bigint;
  readonly minProviderStake: bigint;
  /** The registry's own answer: what accepting a job requires. */
  readonly canAcceptJobs: boolean;
  /** Why it cannot accept jobs, each with what to do; empty when it can. */
  readonly blockers: readonly string[];
  /** The chain's time the status was read at. */
  readonly now: bigint;
}

/** Reads `address`'s standing at the chain's time `now`. */
export async function readProviderStatus(system: Contracts, address: string, now: bigint): Promise<ProviderStatus> {
  const registry = system.ProviderRegistry;
  const [state, profile, free, entries, minProviderStake, canAcceptJobs] = await withRetry("the provider's state", () =>
    Promise.all([
      registry.providerState(address),
      registry.profile(address),
      registry.freeStake(address),
      registry.unbondingEntries(address),
      registry.minProviderStake(),
      registry.canAcceptJobs(address),
    ]),
  );
  const status = {
    address,
    registered: state.registered,
    profile: state.registered
      ? { gpuModel: profile.gpuModel, vramGb: Number(profile.vramGb), metadataURI: profile.metadataURI }
      : undefined,
    staked: state.staked,
    locked: state.locked,
    free,
    unbonding: entries.map((entry) => ({ amount: entry.amount, maturesAt: entry.maturesAt })),
    debt: state.debt,
    jailedUntil: state.jailedUntil,
    jobsCompleted: state.jobsCompleted,
    jobsSlashed: state.jobsSlashed,
    jobsTimedOut: state.jobsTimedOut,
    minProviderStake,
    canAcceptJobs,
    now,
  };
  return { ...status, blockers: canAcceptJobs ? [] : blockers(status) };
}

/** What keeps a provider from accepting jobs, in the order the registry checks it. */
function blockers(s: Omit<ProviderStatus, "blockers">): string[] {
  if (!s.registered) return ['not registered: npx hardhat provider:register --gpu "<model>" --vram <GB>'];
  const reasons: string[] = [];
  if (s.now < s.jailedUntil) {
    reasons.push(`jailed until ${formatUtc(s.jailedUntil)} (${relative(s.jailedUntil, s.now)})`);
  }
  if (s.staked < s.minProviderStake) {
    const missing = s.minProviderStake - s.staked;
    reasons.push(
      `stake ${formatWeft(s.staked)} is below the minimum ${formatWeft(s.minProviderStake)}: ` +
        `npx hardhat provider:stake --amount ${formatUnits(missing, WEFT_UNITS.decimals)}`,
    );
  }
  if (s.debt > 0n) {
    reasons.push(`owes ${formatWeft(s.debt)} of collateral debt, paid back as its running jobs settle`);
  }
  return reasons;
}

/** "500.0 WEFT matures 2026-12-10 14:00:00 UTC (in 7 d)" */
function describeUnbonding(entry: UnbondingStake, now: bigint): string {
  const when = `${formatUtc(entry.maturesAt)} (${relative(entry.maturesAt, now)})`;
  return `${formatWeft(entry.amount)} ${entry.maturesAt <= now ? "matured" : "matures"} ${when}`;
}

/** The widths of the status table's columns: with the borders, 100 columns in all; longer lines wrap. */
const COLUMN_WIDTHS = [17, 80];

/** The status as a two-column table for people. */
export function formatProviderStatus(s: ProviderStatus): string {
  const table = textTable({ colWidths: COLUMN_WIDTHS, wordWrap: true });
  table.push({ provider: s.address }, { registered: s.registered ? "yes" : "no" });
  if (s.profile !== undefined) {
    table.push({ profile: describeProfile(s.profile) });
  }
  table.push(
    { staked: `${formatWeft(s.staked)} (minimum to accept jobs ${formatWeft(s.minProviderStake)})` },
    { locked: `${formatWeft(s.locked)} (collateral of running jobs)` },
    { free: `${formatWeft(s.free)} (backs new jobs; can be unbonded)` },
    {
      unbonding:
        s.unbonding.length === 0 ? "none" : s.unbonding.map((entry) => describeUnbonding(entry, s.now)).join("\n"),
    },
    {
      jail:
        s.jailedUntil === 0n
          ? "never jailed"
          : `${s.now < s.jailedUntil ? "jailed until" : "ended"} ${formatUtc(s.jailedUntil)} ` +
            `(${relative(s.jailedUntil, s.now)})`,
    },
    { debt: formatWeft(s.debt) },
    { jobs: `${s.jobsCompleted} completed, ${s.jobsSlashed} slashed, ${s.jobsTimedOut} timed out` },
    { "can accept jobs": s.canAcceptJobs ? "yes" : ["no:", ...s.blockers.map((blocker) => `- ${blocker}`)].join("\n") },
  );
  return table.toString();
}

/** The status for --json: amounts exact, times as unix seconds and UTC. */
export interface ProviderStatusJson {
  readonly address: string;
  readonly registered: boolean;
  readonly profile: ProviderProfile | null;
  readonly staked: AmountJson;
  readonly locked: AmountJson;
  readonly free: AmountJson;
  readonly unbonding: readonly { amount: AmountJson; maturesAt: number; maturesAtUtc: string; matured: boolean }[];
  readonly debt: AmountJson;
  readonly jailedUntil: number;
  readonly jailed: boolean;
  readonly jobsCompleted: number;
  readonly jobsSlashed: number;
  readonly jobsTimedOut: number;
  readonly minProviderStake: AmountJson;
  readonly canAcceptJobs: boolean;
  readonly blockers: readonly string[];
  readonly now: number;
}

export function providerStatusJson(s: ProviderStatus): ProviderStatusJson {
  return {
    address: s.address,
    registered: s.registered,
    profile: s.profile ?? null,
    staked: weftJson(s.staked),
    locked: weftJson(s.locked),
    free: weftJson(s.free),
    unbonding: s.unbonding.map((entry) => ({
      amount: weftJson(entry.amount),
      maturesAt: Number(entry.maturesAt),
      maturesAtUtc: formatUtc(entry.maturesAt),
      matured: entry.maturesAt <= s.now,
    })),
    debt: weftJson(s.debt),
    jailedUntil: Number(s.jailedUntil),
    jailed: s.now < s.jailedUntil,
    jobsCompleted: Number(s.jobsCompleted),
    jobsSlashed: Number(s.jobsSlashed),
    jobsTimedOut: Number(s.jobsTimedOut),
    minProviderStake: weftJson(s.minProviderStake),
    canAcceptJobs: s.canAcceptJobs,
    blockers: s.blockers,
    now: Number(s.now),
  };
}

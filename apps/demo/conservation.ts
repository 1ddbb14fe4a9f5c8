/**
 * Token conservation across the demo. WEFT is only ever minted by reward claims and never burnt, so between two
 * snapshots that name every holder:
 *  - the holders' balances add up to the total supply at each snapshot (no WEFT went to anyone unnamed);
 *  - the supply grew by exactly the rewards claimed;
 *  - each contract holds exactly what it owes: the escrow the payments of unsettled jobs, the registry every
 *    provider's stake (staked plus unbonding), the DisputeManager the bonds of open disputes.
 */
import type { WeftSystem } from "../../src/deploy/system";
import { isOpenDispute } from "../../src/chain/disputes";
import { JobStatus, readJob } from "../../src/chain/jobs";

export interface Holder {
  readonly name: string;
  readonly address: string;
}

export interface Snapshot {
  /** Balances in the order of the holders. */
  readonly balances: readonly bigint[];
  readonly totalSupply: bigint;
}

export interface Check {
  /** The outcome it is part of, e.g. "WEFT is conserved". */
  readonly outcome: string;
  readonly name: string;
  readonly ok: boolean;
  /** The numbers behind the verdict. */
  readonly detail: string;
}

export interface Conservation {
  readonly holders: readonly Holder[];
  readonly start: Snapshot;
  readonly end: Snapshot;
  readonly minted: bigint;
  readonly checks: readonly Check[];
}

type Contracts = Pick<
  WeftSystem,
  "ComputeToken" | "JobEscrow" | "ProviderRegistry" | "DisputeManager" | "RewardDistributor" | "TimelockController"
>;

/** Every contract of the system that can hold WEFT, and the treasury. */
export async function contractHolders(system: Contracts): Promise<Holder[]> {
  return [
    { name: "treasury (timelock)", address: await system.JobEscrow.treasury() },
    { name: "JobEscrow", address: await system.JobEscrow.getAddress() },
    { name: "ProviderRegistry", address: await system.ProviderRegistry.getAddress() },
    { name: "DisputeManager", address: await system.DisputeManager.getAddress() },
    { name: "RewardDistributor", address: await system.RewardDistributor.getAddress() },
  ];
}

export async function snapshot(
  system: Pick<WeftSystem, "ComputeToken">,
  holders: readonly Holder[],
): Promise<Snapshot> {
  const balances: bigint[] = [];
  for (const holder of holders) balances.push(await system.ComputeToken.balanceOf(holder.address));
  return { balances, totalSupply: await system.ComputeToken.totalSupply() };
}

const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);

const CONSERVED = "WEFT is conserved: every token accounted for, every contract holding exactly what it owes";

function check(name: string, actual: bigint, expected: bigint, what: string): Check {
  return {
    outcome: CONSERVED,
    name,
    ok: actual === expected,
    detail: `${what}: ${actual} wei, expected ${expected} wei`,
  };
}

/** What the escrow owes: the payments of jobs in WEFT that are not settled yet. */
async function unsettledPayments(system: Contracts): Promise<{ amount: bigint; jobs: number }> {
  const token = (await system.ComputeToken.getAddress()).toLowerCase();
  const unsettled: readonly number[] = [JobStatus.Open, JobStatus.Assigned, JobStatus.Submitted, JobStatus.Disputed];
  let amount = 0n;
  let jobs = 0;
  for (let id = 1n; id <= (await system.JobEscrow.jobCount()); id++) {
    const job = await readJob(system.JobEscrow, id);
    if (job.paymentToken.toLowerCase() === token && unsettled.includes(job.status)) {
      amount += job.payment;
      jobs++;
    }
  }
  return { amount, jobs };
}

/** Bonds the DisputeManager holds for disputes still open. */
async function openBonds(system: Contracts): Promise<bigint> {
  let bonds = 0n;
  for (let id = 1n; id <= (await system.DisputeManager.disputeCount()); id++) {
    const dispute = await system.DisputeManager.dispute(id);
    if (isOpenDispute(Number(dispute.status))) bonds += dispute.bond;
  }
  return bonds;
}

/** Checks conservation between `start` and now; `minted` is the sum of every reward claim in between. */
export async function checkConservation(
  system: Contracts,
  holders: readonly Holder[],
  providers: readonly string[],
  start: Snapshot,
  minted: bigint,
): Promise<Conservation> {
  const end = await snapshot(system, holders);
  const balanceOf = (name: string) => end.balances[holders.findIndex((holder) => holder.name === name)];
  const escrowOwes = await unsettledPayments(system);
  let stakes = 0n;
  for (const provider of providers) {
    const state = await system.ProviderRegistry.providerState(provider);
    stakes += state.staked + state.unbonding;
  }
  const totalStake = await system.ProviderRegistry.totalStake();
  const checks = [
    check("every WEFT is held by a named holder, at the start", sum(start.balances), start.totalSupply, "sum"),
    check("every WEFT is held by a named holder, at the end", sum(end.balances), end.totalSupply, "sum"),
    check("the supply grew by exactly the rewards claimed", end.totalSupply - start.totalSupply, minted, "growth"),
    check(
      `the escrow holds the payments of its ${escrowOwes.jobs} unsettled jobs`,
      balanceOf("JobEscrow"),
      escrowOwes.amount,
      "escrow balance",
    ),
    check("the registry holds the total stake", balanceOf("ProviderRegistry"), totalStake, "registry balance"),
    check("the total stake is every provider's staked plus unbonding", totalStake, stakes, "totalStake"),
    check(
      "the DisputeManager holds only the bonds of open disputes",
      balanceOf("DisputeManager"),
      await openBonds(system),
      "DisputeManager balance",
    ),
  ];
  return { holders, start, end, minted, checks };
}

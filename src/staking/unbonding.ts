/**
 * Leaving the registry: moving free stake into the unbonding queue (provider:unbond) and paying out matured entries
 * (provider:withdraw). Preconditions are checked against the chain's clock `now` before anything is sent, so a
 * refusal says what to do instead of naming a custom error.
 */
import type { Signer } from "ethers";

import { formatUtc, relative } from "../markdown";
import { emittedEvent, requireReceipt } from "../chain/receipts";
import { withRetry } from "../chain/retry";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import type { UnbondingStake } from "./status";
import { formatWeft } from "../jobs/amounts";

type Contracts = Pick<WeftSystem, "ProviderRegistry">;

/** "2026-12-10 14:00:00 UTC (in 2 h)" */
export function formatMaturity(maturesAt: bigint, now: bigint): string {
  return `${formatUtc(maturesAt)} (${relative(maturesAt, now)})`;
}

async function requireRegistered(system: Contracts, provider: string): Promise<void> {
  const { registered } = await withRetry("the provider's state", () => system.ProviderRegistry.providerState(provider));
  if (!registered) throw new UserError(`${provider} is not a registered provider; it has no stake to unbond.`);
}

async function readUnbonding(system: Contracts, provider: string): Promise<UnbondingStake[]> {
  const entries = await withRetry("the unbonding entries", () => system.ProviderRegistry.unbondingEntries(provider));
  return entries.map((entry) => ({ amount: entry.amount, maturesAt: entry.maturesAt }));
}

export interface UnbondRequest {
  readonly provider: string;
  readonly amount: bigint;
  readonly maturesAt: bigint;
  /** Free stake left. */
  readonly free: bigint;
  readonly txHash: string;
}

/** Moves `amount` of `signer`'s free stake into the unbonding queue. */
export async function requestUnbond(
  system: Contracts,
  signer: Signer,
  amount: bigint,
  now: bigint,
): Promise<UnbondRequest> {
  const provider = await signer.getAddress();
  const registry = system.ProviderRegistry.connect(signer);
  await requireRegistered(system, provider);
  const [free, { locked }, entries, maxEntries] = await withRetry("the provider's stake", () =>
    Promise.all([
      registry.freeStake(provider),
      registry.providerState(provider),
      readUnbonding(system, provider),
      registry.MAX_UNBONDING_ENTRIES(),
    ]),
  );
  if (amount > free) {
    throw new UserError(
      `Cannot unbond ${formatWeft(amount)}: the free stake of ${provider} is ${formatWeft(free)} ` +
        `(${formatWeft(locked)} is locked as collateral of running jobs).`,
    );
  }
  if (BigInt(entries.length) >= maxEntries) {
    const matured = entries.some((entry) => entry.maturesAt <= now);
    throw new UserError(
      `${provider} already has ${entries.length} unbonding entries, the most allowed; ` +
        (matured
          ? "withdraw the matured ones first: npx hardhat provider:withdraw"
          : `the oldest matures ${formatMaturity(entries[0].maturesAt, now)}, then run provider:withdraw.`),
    );
  }
  const tx = await registry.requestUnbond(amount);
  const requested = await emittedEvent(
    registry,
    requireReceipt(await tx.wait(), "requestUnbond"),
    "UnbondRequested",
    "requestUnbond",
  );
  return { provider, amount, maturesAt: requested.args.maturesAt as bigint, free: free - amount, txHash: tx.hash };
}

export interface Withdrawal {
  readonly provider: string;
  readonly amount: bigint;
  /** Entries still waiting, oldest first. */
  readonly pending: readonly UnbondingStake[];
  readonly txHash: string;
}

/** Pays out every matured unbonding entry of `signer`; refuses, saying when the next one matures, if none has. */
export async function withdrawMatured(system: Contracts, signer: Signer, now: bigint): Promise<Withdrawal> {
  const provider = await signer.getAddress();
  const registry = system.ProviderRegistry.connect(signer);
  const entries = await readUnbonding(system, provider);
  if (entries.length === 0) {
    throw new UserError(`${provider} has no unbonding stake; start with npx hardhat provider:unbond --amount <WEFT>.`);
  }
  if (!entries.some((entry) => entry.maturesAt <= now)) {
    const next = entries[0];
    throw new UserError(
      `Nothing has matured yet: the next entry, ${formatWeft(next.amount)}, matures ` +
        `${formatMaturity(next.maturesAt, now)}.`,
    );
  }
  const tx = await registry.withdraw();
  const withdrawn = await emittedEvent(registry, requireReceipt(await tx.wait(), "withdraw"), "Withdrawn", "withdraw");
  return {
    provider,
    amount: withdrawn.args.amount as bigint,
    pending: await readUnbonding(system, provider),
    txHash: tx.hash,
  };
}

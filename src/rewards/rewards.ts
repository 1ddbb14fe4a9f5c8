/**
 * Reward epochs as people read them, and claiming: what rewards:status and rewards:claim do. rewards:status reads an
 * epoch once into a {@link RewardStatus}; its text and its JSON are both written from that record.
 */
import type { Signer } from "ethers";

import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { formatWeft, weftJson } from "../jobs/amounts";
import { formatBps, formatMoment, momentJson, span } from "../markdown";
import { textTable } from "../table";

type Contracts = Pick<WeftSystem, "RewardDistributor">;

const BPS = 10_000n;

/** A provider's part of an epoch. */
export interface ProviderRewards {
  readonly address: string;
  /** Its protocol fees in the epoch, valued in WEFT. */
  readonly weight: bigint;
  readonly claimed: boolean;
  /** What it can claim now: zero until the epoch has ended, and once claimed. */
  readonly pending: bigint;
}

/** One epoch as rewards:status reports it. */
export interface RewardStatus {
  readonly epoch: bigint;
  readonly currentEpoch: bigint;
  /**
   * When the epoch started: the previous epoch's end. Unknown (undefined) for epoch 0 and for an epoch that began
   * before the DAO's last change of the epoch length; the contract keeps only the clock since then.
   */
  readonly start?: bigint;
  /** When the epoch ends; unknown (undefined) for an epoch that ended before the last change of the epoch length. */
  readonly end?: bigint;
  readonly emission: bigint;
  /** Whether the emission is fixed (by the epoch's first recorded work) rather than what the schedule says now. */
  readonly emissionFixed: boolean;
  /** Every provider's protocol fees in the epoch, valued in WEFT. */
  readonly totalWeight: bigint;
  readonly epochLength: bigint;
  readonly decayBps: bigint;
  /** The most a provider earns per unit of fee weight. */
  readonly rewardCapBps: bigint;
  readonly provider?: ProviderRewards;
}

/** Reads epoch `options.epoch` (default the current one) and, with `options.provider`, that provider's part of it. */
export async function readRewardStatus(
  system: Contracts,
  options: { provider?: string; epoch?: bigint } = {},
): Promise<RewardStatus> {
  const rewards = system.RewardDistributor;
  const currentEpoch = await rewards.currentEpoch();
  const epoch = options.epoch ?? currentEpoch;
  const [totals, emission, end, previousEnd, epochLength, decayBps, rewardCapBps] = await Promise.all([
    rewards.epochTotals(epoch),
    rewards.emission(epoch),
    rewards.epochEnd(epoch),
    epoch === 0n ? 0n : rewards.epochEnd(epoch - 1n),
    rewards.epochLength(),
    rewards.decayBps(),
    rewards.rewardCapBps(),
  ]);
  let provider: ProviderRewards | undefined;
  if (options.provider !== undefined) {
    const address = options.provider;
    const [weight, claimed, pending] = await Promise.all([
      rewards.weightOf(address, epoch),
      rewards.claimed(address, epoch),
      rewards.pendingReward(address, epoch),
    ]);
    provider = { address, weight, claimed, pending };
  }
  return {
    epoch,
    currentEpoch,
    // epochEnd answers 0 where the contract no longer knows the time.
    start: previousEnd === 0n ? undefined : previousEnd,
    end: end === 0n ? undefined : end,
    emission,
    emissionFixed: totals.totalWeight > 0n,
    totalWeight: totals.totalWeight,
    epochLength,
    decayBps,
    rewardCapBps,
    provider,
  };
}

type EpochPhase = "current" | "ended" | "not started";

const phaseOf = (s: RewardStatus): EpochPhase =>
  s.epoch === s.currentEpoch ? "current" : s.epoch < s.currentEpoch ? "ended" : "not started";

/** The provider's weight as a share of the epoch's, in basis points (rounded down); zero in an epoch without work. */
const shareBps = (s: RewardStatus, weight: bigint): bigint =>
  s.totalWeight === 0n ? 0n : (weight * BPS) / s.totalWeight;

function rewardText(s: RewardStatus, provider: ProviderRewards): string {
  if (provider.claimed) return "claimed";
  const ended = phaseOf(s) === "ended";
  if (provider.weight === 0n)
    return ended ? "nothing: it recorded no work in the epoch" : "nothing so far: no work yet";
  return ended ? `claimable ${formatWeft(provider.pending)}` : "claimable once the epoch ends";
}

function emissionNote(s: RewardStatus): string {
  if (s.emissionFixed) return "(fixed by its first recorded work)";
  // Only recorded work mints: an epoch that ended without any mints nothing.
  return phaseOf(s) === "ended" ? "(scheduled; not minted: no work was recorded)" : "(scheduled)";
}

/** The epoch, and the provider's part of it, as a table for people within 100 columns. */
export function formatRewardStatus(s: RewardStatus, now: bigint): string {
  const unknown = "(before the last change of the epoch length)";
  const table = textTable();
  table.push(
    { started: s.start === undefined ? (s.epoch === 0n ? "at the deployment" : unknown) : formatMoment(s.start, now) },
    { [phaseOf(s) === "ended" ? "ended" : "ends"]: s.end === undefined ? unknown : formatMoment(s.end, now) },
    { emission: `${formatWeft(s.emission)} ${emissionNote(s)}` },
    { "total weight": `${formatWeft(s.totalWeight)} of protocol fees` },
    { "epoch length": span(s.epochLength) },
    { decay: `${formatBps(s.decayBps)} per epoch` },
    { "reward cap": `${formatBps(s.rewardCapBps)} of a provider's fee weight` },
  );
  const { provider } = s;
  if (provider !== undefined) {
    table.push(
      { provider: provider.address },
      { weight: `${formatWeft(provider.weight)} of fees, ${formatBps(shareBps(s, provider.weight))} of the epoch's` },
      { reward: rewardText(s, provider) },
    );
  }
  return `Epoch ${s.epoch} (${phaseOf(s)})\n${table.toString()}`;
}

const bpsJson = (bps: bigint) => ({ bps: Number(bps), formatted: formatBps(bps) });

/** The epoch for programs: amounts in base units and formatted, times in unix seconds and UTC, shares in bps and %. */
export function rewardStatusJson(s: RewardStatus): string {
  const { provider } = s;
  return JSON.stringify(
    {
      epoch: s.epoch.toString(),
      currentEpoch: s.currentEpoch.toString(),
      phase: phaseOf(s),
      start: s.start === undefined ? null : momentJson(s.start),
      end: s.end === undefined ? null : momentJson(s.end),
      emission: weftJson(s.emission),
      emissionFixed: s.emissionFixed,
      totalWeight: weftJson(s.totalWeight),
      epochLength: { seconds: s.epochLength.toString(), formatted: span(s.epochLength) },
      decay: bpsJson(s.decayBps),
      rewardCap: bpsJson(s.rewardCapBps),
      provider:
        provider === undefined
          ? null
          : {
              address: provider.address,
              weight: weftJson(provider.weight),
              share: bpsJson(shareBps(s, provider.weight)),
              claimed: provider.claimed,
              claimable: weftJson(provider.pending),
            },
    },
    null,
    2,
  );
}

/** Claims every listed epoch, or (without a list) every ended epoch with unclaimed work among the last `lookback`. */
export async function claimRewards(
  system: Contracts,
  signer: Signer,
  epochs?: readonly bigint[],
  lookback = 52n,
): Promise<{ epochs: bigint[]; amount: bigint; txHash: string }> {
  const rewards = system.RewardDistributor;
  const provider = await signer.getAddress();
  const current = await rewards.currentEpoch();
  let chosen: bigint[];
  if (epochs !== undefined) {
    for (const epoch of epochs) {
      if (epoch >= current) throw new UserError(`Epoch ${epoch} has not ended (the current epoch is ${current}).`);
      if ((await rewards.weightOf(provider, epoch)) === 0n) {
        throw new UserError(`${provider} recorded no work in epoch ${epoch}.`);
      }
      if (await rewards.claimed(provider, epoch)) throw new UserError(`${provider} already claimed epoch ${epoch}.`);
    }
    chosen = [...epochs];
  } else {
    chosen = [];
    for (let epoch = current > lookback ? current - lookback : 0n; epoch < current; epoch++) {
      if ((await rewards.weightOf(provider, epoch)) > 0n && !(await rewards.claimed(provider, epoch)))
        chosen.push(epoch);
    }
    if (chosen.length === 0) throw new UserError(`${provider} has nothing to claim in the last ${lookback} epochs.`);
  }
  const amount = await rewards.connect(signer).claimMany.staticCall(chosen);
  const tx = await rewards.connect(signer).claimMany(chosen);
  await tx.wait();
  return { epochs: chosen, amount, txHash: tx.hash };
}

/** Parses --epochs "3,4,5". */
export function parseEpochs(text: string): bigint[] {
  const parts = text.split(",").map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => !/^\d+$/.test(part))) {
    throw new UserError(`--epochs must be epoch numbers separated by commas, e.g. 3,4,5; got "${text}".`);
  }
  return parts.map(BigInt);
}

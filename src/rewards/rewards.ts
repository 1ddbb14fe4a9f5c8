/** Reward epochs as people read them, and claiming: what rewards:status and rewards:claim do. */
import { formatEther, type Signer } from "ethers";

import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { formatMoment } from "../markdown";

type Contracts = Pick<WeftSystem, "RewardDistributor">;

/** The epoch's schedule and, with `provider`, its weight and what it can claim. */
export async function formatRewardStatus(
  system: Contracts,
  now: bigint,
  options: { provider?: string; epoch?: bigint } = {},
): Promise<string> {
  const rewards = system.RewardDistributor;
  const current = await rewards.currentEpoch();
  const epoch = options.epoch ?? current;
  const totals = await rewards.epochTotals(epoch);
  const end = await rewards.epochEnd(epoch);
  const lines = [
    `Epoch ${epoch}${epoch === current ? " (current)" : epoch < current ? " (ended)" : " (not started)"}` +
      (end > 0n ? `, ${epoch < current ? "ended" : "ends"} ${formatMoment(end, now)}` : ""),
    `  emission      ${formatEther(await rewards.emission(epoch))} WEFT` +
      (totals.totalWeight > 0n ? " (fixed by its first recorded work)" : " (scheduled)"),
    `  total weight  ${formatEther(totals.totalWeight)} (fees valued in WEFT)`,
    `  epoch length  ${await rewards.epochLength()} s; decay ${await rewards.decayBps()} bps per epoch; ` +
      `reward cap ${await rewards.rewardCapBps()} bps of a provider's fee weight`,
  ];
  if (options.provider !== undefined) {
    const weight = await rewards.weightOf(options.provider, epoch);
    const claimed = await rewards.claimed(options.provider, epoch);
    const pending = await rewards.pendingReward(options.provider, epoch);
    lines.push(
      `  ${options.provider}: weight ${formatEther(weight)}, ` +
        (claimed
          ? "claimed"
          : epoch < current
            ? `claimable ${formatEther(pending)} WEFT`
            : "claimable once the epoch ends"),
    );
  }
  return lines.join("\n");
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

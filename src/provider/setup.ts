/**
 * Getting a provider ready to take jobs: registering its profile and staking WEFT. Used by provider:register,
 * provider:stake and by provider:run before it starts (--gpu, --stake).
 */
import { withRetry } from "../chain/retry";
import type { Signer } from "ethers";

import type { Logger } from "../agents/logger";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { formatWeft } from "../jobs/amounts";
import { requireStakeFunds } from "../staking/funding";
import { type ProviderProfile, validateProfile } from "../staking/profile";

type Contracts = Pick<WeftSystem, "ProviderRegistry" | "ComputeToken">;

/** Registers `signer` as a provider with `profile`. */
export async function registerProvider(
  system: Pick<WeftSystem, "ProviderRegistry">,
  signer: Signer,
  profile: ProviderProfile,
): Promise<{ provider: string; txHash: string }> {
  validateProfile(profile);
  const provider = await signer.getAddress();
  const registry = system.ProviderRegistry.connect(signer);
  if ((await withRetry("the provider's state", () => registry.providerState(provider))).registered) {
    throw new UserError(`${provider} is already registered as a provider.`);
  }
  const tx = await registry.register(profile);
  await tx.wait();
  return { provider, txHash: tx.hash };
}

/**
 * Stakes `amount` WEFT, approving the registry first unless its allowance already covers it. Refuses before sending
 * anything when the balance falls short, naming `network` in how to get the rest.
 */
export async function stakeWeft(
  system: Contracts,
  signer: Signer,
  amount: bigint,
  network: string,
): Promise<{ provider: string; staked: bigint; txHash: string }> {
  const provider = await signer.getAddress();
  if (amount <= 0n) throw new UserError(`--amount must be positive; got ${formatWeft(amount)}.`);
  const registry = system.ProviderRegistry.connect(signer);
  const token = system.ComputeToken.connect(signer);
  if (!(await withRetry("the provider's state", () => registry.providerState(provider))).registered) {
    throw new UserError(`${provider} is not a registered provider; run provider:register first.`);
  }
  await requireStakeFunds(system, signer, amount, network);
  const spender = await registry.getAddress();
  if ((await withRetry("the WEFT allowance", () => token.allowance(provider, spender))) < amount) {
    await (await token.approve(spender, amount)).wait();
  }
  const tx = await registry.stake(amount);
  await tx.wait();
  const { staked } = await withRetry("the provider's state", () => registry.providerState(provider));
  return { provider, staked, txHash: tx.hash };
}

export interface EnsureProviderOptions {
  /** Used to register if the signer is not registered yet. */
  readonly profile?: ProviderProfile;
  /** Total stake (free plus locked) to reach; the shortfall is staked. */
  readonly minStake?: bigint;
  /** The network's name, for the command that funds a shortfall (default a placeholder). */
  readonly network?: string;
}

/**
 * Registers (if needed and a profile is given) and tops the stake up to `minStake`; says what it did. The WEFT for
 * the stake is checked before registering, so a stake that cannot happen leaves nothing registered.
 */
export async function ensureProvider(
  system: Contracts,
  signer: Signer,
  options: EnsureProviderOptions,
  logger: Logger,
): Promise<void> {
  const provider = await signer.getAddress();
  const state = await withRetry("the provider's state", () => system.ProviderRegistry.providerState(provider));
  if (!state.registered) {
    if (options.profile === undefined) {
      throw new UserError(`${provider} is not a registered provider; pass --gpu and --vram to register it.`);
    }
    validateProfile(options.profile);
  }
  const shortfall = (options.minStake ?? 0n) - state.staked;
  const network = options.network ?? "<net>";
  if (shortfall > 0n) await requireStakeFunds(system, signer, shortfall, network);
  if (!state.registered && options.profile !== undefined) {
    const { txHash } = await registerProvider(system, signer, options.profile);
    logger.info(`registered ${provider} (${options.profile.gpuModel}, ${options.profile.vramGb} GB) in tx ${txHash}`);
  }
  if (shortfall > 0n) {
    const { staked, txHash } = await stakeWeft(system, signer, shortfall, network);
    logger.info(`staked ${formatWeft(shortfall)} (total ${formatWeft(staked)}) in tx ${txHash}`);
  }
}

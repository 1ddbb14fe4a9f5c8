/**
 * Getting a provider ready to take jobs: registering its profile and staking WEFT. Used by provider:register,
 * provider:stake and by provider:run before it starts (--gpu, --stake).
 */
import { withRetry } from "../chain/retry";
import { formatEther, type Signer } from "ethers";

import type { Logger } from "../agents/logger";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";

export interface ProviderProfile {
  readonly gpuModel: string;
  readonly vramGb: number;
  readonly metadataURI: string;
}

const MAX_VRAM_GB = 2 ** 32 - 1;

export function validateProfile(profile: ProviderProfile): void {
  if (profile.gpuModel.trim() === "") throw new UserError('--gpu must name the GPU model, e.g. --gpu "RTX 4090".');
  if (!Number.isInteger(profile.vramGb) || profile.vramGb < 1 || profile.vramGb > MAX_VRAM_GB) {
    throw new UserError(`--vram must be the GPU memory in whole GB (1..${MAX_VRAM_GB}); got ${profile.vramGb}.`);
  }
}

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

/** Approves the registry for `amount` WEFT and stakes it. */
export async function stakeWeft(
  system: Contracts,
  signer: Signer,
  amount: bigint,
): Promise<{ provider: string; staked: bigint; txHash: string }> {
  const provider = await signer.getAddress();
  if (amount <= 0n) throw new UserError(`--amount must be positive; got ${formatEther(amount)} WEFT.`);
  const registry = system.ProviderRegistry.connect(signer);
  const token = system.ComputeToken.connect(signer);
  if (!(await withRetry("the provider's state", () => registry.providerState(provider))).registered) {
    throw new UserError(`${provider} is not a registered provider; run provider:register first.`);
  }
  const balance = await withRetry("the WEFT balance", () => token.balanceOf(provider));
  if (balance < amount) {
    throw new UserError(
      `${provider} holds ${formatEther(balance)} WEFT, less than the ${formatEther(amount)} to stake.`,
    );
  }
  await (await token.approve(await registry.getAddress(), amount)).wait();
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
}

/** Registers (if needed and a profile is given) and tops the stake up to `minStake`; says what it did. */
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
    const { txHash } = await registerProvider(system, signer, options.profile);
    logger.info(`registered ${provider} (${options.profile.gpuModel}, ${options.profile.vramGb} GB) in tx ${txHash}`);
  }
  const shortfall = (options.minStake ?? 0n) - state.staked;
  if (shortfall > 0n) {
    const { staked, txHash } = await stakeWeft(system, signer, shortfall);
    logger.info(`staked ${formatEther(shortfall)} WEFT (total ${formatEther(staked)}) in tx ${txHash}`);
  }
}

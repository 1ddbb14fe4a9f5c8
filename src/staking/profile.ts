/**
 * A provider's hardware profile as the registry stores it, and changing it (provider:update): the fields given
 * replace, the others are kept.
 */
import type { Signer } from "ethers";

import { withRetry } from "../chain/retry";
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

/** Replaces the fields of `signer`'s profile that `changes` gives; returns the profile before and after. */
export async function updateProfile(
  system: Pick<WeftSystem, "ProviderRegistry">,
  signer: Signer,
  changes: Partial<ProviderProfile>,
): Promise<{ provider: string; before: ProviderProfile; after: ProviderProfile; txHash: string }> {
  const provider = await signer.getAddress();
  const registry = system.ProviderRegistry.connect(signer);
  const [state, current] = await withRetry("the provider's profile", () =>
    Promise.all([registry.providerState(provider), registry.profile(provider)]),
  );
  if (!state.registered) {
    throw new UserError(`${provider} is not a registered provider; run provider:register first.`);
  }
  const before = { gpuModel: current.gpuModel, vramGb: Number(current.vramGb), metadataURI: current.metadataURI };
  const after = { ...before, ...changes };
  validateProfile(after);
  if (
    after.gpuModel === before.gpuModel &&
    after.vramGb === before.vramGb &&
    after.metadataURI === before.metadataURI
  ) {
    throw new UserError(`The profile of ${provider} already is ${describeProfile(before)}; nothing to update.`);
  }
  const tx = await registry.updateProfile(after);
  await tx.wait();
  return { provider, before, after, txHash: tx.hash };
}

/** "RTX 4090, 24 GB, https://..." */
export function describeProfile(profile: ProviderProfile): string {
  return [profile.gpuModel, `${profile.vramGb} GB`, profile.metadataURI].filter((part) => part !== "").join(", ");
}

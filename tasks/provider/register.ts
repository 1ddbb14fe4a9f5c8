import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, INTEGER, KEYSTORE_HELP, URI } from "../../src/cli/arg-types";

task("provider:register", "Registers your account as a GPU provider with its hardware profile")
  .addParam("gpu", 'The GPU model, e.g. "RTX 4090"')
  .addParam("vram", "The GPU memory in GB", undefined, INTEGER)
  .addOptionalParam("metadataUri", "A URI describing the provider (contact, location, ...)", "", URI)
  .addOptionalParam("account", "The account to use (default: the provider's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(
      async (args: { gpu: string; vram: string; metadataUri: string; account?: string; keystore?: string }, hre) => {
        const { loadSystem } = await import("../../src/cli/context");
        const { parseProfile } = await import("../../src/provider/options");
        const { registerProvider } = await import("../../src/provider/setup");
        const profile = parseProfile(args.gpu, args.vram, args.metadataUri);
        const { signer, system } = await loadSystem(hre, {
          account: args.account,
          keystore: args.keystore,
          role: "provider",
        });
        const { provider, txHash } = await registerProvider(system, signer, profile);
        console.log(`Registered ${provider} as a provider (${profile.gpuModel}, ${profile.vramGb} GB) in tx ${txHash}`);
      },
    ),
  );

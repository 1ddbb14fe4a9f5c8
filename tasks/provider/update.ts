import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, INTEGER, KEYSTORE_HELP, URI } from "../../src/cli/arg-types";

task("provider:update", "Changes your provider profile: the fields given replace, the others are kept")
  .addOptionalParam("gpu", 'The GPU model, e.g. "RTX 4090"')
  .addOptionalParam("vram", "The GPU memory in GB", undefined, INTEGER)
  .addOptionalParam(
    "metadataUri",
    'A URI describing the provider (contact, location, ...); "" clears it',
    undefined,
    URI,
  )
  .addOptionalParam("account", "The account to use (default: the provider's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(
      async (args: { gpu?: string; vram?: string; metadataUri?: string; account?: string; keystore?: string }, hre) => {
        const { loadSystem } = await import("../../src/cli/context");
        const { parseInteger } = await import("../../src/cli/flags");
        const { UserError } = await import("../../src/errors");
        const { describeProfile, updateProfile } = await import("../../src/staking/profile");
        if (args.gpu === undefined && args.vram === undefined && args.metadataUri === undefined) {
          throw new UserError("Give what to change: --gpu, --vram and/or --metadata-uri.");
        }
        const changes = {
          ...(args.gpu === undefined ? {} : { gpuModel: args.gpu }),
          ...(args.vram === undefined ? {} : { vramGb: parseInteger("--vram", args.vram, { min: 1 }) }),
          ...(args.metadataUri === undefined ? {} : { metadataURI: args.metadataUri }),
        };
        const { signer, system } = await loadSystem(hre, {
          account: args.account,
          keystore: args.keystore,
          role: "provider",
        });
        const { provider, before, after, txHash } = await updateProfile(system, signer, changes);
        console.log(
          `Updated the profile of ${provider} in tx ${txHash}: ${describeProfile(before)} -> ${describeProfile(after)}`,
        );
      },
    ),
  );

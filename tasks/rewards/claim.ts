import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, KEYSTORE_HELP, LIST } from "../../src/cli/arg-types";

task("rewards:claim", "Claims a provider's rewards for ended epochs (default: every unclaimed one of the last 52)")
  .addOptionalParam("epochs", "Epoch numbers separated by commas", undefined, LIST)
  .addOptionalParam("account", "The provider's account (default: the provider's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { epochs?: string; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { claimRewards, parseEpochs } = await import("../../src/rewards/rewards");
      const { formatWeft } = await import("../../src/jobs/amounts");
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "provider",
      });
      const epochs = args.epochs === undefined ? undefined : parseEpochs(args.epochs);
      const claimed = await claimRewards(system, signer, epochs);
      console.log(
        `Claimed ${formatWeft(claimed.amount)} for epochs ${claimed.epochs.join(", ")} (tx ${claimed.txHash})`,
      );
    }),
  );

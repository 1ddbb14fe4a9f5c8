import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT_INDEX, LIST } from "../../src/cli/arg-types";

task("rewards:claim", "Claims a provider's rewards for ended epochs (default: every unclaimed one of the last 52)")
  .addOptionalParam("epochs", "Epoch numbers separated by commas", undefined, LIST)
  .addOptionalParam("account", "Index of the provider's configured account", "0", ACCOUNT_INDEX)
  .setAction(
    userFacing(async (args: { epochs?: string; account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { claimRewards, parseEpochs } = await import("../../src/rewards/rewards");
      const { formatEther } = await import("ethers");
      const { signer, system } = await loadSystem(hre, parseAccount("--account", args.account));
      const epochs = args.epochs === undefined ? undefined : parseEpochs(args.epochs);
      const claimed = await claimRewards(system, signer, epochs);
      console.log(
        `Claimed ${formatEther(claimed.amount)} WEFT for epochs ${claimed.epochs.join(", ")} (tx ${claimed.txHash})`,
      );
    }),
  );

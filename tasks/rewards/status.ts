import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ADDRESS, INTEGER } from "../../src/cli/arg-types";

task("rewards:status", "Shows a reward epoch (default the current one) and, with --provider, its weight and rewards")
  .addOptionalParam("provider", "A provider's address", undefined, ADDRESS)
  .addOptionalParam("epoch", "The epoch number (default the current epoch)", undefined, INTEGER)
  .addFlag("json", "Print JSON: amounts in base units and formatted, times in unix seconds and UTC, shares in bps")
  .setAction(
    userFacing(async (args: { provider?: string; epoch?: string; json: boolean }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { parseEpochs, formatRewardStatus, readRewardStatus, rewardStatusJson } =
        await import("../../src/rewards/rewards");
      const { parseProviderAddress } = await import("../../src/jobs/request");
      const { system } = await loadSystem(hre);
      const provider = args.provider === undefined ? undefined : parseProviderAddress(args.provider);
      const epoch = args.epoch === undefined ? undefined : parseEpochs(args.epoch)[0];
      const status = await readRewardStatus(system, { provider, epoch });
      console.log(
        args.json ? rewardStatusJson(status) : formatRewardStatus(status, await chainTime(hre.ethers.provider)),
      );
    }),
  );

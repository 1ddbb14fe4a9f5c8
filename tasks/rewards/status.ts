import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ADDRESS, INTEGER } from "../../src/cli/arg-types";

task("rewards:status", "Shows a reward epoch (default the current one) and, with --provider, its weight and rewards")
  .addOptionalParam("provider", "A provider's address", undefined, ADDRESS)
  .addOptionalParam("epoch", "The epoch number (default the current epoch)", undefined, INTEGER)
  .setAction(
    userFacing(async (args: { provider?: string; epoch?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { parseEpochs, formatRewardStatus } = await import("../../src/rewards/rewards");
      const { parseProviderAddress } = await import("../../src/jobs/request");
      const { system } = await loadSystem(hre);
      const provider = args.provider === undefined ? undefined : parseProviderAddress(args.provider);
      const epoch = args.epoch === undefined ? undefined : parseEpochs(args.epoch)[0];
      console.log(await formatRewardStatus(system, await chainTime(hre.ethers.provider), { provider, epoch }));
    }),
  );

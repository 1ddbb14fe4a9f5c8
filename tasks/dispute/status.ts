import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ID } from "../../src/cli/arg-types";

task(
  "dispute:status",
  "Shows every dispute of a job (--job) or one dispute (--dispute): status, bond, whose turn, deadline, node, clocks",
)
  .addOptionalParam("job", "The job id: lists every dispute of the job", undefined, ID)
  .addOptionalParam("dispute", "The dispute id: shows that dispute", undefined, ID)
  .setAction(
    userFacing(async (args: { job?: string; dispute?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { disputeContext, formatDisputeStatus, parseStatusTarget } = await import("../../apps/roots/disputes");
      const target = parseStatusTarget(args.job, args.dispute);
      const ctx = disputeContext(hre, await loadSystem(hre));
      console.log(await formatDisputeStatus(ctx, target, await chainTime(hre.ethers.provider)));
    }),
  );

import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ID } from "../../src/cli/arg-types";

task(
  "dispute:status",
  "Shows every dispute of a job (--job) or one dispute (--dispute): status, bond, whose turn, deadline, node, clocks",
)
  .addOptionalParam("job", "The job id: lists every dispute of the job", undefined, ID)
  .addOptionalParam("dispute", "The dispute id: shows that dispute", undefined, ID)
  .addFlag("json", "Print JSON: the bond in base units and formatted, times in unix seconds and UTC")
  .setAction(
    userFacing(async (args: { job?: string; dispute?: string; json: boolean }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { disputeContext, disputeStatusJson, formatDisputeStatus, parseStatusTarget, readDisputeStatus } =
        await import("../../apps/roots/disputes");
      const target = parseStatusTarget(args.job, args.dispute);
      const report = await readDisputeStatus(disputeContext(hre, await loadSystem(hre)), target);
      const now = await chainTime(hre.ethers.provider);
      console.log(args.json ? disputeStatusJson(report, now) : formatDisputeStatus(report, now));
    }),
  );

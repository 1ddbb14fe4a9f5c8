import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dispute:status", "Shows a job's dispute: kind, status, challenger, bond and deadline")
  .addParam("id", "The job id")
  .setAction(
    userFacing(async (args: { id: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatDisputeStatus } = await import("../../src/disputes/commands");
      const { parseJobId } = await import("../../src/jobs/request");
      const { system, book } = await loadSystem(hre);
      const now = await chainTime(hre.ethers.provider);
      console.log(await formatDisputeStatus(system, parseJobId(args.id), now, book.deploymentBlock));
    }),
  );

import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ID } from "../../src/cli/arg-types";

task("dispute:list", "Lists every dispute (--job: of one job; --open: running only): kind, status, bond, deadline")
  .addOptionalParam("job", "The job id: lists that job's disputes only", undefined, ID)
  .addFlag("open", "Only the disputes still running")
  .addFlag("json", "Print JSON: the bond in base units and formatted")
  .setAction(
    userFacing(async (args: { job?: string; open: boolean; json: boolean }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { parseJobFlag } = await import("../../apps/roots/disputes");
      const { disputesJson, formatDisputeList, listDisputes } = await import("../../src/disputes/list");
      const jobId = args.job === undefined ? undefined : parseJobFlag(args.job);
      const { system, history } = await loadSystem(hre);
      const disputes = await listDisputes(system, history, { jobId, open: args.open });
      console.log(
        args.json ? disputesJson(disputes) : formatDisputeList(disputes, await chainTime(hre.ethers.provider)),
      );
    }),
  );

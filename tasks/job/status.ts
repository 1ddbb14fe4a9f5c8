import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ID, INTEGER } from "../../src/cli/arg-types";

task("job:status", "Shows one job (state, deadlines, roots, URIs, receipt) or, without --id, a table of jobs")
  .addOptionalParam("id", "The job id", undefined, ID)
  .addOptionalParam("limit", "Without --id: show only the latest N jobs", undefined, INTEGER)
  .addFlag("json", "Print JSON: amounts in base units and formatted, times in unix seconds and UTC")
  .setAction(
    userFacing(async (args: { id?: string; limit?: string; json: boolean }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { parseJobId } = await import("../../src/jobs/request");
      const { parseInteger } = await import("../../src/cli/flags");
      const status = await import("../../src/jobs/status");
      const id = args.id === undefined ? undefined : parseJobId(args.id);
      const limit =
        args.limit === undefined ? undefined : parseInteger("--limit", args.limit, { min: 1, max: 1_000_000 });
      const { system, history } = await loadSystem(hre);
      const now = await chainTime(hre.ethers.provider);
      if (id !== undefined) {
        const details = await status.readJobDetails(system, id, history);
        console.log(args.json ? status.jobDetailsJson(details) : status.formatJobDetails(details, now));
        return;
      }
      const rows = await status.readJobList(system, history, limit);
      console.log(args.json ? status.jobListJson(rows) : status.formatJobList(rows, now));
    }),
  );

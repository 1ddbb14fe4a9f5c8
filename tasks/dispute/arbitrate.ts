import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dispute:arbitrate", "Arbiter: rules on a dispute of a workload without a checker")
  .addParam("id", "The job id")
  .addParam("fault", "yes: the provider is at fault; no: it is not")
  .addOptionalParam("account", "Index of the arbiter's configured account", "0")
  .setAction(
    userFacing(async (args: { id: string; fault: string; account: string }, hre) => {
      const { loadSystem, parseAccountIndex } = await import("../../src/cli/context");
      const { arbitrate } = await import("../../src/disputes/commands");
      const { parseJobId } = await import("../../src/jobs/request");
      const { UserError } = await import("../../src/errors");
      if (args.fault !== "yes" && args.fault !== "no")
        throw new UserError(`--fault must be yes or no; got "${args.fault}".`);
      const { signer, system, book } = await loadSystem(hre, parseAccountIndex(args.account));
      const tx = await arbitrate(system, signer, parseJobId(args.id), args.fault === "yes", book.deploymentBlock);
      console.log(`Ruled ${args.fault === "yes" ? "fault" : "no fault"} on job ${args.id} in tx ${tx}`);
    }),
  );

import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dispute:resolve", "Ends a dispute whose deadline has passed (no reveal: fault; otherwise no fault)")
  .addParam("id", "The job id")
  .addOptionalParam("account", "Index of the configured account that sends the transaction", "0")
  .setAction(
    userFacing(async (args: { id: string; account: string }, hre) => {
      const { loadSystem, parseAccountIndex } = await import("../../src/cli/context");
      const { resolveDispute } = await import("../../src/disputes/commands");
      const { parseJobId } = await import("../../src/jobs/request");
      const { signer, system, book } = await loadSystem(hre, parseAccountIndex(args.account));
      const tx = await resolveDispute(system, signer, parseJobId(args.id), book.deploymentBlock);
      console.log(`Dispute on job ${args.id} resolved in tx ${tx}`);
    }),
  );

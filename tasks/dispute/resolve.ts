import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT_INDEX, ID } from "../../src/cli/arg-types";

task(
  "dispute:resolve",
  "Ends a dispute whose deadline has passed (the side whose turn it was loses), or one whose job another dispute slashed",
)
  .addParam("dispute", "The dispute id", undefined, ID)
  .addOptionalParam("account", "Index of the configured account that sends the transaction", "0", ACCOUNT_INDEX)
  .setAction(
    userFacing(async (args: { dispute: string; account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { disputeContext, formatSettled, parseDisputeFlag, resolveDispute } =
        await import("../../apps/roots/disputes");
      const id = parseDisputeFlag(args.dispute);
      const ctx = disputeContext(hre, await loadSystem(hre, parseAccount("--account", args.account)));
      console.log(formatSettled(await resolveDispute(ctx, id), "resolved"));
    }),
  );

import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT_INDEX, ID, oneOf } from "../../src/cli/arg-types";

task("dispute:arbitrate", "Arbiter: rules on a dispute of a workload without a checker")
  .addParam("dispute", "The dispute id", undefined, ID)
  .addParam("fault", "yes: the provider is at fault; no: it is not", undefined, oneOf("yes", "no"))
  .addOptionalParam("account", "Index of the arbiter's configured account", "0", ACCOUNT_INDEX)
  .setAction(
    userFacing(async (args: { dispute: string; fault: string; account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { arbitrate, disputeContext, formatSettled, parseDisputeFlag, parseFault } =
        await import("../../apps/roots/disputes");
      const id = parseDisputeFlag(args.dispute);
      const fault = parseFault(args.fault);
      const ctx = disputeContext(hre, await loadSystem(hre, parseAccount("--account", args.account)));
      console.log(formatSettled(await arbitrate(ctx, id, fault), `ruled ${fault ? "fault" : "no fault"}`));
    }),
  );

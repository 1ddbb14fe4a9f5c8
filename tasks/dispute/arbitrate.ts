import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, ID, KEYSTORE_HELP, oneOf } from "../../src/cli/arg-types";

task("dispute:arbitrate", "Arbiter: rules on a dispute of a workload without a checker")
  .addParam("dispute", "The dispute id", undefined, ID)
  .addParam("fault", "yes: the provider is at fault; no: it is not", undefined, oneOf("yes", "no"))
  .addOptionalParam("account", "The arbiter's account (default: the deployer's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { dispute: string; fault: string; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { arbitrate, disputeContext, formatSettled, parseDisputeFlag, parseFault } =
        await import("../../apps/roots/disputes");
      const id = parseDisputeFlag(args.dispute);
      const fault = parseFault(args.fault);
      const ctx = disputeContext(
        hre,
        await loadSystem(hre, { account: args.account, keystore: args.keystore, role: "deployer" }),
      );
      console.log(formatSettled(await arbitrate(ctx, id, fault), `ruled ${fault ? "fault" : "no fault"}`));
    }),
  );

import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, ID, KEYSTORE_HELP } from "../../src/cli/arg-types";

task(
  "dispute:resolve",
  "Ends a dispute whose deadline has passed (the side whose turn it was loses), or one whose job another dispute slashed",
)
  .addParam("dispute", "The dispute id", undefined, ID)
  .addOptionalParam(
    "account",
    "The account that sends the transaction (default: the verifier's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { dispute: string; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { disputeContext, formatSettled, parseDisputeFlag, resolveDispute } =
        await import("../../apps/roots/disputes");
      const id = parseDisputeFlag(args.dispute);
      const ctx = disputeContext(
        hre,
        await loadSystem(hre, { account: args.account, keystore: args.keystore, role: "verifier" }),
      );
      console.log(formatSettled(await resolveDispute(ctx, id), "resolved"));
    }),
  );

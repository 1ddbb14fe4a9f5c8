import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, ADDRESS, FILE, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("dao:delegate", "Delegates your WEFT voting power (to yourself unless --to is given)")
  .addOptionalParam("to", "The delegatee's address", undefined, ADDRESS)
  .addOptionalParam("account", "The account that delegates (default: the member's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { to?: string; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { delegate } = await import("../../src/dao/votes");
      const { formatWeft } = await import("../../src/jobs/amounts");
      const { signer, system } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "member",
      });
      const result = await delegate(system.ComputeToken, signer, args.to);
      console.log(
        `Delegated ${formatWeft(result.votes)} of voting power from ${result.from} to ${result.to} (tx ${result.txHash})`,
      );
    }),
  );

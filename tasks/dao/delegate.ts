import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:delegate", "Delegates your WEFT voting power (to yourself unless --to is given)")
  .addOptionalParam("to", "The delegatee's address")
  .addOptionalParam("account", "Index of the configured account that delegates", "0")
  .setAction(
    userFacing(async (args: { to?: string; account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { delegate } = await import("../../src/dao/votes");
      const { signer, system } = await loadSystem(hre, parseAccount("--account", args.account));
      const result = await delegate(system.ComputeToken, signer, args.to);
      console.log(
        `Delegated ${result.votes} WEFT of voting power from ${result.from} to ${result.to} (tx ${result.txHash})`,
      );
    }),
  );

import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:delegate", "Delegates your WEFT voting power (to yourself unless --to is given)")
  .addOptionalParam("to", "The delegatee's address")
  .setAction(
    userFacing(async (args: { to?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { delegate } = await import("../../src/dao/votes");
      const { signer, system } = await loadSystem(hre);
      const result = await delegate(system.ComputeToken, signer, args.to);
      console.log(
        `Delegated ${result.votes} WEFT of voting power from ${result.from} to ${result.to} (tx ${result.txHash})`,
      );
    }),
  );

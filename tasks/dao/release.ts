import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dao:release", "Releases a launch allocation's vested WEFT to its beneficiary (anyone may send it)")
  .addParam("allocation", "The vested allocation: founders, contributors or ecosystem")
  .addFlag("advance", "Local networks only: move the clock to the allocation's cliff first")
  .addOptionalParam("account", "Index of the configured account that sends the transaction", "0")
  .setAction(
    userFacing(async (args: { allocation: string; advance: boolean; account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { cliffOf, releaseVested } = await import("../../src/dao/vesting");
      const { signer, system, book } = await loadSystem(hre, parseAccount("--account", args.account));
      if (args.advance) {
        const { advanceTo } = await import("../../src/chain/clock");
        await advanceTo(hre, await cliffOf(book, args.allocation, signer));
      }
      const token = await system.ComputeToken.getAddress();
      const result = await releaseVested(book, args.allocation, signer, token);
      console.log(
        `Released ${result.amount} WEFT of ${args.allocation} to ${result.beneficiary} (tx ${result.txHash})`,
      );
    }),
  );

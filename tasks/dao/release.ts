import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, KEYSTORE_HELP, oneOf } from "../../src/cli/arg-types";

task("dao:release", "Releases a launch allocation's vested WEFT to its beneficiary (anyone may send it)")
  .addParam(
    "allocation",
    "The vested allocation: founders, contributors or ecosystem",
    undefined,
    oneOf("founders", "contributors", "ecosystem"),
  )
  .addFlag("advance", "Local networks only: move the clock to the allocation's cliff first")
  .addOptionalParam(
    "account",
    "The account that sends the transaction (default: the member's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { allocation: string; advance: boolean; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { cliffOf, releaseVested } = await import("../../src/dao/vesting");
      const { formatWeft } = await import("../../src/jobs/amounts");
      const { signer, system, book } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "member",
      });
      if (args.advance) {
        const { advanceTo } = await import("../../src/chain/clock");
        await advanceTo(hre, await cliffOf(book, args.allocation, signer));
      }
      const token = await system.ComputeToken.getAddress();
      const result = await releaseVested(book, args.allocation, signer, token);
      console.log(
        `Released ${formatWeft(result.amount)} of ${args.allocation} to ${result.beneficiary} (tx ${result.txHash})`,
      );
    }),
  );

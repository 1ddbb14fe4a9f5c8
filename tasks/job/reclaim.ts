import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT_INDEX, ID } from "../../src/cli/arg-types";

task("job:reclaim", "Takes back the payment of an accepted job whose provider missed its submit deadline")
  .addParam("id", "The job id", undefined, ID)
  .addOptionalParam("account", "Index of the configured account that sends the transaction", "0", ACCOUNT_INDEX)
  .setAction(
    userFacing(async (args: { id: string; account: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount, WEFT_UNITS } = await import("../../src/cli/flags");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatAmount } = await import("../../src/jobs/amounts");
      const { parseJobId } = await import("../../src/jobs/request");
      const { reclaimJob } = await import("../../src/jobs/refunds");
      const id = parseJobId(args.id);
      const { signer, system, history } = await loadSystem(hre, parseAccount("--account", args.account));
      const now = await chainTime(hre.ethers.provider);
      const reclaimed = await reclaimJob(system, signer, id, now, history);
      console.log(`Job ${id} timed out (tx ${reclaimed.txHash})`);
      console.log(`Refunded ${formatAmount(reclaimed.refund, reclaimed.token)} to the client ${reclaimed.client}`);
      console.log(
        `Provider ${reclaimed.provider} forfeited ${formatAmount(reclaimed.forfeited, WEFT_UNITS)} of its ` +
          `${formatAmount(reclaimed.collateral, WEFT_UNITS)} collateral to ${reclaimed.forfeitedTo}; the rest is unlocked`,
      );
    }),
  );

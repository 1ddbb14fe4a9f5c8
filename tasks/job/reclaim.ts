import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, ID, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("job:reclaim", "Takes back the payment of an accepted job whose provider missed its submit deadline")
  .addParam("id", "The job id", undefined, ID)
  .addOptionalParam(
    "account",
    "The account that sends the transaction (default: the client's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { id: string; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { WEFT_UNITS } = await import("../../src/cli/flags");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatAmount } = await import("../../src/jobs/amounts");
      const { parseJobId } = await import("../../src/jobs/request");
      const { reclaimJob } = await import("../../src/jobs/refunds");
      const id = parseJobId(args.id);
      const { signer, system, history } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "client",
      });
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

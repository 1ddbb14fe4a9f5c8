import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, ID, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("job:cancel", "The client cancels a job no provider has accepted and gets its payment back in full")
  .addParam("id", "The job id", undefined, ID)
  .addOptionalParam(
    "account",
    "The account that created the job (default: the client's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: { id: string; account?: string; keystore?: string }, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { chainTime } = await import("../../src/chain/clock");
      const { formatAmount } = await import("../../src/jobs/amounts");
      const { parseJobId } = await import("../../src/jobs/request");
      const { cancelJob } = await import("../../src/jobs/refunds");
      const id = parseJobId(args.id);
      const { signer, system, history } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "client",
      });
      const now = await chainTime(hre.ethers.provider);
      const cancelled = await cancelJob(system, signer, id, now, history);
      console.log(`Cancelled job ${id} (tx ${cancelled.txHash})`);
      console.log(`Refunded ${formatAmount(cancelled.refund, cancelled.token)} to the client ${cancelled.client}`);
    }),
  );

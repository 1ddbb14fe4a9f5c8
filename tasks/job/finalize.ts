import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, ID, KEYSTORE_HELP } from "../../src/cli/arg-types";

task("job:finalize", "Settles a submitted job after its challenge window: pays the provider and mints the receipt")
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
      const { chainTime } = await import("../../src/chain/clock");
      const { parseJobId } = await import("../../src/jobs/request");
      const { finalizeJob } = await import("../../src/jobs/status");
      const id = parseJobId(args.id);
      const { signer, system, history } = await loadSystem(hre, {
        account: args.account,
        keystore: args.keystore,
        role: "client",
      });
      const now = await chainTime(hre.ethers.provider);
      const settled = await finalizeJob(system, signer, id, now, history);
      console.log(`Finalized job ${id} (tx ${settled.txHash}, gas ${settled.gasUsed})`);
      console.log(`Provider paid ${settled.providerPayout}, protocol fee ${settled.fee}`);
      console.log(`Receipt #${id} minted to ${settled.receiptOwner}`);
    }),
  );

import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT_INDEX, HTTP_URL, ID, URI } from "../../src/cli/arg-types";

interface Args {
  dispute: string;
  resultUri?: string;
  ipfsGateway?: string;
  account: string;
}

task(
  "dispute:step",
  "Makes the caller's next move in a dispute: challenger (reveal the proof, name a child), provider (reveal children or the chunk), anyone (prove a revealed chunk wrong)",
)
  .addParam("dispute", "The dispute id", undefined, ID)
  .addOptionalParam(
    "resultUri",
    "Provider: where its output is (default the URI the job's result was submitted with)",
    undefined,
    URI,
  )
  .addOptionalParam("ipfsGateway", "Gateway for ipfs:// URIs (default $WEFT_IPFS_GATEWAY)", undefined, HTTP_URL)
  .addOptionalParam("account", "Index of the configured account that moves", "0", ACCOUNT_INDEX)
  .setAction(
    userFacing(async (args: Args, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { parseAccount } = await import("../../src/cli/flags");
      const { disputeContext, formatMove, parseDisputeFlag, stepDispute } = await import("../../apps/roots/disputes");
      const { ipfsGatewayFromEnv } = await import("../../src/store/factory");
      const id = parseDisputeFlag(args.dispute);
      const loaded = await loadSystem(hre, parseAccount("--account", args.account));
      const ctx = disputeContext(hre, loaded, { ipfsGateway: args.ipfsGateway ?? ipfsGatewayFromEnv() });
      console.log(formatMove(await stepDispute(ctx, id, args.resultUri)));
    }),
  );

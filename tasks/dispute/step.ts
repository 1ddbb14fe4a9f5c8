import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, HTTP_URL, ID, KEYSTORE_HELP, URI } from "../../src/cli/arg-types";

interface Args {
  dispute: string;
  resultUri?: string;
  ipfsGateway?: string;
  account?: string;
  keystore?: string;
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
  .addOptionalParam("account", "The account that moves (default: the verifier's key, else 0)", undefined, ACCOUNT)
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: Args, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { disputeContext, formatMove, parseDisputeFlag, stepDispute } = await import("../../apps/roots/disputes");
      const { ipfsGatewayFromEnv } = await import("../../src/store/factory");
      const id = parseDisputeFlag(args.dispute);
      const loaded = await loadSystem(hre, { account: args.account, keystore: args.keystore, role: "verifier" });
      const ctx = disputeContext(hre, loaded, { ipfsGateway: args.ipfsGateway ?? ipfsGatewayFromEnv() });
      console.log(formatMove(await stepDispute(ctx, id, args.resultUri)));
    }),
  );

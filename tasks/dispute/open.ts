import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { ACCOUNT, FILE, HTTP_URL, ID, KEYSTORE_HELP, URI, oneOf } from "../../src/cli/arg-types";

interface Args {
  job: string;
  path: string;
  evidence?: string;
  ipfsGateway?: string;
  account?: string;
  keystore?: string;
}

task(
  "dispute:open",
  "Disputes a submitted job: --path proof (checks the result, commits, reveals), withheld (opens a bisection) or arbitration",
)
  .addParam("job", "The job id", undefined, ID)
  .addParam("path", "proof | withheld | arbitration", undefined, oneOf("proof", "withheld", "arbitration"))
  .addOptionalParam("evidence", "arbitration: URI of the evidence for the arbiter", undefined, URI)
  .addOptionalParam("ipfsGateway", "Gateway for ipfs:// URIs (default $WEFT_IPFS_GATEWAY)", undefined, HTTP_URL)
  .addOptionalParam(
    "account",
    "The account that pays the bond (default: the verifier's key, else 0)",
    undefined,
    ACCOUNT,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP, undefined, FILE)
  .setAction(
    userFacing(async (args: Args, hre) => {
      const { loadSystem } = await import("../../src/cli/context");
      const { disputeContext, formatOpened, openDispute, parseDisputePath, parseJobFlag } =
        await import("../../apps/roots/disputes");
      const { ipfsGatewayFromEnv } = await import("../../src/store/factory");
      const path = parseDisputePath(args.path);
      const jobId = parseJobFlag(args.job);
      const loaded = await loadSystem(hre, { account: args.account, keystore: args.keystore, role: "verifier" });
      const ctx = disputeContext(hre, loaded, { ipfsGateway: args.ipfsGateway ?? ipfsGatewayFromEnv() });
      const opened = await openDispute(ctx, { jobId, path, evidenceURI: args.evidence });
      console.log(formatOpened(ctx, opened));
    }),
  );

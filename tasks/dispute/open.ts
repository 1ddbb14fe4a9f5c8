import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

interface Args {
  id: string;
  path: string;
  row?: string;
  col?: string;
  evidence?: string;
  ipfsGateway?: string;
  account: string;
}

task(
  "dispute:open",
  "Disputes a submitted job by hand: --path proof (checks the result first), withheld or arbitration",
)
  .addParam("id", "The job id")
  .addParam("path", "proof | withheld | arbitration")
  .addOptionalParam("row", "withheld: row of the element whose chunk the provider must reveal")
  .addOptionalParam("col", "withheld: column of that element")
  .addOptionalParam("evidence", "arbitration: URI of the evidence for the arbiter")
  .addOptionalParam("ipfsGateway", "Gateway for ipfs:// URIs (default $WEFT_IPFS_GATEWAY)")
  .addOptionalParam("account", "Index of the configured account that pays the bond", "0")
  .setAction(
    userFacing(async (args: Args, hre) => {
      const { loadSystem, parseAccountIndex } = await import("../../src/cli/context");
      const { DISPUTE_PATHS, openDispute } = await import("../../src/disputes/commands");
      const { parseIntegerFlag, parseJobId } = await import("../../src/jobs/request");
      const { ipfsGatewayFromEnv } = await import("../../src/store/factory");
      const { UserError } = await import("../../src/errors");
      const path = DISPUTE_PATHS.find((p) => p === args.path);
      if (path === undefined)
        throw new UserError(`--path must be one of ${DISPUTE_PATHS.join(", ")}; got "${args.path}".`);
      const optional = (flag: string, value?: string) =>
        value === undefined ? undefined : parseIntegerFlag(flag, value, 0, 2 ** 32 - 1);
      const { book, signer, system } = await loadSystem(hre, parseAccountIndex(args.account));
      const tx = await openDispute(system, signer, {
        id: parseJobId(args.id),
        path,
        row: optional("--row", args.row),
        col: optional("--col", args.col),
        evidenceURI: args.evidence,
        fetchConfig: { ipfsGateway: args.ipfsGateway ?? ipfsGatewayFromEnv() },
        deploymentBlock: book.deploymentBlock,
      });
      console.log(`Dispute on job ${args.id} (${path}) in tx ${tx}`);
    }),
  );

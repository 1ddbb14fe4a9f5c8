import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task("dispute:reveal", "Provider: reveals the result chunk a withheld-data dispute names (the agent does it by itself)")
  .addParam("id", "The job id")
  .addOptionalParam("resultUri", "Where the output is (default the URI the job's result was submitted with)")
  .addOptionalParam("ipfsGateway", "Gateway for ipfs:// URIs (default $WEFT_IPFS_GATEWAY)")
  .addOptionalParam("account", "Index of the provider's configured account", "0")
  .setAction(
    userFacing(async (args: { id: string; resultUri?: string; ipfsGateway?: string; account: string }, hre) => {
      const { loadSystem, parseAccountIndex } = await import("../../src/cli/context");
      const { revealChunk } = await import("../../src/disputes/commands");
      const { parseJobId } = await import("../../src/jobs/request");
      const { ipfsGatewayFromEnv } = await import("../../src/store/factory");
      const { book, signer, system } = await loadSystem(hre, parseAccountIndex(args.account));
      const fetchConfig = { ipfsGateway: args.ipfsGateway ?? ipfsGatewayFromEnv() };
      await revealChunk(system, signer, parseJobId(args.id), book.deploymentBlock, fetchConfig, args.resultUri);
      console.log(`Revealed the disputed chunk of job ${args.id}`);
    }),
  );

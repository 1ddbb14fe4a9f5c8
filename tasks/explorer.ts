import { task } from "hardhat/config";

import { userFacing } from "../src/cli/action";
import { DIRECTORY, HOST, PORT } from "../src/cli/arg-types";
import { addChainFollowingParams } from "../src/cli/following-params";
import type { ExplorerCliArgs } from "../apps/explorer/run";

addChainFollowingParams(
  task("explorer", "Serves a read-only web explorer of the deployment: jobs, receipts, providers, disputes, proposals")
    .addOptionalParam("port", "The port to serve on (default 8080; 0 for any free port)", undefined, PORT)
    .addOptionalParam("host", "The interface to serve on (default 127.0.0.1; 0.0.0.0 for every one)", undefined, HOST)
    .addOptionalParam(
      "stateDir",
      "Where the event index and block times live (default .weft/explorer-<network>)",
      undefined,
      DIRECTORY,
    ),
  "shown",
).setAction(
  userFacing(async (args: ExplorerCliArgs, hre) => {
    const { parseExplorerArgs, runExplorer } = await import("../apps/explorer/run");
    await runExplorer(hre, parseExplorerArgs(args, hre.network.name));
  }),
);

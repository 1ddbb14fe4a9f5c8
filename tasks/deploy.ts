import { task } from "hardhat/config";

import { userFacing } from "../src/cli/action";
import { FILE } from "../src/cli/arg-types";

task("deploy", "Deploys the whole Weft system, wires roles, hands control to the DAO and writes deployments/<net>.json")
  .addFlag("verify", "Verify every source on the network's block explorer")
  .addFlag("reset", "Local networks only: start over after restarting the node (drops the old Ignition journal)")
  .addOptionalParam("deploymentId", "Ignition deployment id (default chain-<chainId>); a re-run with it resumes")
  .addOptionalParam(
    "params",
    "A JSON file overriding some of the network's parameters (config/parameters.ts)",
    undefined,
    FILE,
  )
  .setAction(
    userFacing(async (args: { verify: boolean; reset: boolean; deploymentId?: string; params?: string }, hre) => {
      const { runDeploy } = await import("../src/deploy/run");
      const { formatAddressBook } = await import("../src/deploy/format");
      const book = await runDeploy(hre, { ...args, paramsFile: args.params });
      console.log(formatAddressBook(book));
    }),
  );

import path from "node:path";

import debug from "debug";
import { TASK_COMPILE } from "hardhat/builtin-tasks/task-names";
import { task } from "hardhat/config";

import { userFacing } from "../src/cli/action";
import { DIRECTORY, INTEGER } from "../src/cli/arg-types";

task("demo", "Runs the whole protocol on a local chain: jobs, two cheaters slashed, receipts, rewards, a DAO vote")
  .addOptionalParam(
    "seed",
    "Picks the matmul inputs and the cheater's wrong word (an integer, default 1)",
    "1",
    INTEGER,
  )
  .addOptionalParam(
    "out",
    "Where receipts, the picture and the agents' files go; emptied on every run",
    "demo-output",
    DIRECTORY,
  )
  .setAction(
    userFacing(async (args: { seed: string; out: string }, hre) => {
      // --verbose is Hardhat's own flag: here it means the agents' log lines, not Hardhat's internal debug output,
      // which would bury them.
      const verbose = hre.hardhatArguments.verbose;
      if (verbose) debug.disable();
      // A fresh clone has no artifacts or TypeChain types yet, and src/ needs both.
      await hre.run(TASK_COMPILE, { quiet: true });
      const { parseInteger } = await import("../src/cli/flags");
      const { runDemo } = await import("../apps/demo/scenario");
      const result = await runDemo(hre, {
        seed: parseInteger("--seed", args.seed, { min: 0, max: 0xffffffff }),
        outDir: path.resolve(args.out),
        verbose,
        interactive: process.stdout.isTTY === true,
      });
      if (!result.ok) process.exitCode = 1;
    }),
  );

import { task } from "hardhat/config";

import { userFacing } from "../src/cli/action";

task("bench", "Gas, scale and verifier benchmarks: bench/results/*.json and BENCHMARKS.md")
  .addFlag("quick", "A smaller run (fewer sizes and runs), written to .weft/bench-quick/")
  .addFlag("reportOnly", "Only regenerate BENCHMARKS.md from the existing result files")
  .setAction(
    userFacing(async (args: { quick: boolean; reportOnly: boolean }, hre) => {
      if (args.reportOnly) {
        const { writeReport } = await import("../bench/run");
        console.log(`wrote ${writeReport(args.quick)}`);
        return;
      }
      const { UserError } = await import("../src/errors");
      if (hre.network.name !== "hardhat") {
        throw new UserError("The benchmarks run on the in-process network; run npm run bench without --network.");
      }
      // A fresh clone has no artifacts or typechain-types yet, which the benches import.
      await hre.run("compile", { quiet: true });
      const { runBench } = await import("../bench/run");
      await runBench({ quick: args.quick });
    }),
  );

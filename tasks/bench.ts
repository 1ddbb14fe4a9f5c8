import { task } from "hardhat/config";

import { userFacing } from "../src/cli/action";
import { LIST } from "../src/cli/arg-types";

task("bench", "Gas, scale and verifier benchmarks: bench/results/*.json and BENCHMARKS.md")
  .addFlag("quick", "A smaller run (fewer sizes and runs), written to .weft/bench-quick/")
  .addFlag("reportOnly", "Only regenerate BENCHMARKS.md from the existing result files")
  .addOptionalParam(
    "only",
    "Run only these benches, comma-separated (gas, scale, verifier, endToEnd, mlp), writing only their result files",
    undefined,
    LIST,
  )
  .setAction(
    userFacing(async (args: { quick: boolean; reportOnly: boolean; only?: string }, hre) => {
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
      const { BENCH_NAMES, runBench, runOnly } = await import("../bench/run");
      const only = args.only?.split(",").map((name) => name.trim());
      const unknown = only?.filter((name) => !(BENCH_NAMES as readonly string[]).includes(name)) ?? [];
      if (unknown.length > 0)
        throw new UserError(`--only: no bench ${unknown.join(", ")}; known: ${BENCH_NAMES.join(", ")}`);
      if (only === undefined) await runBench({ quick: args.quick });
      else await runOnly({ quick: args.quick, only: only as (typeof BENCH_NAMES)[number][] });
    }),
  );

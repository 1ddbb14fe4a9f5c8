import { task } from "hardhat/config";

import { FILE, INTEGER } from "../../src/cli/arg-types";
import { userFacing } from "../../src/cli/action";
import { parseInteger } from "../../src/cli/flags";

interface MutantsArgs {
  full: boolean;
  changed: boolean;
  contract?: string;
  workers?: string;
}

task("audit:mutants", "Mutation testing: does a test fail for every small bug in the contracts? (reports/mutants.json)")
  .addFlag("full", "run every mutant again, reusing no recorded result")
  .addFlag("changed", "only the contracts whose source or tests changed since the recorded run; fail if a score drops")
  .addOptionalParam("contract", "only this contract, e.g. contracts/market/JobEscrow.sol", undefined, FILE)
  .addOptionalParam("workers", "worker processes (default: one per core)", undefined, INTEGER)
  .setAction(
    userFacing(async (args: MutantsArgs, hre) => {
      const { defaultWorkers, runMutants } = await import("../../apps/mutants/runner");
      const { formatMutationSummary } = await import("../../apps/mutants/summary");
      const outcome = await runMutants({
        root: hre.config.paths.root,
        full: args.full,
        changedOnly: args.changed,
        contracts: args.contract === undefined ? [] : [args.contract],
        workers: args.workers === undefined ? defaultWorkers() : parseInteger("--workers", args.workers, { min: 1 }),
        log: (line) => console.log(line),
      });
      console.log(formatMutationSummary(outcome.report));
      console.log(`wrote ${outcome.file}`);
      if (outcome.regressions.length > 0) {
        process.exitCode = 1;
        console.error(
          `The mutation score dropped for ${outcome.regressions.join(", ")}: add tests that kill its survivors.`,
        );
      }
    }),
  );

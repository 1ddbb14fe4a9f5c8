import { task } from "hardhat/config";

import { FILE, INTEGER, MUTANT_ID } from "../../src/cli/arg-types";
import { userFacing } from "../../src/cli/action";
import { parseInteger } from "../../src/cli/flags";

interface MutantsArgs {
  full: boolean;
  changed: boolean;
  contract?: string;
  id?: string;
  workers?: string;
}

task("audit:mutants", "Mutation testing: does a test fail for every small bug in the contracts? (reports/mutants.json)")
  .addFlag("full", "run every mutant again, reusing no recorded result")
  .addFlag("changed", "only the contracts whose source or tests changed since the recorded run; fail if a score drops")
  .addOptionalParam("contract", "only this contract, e.g. contracts/market/JobEscrow.sol", undefined, FILE)
  .addOptionalParam(
    "id",
    "only the mutants whose id starts with this (file:line[:column] [operator]), run even if recorded",
    undefined,
    MUTANT_ID,
  )
  .addOptionalParam("workers", "worker processes (default: one per core)", undefined, INTEGER)
  .setAction(
    userFacing(async (args: MutantsArgs, hre) => {
      // The workers deploy a mutant in place of the artifacts' code, so the artifacts must be the sources' build.
      await hre.run("compile", { quiet: true });
      const { defaultWorkers, runMutants } = await import("../../apps/mutants/runner");
      const { formatMutationSummary } = await import("../../apps/mutants/summary");
      const outcome = await runMutants({
        root: hre.config.paths.root,
        full: args.full,
        changedOnly: args.changed,
        contracts: args.contract === undefined ? [] : [args.contract],
        ids: args.id === undefined ? [] : [args.id],
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

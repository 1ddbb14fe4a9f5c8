/**
 * The gas snapshot (bench/gas/snapshot.ts): the steady-state gas of every operation, committed in
 * bench/gas-snapshot.json.
 *   npm run gas:check     measures again and compares: exits 1, with a table of snapshot / now / delta / delta %, when
 *                         an operation costs more than the tolerance (1%) above its snapshot, or when the snapshot
 *                         lacks a measured operation or names one no longer measured; improvements are reported
 *                         and pass.
 *   npm run gas:snapshot  measures and rewrites the snapshot, showing what changed: commit it with the change that
 *                         moved the gas.
 * Both run on the in-process Hardhat network, compiling first; about a minute.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import hre from "hardhat";

import { readJsonFile, writeJsonAtomic } from "../src/state/json-file";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<number> {
  const update = process.argv.slice(2).includes("--update");
  if (hre.network.name !== "hardhat") {
    console.error("The gas snapshot is measured on the in-process network: run it without --network/HARDHAT_NETWORK.");
    return 1;
  }
  await hre.run("compile", { quiet: true });
  const snapshot = await import("../bench/gas/snapshot");
  const file = path.join(ROOT, snapshot.SNAPSHOT_FILE);
  const committed = readJsonFile<Record<string, number>>(file);
  if (committed === undefined && !update) {
    console.error(`${snapshot.SNAPSHOT_FILE} not found: run npm run gas:snapshot and commit it.`);
    return 1;
  }

  const start = performance.now();
  const elapsed = () => `${Math.round((performance.now() - start) / 1000)}s`.padStart(4);
  const measured = await snapshot.measureSnapshot((line) => console.log(`[${elapsed()}] ${line}`));
  const rows = snapshot.compare(committed ?? {}, measured, snapshot.TOLERANCE_PERCENT);
  const changed = rows.filter((row) => row.verdict !== "unchanged");
  console.log("");
  console.log(
    changed.length === 0
      ? `All ${rows.length} operations use exactly the gas of ${snapshot.SNAPSHOT_FILE}.`
      : snapshot.renderComparison(rows),
  );
  console.log("");

  if (update) {
    writeJsonAtomic(file, measured);
    console.log(`wrote ${snapshot.SNAPSHOT_FILE}: ${Object.keys(measured).length} operations`);
    return 0;
  }
  const failing = rows.filter(snapshot.failsCheck);
  const improved = rows.filter((row) => row.verdict === "improvement");
  if (improved.length > 0) {
    console.log(
      `${improved.length} operation(s) got more than ${snapshot.TOLERANCE_PERCENT}% cheaper: ` +
        `npm run gas:snapshot records the new figures.`,
    );
  }
  if (failing.length > 0) {
    console.error(
      `gas check failed: ${failing.map((row) => `${row.operation} (${row.verdict})`).join(", ")}. ` +
        `Tolerance: +${snapshot.TOLERANCE_PERCENT}% per operation. If the change is deliberate, run ` +
        `npm run gas:snapshot and commit ${snapshot.SNAPSHOT_FILE} with it.`,
    );
    return 1;
  }
  console.log(`gas check passed: no operation above its snapshot by more than ${snapshot.TOLERANCE_PERCENT}%.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

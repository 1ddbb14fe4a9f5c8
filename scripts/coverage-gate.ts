/**
 * The coverage gate: fails unless the contracts (mocks excluded, see .solcover.js) reach 100% of lines and functions
 * and 95% of branches, in total. Reads coverage/coverage-summary.json, written by `npm run coverage`. The gate and
 * its arithmetic live in src/audit/coverage.ts, which AUDIT.md reports from.
 * Run: npm run coverage:gate
 */
import fs from "node:fs";
import path from "node:path";

import { contractFiles, coverageTotals, COVERAGE_COMMAND, type CoverageSummary } from "../src/audit/coverage";

const SUMMARY = path.resolve(__dirname, "..", "coverage", "coverage-summary.json");

function main(): number {
  if (!fs.existsSync(SUMMARY)) {
    console.error(`${SUMMARY} not found: run ${COVERAGE_COMMAND} first.`);
    return 1;
  }
  const files = contractFiles(JSON.parse(fs.readFileSync(SUMMARY, "utf8")) as CoverageSummary);
  let failed = false;
  for (const { metric, pct, covered, total, gate, holds } of coverageTotals(files)) {
    if (gate === undefined) continue;
    failed ||= !holds;
    console.log(
      `${holds ? "ok  " : "FAIL"} ${metric.padEnd(9)} ${pct.toFixed(2)}% (${covered}/${total}), gate ${gate}%`,
    );
    if (!holds) {
      for (const [file, counts] of files) {
        if (counts[metric].covered < counts[metric].total) {
          console.log(
            `       ${path.relative(process.cwd(), file)}: ${counts[metric].covered}/${counts[metric].total}`,
          );
        }
      }
    }
  }
  return failed ? 1 : 0;
}

process.exit(main());

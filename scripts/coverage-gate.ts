/**
 * The coverage gate: fails unless the contracts (mocks excluded, see .solcover.js) reach 100% of lines and functions
 * and 95% of branches, in total. Reads coverage/coverage-summary.json, written by `npm run coverage`, through
 * apps/audit/coverage.ts, the same reader (and gate) AUDIT.md reports from.
 * Run: npm run coverage:gate
 */
import path from "node:path";

import { COVERAGE_SUMMARY, readCoverage } from "../apps/audit/coverage";

function main(): number {
  const coverage = readCoverage(path.resolve(__dirname, ".."), COVERAGE_SUMMARY);
  if (!coverage.found) {
    console.error(`${coverage.file} not found: run ${coverage.command} first.`);
    return 1;
  }
  for (const { metric, pct, covered, total, gate, holds } of coverage.totals) {
    if (gate === undefined) continue;
    console.log(
      `${holds ? "ok  " : "FAIL"} ${metric.padEnd(9)} ${pct.toFixed(2)}% (${covered}/${total}), gate ${gate}%`,
    );
    if (holds) continue;
    for (const { file, counts } of coverage.files) {
      if (counts[metric].covered < counts[metric].total) {
        console.log(`       ${file}: ${counts[metric].covered}/${counts[metric].total}`);
      }
    }
  }
  return coverage.gateHolds ? 0 : 1;
}

process.exit(main());

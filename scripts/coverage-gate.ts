/**
 * The coverage gate: fails unless the contracts (mocks excluded, see .solcover.js) reach 100% of lines and functions
 * and 95% of branches, in total. Reads coverage/coverage-summary.json, written by `npm run coverage`.
 * Run: npm run coverage:gate
 */
import fs from "node:fs";
import path from "node:path";

const SUMMARY = path.resolve(__dirname, "..", "coverage", "coverage-summary.json");
const GATE = { lines: 100, functions: 100, branches: 95 } as const;
type Metric = keyof typeof GATE;

interface Counts {
  total: number;
  covered: number;
  pct: number;
}
type Summary = Record<string, Record<Metric | "statements", Counts>>;

function main(): number {
  if (!fs.existsSync(SUMMARY)) {
    console.error(`${SUMMARY} not found: run npm run coverage first.`);
    return 1;
  }
  const summary = JSON.parse(fs.readFileSync(SUMMARY, "utf8")) as Summary;
  const files = Object.entries(summary).filter(
    ([file]) => file !== "total" && !/[/\\]contracts[/\\]test[/\\]/.test(file),
  );
  let failed = false;
  for (const metric of Object.keys(GATE) as Metric[]) {
    const total = files.reduce((sum, [, counts]) => sum + counts[metric].total, 0);
    const covered = files.reduce((sum, [, counts]) => sum + counts[metric].covered, 0);
    const pct = total === 0 ? 100 : (100 * covered) / total;
    const ok = pct >= GATE[metric];
    failed ||= !ok;
    console.log(
      `${ok ? "ok  " : "FAIL"} ${metric.padEnd(9)} ${pct.toFixed(2)}% (${covered}/${total}), gate ${GATE[metric]}%`,
    );
    if (!ok) {
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

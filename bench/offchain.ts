/**
 * Off-chain speed: the reference int8 matmul (GOPS, 1 and 2 workers), Freivalds' check and the localization of a
 * wrong element. Writes bench/results/offchain.json. Run: npm run bench:offchain [-- --quick]
 *
 * Times are the median of several runs on whatever else the machine is doing: compare ratios, not absolutes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { generateMatmulOperands } from "../src/workloads/matmul-i8/codec";
import { freivaldsWrongRows, locateFaultInRow } from "../src/workloads/matmul-i8/freivalds";
import { multiplyI8 } from "../src/workloads/matmul-i8/multiply";
import type { MatmulOperands } from "../src/workloads/matmul-i8/shape";

const quick = process.argv.includes("--quick");
const RUNS = quick ? 1 : 3;

async function medianMs(run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function square(n: number, seed: number): MatmulOperands {
  return generateMatmulOperands({ m: n, k: n, n }, seed);
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

async function main() {
  const recompute = [];
  for (const n of quick ? [512] : [512, 2048]) {
    const operands = square(n, n);
    for (const workers of [1, 2]) {
      const ms = await medianMs(() => multiplyI8(operands, { workers }));
      // One multiply-add counted as two operations, as GOPS figures usually are.
      const gops = (2 * n ** 3) / (ms * 1e6);
      recompute.push({ n, workers, ms: round(ms, 1), gops: round(gops) });
      console.log(`matmul n=${n} workers=${workers}: ${ms.toFixed(0)} ms, ${gops.toFixed(2)} GOPS`);
    }
  }

  const freivalds = [];
  let localize: { n: number; ms: number } | undefined;
  for (const n of quick ? [1024] : [1024, 2048, 4096]) {
    const operands = square(n, n + 1);
    // Freivalds' cost does not depend on whether C is right; a product computed for real is what it checks.
    const claimed = await multiplyI8(operands);
    const ms = await medianMs(() => freivaldsWrongRows(operands, claimed));
    freivalds.push({ n, ms: round(ms, 1) });
    console.log(`freivalds n=${n}: ${ms.toFixed(1)} ms`);
    if (n === (quick ? 1024 : 2048)) {
      const row = Math.floor(n / 3);
      claimed[row * n + 7] ^= 1;
      const [wrongRow] = freivaldsWrongRows(operands, claimed);
      const localizeMs = await medianMs(() => locateFaultInRow(operands, claimed, wrongRow));
      localize = { n, ms: round(localizeMs, 1) };
      console.log(`localize n=${n}: ${localizeMs.toFixed(1)} ms (row ${wrongRow})`);
    }
  }

  const result = {
    command: `npm run bench:offchain${quick ? " -- --quick" : ""}`,
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "unknown", node: process.version },
    recompute,
    freivalds,
    localize,
  };
  const file = path.join(__dirname, "results", "offchain.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

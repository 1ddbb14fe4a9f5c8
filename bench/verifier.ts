/**
 * verifier.json: how fast the off-chain verifier checks against how fast a provider computes, both in TypeScript and
 * against C implementations of the same algorithms (bench/c/, compiled with -O3 -march=native into a temporary
 * directory at run time), run side by side on the same operands. Every figure is the median of several runs on a
 * machine that may be busy: compare ratios, not absolutes.
 *
 * The C programs are checked, not trusted: the C product must hash like the TypeScript one, and the C check must
 * flag exactly the rows the TypeScript check flags.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { generateMatmulOperands } from "../src/workloads/matmul-i8/codec";
import { freivaldsWrongRows, locateFaultInRow } from "../src/workloads/matmul-i8/freivalds";
import { multiplyI8 } from "../src/compute/parallel-matmul";
import type { MatmulOperands } from "../src/workloads/matmul-i8/shape";

export interface FreivaldsPoint {
  readonly n: number;
  readonly tsMs: number;
  readonly cMs: number | null;
  /** TypeScript time over C time. */
  readonly ratio: number | null;
}

export interface RecomputePoint {
  readonly n: number;
  readonly workers: number;
  readonly tsMs: number;
  readonly tsGops: number;
  /** C on one core. */
  readonly cGops: number | null;
  /** TypeScript GOPS per worker over C's single-core GOPS. */
  readonly perCoreOfC: number | null;
}

export interface VerifierResult {
  /** The compiler command, or why the C columns are empty. */
  readonly c: { readonly compiler: string } | { readonly skipped: string };
  readonly freivalds: readonly FreivaldsPoint[];
  /** From a failed check to the wrong element: recomputing the flagged row, at localizeN. */
  readonly localizeMs: number;
  readonly localizeN: number;
  readonly recompute: readonly RecomputePoint[];
  /** Freivalds' time over a full single-worker recompute, both TypeScript, at n = 2048. */
  readonly checkToCompute: number;
}

export const VERIFIER_SIZES = {
  // A check takes milliseconds, so it gets more runs: the median of many resists a busy neighbour.
  full: { freivalds: [1024, 2048, 4096], recompute: [512, 2048], runs: 3, checkRuns: 11 },
  quick: { freivalds: [1024, 2048], recompute: [512, 2048], runs: 1, checkRuns: 3 },
} as const;
const CHECK_N = 2048;
/** Untimed checks first: V8 tiers the WebAssembly kernel up from its baseline compiler over the first runs. */
const CHECK_WARMUP = 3;
const WORKERS = [1, 2];
const C_FLAGS = ["-O3", "-march=native"];

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const gops = (n: number, ms: number) => (2 * n ** 3) / (ms * 1e6);

/** The median of `runs` timed runs, after `warmup` untimed ones (so that V8 has compiled the code). */
async function medianMs(runs: number, run: () => unknown, warmup = 0): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** FNV-1a over the int32 words, as bench/c/matmul.c prints it. */
function checksum(c: Int32Array): number {
  let hash = 2166136261;
  for (let t = 0; t < c.length; t++) hash = Math.imul((hash ^ c[t]) >>> 0, 16777619) >>> 0;
  return hash;
}

/** The compiled C programs, or why there are none. */
type CPrograms = { dir: string; compiler: string } | { skipped: string };

function compileC(dir: string): CPrograms {
  const compiler = process.env.CC ?? "cc";
  for (const name of ["matmul", "freivalds"]) {
    const source = path.join(__dirname, "c", `${name}.c`);
    const result = spawnSync(compiler, [...C_FLAGS, "-o", path.join(dir, name), source], { encoding: "utf8" });
    if (result.error !== undefined) {
      return { skipped: `no C compiler (${compiler}: ${result.error.message}); install gcc or clang, or set CC` };
    }
    if (result.status !== 0) return { skipped: `${compiler} failed on ${name}.c: ${result.stderr.trim()}` };
  }
  return { dir, compiler: `${compiler} ${C_FLAGS.join(" ")}` };
}

function runC<T>(programs: { dir: string }, name: string, args: readonly (string | number)[]): T {
  const result = spawnSync(path.join(programs.dir, name), args.map(String), { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`bench/c/${name} failed: ${result.stderr || result.error?.message}`);
  return JSON.parse(result.stdout) as T;
}

function writeOperands(dir: string, operands: MatmulOperands, claimed?: Int32Array): string[] {
  const files = [path.join(dir, "a.bin"), path.join(dir, "b.bin")];
  fs.writeFileSync(files[0], operands.a);
  fs.writeFileSync(files[1], operands.b);
  if (claimed !== undefined) {
    files.push(path.join(dir, "c.bin"));
    fs.writeFileSync(files[2], new Uint8Array(claimed.buffer, claimed.byteOffset, claimed.byteLength));
  }
  return files;
}

const square = (n: number): MatmulOperands => generateMatmulOperands({ m: n, k: n, n }, n);

export async function runVerifierBench(quick: boolean, progress: (line: string) => void): Promise<VerifierResult> {
  const sizes = quick ? VERIFIER_SIZES.quick : VERIFIER_SIZES.full;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-bench-c-"));
  try {
    const c = compileC(dir);
    if ("skipped" in c) progress(`verifier: C baselines skipped: ${c.skipped}`);
    const cOrNull = "skipped" in c ? undefined : c;
    const products = new Map<number, Int32Array>();
    const recompute: RecomputePoint[] = [];
    let computeMs = Number.NaN;
    for (const n of sizes.recompute) {
      const operands = square(n);
      let product: Int32Array = new Int32Array(0);
      const tsMs = new Map<number, number>();
      for (const workers of WORKERS) {
        // One untimed product first, as for the check: the first use compiles the kernel and V8 tiers it up.
        const multiply = async () => (product = await multiplyI8(operands, { workers }));
        tsMs.set(workers, await medianMs(sizes.runs, multiply, 1));
      }
      products.set(n, product);
      let cGops: number | null = null;
      if (cOrNull !== undefined) {
        const [a, b] = writeOperands(dir, operands);
        const out = runC<{ ms: number; checksum: number }>(cOrNull, "matmul", [n, n, n, a, b, sizes.runs]);
        if (out.checksum !== checksum(product)) throw new Error(`bench/c/matmul's product differs at n = ${n}`);
        cGops = gops(n, out.ms);
      }
      for (const [workers, ms] of tsMs) {
        if (n === CHECK_N && workers === 1) computeMs = ms;
        const tsGops = gops(n, ms);
        recompute.push({
          n,
          workers,
          tsMs: round(ms, 1),
          tsGops: round(tsGops, 2),
          cGops: cGops === null ? null : round(cGops, 2),
          perCoreOfC: cGops === null ? null : round(tsGops / workers / cGops, 3),
        });
        progress(
          `verifier: matmul n=${n} workers=${workers}: ${tsGops.toFixed(2)} GOPS (C one core: ${cGops?.toFixed(2) ?? "-"})`,
        );
      }
    }

    const freivalds: FreivaldsPoint[] = [];
    let checkMs = Number.NaN;
    let localizeMs = Number.NaN;
    for (const n of sizes.freivalds) {
      const operands = square(n);
      const claimed = products.get(n) ?? (await multiplyI8(operands, { workers: 2 }));
      const tsMs = await medianMs(sizes.checkRuns, () => freivaldsWrongRows(operands, claimed), CHECK_WARMUP);
      if (n === CHECK_N) checkMs = tsMs;
      let cMs: number | null = null;
      if (cOrNull !== undefined) {
        const [a, b, cFile] = writeOperands(dir, operands, claimed);
        const out = runC<{ ms: number; wrongRows: number[] }>(cOrNull, "freivalds", [
          n,
          n,
          n,
          a,
          b,
          cFile,
          sizes.checkRuns,
        ]);
        if (out.wrongRows.length !== 0) throw new Error(`bench/c/freivalds rejects a correct product at n = ${n}`);
        cMs = out.ms;
      }
      freivalds.push({
        n,
        tsMs: round(tsMs, 2),
        cMs: cMs === null ? null : round(cMs, 2),
        ratio: cMs === null ? null : round(tsMs / cMs, 2),
      });
      progress(`verifier: freivalds n=${n}: ${tsMs.toFixed(1)} ms (C: ${cMs?.toFixed(1) ?? "-"} ms)`);

      if (n === CHECK_N) {
        const row = Math.floor(n / 3);
        const wrong = Int32Array.from(claimed);
        wrong[row * n + 7] ^= 1;
        const [flagged] = freivaldsWrongRows(operands, wrong);
        if (cOrNull !== undefined) {
          const [a, b, cFile] = writeOperands(dir, operands, wrong);
          const out = runC<{ wrongRows: number[] }>(cOrNull, "freivalds", [n, n, n, a, b, cFile, 1]);
          if (out.wrongRows.join() !== String(row))
            throw new Error(`bench/c/freivalds flags ${out.wrongRows}, not ${row}`);
        }
        let fault = locateFaultInRow(operands, wrong, flagged);
        localizeMs = await medianMs(sizes.checkRuns, () => (fault = locateFaultInRow(operands, wrong, flagged)), 1);
        if (fault?.row !== row || fault.col !== 7) throw new Error(`localization found ${JSON.stringify(fault)}`);
        progress(`verifier: localize n=${n}: ${localizeMs.toFixed(1)} ms (row ${row}, col 7)`);
      }
    }
    return {
      c: "skipped" in c ? { skipped: c.skipped } : { compiler: c.compiler },
      freivalds,
      localizeMs: round(localizeMs, 2),
      localizeN: CHECK_N,
      recompute,
      checkToCompute: round(checkMs / computeMs, 5),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

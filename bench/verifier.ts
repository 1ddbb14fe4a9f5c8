/**
 * verifier.json: how fast the off-chain verifier checks against how fast a provider computes, both in TypeScript and
 * against C implementations of the same algorithms (bench/c/, the strongest kernels this CPU runs: AVX2 and AVX-512
 * VNNI products, a 16-bit-limb Freivalds), on the same operands. TypeScript and C runs alternate over rounds, so a
 * change of load on a busy machine hits both sides alike; every figure is the median (and the minimum) over the
 * rounds: compare ratios, not absolutes.
 *
 * The C programs are checked, not trusted: every C product must hash like the TypeScript one, and every C check must
 * flag exactly the rows the TypeScript check flags.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { generateMatmulOperands } from "../src/workloads/matmul-i8/codec";
import { freivaldsWrongRows, locateFaultInRow } from "../src/workloads/matmul-i8/freivalds";
import { multiplyI8 } from "../src/compute/parallel-matmul";
import type { MatmulOperands } from "../src/workloads/matmul-i8/shape";
import { CProgram, type CKernels, type CPrograms, type CRun, compileC } from "./c/programs";

/** Over the timed rounds. */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
}

/** GOPS counts a multiply-add as two operations; `gops` from the median, `bestGops` from the minimum. */
export interface MatmulTiming extends Timing {
  readonly gops: number;
  readonly bestGops: number;
}

/** A ratio of two sides' medians, and of their minimums. */
export interface Ratio {
  readonly median: number;
  readonly min: number;
}

export interface FreivaldsPoint {
  readonly n: number;
  readonly ts: Timing;
  /** Every C kernel this CPU runs. */
  readonly c: readonly (Timing & { readonly kernel: string })[];
  /** The C kernel with the lowest median, and TypeScript's time over its time. */
  readonly bestC: string | null;
  readonly ratio: Ratio | null;
}

export interface RecomputePoint {
  readonly n: number;
  readonly ts: readonly (MatmulTiming & { readonly workers: number })[];
  /** Every C kernel this CPU runs, on one core. */
  readonly c: readonly (MatmulTiming & { readonly kernel: string })[];
  /** TypeScript on one worker over each C kernel, in GOPS (both on one core). */
  readonly perCoreOfC: readonly (Ratio & { readonly kernel: string })[];
}

export interface VerifierResult {
  /** The compiler command and the kernels the CPU ran (slowest first), or why the C columns are empty. */
  readonly c:
    | { readonly compiler: string; readonly matmul: CKernels; readonly freivalds: CKernels }
    | { readonly skipped: string };
  /** Timed rounds of each measurement (TypeScript and C alternating), after untimed warm-up rounds. */
  readonly rounds: { readonly recompute: number; readonly check: number };
  readonly freivalds: readonly FreivaldsPoint[];
  /** From a failed check to the wrong element: recomputing the flagged row, at localizeN (median). */
  readonly localizeMs: number;
  readonly localizeN: number;
  readonly recompute: readonly RecomputePoint[];
  /** Freivalds' time over a full single-worker recompute, both TypeScript medians, at n = 2048. */
  readonly checkToCompute: number;
}

export const VERIFIER_SIZES = {
  // A check takes milliseconds, so it gets more rounds: the median of many resists a busy neighbour.
  full: { freivalds: [1024, 2048, 4096], recompute: [512, 2048], rounds: 7, checkRounds: 21 },
  quick: { freivalds: [1024, 2048], recompute: [512, 2048], rounds: 3, checkRounds: 7 },
} as const;
const CHECK_N = 2048;
/** Untimed rounds first: V8 tiers the WebAssembly kernels up from its baseline compiler over the first runs. */
const RECOMPUTE_WARMUP = 1;
const CHECK_WARMUP = 3;
const WORKERS = [1, 2];

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const gops = (n: number, ms: number) => (2 * n ** 3) / (ms * 1e6);

/** Milliseconds of one run of one side: TypeScript timed here, C timed by the program. */
type Side = () => Promise<number>;

/**
 * Runs every side once per round, in order (TypeScript, C, TypeScript, C, ...), `warmup` untimed rounds then `rounds`
 * timed ones; the timings of each side.
 */
async function interleaved(rounds: number, warmup: number, sides: readonly Side[]): Promise<Timing[]> {
  const times: number[][] = sides.map(() => []);
  for (let r = -warmup; r < rounds; r++) {
    for (const [s, side] of sides.entries()) {
      const ms = await side();
      if (r >= 0) times[s].push(ms);
    }
  }
  return times.map((t) => {
    const sorted = [...t].sort((x, y) => x - y);
    return { medianMs: round(sorted[Math.floor(sorted.length / 2)], 3), minMs: round(sorted[0], 3) };
  });
}

/** A TypeScript side: the run timed with performance.now. */
const timed =
  (run: () => unknown): Side =>
  async () => {
    const start = performance.now();
    await run();
    return performance.now() - start;
  };

const ratio = (x: Timing, y: Timing): Ratio => ({
  median: round(x.medianMs / y.medianMs, 3),
  min: round(x.minMs / y.minMs, 3),
});

const matmulTiming = (n: number, t: Timing): MatmulTiming => ({
  ...t,
  gops: round(gops(n, t.medianMs), 2),
  bestGops: round(gops(n, t.minMs), 2),
});

/** FNV-1a over the int32 words, as bench/c/matmul.c prints it. */
function checksum(c: Int32Array): number {
  let hash = 2166136261;
  for (let t = 0; t < c.length; t++) hash = Math.imul((hash ^ c[t]) >>> 0, 16777619) >>> 0;
  return hash;
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

type Compiled = Exclude<CPrograms, { skipped: string }>;

/** One side per kernel of a started C program (none without one), each answer checked by `check`. */
function cSidesOf<T extends CRun>(
  c: { readonly program: CProgram; readonly kernels: CKernels } | undefined,
  check: (out: T) => void,
): Side[] {
  if (c === undefined) return [];
  const { program } = c;
  return c.kernels.kernels.map((kernel) => async () => {
    const out = await program.run<T>(kernel);
    check(out);
    return out.ms;
  });
}

/** Recompute at size n: TypeScript on each worker count and every C kernel, interleaved; the TypeScript product. */
async function measureRecompute(
  n: number,
  rounds: number,
  programs: Compiled | undefined,
  progress: (line: string) => void,
): Promise<{ point: RecomputePoint; product: Int32Array; kernels?: CKernels }> {
  const operands = square(n);
  let product: Int32Array = new Int32Array(0);
  const tsSides = WORKERS.map((workers) => timed(async () => (product = await multiplyI8(operands, { workers }))));
  const c =
    programs === undefined
      ? undefined
      : await CProgram.start(programs, "matmul", [n, n, n, ...writeOperands(programs.dir, operands)]);
  const cKernels = c?.kernels.kernels ?? [];
  const checksums = new Map<string, number>();
  const cSides = cSidesOf<CRun & { checksum: number }>(c, (out) => checksums.set(out.kernel, out.checksum));
  try {
    const timings = await interleaved(rounds, RECOMPUTE_WARMUP, [...tsSides, ...cSides]);
    const expected = checksum(product);
    for (const [kernel, sum] of checksums) {
      if (sum !== expected) throw new Error(`bench/c/matmul's ${kernel} product differs at n = ${n}`);
    }
    const ts = WORKERS.map((workers, w) => ({ workers, ...matmulTiming(n, timings[w]) }));
    const cTimings = cKernels.map((kernel, t) => ({ kernel, ...matmulTiming(n, timings[WORKERS.length + t]) }));
    const oneWorker = timings[WORKERS.indexOf(1)];
    const perCoreOfC = cKernels.map((kernel, t) => ({ kernel, ...ratio(timings[WORKERS.length + t], oneWorker) }));
    const cFigures = cTimings.map((t) => `${t.kernel} ${t.gops}`).join(", ");
    for (const t of ts) {
      progress(`verifier: matmul n=${n} workers=${t.workers}: ${t.gops} GOPS (C one core: ${cFigures || "-"})`);
    }
    return { point: { n, ts, c: cTimings, perCoreOfC }, product, kernels: c?.kernels };
  } finally {
    c?.program.stop();
  }
}

/** Freivalds' check at size n of a correct product: TypeScript and every C kernel, interleaved. */
async function measureFreivalds(
  n: number,
  operands: MatmulOperands,
  claimed: Int32Array,
  rounds: number,
  programs: Compiled | undefined,
): Promise<{ point: FreivaldsPoint; kernels?: CKernels }> {
  const c =
    programs === undefined
      ? undefined
      : await CProgram.start(programs, "freivalds", [n, n, n, ...writeOperands(programs.dir, operands, claimed)]);
  const cKernels = c?.kernels.kernels ?? [];
  const cSides = cSidesOf<CRun & { wrongRows: number[] }>(c, (out) => {
    if (out.wrongRows.length !== 0) {
      throw new Error(`bench/c/freivalds ${out.kernel} rejects a correct product at n = ${n}`);
    }
  });
  const tsSide = timed(() => {
    if (freivaldsWrongRows(operands, claimed).length !== 0) throw new Error(`Freivalds rejects a correct product`);
  });
  try {
    const [ts, ...cTimings] = await interleaved(rounds, CHECK_WARMUP, [tsSide, ...cSides]);
    const cPoints = cKernels.map((kernel, t) => ({ kernel, ...cTimings[t] }));
    const best = [...cPoints].sort((x, y) => x.medianMs - y.medianMs)[0];
    return {
      point: { n, ts, c: cPoints, bestC: best?.kernel ?? null, ratio: best === undefined ? null : ratio(ts, best) },
      kernels: c?.kernels,
    };
  } finally {
    c?.program.stop();
  }
}

/** Every C Freivalds kernel must flag exactly the row the TypeScript check flags. */
async function checkCFlagsRow(
  n: number,
  operands: MatmulOperands,
  wrong: Int32Array,
  row: number,
  programs: Compiled,
): Promise<void> {
  const { program, kernels } = await CProgram.start(programs, "freivalds", [
    n,
    n,
    n,
    ...writeOperands(programs.dir, operands, wrong),
  ]);
  try {
    for (const kernel of kernels.kernels) {
      const out = await program.run<CRun & { wrongRows: number[] }>(kernel);
      if (out.wrongRows.join() !== String(row)) {
        throw new Error(`bench/c/freivalds ${kernel} flags ${out.wrongRows}, not ${row}`);
      }
    }
  } finally {
    program.stop();
  }
}

export async function runVerifierBench(quick: boolean, progress: (line: string) => void): Promise<VerifierResult> {
  const sizes = quick ? VERIFIER_SIZES.quick : VERIFIER_SIZES.full;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-bench-c-"));
  try {
    const c = compileC(dir);
    if ("skipped" in c) progress(`verifier: C baselines skipped: ${c.skipped}`);
    const programs = "skipped" in c ? undefined : c;
    const products = new Map<number, Int32Array>();
    const recompute: RecomputePoint[] = [];
    let matmulKernels: CKernels | undefined;
    for (const n of sizes.recompute) {
      const measured = await measureRecompute(n, sizes.rounds, programs, progress);
      recompute.push(measured.point);
      products.set(n, measured.product);
      matmulKernels = measured.kernels;
    }

    const freivalds: FreivaldsPoint[] = [];
    let freivaldsKernels: CKernels | undefined;
    let localizeMs = Number.NaN;
    for (const n of sizes.freivalds) {
      const operands = square(n);
      const claimed = products.get(n) ?? (await multiplyI8(operands, { workers: 2 }));
      const measured = await measureFreivalds(n, operands, claimed, sizes.checkRounds, programs);
      freivalds.push(measured.point);
      freivaldsKernels = measured.kernels;
      const { ts, c: cPoints, bestC } = measured.point;
      const cFigures = cPoints.map((p) => `${p.kernel} ${p.medianMs.toFixed(2)}`).join(", ");
      progress(`verifier: freivalds n=${n}: ${ts.medianMs.toFixed(2)} ms (C ms: ${cFigures || "-"}; best ${bestC})`);

      if (n === CHECK_N) {
        const row = Math.floor(n / 3);
        const wrong = Int32Array.from(claimed);
        wrong[row * n + 7] ^= 1;
        const [flagged] = freivaldsWrongRows(operands, wrong);
        if (programs !== undefined) await checkCFlagsRow(n, operands, wrong, row, programs);
        let fault = locateFaultInRow(operands, wrong, flagged);
        const [localize] = await interleaved(sizes.checkRounds, 1, [
          timed(() => (fault = locateFaultInRow(operands, wrong, flagged))),
        ]);
        localizeMs = localize.medianMs;
        if (fault?.row !== row || fault.col !== 7) throw new Error(`localization found ${JSON.stringify(fault)}`);
        progress(`verifier: localize n=${n}: ${localizeMs.toFixed(1)} ms (row ${row}, col 7)`);
      }
    }
    const compute = recompute.find((p) => p.n === CHECK_N)?.ts.find((t) => t.workers === 1);
    const check = freivalds.find((p) => p.n === CHECK_N)?.ts;
    return {
      c:
        programs === undefined || matmulKernels === undefined || freivaldsKernels === undefined
          ? { skipped: "skipped" in c ? c.skipped : "no C run" }
          : { compiler: programs.compiler, matmul: matmulKernels, freivalds: freivaldsKernels },
      rounds: { recompute: sizes.rounds, check: sizes.checkRounds },
      freivalds,
      localizeMs: round(localizeMs, 2),
      localizeN: CHECK_N,
      recompute,
      checkToCompute: compute && check ? round(check.medianMs / compute.medianMs, 5) : Number.NaN,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

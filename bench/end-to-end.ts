/**
 * endToEnd.json: what checking a matmul-i8 job costs the verifier against what computing it costs the provider,
 * each end to end with the agents' own code, in-process on one core (one worker thread for the product), side by
 * side in the same rounds. bench/verifier.ts compares Freivalds' check with the product alone; here every step of
 * a job is in, commitments included:
 *  - verifier (src/verifier/verifier.ts verdictFor): fetch the inputs and the output from the content store (read,
 *    SHA-256 checked), decode the job's params, checkResult (rebuild the result tree, rebuild the input root,
 *    Freivalds' check);
 *  - provider (src/provider/agent.ts complete): fetchJobInputs (fetch, rebuild the input root), the CPU backend's
 *    product, the result tree's root, and the output published to the content store.
 * Left out of both: chain reads and transactions, and the provider's fsynced copy of its output (disk, not compute).
 *
 * The commitment build is measured on its own too, on the 1024 x 1024 output: the TypeScript result tree against
 * the same tree in C (bench/c/keccak.c, its root checked against ours) and against OpenSSL's SHA3-256 (the same
 * Keccak-f[1600] permutation, assembly) hashing in bulk, scaled to the permutations the tree needs. Those speeds are
 * the best of the rounds, not the median: the builds are single CPU-bound calls of 10 to 30 ms, and on a shared
 * machine the longer a call, the likelier it is preempted, so a median would favour the shortest (OpenSSL's).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { compileC, type CPrograms } from "./c/programs";

import { inputRootOf } from "../src/commitments/job-inputs";
import { keccak256Bytes } from "../src/commitments/keccak";
import { RESULT_CHUNK_BYTES, ResultTree } from "../src/commitments/result-tree";
import { abiEncodeHeaderAndBytes, headerAndBytesLength } from "../src/commitments/leaves";
import { checkResult } from "../src/findings/checks/check-result";
import { generateInputs } from "../src/jobs/job-data";
import { requireOutputSize } from "../src/provider/backends/backend";
import { CpuBackend } from "../src/provider/backends/cpu";
import { fetchJobInputs } from "../src/provider/inputs";
import { fetchOutcome } from "../src/store/factory";
import { FileContentStore } from "../src/store/fs-store";
import { decodeMatmulInputs, decodeMatmulOutput } from "../src/workloads/matmul-i8/codec";
import { freivaldsCheck } from "../src/workloads/matmul-i8/freivalds";
import { decodeJobParams, type DecodedJob, matmulI8 } from "../src/workloads/registry";

/** Median and minimum of one measure over the rounds, in ms. */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
}

export interface EndToEndPoint {
  /** m = k = n. */
  readonly n: number;
  readonly rounds: number;
  readonly verifier: Timing & {
    /** The verifier's steps, each timed on its own in the same rounds (medians, ms). */
    readonly steps: {
      readonly fetch: number;
      readonly resultTree: number;
      readonly inputRoot: number;
      readonly freivalds: number;
    };
  };
  readonly provider: Timing & {
    readonly steps: {
      readonly fetchInputs: number;
      readonly compute: number;
      readonly resultTree: number;
      readonly publish: number;
    };
  };
  /** Verifier over provider, end to end (medians). */
  readonly ratio: number;
  /** Verifier end to end over the provider's product alone (medians). */
  readonly ratioToCompute: number;
  /** Jobs a minute one core checks, from the verifier's median. */
  readonly verifierJobsPerMinute: number;
  readonly providerJobsPerMinute: number;
}

export interface CommitmentBuild {
  readonly bytes: number;
  /** Keccak-f[1600] permutations the result tree takes (leaf messages, leaf rehash, internal nodes). */
  readonly permutations: number;
  readonly tsMiBs: number;
  /** bench/c/keccak.c building the same tree (null when there is no C compiler). */
  readonly cMiBs: number | null;
  /** OpenSSL's SHA3-256 over the output in one call, and that speed scaled to the tree's permutations. */
  readonly opensslBulkMiBs: number;
  readonly opensslTreeMiBs: number;
  /** Our WebAssembly keccak256 over the output in one call (the permutation's speed alone). */
  readonly wasmBulkMiBs: number;
  /**
   * The alternative format: the same tree with SHA-256 for every hash (as OZ's MerkleProof with a custom hasher would
   * check it on-chain through the precompile), built with node's OpenSSL SHA-256 (SHA-NI), one call per hash.
   */
  readonly sha256TreeMiBs: number;
  /** TypeScript tree over the best native tree speed (C, or OpenSSL scaled). */
  readonly ofNative: number;
}

export interface EndToEndResult {
  readonly c: { readonly compiler: string } | { readonly skipped: string };
  readonly points: readonly EndToEndPoint[];
  readonly commitments: CommitmentBuild;
}

export const END_TO_END_SIZES = {
  full: [
    { n: 256, rounds: 21 },
    { n: 1024, rounds: 5 },
  ],
  quick: [
    { n: 256, rounds: 5 },
    { n: 1024, rounds: 1 },
  ],
} as const;
const COMMITMENT_ROUNDS = { full: 9, quick: 3 } as const;
/** Untimed builds first: the JavaScript that writes the leaves into the kernel's memory is tiered up over several. */
const COMMITMENT_WARMUP = 2;
const COMMITMENT_N = 1024;
const KECCAK_RATE = 136;
const MIB = 2 ** 20;
/** bench/c/keccak.c: the result tree in C, run once per round (not a served program). */
const KECCAK_PROGRAM = "keccak";
const SEED = 21;

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timing = (xs: readonly number[]): Timing => ({
  medianMs: round(median(xs), 2),
  minMs: round(Math.min(...xs), 2),
});

async function timed<T>(times: number[], run: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const value = await run();
  times.push(performance.now() - start);
  return value;
}

/** One job as both agents see it: its params, where its inputs and its correct output are published, its roots. */
interface Job {
  readonly workloadId: string;
  readonly params: string;
  readonly job: DecodedJob;
  readonly inputURI: string;
  readonly inputRoot: string;
  readonly resultURI: string;
  readonly resultRoot: string;
}

async function publishJob(store: FileContentStore, n: number): Promise<{ job: Job; output: Uint8Array }> {
  const params = matmulI8.params.encode({ m: n, k: n, n });
  const job = decodeJobParams(matmulI8.id, params);
  const inputs = generateInputs(job, SEED + n);
  const output = await new CpuBackend({ workers: 1 }).compute(job, inputs);
  return {
    job: {
      workloadId: matmulI8.id,
      params,
      job,
      inputURI: await store.put(inputs),
      inputRoot: inputRootOf(job, inputs),
      resultURI: await store.put(output),
      resultRoot: new ResultTree(output).root,
    },
    output,
  };
}

/** What the verifier does for one submitted job, from the chain's data to its verdict. */
async function verifyJob(job: Job): Promise<void> {
  const decoded = decodeJobParams(job.workloadId, job.params);
  const [inputs, output] = await Promise.all([fetchOutcome(job.inputURI), fetchOutcome(job.resultURI)]);
  const verdict = checkResult({
    jobId: 1n,
    job: decoded,
    inputRoot: job.inputRoot,
    resultRoot: job.resultRoot,
    inputs,
    output,
  });
  if (verdict.verdict !== "valid") throw new Error(`the verifier calls a correct job ${verdict.verdict}`);
}

/** What the provider does for one accepted job, up to the result it submits. */
async function provideJob(job: Job, store: FileContentStore, backend: CpuBackend): Promise<void> {
  const decoded = decodeJobParams(job.workloadId, job.params);
  const inputs = await fetchJobInputs(decoded, job.inputURI, job.inputRoot, {});
  const output = requireOutputSize("the cpu backend", decoded, await backend.compute(decoded, inputs));
  const root = new ResultTree(output).root;
  const uri = await store.put(output);
  if (root !== job.resultRoot || uri !== job.resultURI) throw new Error("the provider committed to another output");
}

async function measurePoint(
  store: FileContentStore,
  size: { n: number; rounds: number },
  progress: (line: string) => void,
): Promise<EndToEndPoint> {
  const { job, output } = await publishJob(store, size.n);
  const backend = new CpuBackend({ workers: 1 });
  const inputs = await fs.promises.readFile(new URL(job.inputURI));
  const shape = { m: size.n, k: size.n, n: size.n };
  const fresh = () => ({
    verifier: [] as number[],
    provider: [] as number[],
    fetch: [] as number[],
    resultTree: [] as number[],
    inputRoot: [] as number[],
    freivalds: [] as number[],
    fetchInputs: [] as number[],
    compute: [] as number[],
    publish: [] as number[],
  });
  const t = fresh();
  // One untimed round first: V8 compiles the kernels and tiers them up over the first runs.
  for (let r = -1; r < size.rounds; r++) {
    const times = r < 0 ? fresh() : t;
    await timed(times.verifier, () => verifyJob(job));
    await timed(times.provider, () => provideJob(job, store, backend));
    await timed(times.fetch, () => Promise.all([fetchOutcome(job.inputURI), fetchOutcome(job.resultURI)]));
    await timed(times.resultTree, () => new ResultTree(output).root);
    await timed(times.inputRoot, () => inputRootOf(job.job, inputs));
    await timed(times.freivalds, () =>
      freivaldsCheck(decodeMatmulInputs(shape, inputs), decodeMatmulOutput(shape, output)),
    );
    await timed(times.fetchInputs, () => fetchJobInputs(job.job, job.inputURI, job.inputRoot, {}));
    await timed(times.compute, () => backend.compute(job.job, inputs));
    await timed(times.publish, () => store.put(output));
  }
  const verifier = timing(t.verifier);
  const provider = timing(t.provider);
  const point: EndToEndPoint = {
    n: size.n,
    rounds: size.rounds,
    verifier: {
      ...verifier,
      steps: {
        fetch: round(median(t.fetch), 2),
        resultTree: round(median(t.resultTree), 2),
        inputRoot: round(median(t.inputRoot), 2),
        freivalds: round(median(t.freivalds), 2),
      },
    },
    provider: {
      ...provider,
      steps: {
        fetchInputs: round(median(t.fetchInputs), 2),
        compute: round(median(t.compute), 2),
        resultTree: round(median(t.resultTree), 2),
        publish: round(median(t.publish), 2),
      },
    },
    ratio: round(verifier.medianMs / provider.medianMs, 4),
    ratioToCompute: round(verifier.medianMs / median(t.compute), 4),
    verifierJobsPerMinute: Math.round(60_000 / verifier.medianMs),
    providerJobsPerMinute: Math.round(60_000 / provider.medianMs),
  };
  progress(
    `end-to-end n=${size.n}: verifier ${verifier.medianMs.toFixed(1)} ms/job (${point.verifierJobsPerMinute}/min), ` +
      `provider ${provider.medianMs.toFixed(1)} ms/job: ${(point.ratio * 100).toFixed(2)}%`,
  );
  return point;
}

/** Keccak-f[1600] calls of keccak256 over `bytes` bytes: one per full 136-byte block, plus the padded last one. */
const permutationsOf = (bytes: number) => Math.floor(bytes / KECCAK_RATE) + 1;

/** Permutations of the result tree of `bytes` output bytes: each leaf's message and its rehash, each internal node. */
function resultTreePermutations(bytes: number): number {
  const leaves = Math.ceil(bytes / RESULT_CHUNK_BYTES);
  let total = 0;
  for (let i = 0; i < leaves; i++) {
    total += permutationsOf(headerAndBytesLength(1, Math.min(RESULT_CHUNK_BYTES, bytes - i * RESULT_CHUNK_BYTES)));
  }
  return total + leaves + (leaves - 1);
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest();

/** The result tree's shape and leaf encoding with SHA-256 for keccak256 (measured as the alternative, not used). */
function sha256ResultRoot(output: Uint8Array): Buffer {
  const leaves = Math.ceil(output.length / RESULT_CHUNK_BYTES);
  const nodes: Buffer[] = new Array(2 * leaves - 1);
  for (let i = 0; i < leaves; i++) {
    const chunk = output.subarray(i * RESULT_CHUNK_BYTES, (i + 1) * RESULT_CHUNK_BYTES);
    nodes[2 * leaves - 2 - i] = sha256(sha256(abiEncodeHeaderAndBytes([i], chunk)));
  }
  for (let node = leaves - 2; node >= 0; node--) {
    const [left, right] = [nodes[2 * node + 1], nodes[2 * node + 2]];
    nodes[node] = sha256(
      Buffer.compare(left, right) <= 0 ? Buffer.concat([left, right]) : Buffer.concat([right, left]),
    );
  }
  return nodes[0];
}

async function measureCommitments(dir: string, c: CPrograms, rounds: number): Promise<CommitmentBuild> {
  const store = new FileContentStore(path.join(dir, "store"));
  const { output } = await publishJob(store, COMMITMENT_N);
  const outputFile = path.join(dir, "output.bin");
  fs.writeFileSync(outputFile, output);
  const fresh = () => ({
    ts: [] as number[],
    c: [] as number[],
    openssl: [] as number[],
    wasm: [] as number[],
    sha256: [] as number[],
  });
  const t = fresh();
  let root = "";
  for (let r = -COMMITMENT_WARMUP; r < rounds; r++) {
    const times = r < 0 ? fresh() : t;
    root = await timed(times.ts, () => new ResultTree(output).root);
    await timed(times.sha256, () => sha256ResultRoot(output));
    await timed(times.openssl, () => createHash("sha3-256").update(output).digest());
    await timed(times.wasm, () => keccak256Bytes(output));
    if ("dir" in c) {
      const run = spawnSync(path.join(c.dir, KECCAK_PROGRAM), [outputFile, String(output.length), "1"], {
        encoding: "utf8",
      });
      if (run.status !== 0) throw new Error(`bench/c/keccak failed: ${run.stderr || run.error?.message}`);
      const out = JSON.parse(run.stdout) as { ms: number; root: string };
      if (out.root !== root) throw new Error(`bench/c/keccak's root ${out.root} is not ours (${root})`);
      times.c.push(out.ms);
    }
  }
  const bytes = output.length;
  const permutations = resultTreePermutations(bytes);
  const mibs = (ms: number) => bytes / MIB / (ms / 1000);
  const opensslBulkMiBs = mibs(Math.min(...t.openssl));
  // OpenSSL's time per permutation in bulk, times the permutations of the tree.
  const opensslTreeMiBs = opensslBulkMiBs * (permutationsOf(bytes) / permutations);
  const tsMiBs = mibs(Math.min(...t.ts));
  const cMiBs = t.c.length > 0 ? mibs(Math.min(...t.c)) : null;
  return {
    bytes,
    permutations,
    tsMiBs: round(tsMiBs, 1),
    cMiBs: cMiBs === null ? null : round(cMiBs, 1),
    opensslBulkMiBs: round(opensslBulkMiBs, 1),
    opensslTreeMiBs: round(opensslTreeMiBs, 1),
    wasmBulkMiBs: round(mibs(Math.min(...t.wasm)), 1),
    sha256TreeMiBs: round(mibs(Math.min(...t.sha256)), 1),
    ofNative: round(tsMiBs / Math.max(cMiBs ?? 0, opensslTreeMiBs), 3),
  };
}

export async function runEndToEndBench(quick: boolean, progress: (line: string) => void): Promise<EndToEndResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-bench-e2e-"));
  try {
    const store = new FileContentStore(path.join(dir, "store"));
    const points: EndToEndPoint[] = [];
    for (const size of quick ? END_TO_END_SIZES.quick : END_TO_END_SIZES.full) {
      points.push(await measurePoint(store, size, progress));
    }
    const c = compileC(dir, [KECCAK_PROGRAM]);
    if ("skipped" in c) progress(`end-to-end: C keccak skipped: ${c.skipped}`);
    const commitments = await measureCommitments(dir, c, quick ? COMMITMENT_ROUNDS.quick : COMMITMENT_ROUNDS.full);
    progress(
      `end-to-end: result tree ${commitments.tsMiBs} MiB/s (C ${commitments.cMiBs ?? "-"}, OpenSSL scaled ` +
        `${commitments.opensslTreeMiBs}): ${(commitments.ofNative * 100).toFixed(0)}% of native`,
    );
    return {
      c: "dir" in c ? { compiler: c.compiler } : { skipped: c.skipped },
      points,
      commitments,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

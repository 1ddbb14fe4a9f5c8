import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";

import { memoryLogger } from "../../src/agents/logger";
import { ResultTree } from "../../src/commitments/result-tree";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { FileContentStore } from "../../src/store/fs-store";
import { VerifierMetrics } from "../../src/verifier/metrics";
import { parseVerifierArgs, type VerifierCliArgs } from "../../apps/roots/verifier";
import type { DisputeReceipt, DisputeSink } from "../../src/findings/sink";
import { EvidenceFileSink } from "../../src/verifier/sinks";
import type { Finding } from "../../src/findings/verdict";
import { Verifier } from "../../src/verifier/verifier";
import { toFixedPoint } from "../../src/workloads/mandelbrot-q/tile";
import type { MatmulShape } from "../../src/workloads/matmul-i8/shape";
import { decodeJobParams, type DecodedJob, encodeJobParams, mandelbrotQ, matmulI8 } from "../../src/workloads/registry";
import { createJob, jobTerms, registerAndStake } from "../fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { expectUserError } from "../helpers/errors";

const SHAPE: MatmulShape = { m: 12, k: 16, n: 20 };
const TILE = {
  x0: toFixedPoint(-2),
  y0: toFixedPoint(-1),
  step: toFixedPoint(0.1),
  width: 24,
  height: 20,
  maxIter: 40,
};

/** What the provider publishes: the honest output, one word flipped, or nothing at all. */
type Behaviour = { honest: true } | { flipWord: number } | { withhold: true };

interface SubmittedJob {
  readonly id: bigint;
  /** The correct output. */
  readonly output: Uint8Array;
}

async function verifierFixture() {
  const f = await loadFixture(deployWeftFixture);
  await registerAndStake(f, f.provider);
  return { ...f, startBlock: await ethers.provider.getBlockNumber() };
}

function wordAt(bytes: Uint8Array, wordIndex: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(wordIndex * 4);
}

describe("Verifier (in-process network)", function () {
  let f: WeftFixture & { startBlock: number };
  let dir: string;
  let store: FileContentStore;

  beforeEach(async function () {
    f = await loadFixture(verifierFixture);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-verifier-"));
    store = new FileContentStore(path.join(dir, "store"));
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A client creates the job with its inputs in the store; the provider accepts, publishes and submits. */
  async function runJob(job: DecodedJob, seed: number, behaviour: Behaviour): Promise<SubmittedJob> {
    const inputs = generateInputs(job, seed);
    const encodedParams = encodeJobParams(job);
    const id = await createJob(f, f.client, {
      workloadId: job.workload.id,
      params: encodedParams,
      inputRoot: inputRootOf(job, inputs),
      inputURI: await store.put(inputs),
    });
    await f.JobEscrow.connect(f.provider).acceptJob(id, await jobTerms(f, id));
    const output = await referenceOutput(job, inputs);
    const published = Uint8Array.from(output);
    if ("flipWord" in behaviour)
      new DataView(published.buffer).setInt32(behaviour.flipWord * 4, wordAt(output, behaviour.flipWord) ^ 1);
    const resultURI =
      "withhold" in behaviour ? store.uriFor(ethers.sha256(published).slice(2)) : await store.put(published);
    await f.JobEscrow.connect(f.provider).submitResult(
      id,
      await jobTerms(f, id),
      new ResultTree(published).root,
      resultURI,
    );
    return { id, output };
  }

  const matmulJob = () => decodeJobParams(matmulI8.id, matmulI8.params.encode(SHAPE));
  const mandelbrotJob = () => decodeJobParams(mandelbrotQ.id, mandelbrotQ.params.encode(TILE));

  function openVerifier(
    options: { sink?: DisputeSink; metrics?: VerifierMetrics; confirmations?: number; maxBlockRange?: number } = {},
  ) {
    const logger = memoryLogger();
    const metrics = options.metrics ?? new VerifierMetrics();
    const verifier = Verifier.open({
      escrow: f.JobEscrow,
      provider: ethers.provider,
      stateDir: path.join(dir, "state"),
      startBlock: f.startBlock,
      deploymentBlock: 0,
      confirmations: options.confirmations ?? 0,
      maxBlockRange: options.maxBlockRange ?? 5,
      sink: options.sink ?? EvidenceFileSink.inStateDir(path.join(dir, "state")),
      metrics,
      logger,
      fetchRetry: { attempts: 2, initialDelayMs: 1 },
      check: { mandelbrot: { full: true } },
    });
    return { verifier, logger, metrics };
  }

  function findingFiles(): string[] {
    const findings = path.join(dir, "state", "findings");
    return fs.existsSync(findings) ? fs.readdirSync(findings).sort() : [];
  }

  function readFinding(id: bigint): Finding {
    return JSON.parse(fs.readFileSync(path.join(dir, "state", "findings", `job-${id}.json`), "utf8")) as Finding;
  }

  async function counterValues(metrics: VerifierMetrics) {
    const byLabel = async (metric: { get(): Promise<{ values: { value: number; labels: object }[] }> }) =>
      Object.fromEntries((await metric.get()).values.map(({ labels, value }) => [Object.values(labels).join(), value]));
    return {
      checked: await byLabel(metrics.jobsChecked),
      findings: await byLabel(metrics.findings),
      filed: (await metrics.disputesFiled.get()).values[0]?.value ?? 0,
      lastBlock: (await metrics.lastProcessedBlock.get()).values[0]?.value,
      checks: (await metrics.checkDuration.get()).values.find((v) => v.metricName?.endsWith("_count"))?.value ?? 0,
    };
  }

  it("flags exactly the flip-one job with the exact wrong element and leaves honest jobs valid", async function () {
    const flipped = 7 * SHAPE.n + 13;
    const honest = await runJob(matmulJob(), 1, { honest: true });
    const cheat = await runJob(matmulJob(), 2, { flipWord: flipped });
    const tile = await runJob(mandelbrotJob(), 0, { honest: true });
    const withheld = await runJob(matmulJob(), 3, { withhold: true });
    const head = await ethers.provider.getBlockNumber();

    const { verifier: opening, logger, metrics } = openVerifier();
    const verifier = await opening;
    const summary = await verifier.tick();
    expect(summary).to.deep.include({ checked: 4, filed: 2 });

    expect(verifier.state.checkedJob(honest.id)).to.equal(undefined); // pruned: the checkpoint passed it
    expect(verifier.state.nextBlock).to.equal(head + 1);
    expect(verifier.state.totals).to.deep.equal({ valid: 2, "wrong-element": 1, "output-unavailable": 1 });

    expect(findingFiles()).to.deep.equal([`job-${cheat.id}.json`, `job-${withheld.id}.json`].sort());
    expect(readFinding(cheat.id)).to.deep.include({
      kind: "wrong-element",
      jobId: cheat.id.toString(),
      row: 7,
      col: 13,
      wordIndex: flipped,
      claimed: wordAt(cheat.output, flipped) ^ 1,
      correct: wordAt(cheat.output, flipped),
    });
    // 12 x 20 = 240 words: the bisection runs over the two chunks of the correct output.
    expect(readFinding(withheld.id)).to.deep.include({ kind: "output-unavailable", chunkCount: 2 });

    expect(await counterValues(metrics)).to.deep.equal({
      checked: { valid: 2, finding: 2 },
      findings: { "wrong-element": 1, "output-unavailable": 1 },
      filed: 2,
      lastBlock: head,
      checks: 4,
    });
    const checkLines = logger.lines.filter((line) => / \d+ ms/.test(line));
    expect(checkLines).to.have.length(4);
    expect(checkLines[0]).to.match(new RegExp(`^info job ${honest.id} matmul-i8 valid \\d+ ms$`));
    expect(checkLines[1]).to.match(
      new RegExp(`^info job ${cheat.id} matmul-i8 wrong-element \\d+ ms: C\\[7\\]\\[13\\] is -?\\d+, correct -?\\d+$`),
    );
    expect(checkLines[2]).to.match(new RegExp(`^info job ${tile.id} mandelbrot-q valid \\d+ ms$`));

    // Nothing new: a second tick checks nothing and files nothing.
    expect(await verifier.tick()).to.deep.include({ checked: 0, filed: 0 });
  });

  it("waits for the configured confirmations before reading a block", async function () {
    const { verifier: opening } = openVerifier({ confirmations: 3 });
    const verifier = await opening;
    const job = await runJob(matmulJob(), 4, { flipWord: 0 });
    expect((await verifier.tick()).checked).to.equal(0);
    await mine(2);
    expect((await verifier.tick()).checked).to.equal(0);
    await mine(1);
    expect((await verifier.tick()).checked).to.equal(1);
    expect(findingFiles()).to.deep.equal([`job-${job.id}.json`]);
  });

  it("checks each job exactly once and files each finding once across a restart mid-stream", async function () {
    const first = [
      await runJob(matmulJob(), 10, { honest: true }),
      await runJob(matmulJob(), 11, { flipWord: 5 }),
      await runJob(mandelbrotJob(), 0, { honest: true }),
      await runJob(matmulJob(), 12, { honest: true }),
    ];

    // The first run dies while filing its first finding: recorded as pending, never handed over.
    const crash = new AbortController();
    const dying: DisputeSink = {
      name: "dying",
      filesOnChain: false,
      fileDispute: async () => {
        crash.abort();
        throw new Error("killed");
      },
    };
    // One range holds every job, so the restart must re-read the jobs checked before the crash.
    const run1 = openVerifier({ sink: dying, maxBlockRange: 1000 });
    const summary1 = await (await run1.verifier).tick(crash.signal);
    expect(summary1).to.deep.include({ checked: 2, filed: 0, ranges: [] });
    expect((await run1.verifier).state.nextBlock).to.equal(f.startBlock);
    expect(findingFiles()).to.deep.equal([]);

    // More jobs arrive while it is down.
    const later = [await runJob(matmulJob(), 13, { honest: true }), await runJob(matmulJob(), 14, { flipWord: 200 })];

    const filedJobs: string[] = [];
    const evidence = EvidenceFileSink.inStateDir(path.join(dir, "state"));
    const counting: DisputeSink = {
      name: evidence.name,
      filesOnChain: false,
      fileDispute: (finding): Promise<DisputeReceipt> => {
        filedJobs.push(finding.jobId);
        return evidence.fileDispute(finding);
      },
    };
    const run2 = openVerifier({ sink: counting, maxBlockRange: 1000 });
    const summary2 = await (await run2.verifier).tick();
    expect(summary2).to.deep.include({ checked: 4, filed: 2 });
    expect(filedJobs).to.deep.equal([first[1].id.toString(), later[1].id.toString()]);
    expect(findingFiles()).to.deep.equal([`job-${first[1].id}.json`, `job-${later[1].id}.json`].sort());
    expect(readFinding(later[1].id)).to.deep.include({ row: 10, col: 0, wordIndex: 200 });

    const before = await counterValues(run1.metrics);
    const after = await counterValues(run2.metrics);
    expect(before.checked).to.deep.equal({ valid: 1, finding: 1 });
    expect(after.checked).to.deep.equal({ valid: 3, finding: 1 });
    expect(before.filed + after.filed).to.equal(2);

    // Every job's check was logged once across both runs.
    const lines = [...run1.logger.lines, ...run2.logger.lines].filter((line) => / \d+ ms/.test(line));
    const ids = lines.map((line) => line.split(" ")[2]).sort();
    expect(ids).to.deep.equal([...first, ...later].map((job) => job.id.toString()).sort());

    // A third start finds nothing left to do.
    const run3 = openVerifier({ sink: counting });
    expect(await (await run3.verifier).tick()).to.deep.include({ checked: 0, filed: 0 });
    expect(filedJobs).to.have.length(2);
    expect((await run3.verifier).state.totals).to.deep.equal({ valid: 4, "wrong-element": 2 });
  });

  describe("verifier:run options", function () {
    const none: VerifierCliArgs = { full: false, once: false };

    it("defaults to the network's chain following (no confirmations and a 2 s poll locally, 3 and 5 s elsewhere) and to the deployment block", function () {
      expect(parseVerifierArgs(none, "hardhat")).to.deep.include({
        confirmations: 0,
        stateDir: path.resolve(".weft", "verifier-hardhat"),
        detection: 0.5,
        full: false,
        fromBlock: undefined,
      });
      expect(parseVerifierArgs(none, "hardhat")).to.deep.include({ pollIntervalMs: 2_000, maxBlockRange: 2_000 });
      expect(parseVerifierArgs(none, "sepolia")).to.deep.include({ confirmations: 3, pollIntervalMs: 5_000 });
      expect(
        parseVerifierArgs(
          {
            ...none,
            confirmations: "7",
            detection: "0.9",
            fromBlock: "12",
            metricsPort: "9465",
            metricsHost: "0.0.0.0",
            pollInterval: "1500",
          },
          "sepolia",
        ),
      ).to.deep.include({
        confirmations: 7,
        detection: 0.9,
        fromBlock: 12,
        metricsPort: 9465,
        metricsHost: "0.0.0.0",
        pollIntervalMs: 1_500,
      });
      expect(parseVerifierArgs({ ...none, pollInterval: "2s" }, "hardhat").pollIntervalMs).to.equal(2_000);
    });

    it("rejects malformed values with a message naming the flag", async function () {
      await expectUserError(() => parseVerifierArgs({ ...none, confirmations: "-1" }, "hardhat"), /--confirmations/);
      await expectUserError(() => parseVerifierArgs({ ...none, detection: "0" }, "hardhat"), /--detection must be/);
      await expectUserError(() => parseVerifierArgs({ ...none, detection: "1.5" }, "hardhat"), /--detection must be/);
      await expectUserError(() => parseVerifierArgs({ ...none, metricsPort: "70000" }, "hardhat"), /--metrics-port/);
      await expectUserError(() => parseVerifierArgs({ ...none, pollInterval: "0" }, "hardhat"), /--poll-interval/);
      await expectUserError(() => parseVerifierArgs({ ...none, full: true, detection: "0.5" }, "hardhat"), /--full/);
    });
  });
});

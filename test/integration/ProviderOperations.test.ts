/**
 * What a provider's operator relies on beyond the job flow: the backend self-test that keeps a broken kernel from
 * ever taking a job, the back-off and give-up of a job whose work keeps failing, the one line that says the provider
 * was slashed and jailed, the stake and gas gauges, and /healthz.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { LoopHealth } from "../../src/agents/health";
import { memoryLogger } from "../../src/agents/logger";
import { runPollingLoop } from "../../src/agents/loop";
import { startMetricsServer } from "../../src/agents/metrics-server";
import { readJob } from "../../src/chain/jobs";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { formatUtc, relative } from "../../src/markdown";
import { ProviderAgent, type ProviderAgentConfig } from "../../src/provider/agent";
import { CpuBackend } from "../../src/provider/backends/cpu";
import { ExecBackend } from "../../src/provider/backends/exec";
import { JobRetries } from "../../src/provider/job-retries";
import { SELF_TEST_JOBS, SELF_TEST_SEED, selfTestBackend } from "../../src/provider/self-test";
import { ProviderState } from "../../src/provider/state";
import { formatWeft } from "../../src/jobs/amounts";
import { FileContentStore } from "../../src/store/fs-store";
import { matmulParamsCodec } from "../../src/workloads/matmul-i8/codec";
import { decodeJobParams, matmulI8 } from "../../src/workloads/registry";
import { matmulFraudProof, proveFraud, submitWorkloadJob } from "../fixtures/disputes";
import {
  BPS,
  JOB_COLLATERAL,
  JOB_DURATION,
  JOB_PAYMENT,
  JobStatus,
  PROVIDER_STAKE,
  registerAndStake,
} from "../fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { expectTaskError } from "../helpers/tasks";
import "../../tasks/provider/run";

const SHAPE = { m: 4, k: 6, n: 5 };
const PARAMS = matmulParamsCodec.encode(SHAPE);
const NODE = JSON.stringify(process.execPath);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("Provider agent operations", function () {
  let f: WeftFixture;
  let dir: string;
  let stateFile: string;
  let clientStore: FileContentStore;

  beforeEach(async function () {
    f = await loadFixture(deployWeftFixture);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-provider-operations-"));
    stateFile = path.join(dir, "provider.json");
    clientStore = new FileContentStore(path.join(dir, "client-store"));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function postJob(): Promise<bigint> {
    const job = decodeJobParams(matmulI8.id, PARAMS);
    const inputs = generateInputs(job, 1);
    await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), JOB_PAYMENT);
    await f.JobEscrow.connect(f.client).createJob({
      workloadId: matmulI8.id,
      params: PARAMS,
      inputRoot: inputRootOf(job, inputs),
      inputURI: await clientStore.put(inputs),
      paymentToken: await f.usd.getAddress(),
      payment: JOB_PAYMENT,
      provider: ethers.ZeroAddress,
      submitDeadline: BigInt(await time.latest()) + JOB_DURATION,
    });
    return f.JobEscrow.jobCount();
  }

  async function startAgent(overrides: Partial<ProviderAgentConfig> = {}) {
    const logger = memoryLogger();
    const agent = await ProviderAgent.create({
      system: f,
      signer: f.provider,
      backend: new CpuBackend({ workers: 1 }),
      store: new FileContentStore(path.join(dir, "provider-store")),
      stateFile,
      startBlock: 0,
      logger,
      retry: { attempts: 1 },
      ...overrides,
    });
    return { agent, lines: logger.lines };
  }

  async function metric(agent: ProviderAgent, name: string, labels: Record<string, string> = {}): Promise<number> {
    const values = (await agent.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
    const matching = values.filter((value) => Object.entries(labels).every(([key, v]) => value.labels[key] === v));
    return matching.reduce((sum, value) => sum + value.value, 0);
  }

  const weftGauge = (amount: bigint) => Number(ethers.formatEther(amount));

  describe("backend self-test", function () {
    it("refuses to start a kernel that computes wrong, naming the workload, the backend and the first wrong word", async function () {
      const [matmul] = SELF_TEST_JOBS;
      const reference = await referenceOutput(matmul, generateInputs(matmul, SELF_TEST_SEED));
      const words = Array.from({ length: reference.length / 4 }, (_, i) =>
        new DataView(reference.buffer).getInt32(i * 4),
      );
      const first = words.findIndex((word) => word !== 0);
      const zeros = `${NODE} -e "require('fs').writeFileSync(process.env.WEFT_OUTPUT_FILE, Buffer.alloc(+process.env.WEFT_OUTPUT_BYTES))"`;
      await expectTaskError(
        "provider:run",
        { backend: "exec", exec: zeros, gpu: "RTX 4090", vram: "24", stake: "1000" },
        new RegExp(
          `^backend self-test failed: the exec backend on a matmul-i8 3x5x4 job computed a wrong output: ` +
            `word ${first} \\(row ${Math.floor(first / 4)}, col ${first % 4}\\) is 0, the reference ${words[first]}; ` +
            `${words.filter((word) => word !== 0).length} of 12 words differ; the agent did not start ` +
            `\\(fix the backend, or leave matmul-i8 out of --workloads\\)\\.$`,
        ),
      );
    });

    it("refuses to start a kernel that fails, with its exit code and stderr; the reference backend passes", async function () {
      const crashing = `${NODE} -e "console.error('no CUDA device'); process.exit(3)"`;
      await expectTaskError(
        "provider:run",
        { backend: "exec", exec: crashing, workloads: "mandelbrot-q" },
        /^backend self-test failed: the exec backend on a mandelbrot-q 7x5 \(maxIter 40\) job failed: exec backend: command `.*` on a mandelbrot-q 7x5 \(maxIter 40\) job exited with code 3; its stderr ends: no CUDA device; the agent did not start \(fix the backend, or leave mandelbrot-q out of --workloads\)\.$/,
      );
      await selfTestBackend(new CpuBackend({ workers: 1 }), ["matmul-i8", "mandelbrot-q"]);
    });
  });

  describe("a job whose work keeps failing", function () {
    it("backs off exponentially to a cap and gives up after the limit", function () {
      let now = 0;
      const retries = new JobRetries({ attempts: 8, initialDelayMs: 10_000, maxDelayMs: 300_000 }, () => now);
      const delays: number[] = [];
      for (let attempt = 1; attempt < 8; attempt++) {
        const outcome = retries.failed("complete:1");
        if (outcome.kind !== "retry") throw new Error(`gave up at attempt ${attempt}`);
        expect(outcome.attempt).to.equal(attempt);
        expect(retries.due("complete:1")).to.equal(false);
        now += outcome.delayMs - 1;
        expect(retries.due("complete:1")).to.equal(false);
        now += 1;
        expect(retries.due("complete:1")).to.equal(true);
        delays.push(outcome.delayMs / 1000);
      }
      expect(delays).to.deep.equal([10, 20, 40, 80, 160, 300, 300]);
      expect(retries.failed("complete:1")).to.deep.equal({ kind: "give-up", attempts: 8 });
      expect(retries.due("other:2")).to.equal(true);
    });

    it("an accepted job: waits out the back-off, gives up saying what the liveness penalty takes and when, runs no more; the gauges show the locked collateral", async function () {
      await registerAndStake(f, f.provider);
      const id = await postJob();
      const runs = path.join(dir, "runs");
      const backend = new ExecBackend({ command: `echo run >> '${runs}'; exit 2`, timeoutMs: 30_000 });
      const runCount = () => fs.readFileSync(runs, "utf8").split("\n").filter(Boolean).length;

      const slow = await startAgent({
        backend,
        jobRetry: { attempts: 3, initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 },
      });
      await slow.agent.tick();
      await slow.agent.tick();
      expect(runCount()).to.equal(1);
      expect(slow.lines.filter((line) => line.includes("complete failed"))).to.have.length(1);
      expect(slow.lines.join("\n")).to.match(
        /error job 1: complete failed \(attempt 1 of 3, next in 1 h\): exec backend: command `.*` on a matmul-i8 4x6x5 job exited with code 2/,
      );
      expect(await f.JobEscrow.jobStatus(id)).to.equal(JobStatus.Assigned);

      // A restart tries an accepted job again from the first attempt.
      const { agent, lines } = await startAgent({
        backend,
        jobRetry: { attempts: 2, initialDelayMs: 0, maxDelayMs: 0 },
      });
      await agent.tick();
      await agent.tick();
      await agent.tick();
      expect(runCount()).to.equal(3);
      const { deadline } = await readJob(f.JobEscrow, id);
      const penaltyBps = await f.JobEscrow.livenessPenaltyBps();
      const gaveUp = lines.filter((line) => line.includes("GAVE UP"));
      expect(gaveUp).to.have.length(1);
      expect(gaveUp[0]).to.match(
        new RegExp(
          `^error job 1: GAVE UP after 2 failed attempts to complete it \\(last: exec backend: .* exited with code 2\\); ` +
            escape(
              `its ${formatWeft(JOB_COLLATERAL)} of collateral stays locked, and once its submit deadline ` +
                `${formatUtc(deadline)} (`,
            ) +
            `in [^)]+` +
            escape(
              `) passes the client can claim a timeout: the liveness penalty then takes ` +
                `${formatWeft((JOB_COLLATERAL * penaltyBps) / BPS)} of it (${Number(penaltyBps) / 100}%). ` +
                `Fix the backend and restart the agent before then to try again.`,
            ) +
            "$",
        ),
      );
      expect(await f.JobEscrow.jobStatus(id)).to.equal(JobStatus.Assigned);
      expect(ProviderState.peek(stateFile)!.jobs[id.toString()].phase).to.equal("assigned");
      expect(await metric(agent, "weft_provider_errors_total", { stage: "gave-up" })).to.equal(1);

      expect(await metric(agent, "weft_provider_stake_weft")).to.equal(weftGauge(PROVIDER_STAKE));
      expect(await metric(agent, "weft_provider_locked_collateral_weft")).to.equal(weftGauge(JOB_COLLATERAL));
      expect(await metric(agent, "weft_provider_jailed_until_seconds")).to.equal(0);
      expect(await metric(agent, "weft_provider_gas_balance")).to.equal(
        weftGauge(await ethers.provider.getBalance(f.provider.address)),
      );
    });

    it("a job not accepted yet: gives it up after the limit and never accepts it", async function () {
      await registerAndStake(f, f.provider);
      const id = await postJob();
      await f.JobEscrow.connect(f.guardian).pause();
      const { agent, lines } = await startAgent({ jobRetry: { attempts: 2, initialDelayMs: 0, maxDelayMs: 0 } });
      await agent.tick();
      await agent.tick();
      await f.JobEscrow.connect(f.timelock).unpause();
      await agent.tick();

      expect(await f.JobEscrow.jobStatus(id)).to.equal(JobStatus.Open);
      expect(lines.join("\n")).to.match(
        /error job 1: consider failed \(attempt 1 of 2, next in 0 s\): .*EnforcedPause/,
      );
      expect(lines.join("\n")).to.match(
        /error job 1: GAVE UP after 2 failed attempts to take it \(last: .*EnforcedPause.*\)/,
      );
      expect(lines).to.include("info job 1: not taken: given up after 2 failed attempts; it will not be accepted");
      expect(await metric(agent, "weft_provider_jobs_declined_total", { reason: "failing" })).to.equal(1);
      expect(await metric(agent, "weft_provider_jobs_accepted_total")).to.equal(0);
      expect(ProviderState.peek(stateFile)!.jobs).to.deep.equal({});
    });
  });

  it("says in one line that its provider was slashed, how much, and until when it is jailed; the gauges follow", async function () {
    await registerAndStake(f, f.provider);
    const wrongWord = 7;
    const job = await submitWorkloadJob(f, matmulI8.id, PARAMS, 1, wrongWord);
    const { agent, lines } = await startAgent();
    await agent.tick();
    expect(ProviderState.peek(stateFile)!.jobs[job.id.toString()].phase).to.equal("submitted");

    await f.ComputeToken.connect(f.outsider).approve(await f.DisputeManager.getAddress(), ethers.MaxUint256);
    const proof = matmulFraudProof(job, Math.floor(wrongWord / SHAPE.n), wrongWord % SHAPE.n);
    const disputeId = await proveFraud(f, f.outsider, job, proof);
    await agent.tick();

    const [slash] = await f.ProviderRegistry.queryFilter(f.ProviderRegistry.filters.Slashed(f.provider.address));
    const { jailedUntil, staked, locked } = await f.ProviderRegistry.providerState(f.provider.address);
    expect(jailedUntil).to.be.greaterThan(BigInt(await time.latest()));
    const line =
      `error job ${job.id}: SLASHED: dispute ${disputeId} proved the result this provider committed to wrong; ` +
      `${formatWeft(slash.args.taken)} taken from its stake (the job's collateral first), client refunded; ` +
      `jailed until ${formatUtc(jailedUntil)} (${relative(jailedUntil, BigInt(await time.latest()))}): ` +
      `no new jobs until then`;
    expect(lines.filter((candidate) => candidate.includes("SLASHED"))).to.deep.equal([line]);
    expect(ProviderState.peek(stateFile)!.jobs).to.deep.equal({});
    expect(await metric(agent, "weft_provider_jailed_until_seconds")).to.equal(Number(jailedUntil));
    expect(await metric(agent, "weft_provider_stake_weft")).to.equal(weftGauge(staked));
    expect(await metric(agent, "weft_provider_locked_collateral_weft")).to.equal(weftGauge(locked));
  });

  it("answers /healthz with 200 and the head block while the loop ticks, and 503 once its last success is too old", async function () {
    await registerAndStake(f, f.provider);
    const { agent } = await startAgent();
    let now = Date.parse("2026-12-03T12:00:00Z");
    const health = new LoopHealth(60_000, () => now);
    const server = await startMetricsServer(agent.metrics.registry, 0, undefined, health);
    const healthz = server.url.replace(/\/metrics$/, "/healthz");
    try {
      const controller = new AbortController();
      const tickOnce = async () => {
        try {
          return await agent.tick();
        } finally {
          controller.abort();
        }
      };
      await runPollingLoop(tickOnce, { intervalMs: 1, signal: controller.signal, logger: memoryLogger(), health });
      const ok = await get(healthz);
      expect(ok.status).to.equal(200);
      expect(JSON.parse(ok.body)).to.deep.equal({
        status: "ok",
        lastTickAt: "2026-12-03T12:00:00.000Z",
        lastSuccessAt: "2026-12-03T12:00:00.000Z",
        headBlock: await ethers.provider.getBlockNumber(),
        lastError: null,
        maxAgeSeconds: 60,
      });
      now += 60_001;
      const stale = await get(healthz);
      expect(stale.status).to.equal(503);
      expect(JSON.parse(stale.body)).to.include({ status: "stale", lastSuccessAt: "2026-12-03T12:00:00.000Z" });
      expect((await get(server.url)).status).to.equal(200);
    } finally {
      await server.close();
    }
  });
});

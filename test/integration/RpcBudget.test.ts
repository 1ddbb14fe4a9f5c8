/**
 * What the agents cost a public RPC endpoint, counted call by call: a provider spends a fixed number of calls per
 * job and two per idle tick however many jobs sit in their challenge windows; a verifier spends a fixed number per
 * job. Each count runs on a chain with a long history (100,000 blocks between the deployment and the agents' start)
 * read in ranges of 1,000 blocks, as public endpoints allow. `npm test` counts at 10 jobs in flight;
 * RPC_BUDGET_JOBS=10,100,1000 (npm run test:rpc-budget) at more.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";

import { memoryLogger } from "../../src/agents/logger";
import { generateInputs } from "../../src/jobs/job-data";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { ProviderAgent } from "../../src/provider/agent";
import { CpuBackend } from "../../src/provider/backends/cpu";
import { FileContentStore } from "../../src/store/fs-store";
import { VerifierMetrics } from "../../src/verifier/metrics";
import { Verifier } from "../../src/verifier/verifier";
import { EvidenceFileSink } from "../../src/verifier/sinks";
import { decodeJobParams, matmulI8 } from "../../src/workloads/registry";
import { registerAndStake } from "../fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { CallCounter, type CallCounts } from "../helpers/call-counter";

const JOB_COUNTS = (process.env.RPC_BUDGET_JOBS ?? "10").split(",").map(Number);
const HISTORY_BLOCKS = 100_000;
const MAX_BLOCK_RANGE = 1_000;
/** The budgets of the public-network issue. */
const PROVIDER_READS_PER_JOB = 8;
const VERIFIER_READS_PER_JOB = 4;
const IDLE_TICK_CALLS = 2;
const SHAPE = { m: 4, k: 8, n: 4 };
const PAYMENT = ethers.parseEther("1");
const COLLATERAL_PER_JOB = ethers.parseEther("1000");
const DAY = 86_400n;

async function longHistoryFixture() {
  const f = await loadFixture(deployWeftFixture);
  // Each job's three transactions take a block and a second each: at 1,000 jobs, more than the local 10-minute window.
  await f.ProviderRegistry.connect(f.timelock).setUnbondingPeriod(3n * DAY);
  await f.JobEscrow.connect(f.timelock).setChallengeWindow(DAY);
  await mine(HISTORY_BLOCKS);
  return f;
}

describe("RPC budget of the agents on a long history, read 1,000 blocks at a time", function () {
  let f: WeftFixture;
  let dir: string;
  let store: FileContentStore;
  let counter: CallCounter;

  beforeEach(async function () {
    f = await loadFixture(longHistoryFixture);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-rpc-budget-"));
    store = new FileContentStore(path.join(dir, "store"));
    counter = new CallCounter();
  });
  afterEach(function () {
    counter.uninstall();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Creates `count` open matmul jobs sharing one published input. */
  async function createJobs(count: number): Promise<void> {
    const params = matmulI8.params.encode(SHAPE);
    const inputs = generateInputs(decodeJobParams(matmulI8.id, params), 1);
    const inputURI = await store.put(inputs);
    const inputRoot = inputRootOf(decodeJobParams(matmulI8.id, params), inputs);
    await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), PAYMENT * BigInt(count));
    const submitDeadline = BigInt(await time.latest()) + DAY;
    const request = {
      workloadId: matmulI8.id,
      params,
      inputRoot,
      inputURI,
      paymentToken: await f.usd.getAddress(),
      payment: PAYMENT,
      provider: ethers.ZeroAddress,
      submitDeadline,
    };
    for (let i = 0; i < count; i++) await f.JobEscrow.connect(f.client).createJob(request);
  }

  async function startProvider(jobs: number): Promise<ProviderAgent> {
    await f.ComputeToken.connect(f.deployer).transfer(f.provider.address, COLLATERAL_PER_JOB * BigInt(jobs));
    await registerAndStake(f, f.provider, COLLATERAL_PER_JOB * BigInt(jobs));
    const deploymentBlock = (await ethers.provider.getBlockNumber()) - HISTORY_BLOCKS - 10;
    return ProviderAgent.create({
      system: f,
      signer: f.provider,
      backend: new CpuBackend({ workers: 1 }),
      store,
      stateFile: path.join(dir, "provider.json"),
      startBlock: Math.max(0, deploymentBlock),
      maxBlockRange: MAX_BLOCK_RANGE,
      logger: memoryLogger(),
    });
  }

  function report(what: string, counts: CallCounts): void {
    console.log(
      `      ${what}: ${counts.reads} reads, ${counts.transactions} transaction calls ${JSON.stringify(counts.byMethod)}`,
    );
  }

  for (const jobs of JOB_COUNTS) {
    it(`a provider spends at most ${PROVIDER_READS_PER_JOB} reads per job and ${IDLE_TICK_CALLS} calls per idle tick with ${jobs} jobs in their windows`, async function () {
      this.timeout(120_000 + jobs * 2_000);
      const agent = await startProvider(jobs);
      const startup = await counter.during(() => agent.tick());
      report("startup (indexing the history)", startup);
      expect(startup.byMethod.eth_getLogs).to.be.at.most(Math.ceil((HISTORY_BLOCKS + 100) / MAX_BLOCK_RANGE) + 1);

      await createJobs(jobs);
      const work = await counter.during(() => agent.tick());
      report(`accepting, computing and submitting ${jobs} jobs`, work);
      expect(await f.JobEscrow.jobStatus(BigInt(jobs))).to.equal(3n); // Submitted
      // Reading the blocks its own transactions were mined in, over a range or more at 1,000 jobs.
      const catchUp = await counter.during(() => agent.tick());
      report("reading the blocks of its own transactions", catchUp);

      const idle: CallCounts[] = [];
      for (let tick = 0; tick < 3; tick++) {
        await mine(1);
        idle.push(await counter.during(() => agent.tick()));
      }
      idle.forEach((counts, tick) => report(`idle tick ${tick + 1} with ${jobs} jobs in their windows`, counts));
      for (const counts of idle) expect(counts.reads + counts.transactions).to.be.at.most(IDLE_TICK_CALLS);

      await time.increase(3n * DAY);
      const finalize = await counter.during(() => agent.tick());
      report(`finalizing ${jobs} jobs`, finalize);
      expect(await f.JobEscrow.jobStatus(BigInt(jobs))).to.equal(5n); // Finalized

      const perJobReads = (work.reads + catchUp.reads + finalize.reads - 3 * IDLE_TICK_CALLS) / jobs;
      const perJobTransactionCalls = (work.transactions + finalize.transactions) / jobs;
      console.log(`      per job: ${perJobReads} reads, ${perJobTransactionCalls} transaction calls (3 transactions)`);
      expect(perJobReads).to.be.at.most(PROVIDER_READS_PER_JOB);
    });

    it(`a verifier spends at most ${VERIFIER_READS_PER_JOB} reads per job with ${jobs} jobs to check`, async function () {
      this.timeout(120_000 + jobs * 2_000);
      const agent = await startProvider(jobs);
      await createJobs(jobs);
      await agent.tick();
      const deploymentBlock = (await ethers.provider.getBlockNumber()) - HISTORY_BLOCKS - 10 - jobs * 4;
      const verifier = await Verifier.open({
        escrow: f.JobEscrow,
        provider: ethers.provider,
        stateDir: path.join(dir, "verifier"),
        startBlock: Math.max(0, deploymentBlock),
        deploymentBlock: Math.max(0, deploymentBlock),
        confirmations: 0,
        maxBlockRange: MAX_BLOCK_RANGE,
        sink: EvidenceFileSink.inStateDir(path.join(dir, "verifier")),
        metrics: new VerifierMetrics(),
        logger: memoryLogger(),
      });
      const checking = await counter.during(async () => {
        const summary = await verifier.tick();
        expect(summary.checked).to.equal(jobs);
      });
      report(`checking ${jobs} jobs from the deployment on`, checking);
      const scannedBlocks = (await ethers.provider.getBlockNumber()) - Math.max(0, deploymentBlock) + 1;
      expect(checking.byMethod.eth_getLogs).to.equal(Math.ceil(scannedBlocks / MAX_BLOCK_RANGE));
      // Beyond the head and the history's ranges, read once whatever the number of jobs.
      const perJobReads = (checking.reads - checking.byMethod.eth_getLogs - 1) / jobs;
      console.log(`      per job: ${perJobReads} reads`);
      expect(perJobReads).to.be.at.most(VERIFIER_READS_PER_JOB);
      await mine(1);
      const idle = await counter.during(async () => void (await verifier.tick()));
      report("an idle verifier tick", idle);
      expect(idle.reads + idle.transactions).to.be.at.most(IDLE_TICK_CALLS);
    });
  }
});

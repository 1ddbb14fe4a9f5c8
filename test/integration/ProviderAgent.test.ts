import { expect } from "chai";
import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { memoryLogger } from "../../src/agents/logger";
import { readSubmittedResult } from "../../src/chain/jobs";
import { ResultTree } from "../../src/commitments/result-tree";
import { formatWeft } from "../../src/jobs/amounts";
import { publishJobInputs } from "../../src/jobs/input-content";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { ProviderAgent, type ProviderAgentConfig } from "../../src/provider/agent";
import { CpuBackend } from "../../src/provider/backends/cpu";
import { ExecBackend } from "../../src/provider/backends/exec";
import { parsePolicy } from "../../src/provider/options";
import { ProviderState } from "../../src/provider/state";
import { OutputKeeper } from "../../src/provider/outputs";
import { ensureProvider } from "../../src/provider/setup";
import { ContentNotFoundError, sha256Hex } from "../../src/store/content-store";
import { fetchContent } from "../../src/store/factory";
import { FileContentStore } from "../../src/store/fs-store";
import { mandelbrotParamsCodec } from "../../src/workloads/mandelbrot-q/codec";
import { toFixedPoint } from "../../src/workloads/mandelbrot-q/tile";
import { matmulParamsCodec } from "../../src/workloads/matmul-i8/codec";
import { mlpParamsCodec } from "../../src/workloads/mlp-i8/codec";
import { activationByte, mlpOutputLayout } from "../../src/workloads/mlp-i8/layout";
import { Activation, type MlpParams } from "../../src/workloads/mlp-i8/network";
import { decodeJobParams, mandelbrotQ, matmulI8, mlpI8 } from "../../src/workloads/registry";
import { WORD_BYTES } from "../../src/workloads/words";
import {
  JOB_COLLATERAL,
  JOB_DURATION,
  JOB_PAYMENT,
  JobStatus,
  jobTerms,
  PROFILE,
  PROVIDER_STAKE,
  registerAndStake,
} from "../fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { expectUserError } from "../helpers/errors";
import { readJob } from "../../src/chain/jobs";

const MATMUL_PARAMS = matmulParamsCodec.encode({ m: 12, k: 20, n: 9 });
const MANDELBROT_PARAMS = mandelbrotParamsCodec.encode({
  x0: toFixedPoint(-2),
  y0: toFixedPoint(-1),
  step: toFixedPoint(1 / 16),
  width: 32,
  height: 24,
  maxIter: 64,
});

/** Two layers, 6 x 40 hidden activations and 6 x 10 outputs: 375 value words, padded to 4 chunks of 128. */
const MLP: MlpParams = {
  batch: 6,
  inputs: 30,
  layers: [
    { outputs: 40, multiplier: 3 << 17, shift: 28, activation: Activation.RELU },
    { outputs: 10, multiplier: 5, shift: 12, activation: Activation.IDENTITY },
  ],
};
const MLP_PARAMS = mlpParamsCodec.encode(MLP);
const KERNEL = path.join(__dirname, "..", "programs", "weft-kernel.js");

interface PostedJob {
  readonly id: bigint;
  /** The correct output. */
  readonly reference: Uint8Array;
}

interface PostOptions {
  readonly workloadId?: string;
  readonly params?: string;
  readonly seed?: number;
  /** Directed provider (default: open to any). */
  readonly provider?: string;
  /** Overrides the input root the job commits to. */
  readonly inputRoot?: string;
  /** Overrides where the inputs are said to be. */
  readonly inputURI?: string;
  readonly payment?: bigint;
}

async function fixture() {
  const f = await loadFixture(deployWeftFixture);
  await registerAndStake(f, f.provider2);
  return f;
}

describe("Provider agent against the deployed system", function () {
  let f: WeftFixture;
  let dir: string;
  let clientStore: FileContentStore;
  let providerStore: FileContentStore;
  let stateFile: string;
  let outputs: OutputKeeper;

  beforeEach(async function () {
    f = await loadFixture(fixture);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-provider-agent-"));
    clientStore = new FileContentStore(path.join(dir, "client-store"));
    providerStore = new FileContentStore(path.join(dir, "provider-store"));
    stateFile = path.join(dir, "provider.json");
    outputs = OutputKeeper.besideState(stateFile);
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A client job whose inputs are published to the client's store, created straight on the escrow. */
  async function postJob(options: PostOptions = {}): Promise<PostedJob> {
    const workloadId = options.workloadId ?? matmulI8.id;
    const params = options.params ?? MATMUL_PARAMS;
    const job = decodeJobParams(workloadId, params);
    const inputs = generateInputs(job, options.seed ?? 1);
    const inputURI = options.inputURI ?? (inputs.length === 0 ? "" : await publishJobInputs(job, inputs, clientStore));
    const payment = options.payment ?? JOB_PAYMENT;
    await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), payment);
    await f.JobEscrow.connect(f.client).createJob({
      workloadId,
      params,
      inputRoot: options.inputRoot ?? inputRootOf(job, inputs),
      inputURI,
      paymentToken: await f.usd.getAddress(),
      payment,
      provider: options.provider ?? ethers.ZeroAddress,
      submitDeadline: BigInt(await time.latest()) + JOB_DURATION,
    });
    return { id: await f.JobEscrow.jobCount(), reference: await referenceOutput(job, inputs) };
  }

  async function startAgent(
    signer: HardhatEthersSigner = f.provider,
    overrides: Partial<ProviderAgentConfig> = {},
  ): Promise<{ agent: ProviderAgent; lines: string[] }> {
    const logger = memoryLogger();
    const agent = await ProviderAgent.create({
      system: f,
      signer,
      backend: new CpuBackend(),
      store: providerStore,
      stateFile,
      outputs,
      startBlock: 0,
      logger,
      retry: { attempts: 1 },
      ...overrides,
    });
    return { agent, lines: logger.lines };
  }

  async function status(id: bigint): Promise<bigint> {
    return await f.JobEscrow.jobStatus(id);
  }

  async function counter(agent: ProviderAgent, name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = await agent.metrics.registry.getSingleMetric(name)?.get();
    const matching = metric?.values.filter((value) =>
      Object.entries(labels).every(([key, label]) => value.labels[key] === label),
    );
    return (matching ?? []).reduce((sum, value) => sum + value.value, 0);
  }

  it("registers and stakes through its setup, then computes, submits and finalizes matmul-i8 and mandelbrot-q jobs", async function () {
    const setupLog = memoryLogger();
    await ensureProvider(f, f.provider, { profile: PROFILE, minStake: PROVIDER_STAKE }, setupLog);
    const registered = await f.ProviderRegistry.providerState(f.provider.address);
    expect(registered.registered).to.equal(true);
    expect(registered.staked).to.equal(PROVIDER_STAKE);
    // Already set up: nothing more is sent.
    await ensureProvider(f, f.provider, { profile: PROFILE, minStake: PROVIDER_STAKE }, setupLog);
    expect(setupLog.lines).to.have.length(2);

    const matmul = await postJob();
    const mandelbrot = await postJob({ workloadId: mandelbrotQ.id, params: MANDELBROT_PARAMS });
    const { agent } = await startAgent();
    await agent.tick();

    for (const job of [matmul, mandelbrot]) {
      const stored = await readJob(f.JobEscrow, job.id);
      expect(stored.status).to.equal(JobStatus.Submitted);
      expect(stored.provider).to.equal(f.provider.address);
      expect(stored.resultRoot).to.equal(new ResultTree(job.reference).root);
      const submitted = await readSubmittedResult(f.JobEscrow, job.id, 0);
      const published = await fetchContent(submitted!.resultURI);
      expect(Buffer.from(published).equals(Buffer.from(job.reference))).to.equal(true);
      // Its own copy, kept for disputes until the job settles.
      expect(Buffer.from(outputs.read(job.id)!).equals(Buffer.from(job.reference))).to.equal(true);
    }
    expect(await counter(agent, "weft_provider_jobs_accepted_total")).to.equal(2);
    expect(await counter(agent, "weft_provider_results_submitted_total", { submission: "honest" })).to.equal(2);

    // Inside the challenge window nothing is finalized.
    await agent.tick();
    expect(await status(matmul.id)).to.equal(JobStatus.Submitted);

    await time.increase(f.parameters.escrow.challengeWindow);
    await agent.tick();
    for (const job of [matmul, mandelbrot]) {
      expect(await status(job.id)).to.equal(JobStatus.Finalized);
      expect(await f.ComputeReceipt.ownerOf(job.id)).to.equal(f.client.address);
    }
    expect(await counter(agent, "weft_provider_jobs_finalized_total")).to.equal(2);
    expect(ProviderState.peek(stateFile)!.jobs).to.deep.equal({});
    expect([outputs.read(matmul.id), outputs.read(mandelbrot.id)]).to.deep.equal([undefined, undefined]);
  });

  it("computes an mlp-i8 job with a provider's own program (exec backend) and submits the reference output's root", async function () {
    await registerAndStake(f, f.provider);
    const posted = await postJob({ workloadId: mlpI8.id, params: MLP_PARAMS, seed: 4 });
    const backend = new ExecBackend({
      command: `${JSON.stringify(process.execPath)} ${JSON.stringify(KERNEL)}`,
      timeoutMs: 30_000,
    });
    const { agent } = await startAgent(f.provider, { backend });
    await agent.tick();
    const stored = await readJob(f.JobEscrow, posted.id);
    expect(stored.status).to.equal(JobStatus.Submitted);
    expect(stored.resultRoot).to.equal(new ResultTree(posted.reference).root);
    const published = await fetchContent((await readSubmittedResult(f.JobEscrow, posted.id, 0))!.resultURI);
    expect(published.length).to.equal(512 * WORD_BYTES);
    expect(Buffer.from(published).equals(Buffer.from(posted.reference))).to.equal(true);
  });

  it("does not accept a job whose inputs do not match its input root", async function () {
    await registerAndStake(f, f.provider);
    const tampered = await postJob({ inputRoot: ethers.id("some other inputs") });
    const { agent, lines } = await startAgent();
    await agent.tick();
    expect(await status(tampered.id)).to.equal(JobStatus.Open);
    expect(await counter(agent, "weft_provider_jobs_declined_total", { reason: "inputs-mismatch" })).to.equal(1);
    expect(lines.join("\n")).to.match(/job 1: not taken: inputs at file:.* have root 0x[0-9a-f]+, but the job commits/);
  });

  it("waits for inputs it cannot fetch yet, and takes the job once they are published", async function () {
    await registerAndStake(f, f.provider);
    const inputs = generateInputs(decodeJobParams(matmulI8.id, MATMUL_PARAMS), 5);
    const posted = await postJob({ seed: 5, inputURI: clientStore.uriFor(sha256Hex(inputs)) });
    const { agent, lines } = await startAgent();
    await agent.tick();
    expect(await status(posted.id)).to.equal(JobStatus.Open);
    expect(lines.join("\n")).to.match(/job 1: waiting \(inputs-unavailable: .* not found/);
    expect(ProviderState.peek(stateFile)!.jobs["1"].phase).to.equal("waiting");

    await clientStore.put(inputs);
    await agent.tick();
    expect(await status(posted.id)).to.equal(JobStatus.Submitted);
  });

  it("leaves a job directed to another provider alone and takes one directed to itself", async function () {
    await registerAndStake(f, f.provider);
    const forOther = await postJob({ provider: f.provider2.address });
    const forSelf = await postJob({ provider: f.provider.address, seed: 2 });
    const { agent } = await startAgent();
    await agent.tick();
    expect(await status(forOther.id)).to.equal(JobStatus.Open);
    expect(await status(forSelf.id)).to.equal(JobStatus.Submitted);
    expect((await readJob(f.JobEscrow, forSelf.id)).resultRoot).to.equal(new ResultTree(forSelf.reference).root);
  });

  it("waits until its free stake covers the collateral, then accepts", async function () {
    // Twice the usual payment: its collateral is twice the minimum stake this provider has.
    await registerAndStake(f, f.provider, JOB_COLLATERAL);
    const posted = await postJob({ payment: 2n * JOB_PAYMENT });
    const { agent, lines } = await startAgent();
    await agent.tick();
    expect(await status(posted.id)).to.equal(JobStatus.Open);
    expect(lines.join("\n")).to.contain(
      `waiting (collateral: it needs ${formatWeft(2n * JOB_COLLATERAL)} of free stake as collateral, ` +
        `this provider has ${formatWeft(JOB_COLLATERAL)}`,
    );

    await ensureProvider(f, f.provider, { minStake: 2n * JOB_COLLATERAL }, memoryLogger());
    await agent.tick();
    expect(await status(posted.id)).to.equal(JobStatus.Submitted);
    expect((await readJob(f.JobEscrow, posted.id)).collateral).to.equal(2n * JOB_COLLATERAL);
  });

  it("waits while its stake is below the minimum provider stake, naming the minimum", async function () {
    const minStake = f.parameters.registry.minProviderStake;
    await registerAndStake(f, f.provider, minStake - 1n);
    const posted = await postJob();
    const { agent, lines } = await startAgent();
    await agent.tick();
    expect(await status(posted.id)).to.equal(JobStatus.Open);
    expect(lines.join("\n")).to.contain(
      `waiting (ineligible: this provider has ${formatWeft(minStake - 1n)} staked, ` +
        `less than the ${formatWeft(minStake)} minimum; run provider:stake)`,
    );
  });

  it("declines jobs outside its policy: another workload, too large, an unaccepted token, too little pay", async function () {
    await registerAndStake(f, f.provider);
    const mandelbrot = await postJob({ workloadId: mandelbrotQ.id, params: MANDELBROT_PARAMS });
    const large = await postJob({ params: matmulParamsCodec.encode({ m: 64, k: 64, n: 65 }) });
    const cheap = await postJob({ payment: 5000n });
    const wanted = await postJob({ payment: 6000n });
    const usd = await f.usd.getAddress();
    const policy = parsePolicy({
      workloads: "matmul-i8",
      maxMultiplyAdds: String(64 * 64 * 64),
      paymentTokens: `${usd}:6000`,
      minTimeLeft: "0",
    });
    const { agent, lines } = await startAgent(f.provider, { policy });
    await agent.tick();
    for (const job of [mandelbrot, large, cheap]) expect(await status(job.id)).to.equal(JobStatus.Open);
    expect(await status(wanted.id)).to.equal(JobStatus.Submitted);
    expect(await counter(agent, "weft_provider_jobs_declined_total", { reason: "policy" })).to.equal(3);
    const log = lines.join("\n");
    expect(log).to.contain("job 1: not taken: workload mandelbrot-q is not in matmul-i8");
    expect(log).to.contain("job 2: not taken: 64x64x65 is 266240 multiply-adds, more than the limit 262144");
    expect(log).to.contain(`job 3: not taken: payment 5000 is below the minimum 6000 for ${usd}`);

    const onlyWeft = parsePolicy({ paymentTokens: await f.ComputeToken.getAddress() });
    const other = await postJob({ seed: 3 });
    const second = await startAgent(f.provider, { policy: onlyWeft, stateFile: path.join(dir, "second.json") });
    await second.agent.tick();
    expect(await status(other.id)).to.equal(JobStatus.Open);
    expect(second.lines.join("\n")).to.contain(`payment token ${usd} is not accepted`);
  });

  it("refuses policy flags it cannot read", async function () {
    await expectUserError(
      () => parsePolicy({ workloads: "matmul-i8,sha256" }),
      /--workloads takes .*matmul-i8, mandelbrot-q/,
    );
    await expectUserError(() => parsePolicy({ paymentTokens: "0x12:5" }), /--payment-tokens takes addresses/);
    await expectUserError(
      () => parsePolicy({ paymentTokens: `${ethers.ZeroAddress}:lots` }),
      /--payment-tokens takes addresses/,
    );
    await expectUserError(() => parsePolicy({ maxPixels: "-1" }), /--max-pixels must be a whole number/);
    await expectUserError(() => parsePolicy({ minTimeLeft: "1h" }), /--min-time-left must be a whole number/);
  });

  it("after a restart, neither accepts again nor forgets the job it had accepted, and finishes it", async function () {
    await registerAndStake(f, f.provider);
    const posted = await postJob();
    // The first run's kernel crashes after the job was accepted.
    const crashing = new ExecBackend({
      command: `${JSON.stringify(process.execPath)} -e "process.exit(2)"`,
      timeoutMs: 30_000,
    });
    const first = await startAgent(f.provider, { backend: crashing });
    await first.agent.tick();
    expect(await status(posted.id)).to.equal(JobStatus.Assigned);
    expect(first.lines.join("\n")).to.match(/job 1: complete failed .*exited with code 2/);
    expect(ProviderState.peek(stateFile)!.jobs["1"].phase).to.equal("assigned");

    const restarted = await startAgent();
    await restarted.agent.tick();
    expect(await status(posted.id)).to.equal(JobStatus.Submitted);
    expect((await readJob(f.JobEscrow, posted.id)).resultRoot).to.equal(new ResultTree(posted.reference).root);
    expect(await counter(restarted.agent, "weft_provider_jobs_accepted_total")).to.equal(0);
    expect(await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobAccepted(posted.id))).to.have.length(1);
  });

  it("refuses a state file that belongs to another provider", async function () {
    await registerAndStake(f, f.provider);
    const { agent } = await startAgent();
    await agent.tick();
    await expectUserError(startAgent(f.provider2), /is the state of provider 0x.* not of 0x.*; pass another --state/);
  });

  it("logs a lost accept race and moves on", async function () {
    await registerAndStake(f, f.provider);
    const job = decodeJobParams(matmulI8.id, MATMUL_PARAMS);
    const inputs = generateInputs(job, 9);
    // The inputs' server lets a rival provider accept the job while this provider is fetching them.
    let jobId = 0n;
    const server: Server = createServer((_request, response) => {
      jobTerms(f, jobId)
        .then((terms) => f.JobEscrow.connect(f.provider2).acceptJob(jobId, terms))
        .then(
          () => response.writeHead(200).end(Buffer.from(inputs)),
          (error: unknown) => response.writeHead(500).end(String(error)),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const uri = `${base}/blobs/${(await clientStore.put(inputs)).split("/").at(-1)}`;
      jobId = (await postJob({ seed: 9, inputURI: uri })).id;
      const { agent, lines } = await startAgent();
      await agent.tick();
      expect((await readJob(f.JobEscrow, jobId)).provider).to.equal(f.provider2.address);
      expect(lines.join("\n")).to.contain(`job ${jobId}: not taken: another provider accepted it first`);
      expect(await counter(agent, "weft_provider_errors_total")).to.equal(0);
      expect(await counter(agent, "weft_provider_jobs_declined_total", { reason: "taken" })).to.equal(1);
    } finally {
      server.close();
    }
  });

  describe("with --cheat", function () {
    beforeEach(async function () {
      await registerAndStake(f, f.provider);
    });

    it("flip-one publishes and commits to an output with exactly one wrong word", async function () {
      const posted = await postJob();
      const { agent, lines } = await startAgent(f.provider, { cheat: { mode: "flip-one", rate: 1 } });
      await agent.tick();
      const stored = await readJob(f.JobEscrow, posted.id);
      const published = await fetchContent((await readSubmittedResult(f.JobEscrow, posted.id, 0))!.resultURI);
      expect(stored.resultRoot).to.equal(new ResultTree(published).root);
      expect(stored.resultRoot).to.not.equal(new ResultTree(posted.reference).root);
      let wrongWords = 0;
      for (let at = 0; at < published.length; at += WORD_BYTES) {
        if (
          Buffer.compare(published.subarray(at, at + WORD_BYTES), posted.reference.subarray(at, at + WORD_BYTES)) !== 0
        ) {
          wrongWords++;
        }
      }
      expect(wrongWords).to.equal(1);
      // It keeps what it committed to, the wrong word included: that is what it must answer a dispute with.
      expect(Buffer.from(outputs.read(posted.id)!).equals(Buffer.from(published))).to.equal(true);
      expect(lines.join("\n")).to.match(/warn job 1: CHEATING \(flip-one/);
      expect(await counter(agent, "weft_provider_results_submitted_total", { submission: "flip-one" })).to.equal(1);
    });

    it("flip-hidden commits to an mlp-i8 output whose one wrong byte is the hidden activation the draw picks", async function () {
      const posted = await postJob({ workloadId: mlpI8.id, params: MLP_PARAMS, seed: 4 });
      // Draws: cheat (0 < 1), then the activation: floor(0.5 * 240) = 120, item 3, unit 0 of layer 0.
      const draws = [0, 0.5];
      const { agent, lines } = await startAgent(f.provider, {
        cheat: { mode: "flip-hidden", rate: 1, random: () => draws.shift()! },
      });
      await agent.tick();
      const stored = await readJob(f.JobEscrow, posted.id);
      const published = await fetchContent((await readSubmittedResult(f.JobEscrow, posted.id, 0))!.resultURI);
      expect(stored.resultRoot).to.equal(new ResultTree(published).root);
      const byte = activationByte(mlpOutputLayout(MLP), 0, 3, 0);
      const wrong = [...published.keys()].filter((i) => published[i] !== posted.reference[i]);
      expect(wrong).to.deep.equal([byte]);
      expect(published[byte]).to.equal(posted.reference[byte] ^ 1);
      expect(lines.join("\n")).to.contain(
        `warn job 1: CHEATING (flip-hidden, fault injection): hidden layer 0 activation 120 flipped (output byte ${byte})`,
      );
      expect(await counter(agent, "weft_provider_results_submitted_total", { submission: "flip-hidden" })).to.equal(1);
    });

    it("withhold commits to the real output's root but publishes nothing and keeps no copy", async function () {
      const posted = await postJob();
      const { agent } = await startAgent(f.provider, { cheat: { mode: "withhold", rate: 1 } });
      await agent.tick();
      expect((await readJob(f.JobEscrow, posted.id)).resultRoot).to.equal(new ResultTree(posted.reference).root);
      const { resultURI } = (await readSubmittedResult(f.JobEscrow, posted.id, 0))!;
      let caught: unknown;
      await fetchContent(resultURI).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(ContentNotFoundError);
      // Nor does it keep a copy: it has nothing to answer a dispute with.
      expect(outputs.read(posted.id)).to.equal(undefined);
    });
  });
});

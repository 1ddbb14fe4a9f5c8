import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { memoryLogger } from "../../src/agents/logger";
import { disputeIdsOf, DisputeKind, DisputeStatus, readDispute, revealedChildrenAt } from "../../src/chain/disputes";
import { JobStatus, readJob, readSubmittedResult, readTerms } from "../../src/chain/jobs";
import { sleep } from "../../src/chain/retry";
import { childToDispute } from "../../src/commitments/bisection";
import { ResultTree } from "../../src/commitments/result-tree";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { parseJobRequest, type JobRequestArgs } from "../../src/jobs/request";
import type { CheatConfig } from "../../src/provider/cheat";
import { fetchContent } from "../../src/store/factory";
import { VerifierMetrics } from "../../src/verifier/metrics";
import { EvidenceFileSink } from "../../src/verifier/sinks";
import type { Finding } from "../../src/findings/verdict";
import { Verifier } from "../../src/verifier/verifier";
import { AGENT_STAKE, createDirectedJob, startProviderAgent } from "../fixtures/agents";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { underCoverage } from "../helpers/coverage";
import { type RpcServer, serveInProcessNetwork } from "../helpers/rpc-server";
import { writeFixtureAddressBook } from "../helpers/tasks";
import { AgentProcess } from "../helpers/verifier-process";

const MATMUL: JobRequestArgs = { workload: "matmul-i8", shape: "24,40,36", seed: "11" };
const MANDELBROT: JobRequestArgs = { workload: "mandelbrot-q", tile: "-2,-1.25,0.078125,32,32,64" };

/** 16 x 32 = 512 output words: four result chunks, a bisection two levels deep. */
const SMALL_MATMUL: JobRequestArgs = { workload: "matmul-i8", shape: "16,8,32", seed: "21" };
const BPS = 10_000n;
/** Accounts of the configured list, as the agent processes name them (the fixture's provider, provider2, outsider). */
const ACCOUNT = { provider: 2, provider2: 3, verifier: 4 } as const;

/**
 * A content server that takes every output it is given and serves none of them: what a provider publishing "to its
 * own server" and withholding its results looks like to everyone else.
 */
async function startWithholdingStore(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (request.method === "PUT") response.writeHead(201).end();
      else response.writeHead(404).end("withheld");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The indices of the 32-bit words in which two outputs differ. */
function differingWords(a: Uint8Array, b: Uint8Array): number[] {
  const words: number[] = [];
  for (let offset = 0; offset < a.length; offset += 4) {
    if (Buffer.compare(a.subarray(offset, offset + 4), b.subarray(offset, offset + 4)) !== 0) words.push(offset / 4);
  }
  return words;
}

describe("Provider agents and the verifier, together (in-process network)", function () {
  let f: WeftFixture;
  let dir: string;

  beforeEach(async function () {
    f = await loadFixture(deployWeftFixture);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-agents-"));
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const startProvider = (signer: HardhatEthersSigner, name: string, cheat?: CheatConfig) =>
    startProviderAgent(f, dir, signer, name, cheat);
  const createJob = (request: JobRequestArgs, provider: HardhatEthersSigner) =>
    createDirectedJob(f, dir, request, provider);

  it("settles an honest agent's jobs and flags a flip-one cheater's job with the exact wrong element", async function () {
    const honest = await startProvider(f.provider, "honest");
    const cheater = await startProvider(f.provider2, "cheater", { mode: "flip-one", rate: 1, random: () => 0.37 });
    const honestJobs = [await createJob(MATMUL, f.provider), await createJob(MANDELBROT, f.provider)];
    const cheatedJob = await createJob(MATMUL, f.provider2);

    await honest.tick();
    await cheater.tick();
    for (const id of [...honestJobs, cheatedJob]) expect(await f.JobEscrow.jobStatus(id)).to.equal(JobStatus.Submitted);

    const stateDir = path.join(dir, "verifier");
    const verifier = await Verifier.open({
      escrow: f.JobEscrow,
      provider: ethers.provider,
      stateDir,
      startBlock: 0,
      deploymentBlock: 0,
      confirmations: 0,
      maxBlockRange: 1_000,
      sink: EvidenceFileSink.inStateDir(stateDir),
      metrics: new VerifierMetrics(),
      logger: memoryLogger(),
      check: { mandelbrot: { full: true } },
    });
    await verifier.tick();

    const findings = fs.readdirSync(path.join(stateDir, "findings"));
    expect(findings).to.deep.equal([`job-${cheatedJob}.json`]);
    const finding = JSON.parse(fs.readFileSync(path.join(stateDir, "findings", findings[0]), "utf8")) as Finding;
    if (finding.kind !== "wrong-element") expect.fail(`expected a wrong-element finding, got ${finding.kind}`);

    // The element the verifier names is the one word where the cheater's published output differs from the truth.
    const job = parseJobRequest(MATMUL).job;
    const correct = await referenceOutput(job, generateInputs(job, 11));
    const submitted = await readSubmittedResult(f.JobEscrow, cheatedJob, 0);
    const published = await fetchContent(submitted!.resultURI);
    const [wrongWord] = differingWords(published, correct);
    expect(differingWords(published, correct)).to.have.length(1);
    const n = 36;
    expect([finding.row, finding.col]).to.deep.equal([Math.floor(wrongWord / n), wrongWord % n]);
    const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(finding.claimed).to.equal(view(published).getInt32(wrongWord * 4));
    expect(finding.correct).to.equal(view(correct).getInt32(wrongWord * 4));

    // After the challenge window the honest agent finalizes its jobs: paid, and the client holds the receipts.
    await time.increase(f.parameters.escrow.challengeWindow);
    await honest.tick();
    for (const id of honestJobs) {
      expect(await f.JobEscrow.jobStatus(id)).to.equal(JobStatus.Finalized);
      expect(await f.ComputeReceipt.ownerOf(id)).to.equal(f.client.address);
    }
  });

  describe("as separate processes over HTTP (provider:run, verifier:run)", function () {
    let server: RpcServer;
    let deploymentsDir: string;
    const started: AgentProcess[] = [];

    before(async function () {
      // Coverage instruments contracts inside this process; agents in subprocesses add nothing to it.
      if (underCoverage) this.skip();
      server = await serveInProcessNetwork();
      deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-agents-book-"));
    });

    after(async function () {
      await server?.close();
      if (deploymentsDir) fs.rmSync(deploymentsDir, { recursive: true, force: true });
    });

    beforeEach(async function () {
      await writeFixtureAddressBook(f, { network: "localhost", dir: deploymentsDir });
    });

    // A test that fails midway leaves its agents running; they must not outlive the test (or keep mocha alive).
    afterEach(async function () {
      await Promise.all(started.splice(0).map((agent) => agent.stop("SIGKILL")));
    });

    function startAgent(task: "verifier:run" | "provider:run", args: Record<string, string>): AgentProcess {
      const agent = AgentProcess.start({ rpcUrl: server.url, deploymentsDir, task, args });
      started.push(agent);
      return agent;
    }

    /** provider:run as account `account`: registers and stakes, then polls every 0.2 s. */
    async function startProviderProcess(account: number, name: string, extra: Record<string, string> = {}) {
      const agent = startAgent("provider:run", {
        account: String(account),
        state: path.join(dir, name, "state.json"),
        store: path.join(dir, "store"),
        stake: String(AGENT_STAKE / 10n ** 18n),
        gpu: name,
        vram: "80",
        workers: "1",
        pollInterval: "0.2",
        ...extra,
      });
      await agent.waitForLine(/provider 0x[0-9a-fA-F]{40} on localhost/);
      return agent;
    }

    function startVerifierProcess(): AgentProcess {
      return startAgent("verifier:run", {
        stateDir: path.join(dir, "verifier"),
        pollInterval: "100",
        confirmations: "0",
        account: String(ACCOUNT.verifier),
      });
    }

    /** Polls until `done` holds; fails after `timeoutMs` with what the agents logged. */
    async function until(done: () => Promise<boolean>, agents: readonly AgentProcess[], timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await done())) {
        if (agents.some((agent) => !agent.running) || Date.now() > deadline) {
          expect.fail(`gave up waiting; the agents' output:\n${agents.map((a) => a.lines.join("\n")).join("\n---\n")}`);
        }
        await sleep(100);
      }
    }

    /** The lines `agent` logged at warn or error level. */
    const complaints = (agent: AgentProcess) => agent.lines.filter((line) => / (warn |error) \[/.test(line));

    /** What a fault on the running `jobId` slashes now: its collateral plus the stake share of the rest. */
    async function expectedSlash(jobId: bigint, provider: string): Promise<bigint> {
      const { collateral } = await readJob(f.JobEscrow, jobId);
      const unlocked =
        (await f.ProviderRegistry.freeStake(provider)) + (await f.ProviderRegistry.providerState(provider)).unbonding;
      return collateral + (unlocked * (await f.DisputeManager.stakeShareBps())) / BPS;
    }

    const correctTree = async (request: JobRequestArgs, seed: number) => {
      const { job } = parseJobRequest(request);
      return new ResultTree(await referenceOutput(job, generateInputs(job, seed)));
    };

    it("slashes a provider that withholds a wrong result though its accomplice disputed first and steered toward correct children: the verifier's own bisection wins and pays it", async function () {
      const withholding = await startWithholdingStore();
      try {
        // The cheater commits to an output with one wrong word, keeps it, and "publishes" it where nobody can read it.
        const cheater = await startProviderProcess(ACCOUNT.provider2, "cheater", {
          cheat: "flip-one",
          store: withholding.url,
        });
        const jobId = await createJob(SMALL_MATMUL, f.provider2);
        await until(async () => Number(await f.JobEscrow.jobStatus(jobId)) === JobStatus.Submitted, [cheater]);

        // Its accomplice opens the first dispute, before any verifier looks.
        const accomplice = (await ethers.getSigners())[8];
        const bond = await f.DisputeManager.bond();
        await f.ComputeToken.transfer(accomplice.address, bond);
        await f.ComputeToken.connect(accomplice).approve(await f.DisputeManager.getAddress(), bond);
        const params = (await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobCreated(jobId)))[0].args.params;
        await f.DisputeManager.connect(accomplice).disputeWithheld(jobId, await readTerms(f.JobEscrow, jobId), params);
        const [squat] = await disputeIdsOf(f.DisputeManager, jobId, 0);

        const verifierAddress = (await ethers.getSigners())[ACCOUNT.verifier].address;
        const treasury = await f.JobEscrow.treasury();
        const weft = async () => ({
          verifier: await f.ComputeToken.balanceOf(verifierAddress),
          client: await f.ComputeToken.balanceOf(f.client.address),
          treasury: await f.ComputeToken.balanceOf(treasury),
          accomplice: await f.ComputeToken.balanceOf(accomplice.address),
        });
        const before = await weft();
        const usdBefore = await f.usd.balanceOf(f.client.address);
        const slash = await expectedSlash(jobId, f.provider2.address);

        const verifier = startVerifierProcess();
        // The accomplice plays its game toward correct children (a chunk the provider can reveal and nobody can prove
        // wrong), while the verifier plays its own.
        const correct = await correctTree(SMALL_MATMUL, 21);
        await until(async () => {
          const dispute = await readDispute(f.DisputeManager, squat);
          if (dispute.status === DisputeStatus.AwaitingChoice) {
            const children = await revealedChildrenAt(f.DisputeManager, squat, dispute.node, 0);
            const wrongChild = childToDispute(correct, dispute.node, children);
            const right = wrongChild === undefined ? false : !wrongChild;
            await f.DisputeManager.connect(accomplice).chooseChild(squat, children.left, children.right, right);
          }
          return Number(await f.JobEscrow.jobStatus(jobId)) === JobStatus.Slashed;
        }, [cheater, verifier]);

        // The verifier opened one dispute of its own and won it with a proof against the chunk it led the cheater to.
        const mine = await disputeIdsOf(f.DisputeManager, jobId, 0, verifierAddress);
        expect(mine).to.have.length(1);
        const won = await readDispute(f.DisputeManager, mine[0]);
        expect([won.kind, won.status]).to.deep.equal([DisputeKind.Withheld, DisputeStatus.ProviderAtFault]);
        expect(await f.DisputeManager.queryFilter(f.DisputeManager.filters.FraudProven(won.id))).to.have.length(1);
        // The accomplice's game went nowhere: the chunk its path reached, if revealed, was correct.
        expect(await f.DisputeManager.queryFilter(f.DisputeManager.filters.FraudProven(squat))).to.have.length(0);
        await f.DisputeManager.connect(accomplice).resolve(squat, await readTerms(f.JobEscrow, jobId));
        expect((await readDispute(f.DisputeManager, squat)).status).to.equal(DisputeStatus.Moot);

        const after = await weft();
        const split = await f.DisputeManager.slashSplit();
        const verifierShare = (slash * split.challengerBps) / BPS;
        const clientShare = (slash * split.clientBps) / BPS;
        expect(after.verifier - before.verifier).to.equal(verifierShare);
        expect(after.client - before.client).to.equal(clientShare);
        expect(after.treasury - before.treasury).to.equal(slash - verifierShare - clientShare);
        expect(after.accomplice - before.accomplice).to.equal(bond);
        expect((await f.usd.balanceOf(f.client.address)) - usdBefore).to.equal(ethers.parseEther("5"));
        const state = await f.ProviderRegistry.providerState(f.provider2.address);
        expect([state.jobsSlashed, state.staked]).to.deep.equal([1n, AGENT_STAKE - slash]);
        // Nothing went wrong along the way that an agent had to report (the cheater only announces its cheating).
        expect(complaints(verifier)).to.deep.equal([]);
        expect(
          complaints(cheater).filter((line) => !/FAULT INJECTION|CHEATING|lost or corrupted|SLASHED/.test(line)),
        ).to.deep.equal([]);
        // The cheater's agent learns of its slash from the events, in the tick after its dispute is settled.
        await until(async () => cheater.lines.some((line) => line.includes(`job ${jobId}: SLASHED`)), [cheater]);
      } finally {
        await withholding.close();
      }
    });

    it("pays an honest provider whose published output was corrupted: it answers the bisection from its kept copy and republishes; a withholder cannot answer, says so once, and is slashed", async function () {
      const [honest, withholder] = await Promise.all([
        startProviderProcess(ACCOUNT.provider, "honest"),
        startProviderProcess(ACCOUNT.provider2, "withholder", { cheat: "withhold" }),
      ]);
      const honestJob = await createJob(SMALL_MATMUL, f.provider);
      // Other inputs than the honest job's: the same output would have the same content address, published.
      const withheldJob = await createJob({ ...SMALL_MATMUL, seed: "22" }, f.provider2);
      const submitted = async (id: bigint) => Number(await f.JobEscrow.jobStatus(id)) === JobStatus.Submitted;
      await until(async () => (await submitted(honestJob)) && (await submitted(withheldJob)), [honest, withholder]);

      // The honest provider's published output is corrupted on disk after it submitted.
      const { resultURI } = (await readSubmittedResult(f.JobEscrow, honestJob, 0))!;
      const output = await fetchContent(resultURI);
      const corrupted = Uint8Array.from(output);
      corrupted[0] ^= 0xff;
      fs.writeFileSync(fileURLToPath(resultURI), corrupted);
      const providerWeft = await f.ComputeToken.balanceOf(f.provider.address);
      const providerUsd = await f.usd.balanceOf(f.provider.address);

      // The verifier disputes both; the honest provider answers from its copy and publishes it again.
      const verifier = startVerifierProcess();
      const agents = [honest, withholder, verifier];
      const idOf = async (jobId: bigint) => (await disputeIdsOf(f.DisputeManager, jobId, 0))[0];
      await until(async () => (await idOf(honestJob)) !== undefined && (await idOf(withheldJob)) !== undefined, agents);
      const [honestDispute, withheldDispute] = [await idOf(honestJob), await idOf(withheldJob)];
      await until(
        async () => verifier.lines.some((line) => line.includes(`dispute ${honestDispute}: both children`)),
        agents,
      );
      expect(Buffer.from(await fetchContent(resultURI)).equals(Buffer.from(output))).to.equal(true);
      expect(honest.lines.filter((line) => /published the kept copy/.test(line))).to.have.length(1);

      // The withholder kept nothing and cannot answer: one line, however many times its agent polls.
      await withholder.waitForLine(new RegExp(`cannot answer dispute ${withheldDispute} `));
      await sleep(1_500);
      expect(withholder.lines.filter((line) => line.includes("cannot answer dispute"))).to.have.length(1);
      expect(verifier.lines.filter((line) => line.includes("both children"))).to.have.length(1);

      // Both clocks run out: the verifier's in the honest job's dispute (the provider resolves it and takes the
      // bond), the withholder's in its own (the verifier resolves it: slashed). The honest job then settles.
      const deadlines = [
        (await readDispute(f.DisputeManager, honestDispute)).deadline,
        (await readDispute(f.DisputeManager, withheldDispute)).deadline,
      ];
      await time.increaseTo(deadlines[0] > deadlines[1] ? deadlines[0] : deadlines[1]);
      await until(
        async () =>
          Number(await f.JobEscrow.jobStatus(honestJob)) === JobStatus.Finalized &&
          Number(await f.JobEscrow.jobStatus(withheldJob)) === JobStatus.Slashed,
        agents,
      );
      expect((await readDispute(f.DisputeManager, honestDispute)).status).to.equal(DisputeStatus.NoFault);
      expect((await readDispute(f.DisputeManager, withheldDispute)).status).to.equal(DisputeStatus.ProviderAtFault);
      const { payment, feeBps } = await readJob(f.JobEscrow, honestJob);
      expect((await f.usd.balanceOf(f.provider.address)) - providerUsd).to.equal(
        payment - (payment * BigInt(feeBps)) / BPS,
      );
      expect((await f.ComputeToken.balanceOf(f.provider.address)) - providerWeft).to.equal(
        await f.DisputeManager.bond(),
      );
      expect((await f.ProviderRegistry.providerState(f.provider.address)).jobsSlashed).to.equal(0n);
      expect(withholder.lines.filter((line) => line.includes("cannot answer dispute"))).to.have.length(1);
      // What each agent had to report, once each: the republished output, the hopeless dispute, the missing output.
      expect(complaints(honest)).to.have.length(1);
      expect(complaints(honest)[0]).to.match(/published output at .* was lost or corrupted; published the kept copy/);
      expect(complaints(verifier)).to.have.length(1);
      expect(complaints(verifier)[0]).to.match(new RegExp(`dispute ${honestDispute}: both children .* cannot be won`));
      // Its slash is the other error it reports, once its agent has seen the settlement.
      expect(withholder.lines.filter((line) => / error \[/.test(line) && !/: SLASHED: /.test(line))).to.have.length(1);

      // Told to stop, each agent finishes its step, says so in a last line and exits with 0.
      for (const agent of agents) {
        expect(await agent.stop("SIGTERM")).to.deep.equal({ code: 0, signal: null });
        expect(agent.lines.at(-1)).to.match(/ info {2}\[(provider|verifier)\] stopped$/);
      }
    });
  });
});

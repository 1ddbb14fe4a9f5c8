import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { memoryLogger } from "../../src/agents/logger";
import { DisputeStatus } from "../../src/chain/disputes";
import { JobStatus, readJob } from "../../src/chain/jobs";
import { WithheldDisputeFollower } from "../../src/disputes/follower";
import { parseJobRequest, type JobRequestArgs } from "../../src/jobs/request";
import type { CheatConfig } from "../../src/provider/cheat";
import { ensureProvider } from "../../src/provider/setup";
import { MatmulInputTree } from "../../src/commitments/matmul-inputs";
import { ResultTree } from "../../src/commitments/result-tree";
import { encodeFraudProof } from "../../src/disputes/proofs";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { matmulOperandEvidence, wordEvidence } from "../../src/verifier/checks/evidence";
import { FREIVALDS_ROUNDS } from "../../src/workloads/matmul-i8/freivalds";
import { createDirectedJob, openOnChainVerifier, startProviderAgent } from "../fixtures/agents";
import { jobTerms } from "../fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";

const BPS = 10_000n;
const STAKE = ethers.parseEther("20000");
const PAYMENT = "5";
const MATMUL: JobRequestArgs = { workload: "matmul-i8", shape: "64,96,48", seed: "5" };

describe("Disputes end to end: agents, the verifier and the DisputeManager (in-process network)", function () {
  let f: WeftFixture;
  let dir: string;
  let challenger: HardhatEthersSigner;

  beforeEach(async function () {
    f = await loadFixture(deployWeftFixture);
    challenger = f.outsider;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-disputes-"));
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const startProvider = (signer: HardhatEthersSigner, name: string, cheat?: CheatConfig) =>
    startProviderAgent(f, dir, signer, name, cheat);
  const createJob = (request: JobRequestArgs, provider: HardhatEthersSigner) =>
    createDirectedJob(f, dir, request, provider);

  const openVerifier = () =>
    openOnChainVerifier(f, challenger, { stateDir: path.join(dir, "verifier"), check: { mandelbrot: { full: true } } });

  /** WEFT balances of everyone a slash pays. */
  async function weftBalances() {
    const treasury = await f.JobEscrow.treasury();
    const of = (address: string) => f.ComputeToken.balanceOf(address);
    return {
      challenger: await of(challenger.address),
      client: await of(f.client.address),
      treasury: await of(treasury),
    };
  }

  /**
   * What a fault on the running `jobId` must slash now, from its collateral in the escrow (still locked), the
   * registry's views and the governed parameters.
   */
  async function expectedSlash(jobId: bigint, provider: string): Promise<bigint> {
    const { collateral } = await readJob(f.JobEscrow, jobId);
    const unlocked =
      (await f.ProviderRegistry.freeStake(provider)) + (await f.ProviderRegistry.providerState(provider)).unbonding;
    return collateral + (unlocked * (await f.DisputeManager.stakeShareBps())) / BPS;
  }

  it("slashes a flip-one cheater through the proof path: client refunded, challenger and treasury paid, provider jailed", async function () {
    const cheater = await startProvider(f.provider2, "cheater", { mode: "flip-one", rate: 1, random: () => 0.61 });
    const jobId = await createJob(MATMUL, f.provider2);
    await cheater.tick();
    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Submitted);

    const slash = await expectedSlash(jobId, f.provider2.address);
    const usdBefore = await f.usd.balanceOf(f.client.address);
    const before = await weftBalances();
    const { verifier } = await openVerifier();
    await verifier.tick();

    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Slashed);
    expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.ProviderAtFault);
    expect((await f.usd.balanceOf(f.client.address)) - usdBefore).to.equal(ethers.parseEther(PAYMENT));
    const after = await weftBalances();
    const split = await f.DisputeManager.slashSplit();
    const challengerShare = (slash * split.challengerBps) / BPS;
    const clientShare = (slash * split.clientBps) / BPS;
    expect(after.challenger - before.challenger).to.equal(challengerShare);
    expect(after.client - before.client).to.equal(clientShare);
    expect(after.treasury - before.treasury).to.equal(slash - challengerShare - clientShare);
    const state = await f.ProviderRegistry.providerState(f.provider2.address);
    expect(state.jobsSlashed).to.equal(1);
    expect(state.jailedUntil).to.equal(BigInt(await time.latest()) + (await f.ProviderRegistry.jailDuration()));

    // Filed once: a second tick (or a restart) sends nothing more.
    await verifier.tick();
    expect(verifier.state.filedReceipts()).to.have.length(1);
  });

  it("slashes a withhold cheater once its response deadline passes without a reveal", async function () {
    const cheater = await startProvider(f.provider2, "withholder", { mode: "withhold", rate: 1 });
    const jobId = await createJob(MATMUL, f.provider2);
    await cheater.tick();
    const { verifier } = await openVerifier();
    await verifier.tick();
    expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.AwaitingReveal);

    // The cheater cannot reveal what it never published; its agent keeps trying and failing.
    await cheater.tick();
    expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.AwaitingReveal);
    const slash = await expectedSlash(jobId, f.provider2.address);
    const before = await weftBalances();
    await time.increase(await f.DisputeManager.responseWindow());
    await verifier.tick();

    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Slashed);
    const bond = await f.DisputeManager.bond();
    const after = await weftBalances();
    const split = await f.DisputeManager.slashSplit();
    // The challenger's bond comes back with its share.
    expect(after.challenger - before.challenger).to.equal((slash * split.challengerBps) / BPS + bond);
  });

  it("proves fraud in a revealed chunk: a provider that withholds its output and then reveals a wrong chunk is slashed", async function () {
    // The provider's side by hand: a result with one wrong word, committed but never published.
    await ensureProvider(
      f,
      f.provider2,
      { profile: { gpuModel: "H100", vramGb: 80, metadataURI: "" }, minStake: STAKE },
      memoryLogger(),
    );
    const jobId = await createJob(MATMUL, f.provider2);
    await f.JobEscrow.connect(f.provider2).acceptJob(jobId, await jobTerms(f, jobId));
    const { job } = parseJobRequest(MATMUL);
    const claimed = await referenceOutput(job, generateInputs(job, 5));
    claimed[4 * 3 + 1] ^= 0x40; // word 3 of chunk 0
    const tree = new ResultTree(claimed);
    await f.JobEscrow.connect(f.provider2).submitResult(
      jobId,
      await jobTerms(f, jobId),
      tree.root,
      "file:///nowhere/" + "0".repeat(64),
    );

    const { verifier } = await openVerifier();
    await verifier.tick();
    expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.AwaitingReveal);
    const chunkIndex = Number((await f.DisputeManager.dispute(jobId)).wordIndex) / 128;
    await f.DisputeManager.connect(f.provider2).reveal(
      jobId,
      await jobTerms(f, jobId),
      tree.chunk(chunkIndex),
      tree.chunkProof(chunkIndex),
    );

    await verifier.tick();
    expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.ProviderAtFault);
    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Slashed);
  });

  it("lets an honest provider answer a withheld-data challenge: it reveals, the chunk checks out, the bond is its and the job settles", async function () {
    const honest = await startProvider(f.provider, "honest");
    const jobId = await createJob(MATMUL, f.provider);
    await honest.tick();
    const params = (await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobCreated(jobId)))[0].args.params;
    await f.ComputeToken.connect(challenger).approve(
      await f.DisputeManager.getAddress(),
      await f.DisputeManager.bond(),
    );
    await f.DisputeManager.connect(challenger).disputeWithheld(jobId, await jobTerms(f, jobId), params, 10, 3);
    const providerWeft = await f.ComputeToken.balanceOf(f.provider.address);

    await honest.tick();
    expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.Revealed);
    // A watcher following the dispute finds the revealed chunk correct and proves nothing.
    const follower = new WithheldDisputeFollower({
      system: f,
      signer: challenger,
      deploymentBlock: 0,
      logger: memoryLogger(),
    });
    await follower.tick([jobId]);
    expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.Revealed);

    await time.increase(await f.DisputeManager.followUpWindow());
    await honest.tick();
    expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.NoFault);
    expect((await f.ComputeToken.balanceOf(f.provider.address)) - providerWeft).to.equal(await f.DisputeManager.bond());
    await time.increase(f.parameters.escrow.challengeWindow);
    await honest.tick();
    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Finalized);
  });

  it("refuses a fraud proof against an honest result: the element checks out and nothing moves", async function () {
    const honest = await startProvider(f.provider, "honest");
    const jobId = await createJob(MATMUL, f.provider);
    await honest.tick();
    const { verifier } = await openVerifier();
    await verifier.tick();
    expect(verifier.state.filedReceipts()).to.have.length(0);

    // A challenger who claims a correct element is wrong is refused by the checker in the same transaction.
    const { job } = parseJobRequest(MATMUL);
    if (job.name !== "matmul-i8") throw new Error("MATMUL is a matmul-i8 job");
    const inputs = generateInputs(job, 5);
    const output = await referenceOutput(job, inputs);
    const inputTree = MatmulInputTree.fromBytes(job.params, inputs);
    const stored = await readJob(f.JobEscrow, jobId);
    const [row, col] = [17, 29];
    const wordIndex = row * job.params.n + col;
    const proof = encodeFraudProof({
      kind: "wrong-element",
      row,
      col,
      ...matmulOperandEvidence(inputTree, row, col, stored.inputRoot),
      result: wordEvidence(new ResultTree(output), wordIndex, stored.resultRoot),
    });
    const params = (await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobCreated(jobId)))[0].args.params;
    const before = await weftBalances();
    await f.ComputeToken.connect(challenger).approve(
      await f.DisputeManager.getAddress(),
      await f.DisputeManager.bond(),
    );
    await expect(f.DisputeManager.connect(challenger).disputeWithProof(jobId, await jobTerms(f, jobId), params, proof))
      .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
      .withArgs(jobId, wordIndex);
    expect(await weftBalances()).to.deep.equal(before);
    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Submitted);
  });

  it("makes cheating cost at least 10x its gain at the default parameters, with one verifier watching", async function () {
    // The gain of skipping the work is at most the payment. The one watching verifier catches a single wrong
    // element with probability at least 1 - 2^-(26 * FREIVALDS_ROUNDS) (src/workloads/matmul-i8/freivalds.ts).
    const cheater = await startProvider(f.provider2, "cheater", { mode: "flip-one", rate: 1, random: () => 0.99 });
    const jobId = await createJob({ workload: "matmul-i8", shape: "256,128,256", seed: "9" }, f.provider2);
    await cheater.tick();
    const payment = ethers.parseEther(PAYMENT);
    const slash = await expectedSlash(jobId, f.provider2.address);
    const detection = 1 - 2 ** (-26 * FREIVALDS_ROUNDS);
    expect(Number(slash) * detection).to.be.at.least(10 * Number(payment));
    // Even with nothing staked beyond the job's collateral, the collateral alone is 10x the payment.
    const { collateral } = await readJob(f.JobEscrow, jobId);
    expect(collateral).to.be.at.least(10n * payment);

    const { verifier } = await openVerifier();
    await verifier.tick();
    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Slashed);
  });
});

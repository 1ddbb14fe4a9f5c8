import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { memoryLogger } from "../../src/agents/logger";
import { chainTime } from "../../src/chain/clock";
import { disputeIdsOf, DisputeKind, DisputeStatus, readDispute } from "../../src/chain/disputes";
import { JobStatus, readJob } from "../../src/chain/jobs";
import { isLeafNode, leafCountOf } from "../../src/commitments/bisection";
import { MatmulInputTree } from "../../src/commitments/matmul-inputs";
import { ResultTree } from "../../src/commitments/result-tree";
import { ChallengeFollower } from "../../src/disputes/follower";
import { encodeFraudProof, proofCommitment } from "../../src/disputes/proofs";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { parseJobRequest, type JobRequestArgs } from "../../src/jobs/request";
import type { CheatConfig } from "../../src/provider/cheat";
import { DisputeResponder } from "../../src/provider/disputes";
import { ensureProvider } from "../../src/provider/setup";
import { matmulOperandEvidence, wordEvidence } from "../../src/findings/checks/evidence";
import { FREIVALDS_ROUNDS } from "../../src/workloads/matmul-i8/freivalds";
import { createDirectedJob, openOnChainVerifier, providerOutputs, startProviderAgent } from "../fixtures/agents";
import { jobTerms } from "../fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";

const BPS = 10_000n;
const STAKE = ethers.parseEther("20000");
const PAYMENT = "5";
/** 64 x 48 = 3,072 output words: 24 result chunks, so a bisection runs five levels deep. */
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

  const startProvider = (signer: HardhatEthersSigner, name: string, cheat?: CheatConfig, logger = memoryLogger()) =>
    startProviderAgent(f, dir, signer, name, cheat, logger);
  const createJob = (request: JobRequestArgs, provider: HardhatEthersSigner) =>
    createDirectedJob(f, dir, request, provider);

  const openVerifier = () =>
    openOnChainVerifier(f, challenger, { stateDir: path.join(dir, "verifier"), check: { mandelbrot: { full: true } } });

  /** WEFT balances of everyone a dispute pays. */
  async function weftBalances() {
    const treasury = await f.JobEscrow.treasury();
    const of = (address: string) => f.ComputeToken.balanceOf(address);
    return {
      challenger: await of(challenger.address),
      client: await of(f.client.address),
      treasury: await of(treasury),
      provider: await of(f.provider.address),
    };
  }

  /**
   * What a fault on the running `jobId` must slash now, from its collateral in the escrow (still locked), the
   * provider's state in the registry and the governed stake share: the part of the collateral not already owed to an
   * earlier slash, plus the share of all the rest of its stake (free, unbonding, or locked by other jobs).
   */
  async function expectedSlash(jobId: bigint, provider: string): Promise<bigint> {
    const { collateral } = await readJob(f.JobEscrow, jobId);
    const { staked, unbonding, debt } = await f.ProviderRegistry.providerState(provider);
    const backing = collateral - (debt < collateral ? debt : collateral);
    const slash = backing + ((staked + unbonding - backing) * (await f.DisputeManager.stakeShareBps())) / BPS;
    expect(await f.DisputeManager.slashAmount(jobId, await jobTerms(f, jobId))).to.equal(slash);
    return slash;
  }

  /** The challenger's and the client's shares of `slash`; the treasury gets the rest. */
  async function shares(slash: bigint) {
    const split = await f.DisputeManager.slashSplit();
    const challengerShare = (slash * split.challengerBps) / BPS;
    const clientShare = (slash * split.clientBps) / BPS;
    return { challengerShare, clientShare, treasuryShare: slash - challengerShare - clientShare };
  }

  async function onlyDispute(jobId: bigint) {
    const ids = await disputeIdsOf(f.DisputeManager, jobId, 0);
    expect(ids).to.have.length(1);
    return readDispute(f.DisputeManager, ids[0]);
  }

  const paramsOf = async (jobId: bigint) =>
    (await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobCreated(jobId)))[0].args.params;

  it("slashes a flip-one cheater through the proof path, commit then reveal a block later: client refunded, challenger and treasury paid, provider jailed", async function () {
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
    const dispute = await onlyDispute(jobId);
    expect([dispute.kind, dispute.status, dispute.challenger]).to.deep.equal([
      DisputeKind.Proof,
      DisputeStatus.ProviderAtFault,
      challenger.address,
    ]);
    // Two transactions: the commitment, then the proof in a later block.
    const [opened] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.DisputeOpened(dispute.id));
    const [proven] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.FraudProven(dispute.id));
    expect(proven.blockNumber).to.be.greaterThan(opened.blockNumber);
    expect(opened.transactionHash).to.not.equal(proven.transactionHash);

    expect((await f.usd.balanceOf(f.client.address)) - usdBefore).to.equal(ethers.parseEther(PAYMENT));
    const after = await weftBalances();
    const { challengerShare, clientShare, treasuryShare } = await shares(slash);
    expect(after.challenger - before.challenger).to.equal(challengerShare);
    expect(after.client - before.client).to.equal(clientShare);
    expect(after.treasury - before.treasury).to.equal(treasuryShare);
    const state = await f.ProviderRegistry.providerState(f.provider2.address);
    expect(state.jobsSlashed).to.equal(1);
    const slashedAt = BigInt((await proven.getBlock()).timestamp);
    expect(state.jailedUntil).to.equal(slashedAt + (await f.ProviderRegistry.jailDuration()));

    // Filed once: a second tick (or a restart) sends nothing more, and with its dispute over it is no longer followed.
    await verifier.tick();
    expect(verifier.state.isFollowingFinished(jobId.toString())).to.equal(true);
    expect(verifier.state.filedFindings()).to.have.length(0);
    expect(await disputeIdsOf(f.DisputeManager, jobId, 0)).to.have.length(1);

    // A verifier that starts afresh finds the same fault on the slashed job: it sends nothing and says why.
    const late = await openOnChainVerifier(f, challenger, { stateDir: path.join(dir, "late-verifier") });
    expect((await late.verifier.tick()).filed).to.equal(0);
    expect(late.logger.lines).to.include(
      `info job ${jobId}: wrong-element not filed to dispute-manager: the job is already Slashed`,
    );
    expect(await disputeIdsOf(f.DisputeManager, jobId, 0)).to.have.length(1);
  });

  it("slashes a withhold cheater when its clock runs out without an answer; its agent says once that it cannot answer", async function () {
    const logger = memoryLogger();
    const cheater = await startProvider(f.provider2, "withholder", { mode: "withhold", rate: 1 }, logger);
    const jobId = await createJob(MATMUL, f.provider2);
    await cheater.tick();
    const { verifier } = await openVerifier();
    await verifier.tick();
    const opened = await onlyDispute(jobId);
    expect([opened.kind, opened.status, opened.node]).to.deep.equal([
      DisputeKind.Withheld,
      DisputeStatus.AwaitingChildren,
      0,
    ]);

    // The cheater kept no copy and published nothing: its agent cannot reveal the root's children, and says so once.
    for (let tick = 0; tick < 3; tick++) await cheater.tick();
    expect((await readDispute(f.DisputeManager, opened.id)).status).to.equal(DisputeStatus.AwaitingChildren);
    const cannot = logger.lines.filter((line) => line.includes(`cannot answer dispute ${opened.id}`));
    expect(cannot).to.have.length(1);
    expect(cannot[0]).to.match(/^error job \d+: cannot answer dispute \d+ \(AwaitingChildren\): .* or be slashed/);

    const slash = await expectedSlash(jobId, f.provider2.address);
    const before = await weftBalances();
    await time.increaseTo(opened.deadline);
    await verifier.tick();

    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Slashed);
    expect((await readDispute(f.DisputeManager, opened.id)).status).to.equal(DisputeStatus.ProviderAtFault);
    const after = await weftBalances();
    // The challenger's bond comes back with its share.
    expect(after.challenger - before.challenger).to.equal((await shares(slash)).challengerShare + opened.bond);
  });

  it("backs up another challenger's dispute of the same job: resolves its provider's timeout, then gets its own bond back as moot", async function () {
    const cheater = await startProvider(f.provider2, "withholder", { mode: "withhold", rate: 1 });
    const jobId = await createJob(MATMUL, f.provider2);
    await cheater.tick();
    // Another challenger disputes first; then the verifier opens its own dispute, as it always does.
    const other = f.disputer;
    await f.ComputeToken.connect(other).approve(await f.DisputeManager.getAddress(), await f.DisputeManager.bond());
    await f.DisputeManager.connect(other).disputeWithheld(jobId, await jobTerms(f, jobId), await paramsOf(jobId));
    const { verifier } = await openVerifier();
    await verifier.tick();
    const [first, second] = await disputeIdsOf(f.DisputeManager, jobId, 0);
    const [theirs, ours] = [await readDispute(f.DisputeManager, first), await readDispute(f.DisputeManager, second)];
    expect([theirs.challenger, ours.challenger]).to.deep.equal([other.address, challenger.address]);

    // The first dispute's provider clock runs out first: the verifier's follower resolves it, paying the other
    // challenger; on its next tick it ends its own dispute of the slashed job as moot, its bond returned.
    const slash = await expectedSlash(jobId, f.provider2.address);
    const [otherBefore, verifierBefore] = [
      await f.ComputeToken.balanceOf(other.address),
      await f.ComputeToken.balanceOf(challenger.address),
    ];
    await time.increaseTo(theirs.deadline);
    await verifier.tick();
    expect((await readDispute(f.DisputeManager, first)).status).to.equal(DisputeStatus.ProviderAtFault);
    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Slashed);
    await verifier.tick();
    expect((await readDispute(f.DisputeManager, second)).status).to.equal(DisputeStatus.Moot);
    expect((await f.ComputeToken.balanceOf(other.address)) - otherBefore).to.equal(
      (await shares(slash)).challengerShare + theirs.bond,
    );
    expect((await f.ComputeToken.balanceOf(challenger.address)) - verifierBefore).to.equal(ours.bond);
    expect(await f.ComputeToken.balanceOf(await f.DisputeManager.getAddress())).to.equal(0n);
  });

  it("bisects down to the wrong chunk of a provider that withholds a wrong output but answers from its kept copy, and proves the chunk wrong", async function () {
    // The provider's side: a result with one wrong word, committed to but never published; its agent's responder
    // answers every move from the copy it kept.
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
    const wrongWord = 17 * 128 + 3; // in chunk 17
    claimed[4 * wrongWord + 1] ^= 0x40;
    const tree = new ResultTree(claimed);
    const resultURI = "file:///nowhere/" + "0".repeat(64);
    await f.JobEscrow.connect(f.provider2).submitResult(jobId, await jobTerms(f, jobId), tree.root, resultURI);
    const outputs = providerOutputs(dir, "withholder");
    outputs.keep(jobId, claimed);
    const responder = new DisputeResponder({
      system: f,
      signer: f.provider2,
      logger: memoryLogger(),
      outputs,
    });

    const slash = await expectedSlash(jobId, f.provider2.address);
    const { verifier } = await openVerifier();
    await verifier.tick();
    const opened = await onlyDispute(jobId);
    expect(opened.kind).to.equal(DisputeKind.Withheld);
    const before = await weftBalances();
    // Each round: the provider reveals the children it is asked about (or the chunk), the verifier names one.
    for (let round = 0; round < 10 && (await readJob(f.JobEscrow, jobId)).status === JobStatus.Disputed; round++) {
      await responder.respond(jobId, resultURI, await chainTime(ethers.provider), 0);
      await verifier.tick();
    }

    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Slashed);
    expect((await readDispute(f.DisputeManager, opened.id)).status).to.equal(DisputeStatus.ProviderAtFault);
    // One revealed pair per level from the root down to chunk 17's leaf (the tree is not balanced: 24 leaves).
    let depth = 0;
    for (let node = 2 * leafCountOf(tree.wordCount) - 2 - 17; node > 0; node = (node - 1) >> 1) depth++;
    const revealed = await f.DisputeManager.queryFilter(f.DisputeManager.filters.ChildrenRevealed(opened.id));
    expect(revealed.length).to.equal(depth);
    const [chunk] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.ChunkRevealed(opened.id));
    expect(chunk.args.chunkIndex).to.equal(17n);
    const [proven] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.FraudProven(opened.id));
    expect(proven.args.wordIndex).to.equal(BigInt(wrongWord));
    const after = await weftBalances();
    expect(after.challenger - before.challenger).to.equal((await shares(slash)).challengerShare + opened.bond);
    expect(await disputeIdsOf(f.DisputeManager, jobId, 0)).to.have.length(1);
  });

  it("lets an honest provider answer a griefer's bisection from its kept copy: the chunk checks out, the bond is its, the job settles", async function () {
    const honest = await startProvider(f.provider, "honest");
    const jobId = await createJob(MATMUL, f.provider);
    await honest.tick();
    const params = await paramsOf(jobId);
    await f.ComputeToken.connect(challenger).approve(
      await f.DisputeManager.getAddress(),
      await f.DisputeManager.bond(),
    );
    await f.DisputeManager.connect(challenger).disputeWithheld(jobId, await jobTerms(f, jobId), params);
    const dispute = await onlyDispute(jobId);
    const providerWeft = await f.ComputeToken.balanceOf(f.provider.address);

    // The griefer always names the left child; the provider answers each move on its next tick.
    const leaves = leafCountOf(dispute.totalWords);
    for (let node = 0; !isLeafNode(node, leaves); node = 2 * node + 1) {
      await honest.tick();
      const current = await readDispute(f.DisputeManager, dispute.id);
      expect([current.status, current.node]).to.deep.equal([DisputeStatus.AwaitingChoice, node]);
      const [event] = (
        await f.DisputeManager.queryFilter(f.DisputeManager.filters.ChildrenRevealed(dispute.id))
      ).filter((e) => Number(e.args.node) === node);
      await f.DisputeManager.connect(challenger).chooseChild(dispute.id, event.args.left, event.args.right, false);
    }
    await honest.tick();
    expect((await readDispute(f.DisputeManager, dispute.id)).status).to.equal(DisputeStatus.ChunkRevealed);

    // A watcher following the job finds the revealed chunk correct and proves nothing.
    const watcher = new ChallengeFollower({
      system: f,
      signer: f.disputer,
      history: 0,
      logger: memoryLogger(),
    });
    const receipt = {
      jobId: jobId.toString(),
      kind: "output-unavailable" as const,
      sink: "test",
      reference: "",
      filedAt: "",
    };
    await watcher.tick([{ receipt }]);
    expect((await readDispute(f.DisputeManager, dispute.id)).status).to.equal(DisputeStatus.ChunkRevealed);

    await time.increase(await f.DisputeManager.followUpWindow());
    await honest.tick();
    expect((await readDispute(f.DisputeManager, dispute.id)).status).to.equal(DisputeStatus.NoFault);
    expect((await f.ComputeToken.balanceOf(f.provider.address)) - providerWeft).to.equal(dispute.bond);
    await time.increase(f.parameters.escrow.challengeWindow);
    await honest.tick();
    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Finalized);
  });

  it("refuses to reveal a fraud proof against an honest result; the unrevealed commitment's bond goes to the provider", async function () {
    const honest = await startProvider(f.provider, "honest");
    const jobId = await createJob(MATMUL, f.provider);
    await honest.tick();
    const { verifier } = await openVerifier();
    await verifier.tick();
    expect(verifier.state.filedFindings()).to.have.length(0);

    // A challenger who claims a correct element is wrong: its commitment is taken, its reveal refused by the checker.
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
    const params = await paramsOf(jobId);
    const bond = await f.DisputeManager.bond();
    await f.ComputeToken.connect(challenger).approve(await f.DisputeManager.getAddress(), bond);
    await f.DisputeManager.connect(challenger).commitProof(
      jobId,
      await jobTerms(f, jobId),
      proofCommitment(challenger.address, jobId, proof),
    );
    const dispute = await onlyDispute(jobId);
    await mine(1);
    await expect(f.DisputeManager.connect(challenger).revealProof(dispute.id, await jobTerms(f, jobId), params, proof))
      .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
      .withArgs(jobId, wordIndex);
    expect((await readDispute(f.DisputeManager, dispute.id)).status).to.equal(DisputeStatus.AwaitingProof);

    // Past the reveal window the provider's agent resolves it: the bond is the provider's, the job settles.
    const before = await weftBalances();
    await time.increaseTo(dispute.deadline);
    await honest.tick();
    expect((await readDispute(f.DisputeManager, dispute.id)).status).to.equal(DisputeStatus.NoFault);
    const after = await weftBalances();
    expect(after.provider - before.provider).to.equal(bond);
    expect(after.challenger).to.equal(before.challenger);
    // The job is back to Submitted and settles once its original challenge window is over (here it already is).
    const { deadline } = await readJob(f.JobEscrow, jobId);
    if (deadline > BigInt(await time.latest())) await time.increaseTo(deadline);
    await honest.tick();
    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Finalized);
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
    // Even with nothing staked beyond the job's collateral, the collateral alone is 10x the payment's value; for a
    // 5 tUSD job (worth 5 WEFT) the minimum collateral applies, 200x the payment.
    const { collateral, paymentValue } = await readJob(f.JobEscrow, jobId);
    expect(paymentValue).to.equal(payment);
    expect(collateral).to.be.at.least(10n * paymentValue);
    expect(collateral).to.equal(f.parameters.escrow.minCollateral);

    const { verifier } = await openVerifier();
    await verifier.tick();
    expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Slashed);
  });
});

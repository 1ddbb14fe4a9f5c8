/**
 * Gas of every user-facing operation in the steady state of a running protocol: each is measured on a repeat, after
 * an identical call has warmed what a live deployment has warm (nonzero balances on both sides of every transfer, a
 * provider with stake, locks and weight in the epoch, an epoch with recorded work, a receipt holder, a voter nonce,
 * a proposal with votes). Payments are in tUSD, a plain OpenZeppelin ERC20 (with permit, for createJobWithPermit).
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { Roles } from "../../config/roles";
import { PERMIT_TYPES } from "../../src/chain/permit";
import { RESULT_CHUNK_WORDS } from "../../src/commitments/result-tree";
import { parameterChange } from "../../src/dao/governedParameters";
import * as dao from "../../src/dao/governor";
import { proofCommitment } from "../../src/disputes/proofs";
import { MATMUL, PROFILE, RESULT_ROOT, RESULT_URI, jobRequest, jobTerms } from "../../test/fixtures/jobs";
import { VOTER_GRANT } from "../../test/fixtures/voters";
import { deployWeftFixture, type WeftFixture } from "../../test/fixtures/weft";
import type { OpName } from "./floor";
import {
  advance,
  fraudProof,
  lastDisputeId,
  matmulJob,
  openJob,
  openStandingDispute,
  playToLeaf,
  submittedJob,
} from "./jobs";
import { hexBytes, sample, sampleByHash, utf8Bytes, type Sample } from "./sample";

type Signer = HardhatEthersSigner;
export type OpSamples = Record<OpName, Sample>;

/** A standing allowance: large and finite, so each spend writes it as a running client's does. */
const STANDING_ALLOWANCE = ethers.parseEther("1000000000");
/**
 * The cheating jobs the dispute operations are measured on (4,096 output words, 32 chunks: a bisection of five levels);
 * gas.json's fraudProof covers the proof path at k = 256 to 4,096 and its withheldPath a bisection of 13 levels.
 */
const PROOF_SHAPE = { m: 64, k: 256, n: 64 };
/** The wrong element of every cheating job: C[37][21], word 2,389, in chunk 18 of 32. */
const WRONG = { row: 37, col: 21 };
const EVIDENCE_URI = "ipfs://bafkreievidence";
const STAKE = ethers.parseEther("20000");
const CUSTOM_WORKLOAD = ethers.encodeBytes32String("custom-workload");

/** Moves to the first second of the next reward epoch, so what follows records work in one epoch. */
async function startNextEpoch(f: WeftFixture): Promise<bigint> {
  const epoch = await f.RewardDistributor.currentEpoch();
  const end = await f.RewardDistributor.epochEnd(epoch);
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  await advance(end - now);
  return epoch + 1n;
}

async function registerAndStake(f: WeftFixture, provider: Signer, amount: bigint): Promise<void> {
  await (await f.ProviderRegistry.connect(provider).register(PROFILE)).wait();
  await (
    await f.ComputeToken.connect(provider).approve(await f.ProviderRegistry.getAddress(), STANDING_ALLOWANCE)
  ).wait();
  await (await f.ProviderRegistry.connect(provider).stake(amount)).wait();
}

/** A provider of its own (a slash jails it), funded from the deployer and staked. */
async function freshProvider(f: WeftFixture, provider: Signer): Promise<Signer> {
  await (await f.ComputeToken.transfer(provider.address, STAKE)).wait();
  await registerAndStake(f, provider, STAKE);
  return provider;
}

async function createWithPermit(f: WeftFixture, client: Signer): Promise<Sample> {
  const request = await jobRequest(f);
  const escrow = await f.JobEscrow.getAddress();
  const token = await f.usd.getAddress();
  const deadline = BigInt(request.submitDeadline);
  const domain = { name: await f.usd.name(), version: "1", chainId: 31337n, verifyingContract: token };
  const message = {
    owner: client.address,
    spender: escrow,
    value: request.payment,
    nonce: await f.usd.nonces(client.address),
    deadline,
  };
  const { v, r, s } = ethers.Signature.from(await client.signTypedData(domain, PERMIT_TYPES, message));
  const sizes = { params: hexBytes(String(request.params)), inputURI: utf8Bytes(String(request.inputURI)) };
  return sample(f.JobEscrow.connect(client).createJobWithPermit(request, deadline, v, r, s), sizes);
}

/** Runs every operation twice where state allows and keeps the second; `progress` hears of each group. */
export async function measureOps(progress: (line: string) => void): Promise<OpSamples> {
  const f = await deployWeftFixture();
  const signers = await ethers.getSigners();
  const [challenger, arbiter, ...spare] = signers.slice(7);
  const { client, provider, provider2, outsider, deployer } = f;
  const escrow = await f.JobEscrow.getAddress();
  const disputes = await f.DisputeManager.getAddress();
  await (await f.usd.connect(client).approve(escrow, STANDING_ALLOWANCE)).wait();
  await (await f.AccessManager.connect(f.timelock).grantRole(Roles.ARBITER, arbiter.address, 0)).wait();
  await (await f.ComputeToken.transfer(challenger.address, ethers.parseEther("100000"))).wait();
  await (await f.ComputeToken.connect(challenger).approve(disputes, STANDING_ALLOWANCE)).wait();
  const jobSizes = async () => {
    const request = await jobRequest(f);
    return { params: hexBytes(String(request.params)), inputURI: utf8Bytes(String(request.inputURI)) };
  };
  const ops: Partial<OpSamples> = {};

  progress("gas: staking");
  await registerAndStake(f, provider, STAKE);
  ops.stake = await sample(f.ProviderRegistry.connect(provider).stake(ethers.parseEther("1000")));
  await (await f.ProviderRegistry.connect(provider).requestUnbond(ethers.parseEther("100"))).wait();
  ops.requestUnbond = await sample(f.ProviderRegistry.connect(provider).requestUnbond(ethers.parseEther("100")));

  progress("gas: the job lifecycle");
  const epoch = await startNextEpoch(f);
  const warmJob = await openJob(f, client);
  const createSizes = await jobSizes();
  ops.createJob = await sample(f.JobEscrow.connect(client).createJob(await jobRequest(f)), createSizes);
  const measuredJob = await f.JobEscrow.jobCount();
  await createWithPermit(f, outsider);
  ops.createJobWithPermit = await createWithPermit(f, outsider);
  const permitJobs = [measuredJob + 1n, measuredJob + 2n];
  await (await f.JobEscrow.connect(provider).acceptJob(warmJob, await jobTerms(f, warmJob))).wait();
  ops.acceptJob = await sample(f.JobEscrow.connect(provider).acceptJob(measuredJob, await jobTerms(f, measuredJob)));
  for (const id of permitJobs) await (await f.JobEscrow.connect(provider).acceptJob(id, await jobTerms(f, id))).wait();
  await (
    await f.JobEscrow.connect(provider).submitResult(warmJob, await jobTerms(f, warmJob), RESULT_ROOT, RESULT_URI)
  ).wait();
  ops.submitResult = await sample(
    f.JobEscrow.connect(provider).submitResult(measuredJob, await jobTerms(f, measuredJob), RESULT_ROOT, RESULT_URI),
    {
      resultURI: utf8Bytes(RESULT_URI),
    },
  );
  // The permit jobs stay Assigned: the provider keeps collateral locked, as a busy provider does.
  await advance(f.parameters.escrow.challengeWindow);
  await (await f.JobEscrow.finalize(warmJob, await jobTerms(f, warmJob))).wait();
  ops.finalize = await sample(f.JobEscrow.finalize(measuredJob, await jobTerms(f, measuredJob)));

  progress("gas: cancel and timeout");
  const cancelled = [await openJob(f, client), await openJob(f, client)];
  await (await f.JobEscrow.connect(client).cancelJob(cancelled[0], await jobTerms(f, cancelled[0]))).wait();
  ops.cancelJob = await sample(f.JobEscrow.connect(client).cancelJob(cancelled[1], await jobTerms(f, cancelled[1])));
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const late = { submitDeadline: now + 300n, provider: provider.address };
  const timedOut = [await openJob(f, client, late), await openJob(f, client, late)];
  for (const id of timedOut) await (await f.JobEscrow.connect(provider).acceptJob(id, await jobTerms(f, id))).wait();
  await advance(301);
  await (await f.JobEscrow.connect(client).claimTimeout(timedOut[0], await jobTerms(f, timedOut[0]))).wait();
  ops.claimTimeout = await sample(
    f.JobEscrow.connect(client).claimTimeout(timedOut[1], await jobTerms(f, timedOut[1])),
  );

  progress("gas: disputes");
  Object.assign(ops, await measureDisputes(f, { client, provider, challenger, arbiter, spare }));

  progress("gas: rewards and withdrawal");
  await startNextEpoch(f);
  ops.claim = await sample(f.RewardDistributor.connect(provider).claim(epoch));
  await advance(f.parameters.registry.unbondingPeriod);
  await (await f.ProviderRegistry.connect(provider).withdraw()).wait();
  await (await f.ProviderRegistry.connect(provider).requestUnbond(ethers.parseEther("100"))).wait();
  await advance(f.parameters.registry.unbondingPeriod);
  ops.withdraw = await sample(f.ProviderRegistry.connect(provider).withdraw());

  progress("gas: governance");
  Object.assign(ops, await measureGovernance(f, { deployer, client, provider2, outsider, challenger }));
  return ops as OpSamples;
}

interface DisputeActors {
  client: Signer;
  provider: Signer;
  challenger: Signer;
  arbiter: Signer;
  /** Unused accounts, enough for six cheating providers. */
  spare: Signer[];
}

/**
 * Every dispute operation, each the second of two identical runs: both proof-path steps of a fraud, a withheld-data
 * bisection of a cheating job played to its leaf and proven wrong there (the moves sampled at the root), an
 * unanswered withheld-data dispute and a proof committed and never revealed, both resolved once their deadlines
 * pass, and an arbitration. Every fault is a provider of its own (a slash jails it); a dispute of another job stays
 * open throughout, so the DisputeManager holds bonds as a running protocol's does.
 */
async function measureDisputes(f: WeftFixture, actors: DisputeActors): Promise<Partial<OpSamples>> {
  const { client, provider, challenger, arbiter, spare } = actors;
  const ops: Partial<OpSamples> = {};
  const cheaters: Signer[] = [];
  for (const account of spare.slice(0, 6)) cheaters.push(await freshProvider(f, account));
  const wrongWord = WRONG.row * PROOF_SHAPE.n + WRONG.col;
  const proven = [
    await matmulJob(f, client, cheaters[0], PROOF_SHAPE, 100, wrongWord),
    await matmulJob(f, client, cheaters[1], PROOF_SHAPE, 101, wrongWord),
  ];
  const bisected = [
    await matmulJob(f, client, cheaters[2], PROOF_SHAPE, 102, wrongWord),
    await matmulJob(f, client, cheaters[3], PROOF_SHAPE, 103, wrongWord),
  ];
  const matmul = { workloadId: MATMUL, params: proven[0].params };
  const unanswered = [
    await submittedJob(f, client, cheaters[4], matmul, RESULT_ROOT),
    await submittedJob(f, client, cheaters[5], matmul, RESULT_ROOT),
  ];
  const unrevealed = [
    await submittedJob(f, client, provider, matmul, RESULT_ROOT),
    await submittedJob(f, client, provider, matmul, RESULT_ROOT),
  ];
  const custom = { workloadId: CUSTOM_WORKLOAD, params: "0x1234" };
  const arbitrated = [
    await submittedJob(f, client, provider, custom, RESULT_ROOT),
    await submittedJob(f, client, provider, custom, RESULT_ROOT),
  ];
  await openStandingDispute(f, client, provider, challenger);
  const dm = f.DisputeManager.connect(challenger);
  const neverRevealed = ethers.id("a proof never revealed");

  // The proof path: commit, then reveal in a later block.
  const proofs = proven.map((job) => fraudProof(job, WRONG.row, WRONG.col));
  const proofIds: bigint[] = [];
  for (const [i, job] of proven.entries()) {
    const commitment = proofCommitment(challenger.address, job.id, proofs[i]);
    ops.commitProof = await sample(dm.commitProof(job.id, await jobTerms(f, job.id), commitment));
    proofIds.push(await lastDisputeId(f));
  }
  const neverRevealedIds: bigint[] = [];
  for (const id of unrevealed) {
    await (await dm.commitProof(id, await jobTerms(f, id), neverRevealed)).wait();
    neverRevealedIds.push(await lastDisputeId(f));
  }
  for (const [i, job] of proven.entries()) {
    ops.revealProof = await sample(dm.revealProof(proofIds[i], await jobTerms(f, job.id), job.params, proofs[i]));
  }

  // The withheld-data path: open, bisect to the leaf holding the wrong word, reveal its chunk, prove the word wrong.
  const withheldIds: bigint[] = [];
  for (const job of bisected) {
    ops.disputeWithheld = await sample(dm.disputeWithheld(job.id, await jobTerms(f, job.id), job.params));
    withheldIds.push(await lastDisputeId(f));
  }
  const unansweredIds: bigint[] = [];
  for (const id of unanswered) {
    await (await dm.disputeWithheld(id, await jobTerms(f, id), matmul.params)).wait();
    unansweredIds.push(await lastDisputeId(f));
  }
  for (const [i, job] of bisected.entries()) {
    const game = await playToLeaf(f, withheldIds[i], job, cheaters[2 + i], challenger);
    const wrongChunk = Math.floor(wrongWord / RESULT_CHUNK_WORDS);
    if (game.chunkIndex !== wrongChunk) {
      throw new Error(`the bisection reached chunk ${game.chunkIndex}, not ${wrongChunk}`);
    }
    ops.revealChildren = game.levels[0].revealChildren;
    ops.chooseChild = game.levels[0].chooseChild;
    ops.revealChunk = game.revealChunk;
  }
  for (const [i, job] of bisected.entries()) {
    const proof = fraudProof(job, WRONG.row, WRONG.col);
    ops.proveChunkWrong = await sample(
      dm.proveChunkWrong(withheldIds[i], await jobTerms(f, job.id), job.params, proof),
    );
  }

  // Arbitration, for a workload without a checker.
  const evidence = { evidenceURI: utf8Bytes(EVIDENCE_URI) };
  const arbitrationIds: bigint[] = [];
  for (const id of arbitrated) {
    ops.disputeForArbitration = await sample(
      dm.disputeForArbitration(id, await jobTerms(f, id), EVIDENCE_URI),
      evidence,
    );
    arbitrationIds.push(await lastDisputeId(f));
  }
  const asArbiter = f.DisputeManager.connect(arbiter);
  for (const [i, id] of arbitrated.entries()) {
    ops.arbitrate = await sample(asArbiter.arbitrate(arbitrationIds[i], await jobTerms(f, id), false));
  }

  // Deadlines passed: the provider who never answered is slashed; the proof never revealed pays its bond over.
  await advance(f.parameters.disputes.responseWindow);
  for (const [i, id] of unanswered.entries()) {
    ops.resolveFault = await sample(f.DisputeManager.resolve(unansweredIds[i], await jobTerms(f, id)));
  }
  for (const [i, id] of unrevealed.entries()) {
    ops.resolveNoFault = await sample(f.DisputeManager.resolve(neverRevealedIds[i], await jobTerms(f, id)));
  }
  return ops;
}

interface Voters {
  deployer: Signer;
  client: Signer;
  provider2: Signer;
  outsider: Signer;
  challenger: Signer;
}

async function measureGovernance(f: WeftFixture, voters: Voters): Promise<Partial<OpSamples>> {
  const { deployer, client, provider2, outsider, challenger } = voters;
  const governor = f.ComputeGovernor;
  const ops: Partial<OpSamples> = {};
  // No account reaches quorum alone after the launch: the treasury grants two voters 6M each, as a vote would.
  for (const voter of [client, provider2]) {
    await (await f.ComputeToken.connect(f.timelock).transfer(await voter.getAddress(), VOTER_GRANT)).wait();
  }
  for (const voter of [deployer, client, provider2]) {
    await (await f.ComputeToken.connect(voter).delegate(voter.address)).wait();
  }
  await (await f.ComputeToken.connect(challenger).delegate(client.address)).wait();
  ops.delegate = await sample(f.ComputeToken.connect(outsider).delegate(client.address));
  await advance(1);

  const fromBlock = await ethers.provider.getBlockNumber();
  const proposals: dao.Proposal[] = [];
  for (const [i, change] of ["protocolFeeBps=250", "protocolFeeBps=300"].entries()) {
    const action = await parameterChange(f, change);
    const description = `Bench proposal ${i + 1}: set ${change}`;
    const { id, txHash } = await dao.propose(governor, deployer, [action], description);
    const sizes = { actions: 1, calldatas: hexBytes(action.calldata), description: utf8Bytes(description) };
    ops.propose = await sampleByHash(ethers.provider, txHash, sizes);
    proposals.push(await dao.findProposal(governor, id, fromBlock));
  }
  const [first, second] = proposals;
  await advance(f.parameters.governor.votingDelay + 1n);
  const support = dao.VOTE_SUPPORT.for;
  await dao.castVote(governor, deployer, first.id, support);
  await dao.castVote(governor, deployer, second.id, support);
  await dao.castVote(governor, client, first.id, support);
  ops.castVote = await sampleByHash(ethers.provider, await dao.castVote(governor, client, second.id, support));
  for (const proposal of proposals) {
    const ballot = await dao.signBallot(governor, provider2, proposal.id, support);
    ops.castVoteBySig = await sampleByHash(ethers.provider, await dao.relayVote(governor, deployer, ballot));
  }
  await advance(f.parameters.governor.votingPeriod);
  const calls = { calldatas: hexBytes(first.actions[0].calldata) };
  await dao.queue(governor, deployer, first);
  ops.queue = await sampleByHash(ethers.provider, await dao.queue(governor, deployer, second), calls);
  await advance(f.parameters.timelock.minDelay);
  await dao.execute(governor, deployer, first);
  ops.execute = await sampleByHash(ethers.provider, await dao.execute(governor, deployer, second), calls);
  return ops;
}

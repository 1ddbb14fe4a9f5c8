/**
 * Gas of every user-facing operation in the steady state of a running protocol: each is measured on a repeat, after
 * an identical call has warmed what a live deployment has warm (nonzero balances on both sides of every transfer, a
 * provider with stake, locks and weight in the epoch, an epoch with recorded work, a receipt holder, a voter nonce,
 * a proposal with votes). Payments are in tUSD, a plain OpenZeppelin ERC20 (with permit, for createJobWithPermit).
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { Roles } from "../../src/access/roles";
import { PERMIT_TYPES } from "../../src/chain/permit";
import { parameterChange } from "../../src/dao/governedParameters";
import * as dao from "../../src/dao/governor";
import { MATMUL, PROFILE, RESULT_ROOT, RESULT_URI, jobRequest, jobTerms } from "../../test/fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../../test/fixtures/weft";
import type { OpName } from "./floor";
import { advance, fraudProof, matmulJob, openJob, submittedJob, type MatmulJob } from "./jobs";
import { hexBytes, sample, sampleByHash, utf8Bytes, type Sample } from "./sample";

type Signer = HardhatEthersSigner;
export type OpSamples = Record<OpName, Sample>;

/** A standing allowance: large and finite, so each spend writes it as a running client's does. */
const STANDING_ALLOWANCE = ethers.parseEther("1000000000");
/** The fraud proof the ops table measures; gas.json's fraudProof covers k = 256 to 4096. */
const PROOF_SHAPE = { m: 64, k: 256, n: 64 };
const WITHHELD_SHAPE = { m: 16, k: 16, n: 16 };
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
  const cheaters = await Promise.all(spare.slice(0, 4).map((account) => freshProvider(f, account)));
  const cheating: MatmulJob[] = [];
  for (const [i, cheater] of cheaters.slice(0, 2).entries()) {
    cheating.push(await matmulJob(f, client, cheater, PROOF_SHAPE, 100 + i, 37 * PROOF_SHAPE.n + 21));
  }
  const honest = [
    await matmulJob(f, client, provider, WITHHELD_SHAPE, 1),
    await matmulJob(f, client, provider, WITHHELD_SHAPE, 2),
  ];
  const unrevealed: bigint[] = [];
  for (const cheater of cheaters.slice(2)) {
    const overrides = { workloadId: MATMUL, params: honest[0].params };
    unrevealed.push(await submittedJob(f, client, cheater, overrides, RESULT_ROOT));
  }
  const custom = { workloadId: CUSTOM_WORKLOAD, params: "0x1234" };
  const arbitrated = [
    await submittedJob(f, client, provider, custom, RESULT_ROOT),
    await submittedJob(f, client, provider, custom, RESULT_ROOT),
  ];
  const dm = f.DisputeManager.connect(challenger);
  const proofs = cheating.map((job) => fraudProof(job, 37, 21));
  await (
    await dm.disputeWithProof(cheating[0].id, await jobTerms(f, cheating[0].id), cheating[0].params, proofs[0])
  ).wait();
  ops.disputeWithProof = await sample(
    dm.disputeWithProof(cheating[1].id, await jobTerms(f, cheating[1].id), cheating[1].params, proofs[1]),
  );
  await (await dm.disputeWithheld(honest[0].id, await jobTerms(f, honest[0].id), honest[0].params, 3, 5)).wait();
  ops.disputeWithheld = await sample(
    dm.disputeWithheld(honest[1].id, await jobTerms(f, honest[1].id), honest[1].params, 3, 5),
  );
  for (const id of unrevealed)
    await (await dm.disputeWithheld(id, await jobTerms(f, id), honest[0].params, 3, 5)).wait();
  const reveals = honest.map((job) => job.result.wordProof(3 * WITHHELD_SHAPE.n + 5));
  const asProvider = f.DisputeManager.connect(provider);
  await (
    await asProvider.reveal(honest[0].id, await jobTerms(f, honest[0].id), reveals[0].chunk, reveals[0].proof)
  ).wait();
  ops.reveal = await sample(
    asProvider.reveal(honest[1].id, await jobTerms(f, honest[1].id), reveals[1].chunk, reveals[1].proof),
    {
      chunk: reveals[1].chunk.length,
      proof: 32 * reveals[1].proof.length,
    },
  );
  const evidence = { evidenceURI: utf8Bytes(EVIDENCE_URI) };
  await (await dm.disputeForArbitration(arbitrated[0], await jobTerms(f, arbitrated[0]), EVIDENCE_URI)).wait();
  ops.disputeForArbitration = await sample(
    dm.disputeForArbitration(arbitrated[1], await jobTerms(f, arbitrated[1]), EVIDENCE_URI),
    evidence,
  );
  const asArbiter = f.DisputeManager.connect(arbiter);
  await (await asArbiter.arbitrate(arbitrated[0], await jobTerms(f, arbitrated[0]), false)).wait();
  ops.arbitrate = await sample(asArbiter.arbitrate(arbitrated[1], await jobTerms(f, arbitrated[1]), false));
  await advance(f.parameters.disputes.responseWindow);
  await (await f.DisputeManager.resolveTimeout(unrevealed[0], await jobTerms(f, unrevealed[0]))).wait();
  ops.resolveTimeout = await sample(f.DisputeManager.resolveTimeout(unrevealed[1], await jobTerms(f, unrevealed[1])));

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

import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { AbiCoder, type BaseContract, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { MANDELBROT_FRAUD_PROOF, MATMUL_FRAUD_PROOF, proofCommitment } from "../../src/disputes/proofs";
import {
  childNode,
  childToDispute,
  chunkIndexOfNode,
  isLeafNode,
  leafCountOf,
  proofFromSteps,
  revealedChildren,
  type BisectionStep,
} from "../../src/commitments/bisection";
import { ResultTree } from "../../src/commitments/result-tree";
import { readJob, committedTerms } from "../../src/chain/jobs";
import { mandelbrotQ, matmulI8 } from "../../src/workloads/registry";
import { DisputeManager__factory } from "../../typechain-types";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import {
  CUSTOM_WORKLOAD,
  DisputeKind,
  DisputeStatus,
  MATMUL_SHAPE,
  WRONG_LARGE_MATMUL,
  WRONG_MATMUL,
  WRONG_PIXEL,
  WRONG_UNBALANCED_MATMUL,
  commitProof,
  disputesFixture,
  largeOutputsFixture,
  mandelbrotFraudProof,
  matmulFraudProof,
  openArbitration,
  openWithheld,
  openedDisputeId,
  playBisection,
  proveFraud,
  submitJob,
  submitWorkloadJob,
  wordAt,
  type DisputesFixture,
  type WorkloadJob,
} from "../fixtures/disputes";
import {
  BPS,
  JOB_COLLATERAL,
  JOB_FEE,
  JOB_PAYMENT,
  JobStatus,
  PROVIDER_STAKE,
  createJob,
  jobTerms,
} from "../fixtures/jobs";
import { TERM_FIELDS, withAlteredTerm } from "../fixtures/terms";
import { expectBalanceChanges, snapshotBalances, type BalanceSnapshot } from "../helpers/balances";

const coder = AbiCoder.defaultAbiCoder();
const MINUTE = 60n;
const DAY = 86_400n;
const MAX_WINDOW = 30n * DAY;
const MATMUL_ID = matmulI8.id;
const MANDELBROT_ID = mandelbrotQ.id;
/** The 12 x 20 matmul output has 240 words in two chunks: chunk 0 (node 2) holds words 0..127, chunk 1 (node 1) the rest. */
const TOTAL_WORDS = MATMUL_SHAPE.m * MATMUL_SHAPE.n;
const WRONG_CHUNK = 1;
const WRONG_CHUNK_BYTES = (TOTAL_WORDS - 128) * 4;
/** An address that is none of the fixture's accounts or contracts. */
const STRANGER = ethers.getAddress("0x000000000000000000000000000000000000dEaD");

type Terms = IJobEscrow.JobStruct;

// ------------------------------------------------------------------------------------------------ time and blocks

/** The next block's timestamp, pinned so that a test can predict what the contract sees. */
async function pinNextTimestamp(offset = 1n): Promise<bigint> {
  const t = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** Mines a block at `t` unless the chain is already there. */
async function reach(t: bigint) {
  if (BigInt(await time.latest()) < t) await time.increaseTo(t);
}

/** Moves the chain to dispute `id`'s current deadline, the first second `resolve` may end it. */
async function passDeadline(f: DisputesFixture, id: bigint) {
  await reach((await f.DisputeManager.dispute(id)).deadline);
}

/** Sends the transactions `send` makes with automine off, then mines them all in one block. */
async function inOneBlock<T>(send: () => Promise<T>): Promise<T> {
  await network.provider.send("evm_setAutomine", [false]);
  try {
    const sent = await send();
    await mine();
    return sent;
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
}

/**
 * What a mined transaction did, for the chai matchers: resolves if it succeeded, rejects with its revert data if it
 * reverted (a transaction mined without automine carries no revert data in its receipt, so it comes from a trace).
 */
async function outcomeOf(tx: { hash: string }): Promise<void> {
  const trace = (await network.provider.send("debug_traceTransaction", [
    tx.hash,
    { disableStorage: true, disableMemory: true, disableStack: true },
  ])) as { failed: boolean; returnValue: string };
  if (trace.failed) {
    const data = trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
    throw Object.assign(new Error(`transaction ${tx.hash} reverted`), { data });
  }
}

/** Explicit gas, so that transactions sent with automine off skip an estimate against a state without their block. */
const QUEUED = { gasLimit: 3_000_000n };

// ------------------------------------------------------------------------------------------------ disputes

/** The fields of IDisputeManager.Dispute, with the types ethers returns. */
interface DisputeFields {
  challenger: string;
  bond: bigint;
  jobId: bigint;
  kind: bigint;
  status: bigint;
  deadline: bigint;
  providerTime: bigint;
  challengerTime: bigint;
  node: bigint;
  totalWords: bigint;
  hash: string;
}

/** Asserts the named fields of dispute `id`. */
async function expectDispute(f: DisputesFixture, id: bigint, expected: Partial<DisputeFields>) {
  const d = await f.DisputeManager.dispute(id);
  const actual: Partial<Record<keyof DisputeFields, unknown>> = {};
  for (const key of Object.keys(expected) as (keyof DisputeFields)[]) actual[key] = d[key];
  expect(actual, `dispute ${id}`).to.deep.equal(expected);
}

/** keccak256(left, right) in the order given: what a dispute stores once the provider revealed children. */
function orderedPair(left: string, right: string): string {
  return ethers.solidityPackedKeccak256(["bytes32", "bytes32"], [left, right]);
}

/** The fraud proof of the cheating matmul job's wrong element. */
function wrongMatmulProof(job: WorkloadJob): string {
  return matmulFraudProof(job, WRONG_MATMUL.row, WRONG_MATMUL.col);
}

/** Commits `proof` on `job` as `challenger` and mines a block, so that the proof may be revealed. */
async function commitAndWait(
  f: DisputesFixture,
  challenger: HardhatEthersSigner,
  job: WorkloadJob,
  proof: string,
): Promise<bigint> {
  const id = await commitProof(f, challenger, job.id, proof);
  await mine(1);
  return id;
}

/** Reveals `proof` in dispute `id` of `job`, sent by `sender`. */
async function reveal(f: DisputesFixture, id: bigint, job: WorkloadJob, proof: string, sender = f.challenger) {
  return f.DisputeManager.connect(sender).revealProof(id, await jobTerms(f, job.id), job.params, proof);
}

/** The provider reveals the children of `node` from the tree it committed to. */
async function revealChildrenOf(f: DisputesFixture, id: bigint, job: WorkloadJob, node: number) {
  const { left, right } = revealedChildren(job.result, node);
  return f.DisputeManager.connect(f.provider).revealChildren(id, await jobTerms(f, job.id), left, right);
}

/** The challenger names child `right ? 2 : 1` of `node`, whose children the provider revealed from its tree. */
async function chooseChildOf(f: DisputesFixture, id: bigint, job: WorkloadJob, node: number, right: boolean) {
  const revealed = revealedChildren(job.result, node);
  return f.DisputeManager.connect(f.challenger).chooseChild(id, revealed.left, revealed.right, right);
}

/** The provider reveals chunk `chunkIndex` of the output it committed to. */
async function revealChunkOf(f: DisputesFixture, id: bigint, job: WorkloadJob, chunkIndex: number) {
  return f.DisputeManager.connect(f.provider).revealChunk(id, await jobTerms(f, job.id), job.result.chunk(chunkIndex));
}

/** Opens a withheld-data dispute on the cheating 12 x 20 matmul job and plays it to the revealed wrong chunk. */
async function revealWrongChunk(f: DisputesFixture): Promise<bigint> {
  const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
  await revealChildrenOf(f, id, f.cheatingMatmul, 0);
  await chooseChildOf(f, id, f.cheatingMatmul, 0, false);
  await revealChunkOf(f, id, f.cheatingMatmul, WRONG_CHUNK);
  return id;
}

/** Proves the cheating matmul job's wrong element in the chunk revealed in dispute `id`, sent by `sender`. */
async function proveWrongChunk(f: DisputesFixture, id: bigint, sender = f.outsider) {
  const job = f.cheatingMatmul;
  return f.DisputeManager.connect(sender).proveChunkWrong(
    id,
    await jobTerms(f, job.id),
    job.params,
    wrongMatmulProof(job),
  );
}

// ------------------------------------------------------------------------------------------------ settlements

/** Everyone whose balance a dispute may move, by name. */
type Holder =
  | "challenger"
  | "outsider"
  | "accomplice"
  | "arbiter"
  | "provider"
  | "client"
  | "treasury"
  | "registry"
  | "escrow"
  | "disputes";

/** The WEFT and tUSD balances of every holder. */
async function balanceSheet(f: DisputesFixture): Promise<BalanceSnapshot<"weft" | "usd", Holder>> {
  return snapshotBalances(
    { weft: f.ComputeToken, usd: f.usd },
    {
      challenger: f.challenger,
      outsider: f.outsider,
      accomplice: f.provider2,
      arbiter: f.arbiter,
      provider: f.provider,
      client: f.client,
      treasury: await f.JobEscrow.treasury(),
      registry: f.ProviderRegistry,
      escrow: f.JobEscrow,
      disputes: f.DisputeManager,
    },
  );
}

/**
 * What a fault on the disputed job `terms` must slash, computed from the provider's state: the job's collateral (still
 * locked) less what an earlier slash already took of it (the provider's debt), plus the stake share of all the rest of
 * its stake, free, unbonding or locked by its other jobs.
 */
async function expectedSlash(f: DisputesFixture, terms: Terms): Promise<bigint> {
  return expectedSlashOf(f, terms.provider.toString(), BigInt(terms.collateral));
}

/** What slashing `provider` for a job with `collateral` still locked must take now, at the governed stake share. */
async function expectedSlashOf(f: DisputesFixture, provider: string, collateral: bigint): Promise<bigint> {
  const { staked, unbonding, debt } = await f.ProviderRegistry.providerState(provider);
  const backing = collateral - (debt < collateral ? debt : collateral);
  return backing + ((staked + unbonding - backing) * (await f.DisputeManager.stakeShareBps())) / BPS;
}

/** The local 50/30/20 split of `taken` between challenger, client and treasury (the treasury gets the rest). */
function splitOf(taken: bigint): [bigint, bigint, bigint] {
  const challenger = (taken * 5_000n) / BPS;
  const client = (taken * 3_000n) / BPS;
  return [challenger, client, taken - challenger - client];
}

/**
 * Sends `send` and checks that it settled dispute `disputeId` at fault: the client refunded in full, the slash of
 * collateral plus half the provider's other stake split 50/30/20 with the share of `challenger` (the dispute's
 * challenger, whoever sent the transaction), its bond back to it, nobody else paid, the provider jailed and its slash
 * counted. Returns the amount slashed.
 */
async function expectFaultSettlement(
  f: DisputesFixture,
  disputeId: bigint,
  challenger: Holder,
  send: () => Promise<ContractTransactionResponse>,
): Promise<bigint> {
  const { jobId, bond } = await f.DisputeManager.dispute(disputeId);
  const terms = await jobTerms(f, jobId);
  const amount = await expectedSlash(f, terms);
  expect(await f.DisputeManager.slashAmount(jobId, terms)).to.equal(amount);
  const open = await f.DisputeManager.openDisputes(jobId);
  const before = await f.ProviderRegistry.providerState(f.provider.address);
  const sheet = await balanceSheet(f);
  const [toChallenger, toClient, toTreasury] = splitOf(amount);

  const tx = await send();
  await expect(tx)
    .to.emit(f.DisputeManager, "DisputeSettled")
    .withArgs(disputeId, jobId, DisputeStatus.ProviderAtFault, amount, sheet.holders[challenger]);
  await expect(tx).to.emit(f.JobEscrow, "DisputeResolved").withArgs(jobId, true, JOB_PAYMENT);
  await expect(tx).to.emit(f.ProviderRegistry, "Slashed").withArgs(f.provider.address, jobId, amount, amount);
  const weft: Partial<Record<Holder, bigint>> = {
    client: toClient,
    treasury: toTreasury,
    registry: -amount,
    disputes: -bond,
  };
  weft[challenger] = (weft[challenger] ?? 0n) + bond + toChallenger;
  await expectBalanceChanges(sheet, { weft, usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT } });

  expect(await f.JobEscrow.jobStatus(jobId)).to.equal(JobStatus.Slashed);
  expect((await f.DisputeManager.dispute(disputeId)).status).to.equal(DisputeStatus.ProviderAtFault);
  expect(await f.DisputeManager.openDisputes(jobId)).to.equal(open - 1n);
  const after = await f.ProviderRegistry.providerState(f.provider.address);
  expect(after.staked + after.unbonding).to.equal(before.staked + before.unbonding - amount);
  expect(after.locked).to.be.at.most(after.staked);
  // The job's collateral left the provider's running total: the other jobs' collateral is locked or owed.
  expect(after.locked + after.debt).to.equal(before.locked + before.debt - BigInt(terms.collateral));
  expect(after.jailedUntil).to.equal(BigInt(await time.latest()) + (await f.ProviderRegistry.jailDuration()));
  expect(after.jobsSlashed).to.equal(before.jobsSlashed + 1n);
  expect(await f.ProviderRegistry.canAcceptJobs(f.provider.address)).to.equal(false);
  return amount;
}

/**
 * Sends `send` and checks that it settled dispute `disputeId` without fault: its bond to the provider, nobody slashed
 * or refunded; the job back to Submitted (collateral still locked) if this was its last open dispute, else still
 * Disputed.
 */
async function expectNoFaultSettlement(
  f: DisputesFixture,
  disputeId: bigint,
  send: () => Promise<ContractTransactionResponse>,
) {
  const { jobId, bond } = await f.DisputeManager.dispute(disputeId);
  const open = await f.DisputeManager.openDisputes(jobId);
  const { locked } = await f.ProviderRegistry.providerState(f.provider.address);
  const sheet = await balanceSheet(f);

  const tx = await send();
  await expect(tx)
    .to.emit(f.DisputeManager, "DisputeSettled")
    .withArgs(disputeId, jobId, DisputeStatus.NoFault, 0n, f.provider.address);
  if (open === 1n) {
    await expect(tx).to.emit(f.JobEscrow, "DisputeResolved").withArgs(jobId, false, 0n);
  } else {
    await expect(tx).not.to.emit(f.JobEscrow, "DisputeResolved");
  }
  await expect(tx).not.to.emit(f.ProviderRegistry, "Slashed");
  await expectBalanceChanges(sheet, { weft: { provider: bond, disputes: -bond } });

  expect((await f.DisputeManager.dispute(disputeId)).status).to.equal(DisputeStatus.NoFault);
  expect(await f.DisputeManager.openDisputes(jobId)).to.equal(open - 1n);
  expect(await f.JobEscrow.jobStatus(jobId)).to.equal(open === 1n ? JobStatus.Submitted : JobStatus.Disputed);
  expect((await f.ProviderRegistry.providerState(f.provider.address)).locked).to.equal(locked);
}

/** Sends `send` and checks that it ended dispute `disputeId` of a slashed job Moot: its bond back to `challenger`. */
async function expectMootSettlement(
  f: DisputesFixture,
  disputeId: bigint,
  challenger: Holder,
  send: () => Promise<ContractTransactionResponse>,
) {
  const { jobId, bond } = await f.DisputeManager.dispute(disputeId);
  const open = await f.DisputeManager.openDisputes(jobId);
  const sheet = await balanceSheet(f);
  const tx = await send();
  await expect(tx)
    .to.emit(f.DisputeManager, "DisputeSettled")
    .withArgs(disputeId, jobId, DisputeStatus.Moot, 0n, sheet.holders[challenger]);
  await expect(tx).not.to.emit(f.JobEscrow, "DisputeResolved");
  await expect(tx).not.to.emit(f.ProviderRegistry, "Slashed");
  const weft: Partial<Record<Holder, bigint>> = { disputes: -bond };
  weft[challenger] = bond;
  await expectBalanceChanges(sheet, { weft });
  expect((await f.DisputeManager.dispute(disputeId)).status).to.equal(DisputeStatus.Moot);
  expect(await f.DisputeManager.openDisputes(jobId)).to.equal(open - 1n);
  expect(await f.JobEscrow.jobStatus(jobId)).to.equal(JobStatus.Slashed);
}

/** Finalizes a job cleared by its disputes once its challenge window has passed: the provider is paid as usual. */
async function expectNormalFinalize(f: DisputesFixture, jobId: bigint) {
  const terms = await jobTerms(f, jobId);
  await reach(BigInt(terms.deadline));
  const tx = f.JobEscrow.finalize(jobId, terms);
  await expect(tx)
    .to.emit(f.JobEscrow, "JobFinalized")
    .withArgs(jobId, f.provider.address, JOB_PAYMENT - JOB_FEE, JOB_FEE);
  await expect(tx).to.changeTokenBalances(f.usd, [f.provider, f.client], [JOB_PAYMENT - JOB_FEE, 0n]);
  expect(await f.ComputeReceipt.ownerOf(jobId)).to.equal(f.client.address);
  expect((await f.ProviderRegistry.providerState(f.provider.address)).jobsSlashed).to.equal(0n);
}

describe("DisputeManager", function () {
  describe("deployment", function () {
    it("starts with the local parameters, a checker for each verifiable workload, the escrow's contracts and no disputes", async function () {
      const f = await loadFixture(disputesFixture);
      const d = f.parameters.disputes;
      const dm = f.DisputeManager;
      expect(await dm.escrow()).to.equal(await f.JobEscrow.getAddress());
      expect(await dm.registry()).to.equal(await f.ProviderRegistry.getAddress());
      expect(await dm.bondToken()).to.equal(await f.ComputeToken.getAddress());
      expect(await dm.checker(MATMUL_ID)).to.equal(await f.MatmulI8Checker.getAddress());
      expect(await dm.checker(MANDELBROT_ID)).to.equal(await f.MandelbrotChecker.getAddress());
      expect(await dm.checker(CUSTOM_WORKLOAD)).to.equal(ethers.ZeroAddress);
      expect(await dm.bond()).to.equal(d.bond);
      expect(await dm.responseWindow()).to.equal(d.responseWindow);
      expect(await dm.followUpWindow()).to.equal(d.followUpWindow);
      expect(await dm.arbitrationWindow()).to.equal(d.arbitrationWindow);
      expect(await dm.slashSplit()).to.deep.equal([
        d.slashSplit.challengerBps,
        d.slashSplit.clientBps,
        d.slashSplit.treasuryBps,
      ]);
      expect(await dm.stakeShareBps()).to.equal(d.stakeShareBps);
      expect(await dm.maxDisputeDuration()).to.equal(2n * d.responseWindow + d.followUpWindow);
      expect(await dm.MAX_OUTPUT_WORDS()).to.equal(2n ** 32n - 1n);
      expect(await dm.disputeCount()).to.equal(0n);
      expect(await dm.openDisputes(f.cheatingMatmul.id)).to.equal(0n);
      await expectDispute(f, 1n, {
        challenger: ethers.ZeroAddress,
        bond: 0n,
        jobId: 0n,
        kind: DisputeKind.None,
        status: DisputeStatus.None,
        deadline: 0n,
        hash: ethers.ZeroHash,
      });
    });

    it("registers the checkers it is given, each under the workload it decides", async function () {
      const f = await loadFixture(disputesFixture);
      const factory = new DisputeManager__factory(f.deployer);
      const checkers = [await f.MatmulI8Checker.getAddress(), await f.MandelbrotChecker.getAddress()];
      const dm = await factory.deploy(
        await f.AccessManager.getAddress(),
        await f.JobEscrow.getAddress(),
        f.parameters.disputes,
        checkers,
      );
      const deployment = dm.deploymentTransaction();
      await expect(deployment).to.emit(dm, "CheckerSet").withArgs(MATMUL_ID, ethers.ZeroAddress, checkers[0]);
      await expect(deployment).to.emit(dm, "CheckerSet").withArgs(MANDELBROT_ID, ethers.ZeroAddress, checkers[1]);
      await expect(deployment).to.emit(dm, "BondSet").withArgs(0n, f.parameters.disputes.bond);
      expect(await dm.checker(MATMUL_ID)).to.equal(checkers[0]);
      expect(await dm.checker(MANDELBROT_ID)).to.equal(checkers[1]);
    });

    it("reverts construction with a zero escrow", async function () {
      const f = await loadFixture(disputesFixture);
      const factory = new DisputeManager__factory(f.deployer);
      await expect(
        factory.deploy(await f.AccessManager.getAddress(), ethers.ZeroAddress, f.parameters.disputes, []),
      ).to.be.revertedWithCustomError(factory, "ZeroAddress");
    });

    it("reverts construction with a parameter out of bounds or windows that outlast the escrow's dispute window", async function () {
      const f = await loadFixture(disputesFixture);
      const factory = new DisputeManager__factory(f.deployer);
      const deploy = async (overrides: Partial<typeof f.parameters.disputes>) =>
        factory.deploy(
          await f.AccessManager.getAddress(),
          await f.JobEscrow.getAddress(),
          { ...f.parameters.disputes, ...overrides },
          [],
        );
      await expect(deploy({ bond: 0n }))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(0n, ethers.parseEther("1"), ethers.parseEther("1000000"));
      // The escrow's dispute window is 30 minutes: two 15-minute clocks and a 1-second follow-up do not fit.
      await expect(deploy({ responseWindow: 15n * MINUTE, followUpWindow: MINUTE }))
        .to.be.revertedWithCustomError(factory, "DisputeDurationExceedsWindow")
        .withArgs(31n * MINUTE, 30n * MINUTE);
      await expect(deploy({ slashSplit: { challengerBps: 1n, clientBps: 0n, treasuryBps: 0n } }))
        .to.be.revertedWithCustomError(factory, "InvalidSlashSplit")
        .withArgs(3n, 3n, 1n);
      await expect(deploy({ stakeShareBps: BPS + 1n }))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(BPS + 1n, 0n, BPS);
    });
  });

  describe("proofCommitment", function () {
    it("is keccak256(abi.encode(challenger, jobId, keccak256(proof))), the off-chain library's value", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const expected = ethers.keccak256(
        coder.encode(["address", "uint256", "bytes32"], [f.challenger.address, job.id, ethers.keccak256(proof)]),
      );
      expect(await f.DisputeManager.proofCommitment(f.challenger.address, job.id, proof)).to.equal(expected);
      expect(proofCommitment(f.challenger.address, job.id, proof)).to.equal(expected);
    });

    it("binds the challenger, the job and the proof: changing any one changes it", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const base = await f.DisputeManager.proofCommitment(f.challenger.address, job.id, proof);
      const others = [
        await f.DisputeManager.proofCommitment(f.outsider.address, job.id, proof),
        await f.DisputeManager.proofCommitment(f.challenger.address, f.honestMatmul.id, proof),
        await f.DisputeManager.proofCommitment(f.challenger.address, job.id, matmulFraudProof(job, 0, 0)),
      ];
      expect(new Set([base, ...others]).size).to.equal(4);
    });
  });

  describe("proof path: commitProof", function () {
    it("opens a proof dispute: takes the bond, freezes the job and records the commitment and the reveal deadline", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const bond = await f.DisputeManager.bond();
      const window = f.parameters.disputes.responseWindow;
      const commitment = proofCommitment(f.challenger.address, job.id, wrongMatmulProof(job));
      const sheet = await balanceSheet(f);
      const openedAt = await pinNextTimestamp();
      const tx = await f.DisputeManager.connect(f.challenger).commitProof(
        job.id,
        await jobTerms(f, job.id),
        commitment,
      );
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeOpened")
        .withArgs(1n, job.id, f.challenger.address, DisputeKind.Proof, bond, openedAt + window);
      await expect(tx).to.emit(f.JobEscrow, "JobDisputed").withArgs(job.id);
      await expectBalanceChanges(sheet, { weft: { challenger: -bond, disputes: bond } });

      await expectDispute(f, 1n, {
        challenger: f.challenger.address,
        bond,
        jobId: job.id,
        kind: DisputeKind.Proof,
        status: DisputeStatus.AwaitingProof,
        deadline: openedAt + window,
        providerTime: 0n,
        challengerTime: window,
        node: 0n,
        totalWords: 0n,
        hash: commitment,
      });
      expect(await f.DisputeManager.disputeCount()).to.equal(1n);
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(1n);
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);
      await expect(f.JobEscrow.finalize(job.id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Disputed, JobStatus.Submitted);
    });

    it("reverts NoCheckerForWorkload for a workload without a checker", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(
        f.DisputeManager.connect(f.challenger).commitProof(
          f.customJob,
          await jobTerms(f, f.customJob),
          ethers.id("commitment"),
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(CUSTOM_WORKLOAD);
    });

    it("bubbles up the escrow's JobNotInStatus for a job that is not Submitted", async function () {
      const f = await loadFixture(disputesFixture);
      const assigned = await createJob(f, f.client, { workloadId: MATMUL_ID, params: f.cheatingMatmul.params });
      await f.JobEscrow.connect(f.provider).acceptJob(assigned, await jobTerms(f, assigned));
      await expect(
        f.DisputeManager.connect(f.challenger).commitProof(assigned, await jobTerms(f, assigned), ethers.id("c")),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(assigned, JobStatus.Assigned, JobStatus.Submitted);
    });

    it("bubbles up the escrow's ChallengeWindowClosed for the first dispute once the challenge window has ended", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const terms = await jobTerms(f, job.id);
      await time.setNextBlockTimestamp(terms.deadline);
      await expect(f.DisputeManager.connect(f.challenger).commitProof(job.id, terms, ethers.id("c")))
        .to.be.revertedWithCustomError(f.JobEscrow, "ChallengeWindowClosed")
        .withArgs(job.id, terms.deadline);
      expect(await f.DisputeManager.disputeCount()).to.equal(0n);
    });
  });

  describe("proof path: revealProof", function () {
    it("slashes a provider whose matmul-i8 element is wrong: client refunded, stake split, bond returned, provider jailed", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const id = await commitAndWait(f, f.challenger, job, proof);
      // This job's collateral plus half the rest of the stake, the other three jobs' collateral included: 5,500.
      const slash = JOB_COLLATERAL + ((PROVIDER_STAKE - JOB_COLLATERAL) * f.parameters.disputes.stakeShareBps) / BPS;
      expect(slash).to.equal(ethers.parseEther("5500"));

      const amount = await expectFaultSettlement(f, id, "challenger", async () => {
        const tx = await reveal(f, id, job, proof);
        await expect(tx)
          .to.emit(f.DisputeManager, "FraudProven")
          .withArgs(
            id,
            job.id,
            WRONG_MATMUL.word,
            wordAt(job.claimed, WRONG_MATMUL.word),
            wordAt(job.correct, WRONG_MATMUL.word),
          );
        return tx;
      });
      expect(amount).to.equal(slash);
    });

    it("slashes a provider whose mandelbrot-q pixel is wrong", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMandelbrot;
      const proof = mandelbrotFraudProof(job, WRONG_PIXEL);
      const id = await commitAndWait(f, f.challenger, job, proof);
      await expectFaultSettlement(f, id, "challenger", async () => {
        const tx = await reveal(f, id, job, proof);
        await expect(tx)
          .to.emit(f.DisputeManager, "FraudProven")
          .withArgs(id, job.id, WRONG_PIXEL, wordAt(job.claimed, WRONG_PIXEL), wordAt(job.correct, WRONG_PIXEL));
        return tx;
      });
    });

    it("lets anyone send the reveal and pays the committed challenger, not the sender", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const id = await commitAndWait(f, f.challenger, job, proof);
      // The balance sheet shows the outsider, who sent it, unpaid.
      await expectFaultSettlement(f, id, "challenger", () => reveal(f, id, job, proof, f.outsider));
    });

    it("reverts when the reveal comes in the commit's block", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const terms = await jobTerms(f, job.id);
      const commitment = proofCommitment(f.challenger.address, job.id, proof);
      const dm = f.DisputeManager.connect(f.challenger);
      const [commit, early] = await inOneBlock(async () => [
        await dm.commitProof(job.id, terms, commitment, QUEUED),
        await dm.revealProof(1n, terms, job.params, proof, QUEUED),
      ]);
      const [committed, revealed] = [await commit.wait(), await ethers.provider.getTransactionReceipt(early.hash)];
      expect(revealed?.blockNumber).to.equal(committed?.blockNumber);
      const committedAt = BigInt((await ethers.provider.getBlock(committed!.blockNumber))!.timestamp);
      await expect(outcomeOf(early))
        .to.be.revertedWithCustomError(f.DisputeManager, "RevealTooEarly")
        .withArgs(1n, committedAt);
      await expectDispute(f, 1n, {
        status: DisputeStatus.AwaitingProof,
        deadline: committedAt + (await dm.responseWindow()),
      });

      // One block later the same reveal goes through.
      await expectFaultSettlement(f, 1n, "challenger", () => reveal(f, 1n, job, proof));
    });

    it("reverts when a copier who saw the reveal commits and reveals in its block: the honest reveal slashes, the copy ends Moot", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const honest = await commitAndWait(f, f.challenger, job, proof);
      const terms = await jobTerms(f, job.id);
      // The copier front-runs the honest reveal with a higher tip, committing the proof it saw for itself.
      const tip = (gwei: bigint) => ({
        ...QUEUED,
        maxFeePerGas: 100n * 10n ** 9n,
        maxPriorityFeePerGas: gwei * 10n ** 9n,
      });
      const copier = f.DisputeManager.connect(f.outsider);
      const sheet = await balanceSheet(f);
      const [copyCommit, copyReveal, honestReveal] = await inOneBlock(async () => [
        await copier.commitProof(job.id, terms, proofCommitment(f.outsider.address, job.id, proof), tip(5n)),
        await copier.revealProof(honest + 1n, terms, job.params, proof, tip(5n)),
        await f.DisputeManager.connect(f.challenger).revealProof(honest, terms, job.params, proof, tip(1n)),
      ]);
      const blocks = await Promise.all(
        [copyCommit, copyReveal, honestReveal].map(
          async (tx) => (await ethers.provider.getTransactionReceipt(tx.hash))!,
        ),
      );
      expect(new Set(blocks.map((r) => r.blockNumber)).size).to.equal(1);
      expect(blocks.map((r) => r.index)).to.deep.equal([0, 1, 2]);
      const committedAt = BigInt(await time.latest());
      await expect(outcomeOf(copyCommit)).not.to.be.reverted;
      await expect(outcomeOf(copyReveal))
        .to.be.revertedWithCustomError(f.DisputeManager, "RevealTooEarly")
        .withArgs(honest + 1n, committedAt);
      await expect(outcomeOf(honestReveal)).not.to.be.reverted;
      expect((await f.DisputeManager.dispute(honest)).status).to.equal(DisputeStatus.ProviderAtFault);

      const slashed = (await f.ProviderRegistry.queryFilter(f.ProviderRegistry.filters.Slashed()))[0].args.taken;
      const [toChallenger, toClient, toTreasury] = splitOf(slashed);
      const bond = await f.DisputeManager.bond();
      await expectBalanceChanges(sheet, {
        weft: {
          challenger: bond + toChallenger,
          outsider: -bond,
          client: toClient,
          treasury: toTreasury,
          registry: -slashed,
          disputes: 0n,
        },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      await expectMootSettlement(f, honest + 1n, "outsider", async () =>
        f.DisputeManager.resolve(honest + 1n, await jobTerms(f, job.id)),
      );
    });

    it("reverts ProofNotCommitted when another address reveals a proof other than the committed one", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await commitAndWait(f, f.challenger, job, wrongMatmulProof(job));
      // The outsider brings other bytes (the same proof with a byte appended): not what the challenger committed to.
      const other = matmulFraudProof(job, WRONG_MATMUL.row, WRONG_MATMUL.col) + "00";
      await expect(reveal(f, id, job, other, f.outsider))
        .to.be.revertedWithCustomError(f.DisputeManager, "ProofNotCommitted")
        .withArgs(
          id,
          proofCommitment(f.challenger.address, job.id, wrongMatmulProof(job)),
          proofCommitment(f.challenger.address, job.id, other),
        );
    });

    it("reverts ProofNotCommitted when a copier commits the same commitment value from its own address", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const honest = await commitProof(f, f.challenger, job.id, proof);
      const { hash: commitment } = await f.DisputeManager.dispute(honest);
      const copy = await openedDisputeId(
        f,
        f.DisputeManager.connect(f.outsider).commitProof(job.id, await jobTerms(f, job.id), commitment),
      );
      await mine(1);
      // Whoever reveals the proof in the copy, it is checked against the copier's binding, not the honest one's.
      for (const sender of [f.outsider, f.challenger]) {
        await expect(reveal(f, copy, job, proof, sender))
          .to.be.revertedWithCustomError(f.DisputeManager, "ProofNotCommitted")
          .withArgs(copy, commitment, proofCommitment(f.outsider.address, job.id, proof));
      }
      // The honest dispute slashes; the copy ends Moot.
      await expectFaultSettlement(f, honest, "challenger", () => reveal(f, honest, job, proof));
      await expectMootSettlement(f, copy, "outsider", async () =>
        f.DisputeManager.resolve(copy, await jobTerms(f, job.id)),
      );
    });

    it("reverts ResultChecksOut for a correct element, leaving the dispute awaiting its proof", async function () {
      const f = await loadFixture(disputesFixture);
      const cases: [WorkloadJob, string, number][] = [
        [f.honestMatmul, wrongMatmulProof(f.honestMatmul), WRONG_MATMUL.word],
        [f.cheatingMatmul, matmulFraudProof(f.cheatingMatmul, 0, 0), 0],
        [f.cheatingMandelbrot, mandelbrotFraudProof(f.cheatingMandelbrot, WRONG_PIXEL + 1), WRONG_PIXEL + 1],
      ];
      for (const [job, proof, word] of cases) {
        const id = await commitAndWait(f, f.challenger, job, proof);
        const sheet = await balanceSheet(f);
        await expect(reveal(f, id, job, proof))
          .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
          .withArgs(job.id, word);
        await expectBalanceChanges(sheet, {});
        expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.AwaitingProof);
        expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);
      }
    });

    it("reverts ParamsMismatch when the params are not the job's", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const id = await commitAndWait(f, f.challenger, job, proof);
      const other = matmulI8.params.encode({ ...MATMUL_SHAPE, k: MATMUL_SHAPE.k + 1 });
      await expect(f.DisputeManager.revealProof(id, await jobTerms(f, job.id), other, proof))
        .to.be.revertedWithCustomError(f.DisputeManager, "ParamsMismatch")
        .withArgs(job.id, ethers.keccak256(job.params), ethers.keccak256(other));
    });

    it("reverts with the checker's errors for a malformed proof or one that does not match the job", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const attempt = async (proof: string, target: WorkloadJob = job) =>
        reveal(f, await commitAndWait(f, f.challenger, target, proof), target, proof);
      const { row, col } = WRONG_MATMUL;

      await expect(attempt("0x12")).to.be.revertedWithCustomError(f.MatmulI8Checker, "MalformedProof").withArgs(1);
      await expect(attempt(matmulFraudProof(job, row, col, { inputs: f.honestMatmul })))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "InputVectorNotInTree")
        .withArgs((await jobTerms(f, job.id)).inputRoot, 0, row);
      await expect(attempt(matmulFraudProof(job, row, col, { result: f.honestMatmul })))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "ResultChunkNotInTree")
        .withArgs(job.result.root, WRONG_CHUNK);
      const [fields] = coder.decode([MATMUL_FRAUD_PROOF], wrongMatmulProof(job));
      const outside = coder.encode([MATMUL_FRAUD_PROOF], [[MATMUL_SHAPE.m, ...fields.toArray().slice(1)]]);
      await expect(attempt(outside))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "ElementOutOfRange")
        .withArgs(MATMUL_SHAPE.m, col, MATMUL_SHAPE.m, MATMUL_SHAPE.n);

      const mandelbrot = f.cheatingMandelbrot;
      const [pixel] = coder.decode([MANDELBROT_FRAUD_PROOF], mandelbrotFraudProof(mandelbrot, WRONG_PIXEL));
      const beyond = coder.encode([MANDELBROT_FRAUD_PROOF], [[256, ...pixel.toArray().slice(1)]]);
      await expect(attempt(beyond, mandelbrot))
        .to.be.revertedWithCustomError(f.MandelbrotChecker, "PixelOutOfRange")
        .withArgs(256, 256);
    });

    it("reverts DisputeDeadlinePassed at the end of the reveal window", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const id = await commitAndWait(f, f.challenger, job, proof);
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline);
      await expect(reveal(f, id, job, proof))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
    });

    it("reverts DisputeNotInStatus when the dispute awaits no proof", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await expect(reveal(f, id, job, wrongMatmulProof(job)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChildren, DisputeStatus.AwaitingProof);
    });

    it("resolves a commit never revealed without fault after the reveal window: the bond to the provider, the job settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await commitProof(f, f.challenger, job.id, wrongMatmulProof(job));
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expectNoFaultSettlement(f, id, async () =>
        f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, job.id)),
      );
      await expectNormalFinalize(f, job.id);
    });

    it("reverts NoCheckerForWorkload at the reveal once governance removed the checker after the commit; the bond then goes to the provider", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const id = await commitAndWait(f, f.challenger, job, proof);
      await f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, ethers.ZeroAddress);
      await expect(reveal(f, id, job, proof))
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(MATMUL_ID);
      await passDeadline(f, id);
      await expectNoFaultSettlement(f, id, async () => f.DisputeManager.resolve(id, await jobTerms(f, job.id)));
    });

    it("reaches the unbonding stake of a provider who requested unbonding right after cheating", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const id = await commitAndWait(f, f.challenger, job, proof);
      const free = await f.ProviderRegistry.freeStake(f.provider.address);
      await f.ProviderRegistry.connect(f.provider).requestUnbond(free);
      expect(await f.ProviderRegistry.freeStake(f.provider.address)).to.equal(0n);

      const amount = await expectFaultSettlement(f, id, "challenger", () => reveal(f, id, job, proof));
      // The collateral plus half of everything else (unbonding or locked by the other three jobs): 5,500. The released
      // collateral is the only free stake, so the other 4,500 come out of the unbonding entry; no other lock is touched.
      expect(amount).to.equal(JOB_COLLATERAL + (PROVIDER_STAKE - JOB_COLLATERAL) / 2n);
      const entries = await f.ProviderRegistry.unbondingEntries(f.provider.address);
      expect(entries.map((e) => e.amount)).to.deep.equal([free - (amount - JOB_COLLATERAL)]);
      const state = await f.ProviderRegistry.providerState(f.provider.address);
      expect([state.locked, state.debt]).to.deep.equal([3n * JOB_COLLATERAL, 0n]);
    });

    it("slashes only the collateral when the stake share is zero", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMandelbrot;
      const proof = mandelbrotFraudProof(job, WRONG_PIXEL);
      await f.DisputeManager.connect(f.timelock).setStakeShareBps(0n);
      const id = await commitAndWait(f, f.challenger, job, proof);
      expect(await expectFaultSettlement(f, id, "challenger", () => reveal(f, id, job, proof))).to.equal(
        JOB_COLLATERAL,
      );
    });
  });

  describe("withheld-data path: disputeWithheld", function () {
    it("opens a bisection at the root: takes the bond, freezes the job and starts the provider's clock", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const bond = await f.DisputeManager.bond();
      const window = f.parameters.disputes.responseWindow;
      const sheet = await balanceSheet(f);
      const openedAt = await pinNextTimestamp();
      const tx = await f.DisputeManager.connect(f.challenger).disputeWithheld(
        job.id,
        await jobTerms(f, job.id),
        job.params,
      );
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeOpened")
        .withArgs(1n, job.id, f.challenger.address, DisputeKind.Withheld, bond, openedAt + window);
      await expect(tx).to.emit(f.JobEscrow, "JobDisputed").withArgs(job.id);
      await expectBalanceChanges(sheet, { weft: { challenger: -bond, disputes: bond } });
      // On its own turn a side's clock is the deadline; the provider has not moved yet.
      await expectDispute(f, 1n, {
        challenger: f.challenger.address,
        bond,
        jobId: job.id,
        kind: DisputeKind.Withheld,
        status: DisputeStatus.AwaitingChildren,
        deadline: openedAt + window,
        providerTime: 0n,
        challengerTime: window,
        node: 0n,
        totalWords: BigInt(TOTAL_WORDS),
        hash: job.result.root,
      });
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(1n);
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);
    });

    it("starts at the chunk when the output has a single chunk, and slashes a wrong word of it", async function () {
      const f = await loadFixture(disputesFixture);
      const params = matmulI8.params.encode({ m: 8, k: 4, n: 8 });
      const job = await submitWorkloadJob(f, MATMUL_ID, params, 5, 3);
      const id = await openWithheld(f, f.challenger, job);
      await expectDispute(f, id, { status: DisputeStatus.AwaitingChunk, node: 0n, totalWords: 64n });
      const revealedAt = await pinNextTimestamp();
      await expect(revealChunkOf(f, id, job, 0))
        .to.emit(f.DisputeManager, "ChunkRevealed")
        .withArgs(
          id,
          job.id,
          0n,
          ethers.hexlify(job.result.chunk(0)),
          revealedAt + f.parameters.disputes.followUpWindow,
        );
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.connect(f.outsider).proveChunkWrong(
          id,
          await jobTerms(f, job.id),
          job.params,
          matmulFraudProof(job, 0, 3),
        ),
      );
    });

    it("reverts NoCheckerForWorkload for a workload without a checker", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(
        f.DisputeManager.connect(f.challenger).disputeWithheld(f.customJob, await jobTerms(f, f.customJob), "0x1234"),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(CUSTOM_WORKLOAD);
    });

    it("reverts ParamsMismatch when the params are not the job's", async function () {
      const f = await loadFixture(disputesFixture);
      const { id, params } = f.cheatingMatmul;
      const other = f.cheatingMandelbrot.params;
      await expect(f.DisputeManager.connect(f.challenger).disputeWithheld(id, await jobTerms(f, id), other))
        .to.be.revertedWithCustomError(f.DisputeManager, "ParamsMismatch")
        .withArgs(id, ethers.keccak256(params), ethers.keccak256(other));
    });

    it("reverts OutputTooLarge for an output of more than 2^32 - 1 words", async function () {
      const f = await loadFixture(disputesFixture);
      const params = coder.encode(["uint256", "uint256", "uint256"], [65_536, 1, 65_536]);
      const id = await submitJob(f, MATMUL_ID, params, ethers.id("inputs"), ethers.id("result"));
      await expect(f.DisputeManager.connect(f.challenger).disputeWithheld(id, await jobTerms(f, id), params))
        .to.be.revertedWithCustomError(f.DisputeManager, "OutputTooLarge")
        .withArgs(2n ** 32n, 2n ** 32n - 1n);
    });
  });

  describe("withheld-data path: the bisection", function () {
    it("plays a 12 x 20 output (two chunks, one level) to the wrong chunk, with each clock accounted after each move", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const dm = f.DisputeManager;
      const { responseWindow: R, followUpWindow: F } = f.parameters.disputes;
      const t0 = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, job);
      const { left, right } = revealedChildren(job.result, 0);
      // The wrong word is in chunk 1, which is node 1: the left child.
      expect(childToDispute(new ResultTree(job.correct), 0, { left, right })).to.equal(false);

      const t1 = t0 + 60n;
      await time.setNextBlockTimestamp(t1);
      await expect(revealChildrenOf(f, id, job, 0))
        .to.emit(dm, "ChildrenRevealed")
        .withArgs(id, job.id, 0n, left, right, t1 + R);
      await expectDispute(f, id, {
        status: DisputeStatus.AwaitingChoice,
        deadline: t1 + R,
        providerTime: R - 60n,
        challengerTime: R,
        node: 0n,
        hash: orderedPair(left, right),
      });

      const t2 = t1 + 120n;
      await time.setNextBlockTimestamp(t2);
      await expect(chooseChildOf(f, id, job, 0, false))
        .to.emit(dm, "ChildChosen")
        .withArgs(id, job.id, 1n, left, t2 + R - 60n);
      await expectDispute(f, id, {
        status: DisputeStatus.AwaitingChunk,
        deadline: t2 + R - 60n,
        providerTime: R - 60n,
        challengerTime: R - 120n,
        node: 1n,
        hash: left,
      });

      const t3 = t2 + 30n;
      await time.setNextBlockTimestamp(t3);
      await expect(revealChunkOf(f, id, job, WRONG_CHUNK))
        .to.emit(dm, "ChunkRevealed")
        .withArgs(id, job.id, WRONG_CHUNK, ethers.hexlify(job.result.chunk(WRONG_CHUNK)), t3 + F);
      await expectDispute(f, id, {
        status: DisputeStatus.ChunkRevealed,
        deadline: t3 + F,
        providerTime: R - 90n,
        challengerTime: R - 120n,
        node: 1n,
        hash: left,
      });
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);

      await expectFaultSettlement(f, id, "challenger", async () => {
        const tx = await proveWrongChunk(f, id);
        await expect(tx)
          .to.emit(dm, "FraudProven")
          .withArgs(
            id,
            job.id,
            WRONG_MATMUL.word,
            wordAt(job.claimed, WRONG_MATMUL.word),
            wordAt(job.correct, WRONG_MATMUL.word),
          );
        return tx;
      });
    });

    it("plays a 64 x 64 output (32 chunks, five levels) down to the wrong chunk, each move charged to its side's clock", async function () {
      const f = await loadFixture(largeOutputsFixture);
      const job = f.cheatingLargeMatmul;
      const dm = f.DisputeManager;
      const { responseWindow: R, followUpWindow: F } = f.parameters.disputes;
      const correct = new ResultTree(job.correct);
      const leaves = leafCountOf(job.result.wordCount);
      expect(leaves).to.equal(32);

      let now = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, job);
      let [providerLeft, challengerLeft] = [R, R];
      let node = 0;
      const steps: BisectionStep[] = [];
      while (!isLeafNode(node, leaves)) {
        // The provider answers after 30 seconds, the challenger after 20.
        const { left, right } = revealedChildren(job.result, node);
        now += 30n;
        await time.setNextBlockTimestamp(now);
        await expect(revealChildrenOf(f, id, job, node))
          .to.emit(dm, "ChildrenRevealed")
          .withArgs(id, job.id, node, left, right, now + challengerLeft);
        providerLeft -= 30n;
        await expectDispute(f, id, {
          status: DisputeStatus.AwaitingChoice,
          deadline: now + challengerLeft,
          providerTime: providerLeft,
          challengerTime: challengerLeft,
          node: BigInt(node),
        });

        const disputedRight = childToDispute(correct, node, { left, right });
        expect(disputedRight, `node ${node}`).not.to.equal(undefined);
        const next = childNode(node, disputedRight!);
        now += 20n;
        await time.setNextBlockTimestamp(now);
        await expect(chooseChildOf(f, id, job, node, disputedRight!))
          .to.emit(dm, "ChildChosen")
          .withArgs(id, job.id, next, disputedRight ? right : left, now + providerLeft);
        challengerLeft -= 20n;
        await expectDispute(f, id, {
          status: isLeafNode(next, leaves) ? DisputeStatus.AwaitingChunk : DisputeStatus.AwaitingChildren,
          deadline: now + providerLeft,
          providerTime: providerLeft,
          challengerTime: challengerLeft,
          node: BigInt(next),
          hash: disputedRight ? right : left,
        });
        steps.push({ node, left, right, disputedRight: disputedRight! });
        node = next;
      }
      expect(steps.map((s) => s.node)).to.deep.equal([0, 1, 4, 9, 20]);
      expect(node).to.equal(41);
      expect(chunkIndexOfNode(node, leaves)).to.equal(WRONG_LARGE_MATMUL.chunk);
      expect([providerLeft, challengerLeft]).to.deep.equal([R - 150n, R - 100n]);
      // The siblings revealed on the way down are the chunk's Merkle proof, so any watcher can build a fraud proof.
      expect(proofFromSteps(steps)).to.deep.equal(job.result.chunkProof(WRONG_LARGE_MATMUL.chunk));

      now += 30n;
      await time.setNextBlockTimestamp(now);
      await expect(revealChunkOf(f, id, job, WRONG_LARGE_MATMUL.chunk))
        .to.emit(dm, "ChunkRevealed")
        .withArgs(id, job.id, WRONG_LARGE_MATMUL.chunk, ethers.hexlify(job.result.chunk(21)), now + F);
      await expectDispute(f, id, { status: DisputeStatus.ChunkRevealed, deadline: now + F, providerTime: R - 180n });

      const { row, col, word } = WRONG_LARGE_MATMUL;
      await expectFaultSettlement(f, id, "challenger", async () => {
        const tx = await dm
          .connect(f.outsider)
          .proveChunkWrong(id, await jobTerms(f, job.id), job.params, matmulFraudProof(job, row, col));
        await expect(tx)
          .to.emit(dm, "FraudProven")
          .withArgs(id, job.id, word, wordAt(job.claimed, word), wordAt(job.correct, word));
        return tx;
      });
    });

    it("plays an unbalanced tree (three chunks): a leaf at depth 1 and the wrong chunk at depth 2", async function () {
      const f = await loadFixture(largeOutputsFixture);
      const job = f.cheatingUnbalancedMatmul;
      const id = await openWithheld(f, f.challenger, job);
      // A second challenger names the root's right child, node 2: a leaf one level down, chunk 2.
      const shallow = await openWithheld(f, f.outsider, job);
      await revealChildrenOf(f, shallow, job, 0);
      const { left, right } = revealedChildren(job.result, 0);
      await f.DisputeManager.connect(f.outsider).chooseChild(shallow, left, right, true);
      await expectDispute(f, shallow, { status: DisputeStatus.AwaitingChunk, node: 2n, hash: right });
      await expect(revealChunkOf(f, shallow, job, 2))
        .to.emit(f.DisputeManager, "ChunkRevealed")
        .withArgs(shallow, job.id, 2n, ethers.hexlify(job.result.chunk(2)), anyValue);

      // The wrong chunk, 0, is two levels down.
      const { steps, chunkIndex } = await playBisection(f, id, job, f.challenger);
      expect(steps.map((s) => [s.node, s.disputedRight])).to.deep.equal([
        [0, false],
        [1, true],
      ]);
      expect(chunkIndex).to.equal(WRONG_UNBALANCED_MATMUL.chunk);
      await expectDispute(f, id, { status: DisputeStatus.ChunkRevealed, node: 4n });
      const { row, col } = WRONG_UNBALANCED_MATMUL;
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.proveChunkWrong(id, await jobTerms(f, job.id), job.params, matmulFraudProof(job, row, col)),
      );
      await expectMootSettlement(f, shallow, "outsider", async () =>
        f.DisputeManager.resolve(shallow, await jobTerms(f, job.id)),
      );
    });

    it("slashes a provider whose clock runs out at an inner node, whoever resolves it", async function () {
      const f = await loadFixture(largeOutputsFixture);
      const job = f.cheatingLargeMatmul;
      const R = f.parameters.disputes.responseWindow;
      const t0 = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, job);
      // The provider spends four minutes on the root, then goes silent one level down.
      await time.setNextBlockTimestamp(t0 + 4n * MINUTE);
      await revealChildrenOf(f, id, job, 0);
      const t2 = t0 + 5n * MINUTE;
      await time.setNextBlockTimestamp(t2);
      await chooseChildOf(f, id, job, 0, false);
      const deadline = t2 + R - 4n * MINUTE;
      await expectDispute(f, id, {
        status: DisputeStatus.AwaitingChildren,
        deadline,
        providerTime: R - 4n * MINUTE,
        challengerTime: R - MINUTE,
        node: 1n,
      });

      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(revealChildrenOf(f, id, job, 1))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, job.id)),
      );
    });

    it("slashes a provider who does not reveal the root's children in time", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await passDeadline(f, id);
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, job.id)),
      );
    });

    it("slashes a provider who cannot reveal the chunk the game reached", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      await chooseChildOf(f, id, job, 0, false);
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline);
      await expect(revealChunkOf(f, id, job, WRONG_CHUNK))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.resolve(id, await jobTerms(f, job.id)),
      );
    });

    it("slashes a provider who reveals its children in the wrong order: no chunk fits the leaf it is led to", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      const { left, right } = revealedChildren(job.result, 0);
      await f.DisputeManager.connect(f.provider).revealChildren(id, await jobTerms(f, job.id), right, left);
      // The honest challenger compares positions with the correct tree: the "left" hash (chunk 0's, correct) is not
      // what belongs at node 1, so it names node 1, whose chunk is chunk 1.
      const disputedRight = childToDispute(new ResultTree(job.correct), 0, { left: right, right: left });
      expect(disputedRight).to.equal(false);
      await f.DisputeManager.connect(f.challenger).chooseChild(id, right, left, false);
      const terms = await jobTerms(f, job.id);
      const provider = f.DisputeManager.connect(f.provider);
      await expect(provider.revealChunk(id, terms, job.result.chunk(0)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkLengthMismatch")
        .withArgs(WRONG_CHUNK, WRONG_CHUNK_BYTES, 512);
      await expect(provider.revealChunk(id, terms, job.result.chunk(1)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChunkMismatch")
        .withArgs(id, WRONG_CHUNK, right, left);
      await passDeadline(f, id);
      await expectFaultSettlement(f, id, "challenger", () => f.DisputeManager.resolve(id, terms));
    });

    it("pays the bond to the provider when the challenger's clock runs out; the job then settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const R = f.parameters.disputes.responseWindow;
      const id = await openWithheld(f, f.challenger, job);
      const revealedAt = await pinNextTimestamp();
      await revealChildrenOf(f, id, job, 0);
      const deadline = revealedAt + R;
      await expectDispute(f, id, { status: DisputeStatus.AwaitingChoice, deadline });
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(chooseChildOf(f, id, job, 0, false))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectNoFaultSettlement(f, id, async () =>
        f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, job.id)),
      );
      await expectNormalFinalize(f, job.id);
    });

    it("ends within maxDisputeDuration of its opening even when both sides spend their whole clocks", async function () {
      const f = await loadFixture(largeOutputsFixture);
      const job = f.cheatingLargeMatmul;
      const R = f.parameters.disputes.responseWindow;
      const leaves = leafCountOf(job.result.wordCount);
      const correct = new ResultTree(job.correct);
      const t0 = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, job);
      // Each side spends all but a few seconds of its clock on its first move, then one second per move.
      let node = 0;
      let first = true;
      while (!isLeafNode(node, leaves)) {
        if (first) await time.increase(R - 10n);
        await revealChildrenOf(f, id, job, node);
        if (first) await time.increase(R - 10n);
        const right = childToDispute(correct, node, revealedChildren(job.result, node))!;
        await chooseChildOf(f, id, job, node, right);
        node = childNode(node, right);
        first = false;
      }
      await revealChunkOf(f, id, job, chunkIndexOfNode(node, leaves));
      const { deadline, providerTime, challengerTime } = await f.DisputeManager.dispute(id);
      expect(providerTime).to.be.lessThan(10n);
      expect(challengerTime).to.be.lessThan(10n);
      expect(deadline - t0).to.be.at.most(await f.DisputeManager.maxDisputeDuration());
      await reach(deadline);
      await expectNoFaultSettlement(f, id, async () => f.DisputeManager.resolve(id, await jobTerms(f, job.id)));
    });
  });

  describe("withheld-data path: revealChildren", function () {
    it("reverts NotProvider for anyone but the job's provider", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      const { left, right } = revealedChildren(job.result, 0);
      for (const caller of [f.challenger, f.outsider]) {
        await expect(f.DisputeManager.connect(caller).revealChildren(id, await jobTerms(f, job.id), left, right))
          .to.be.revertedWithCustomError(f.DisputeManager, "NotProvider")
          .withArgs(id, f.provider.address, caller.address);
      }
    });

    it("reverts ChildrenMismatch for children that do not hash to the disputed node", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      // The correct output's children hash to the correct root, not to the committed one.
      const correct = new ResultTree(job.correct);
      const { left, right } = revealedChildren(correct, 0);
      await expect(f.DisputeManager.connect(f.provider).revealChildren(id, await jobTerms(f, job.id), left, right))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChildrenMismatch")
        .withArgs(id, job.result.root, correct.root);
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.AwaitingChildren);
    });

    it("reverts DisputeDeadlinePassed at the end of the provider's clock", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline);
      await expect(revealChildrenOf(f, id, job, 0))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
    });

    it("reverts DisputeNotInStatus when it is not the provider's turn to reveal children", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      await expect(revealChildrenOf(f, id, job, 0))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChoice, DisputeStatus.AwaitingChildren);
      await chooseChildOf(f, id, job, 0, false);
      // Node 1 is a leaf: the provider owes its chunk, not children.
      await expect(revealChildrenOf(f, id, job, 0))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChunk, DisputeStatus.AwaitingChildren);
    });
  });

  describe("withheld-data path: chooseChild", function () {
    it("reverts NotChallenger for anyone but the dispute's challenger, the provider included", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      const { left, right } = revealedChildren(job.result, 0);
      for (const caller of [f.outsider, f.provider]) {
        await expect(f.DisputeManager.connect(caller).chooseChild(id, left, right, true))
          .to.be.revertedWithCustomError(f.DisputeManager, "NotChallenger")
          .withArgs(id, f.challenger.address, caller.address);
      }
    });

    it("reverts RevealedPairMismatch for children other than the revealed ones, or in another order", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      const { left, right } = revealedChildren(job.result, 0);
      const correct = revealedChildren(new ResultTree(job.correct), 0);
      const dm = f.DisputeManager.connect(f.challenger);
      for (const [l, r] of [
        [right, left],
        [correct.left, right],
      ]) {
        await expect(dm.chooseChild(id, l, r, false))
          .to.be.revertedWithCustomError(dm, "RevealedPairMismatch")
          .withArgs(id, orderedPair(left, right), orderedPair(l, r));
      }
    });

    it("reverts DisputeNotInStatus when no choice is awaited", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await expect(chooseChildOf(f, id, job, 0, false))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChildren, DisputeStatus.AwaitingChoice);
    });
  });

  describe("withheld-data path: revealChunk", function () {
    /** A withheld dispute of the cheating matmul job at the leaf of the wrong chunk. */
    async function atWrongLeaf(f: DisputesFixture): Promise<bigint> {
      const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
      await revealChildrenOf(f, id, f.cheatingMatmul, 0);
      await chooseChildOf(f, id, f.cheatingMatmul, 0, false);
      return id;
    }

    it("reverts ResultChunkLengthMismatch for a chunk of another length than the leaf's", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await atWrongLeaf(f);
      const terms = await jobTerms(f, f.cheatingMatmul.id);
      const chunk = f.cheatingMatmul.result.chunk(WRONG_CHUNK);
      const provider = f.DisputeManager.connect(f.provider);
      await expect(provider.revealChunk(id, terms, chunk.subarray(4)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkLengthMismatch")
        .withArgs(WRONG_CHUNK, WRONG_CHUNK_BYTES, WRONG_CHUNK_BYTES - 4);
      await expect(provider.revealChunk(id, terms, f.cheatingMatmul.result.chunk(0)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkLengthMismatch")
        .withArgs(WRONG_CHUNK, WRONG_CHUNK_BYTES, 512);
    });

    it("reverts ChunkMismatch for a chunk that is not the committed one", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await atWrongLeaf(f);
      // The correct chunk: what an honest output holds there, not what the provider committed to.
      const correct = new ResultTree(job.correct);
      await expect(
        f.DisputeManager.connect(f.provider).revealChunk(id, await jobTerms(f, job.id), correct.chunk(WRONG_CHUNK)),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ChunkMismatch")
        .withArgs(id, WRONG_CHUNK, job.result.node(1), correct.node(1));
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.AwaitingChunk);
    });

    it("reverts NotProvider for anyone but the job's provider", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await atWrongLeaf(f);
      await expect(
        f.DisputeManager.connect(f.outsider).revealChunk(id, await jobTerms(f, job.id), job.result.chunk(WRONG_CHUNK)),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "NotProvider")
        .withArgs(id, f.provider.address, f.outsider.address);
    });

    it("reverts DisputeNotInStatus before the game reached a leaf", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await expect(revealChunkOf(f, id, job, WRONG_CHUNK))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChildren, DisputeStatus.AwaitingChunk);
    });
  });

  describe("withheld-data path: proveChunkWrong", function () {
    it("slashes on a wrong word of the revealed chunk and pays the dispute's challenger even when someone else sends it", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await revealWrongChunk(f);
      await expectFaultSettlement(f, id, "challenger", () => proveWrongChunk(f, id, f.outsider));
    });

    it("reverts WordNotInRevealedChunk for a wrong word outside the revealed chunk", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      // A challenger who names the right child (chunk 0, correct) gets that chunk revealed, not the wrong one.
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      await chooseChildOf(f, id, job, 0, true);
      await revealChunkOf(f, id, job, 0);
      await expect(proveWrongChunk(f, id))
        .to.be.revertedWithCustomError(f.DisputeManager, "WordNotInRevealedChunk")
        .withArgs(id, WRONG_MATMUL.word, 0);
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.ChunkRevealed);
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);
    });

    it("reverts ResultChecksOut for a correct word of the revealed chunk", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await revealWrongChunk(f);
      // C[6][8] = word 128, the first of chunk 1, is correct.
      await expect(
        f.DisputeManager.proveChunkWrong(id, await jobTerms(f, job.id), job.params, matmulFraudProof(job, 6, 8)),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, 128);
    });

    it("reverts ParamsMismatch when the params are not the job's", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await revealWrongChunk(f);
      const other = f.cheatingMandelbrot.params;
      await expect(f.DisputeManager.proveChunkWrong(id, await jobTerms(f, job.id), other, wrongMatmulProof(job)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ParamsMismatch")
        .withArgs(job.id, ethers.keccak256(job.params), ethers.keccak256(other));
    });

    it("reverts DisputeDeadlinePassed at the end of the follow-up window, after which resolve ends it without fault", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await revealWrongChunk(f);
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(proveWrongChunk(f, id))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectNoFaultSettlement(f, id, async () =>
        f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, job.id)),
      );
    });

    it("reverts DisputeNotInStatus before a chunk was revealed", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
      await expect(proveWrongChunk(f, id))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChildren, DisputeStatus.ChunkRevealed);
    });

    it("ends a griefer's game on an honest job without fault: the bond to the provider, the job settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.honestMatmul;
      const id = await openWithheld(f, f.outsider, job);
      const { chunkIndex } = await playBisection(f, id, job, f.outsider);
      // Nothing in the revealed chunk is wrong.
      const word = chunkIndex * 128;
      const [row, col] = [Math.floor(word / MATMUL_SHAPE.n), word % MATMUL_SHAPE.n];
      await expect(
        f.DisputeManager.proveChunkWrong(id, await jobTerms(f, job.id), job.params, matmulFraudProof(job, row, col)),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, word);
      await passDeadline(f, id);
      await expectNoFaultSettlement(f, id, async () => f.DisputeManager.resolve(id, await jobTerms(f, job.id)));
      await expectNormalFinalize(f, job.id);
    });
  });

  describe("arbitration", function () {
    it("opens an arbitration: takes the bond, freezes the job and records the evidence and the arbitration deadline", async function () {
      const f = await loadFixture(disputesFixture);
      const bond = await f.DisputeManager.bond();
      const sheet = await balanceSheet(f);
      const openedAt = await pinNextTimestamp();
      const deadline = openedAt + f.parameters.disputes.arbitrationWindow;
      const tx = await f.DisputeManager.connect(f.challenger).disputeForArbitration(
        f.customJob,
        await jobTerms(f, f.customJob),
        "ipfs://evidence",
      );
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeOpened")
        .withArgs(1n, f.customJob, f.challenger.address, DisputeKind.Arbitration, bond, deadline);
      await expect(tx).to.emit(f.DisputeManager, "ArbitrationRequested").withArgs(1n, f.customJob, "ipfs://evidence");
      await expect(tx).to.emit(f.JobEscrow, "JobDisputed").withArgs(f.customJob);
      await expectBalanceChanges(sheet, { weft: { challenger: -bond, disputes: bond } });
      expect(await f.JobEscrow.jobStatus(f.customJob)).to.equal(JobStatus.Disputed);
      await expectDispute(f, 1n, {
        challenger: f.challenger.address,
        bond,
        jobId: f.customJob,
        kind: DisputeKind.Arbitration,
        status: DisputeStatus.AwaitingRuling,
        deadline,
        hash: ethers.ZeroHash,
      });
    });

    it("reverts WorkloadHasChecker for a workload that has a checker", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(
        f.DisputeManager.connect(f.challenger).disputeForArbitration(
          f.cheatingMatmul.id,
          await jobTerms(f, f.cheatingMatmul.id),
          "ipfs://evidence",
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "WorkloadHasChecker")
        .withArgs(MATMUL_ID, await f.MatmulI8Checker.getAddress());
    });

    it("slashes when the arbiter finds the provider at fault", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), true),
      );
    });

    it("pays the bond to the provider when the arbiter finds no fault; the job then settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      await expectNoFaultSettlement(f, id, async () =>
        f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), false),
      );
      await expectNormalFinalize(f, f.customJob);
    });

    it("rules for the provider when the arbiter stays silent: the bond to the provider, the job settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, f.customJob)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), true))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectNoFaultSettlement(f, id, async () =>
        f.DisputeManager.connect(f.challenger).resolve(id, await jobTerms(f, f.customJob)),
      );
      await expectNormalFinalize(f, f.customJob);
    });

    it("refuses a ruling from an account without the ARBITER role", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      for (const signer of [f.outsider, f.challenger, f.provider, f.timelock]) {
        await expect(f.DisputeManager.connect(signer).arbitrate(id, await jobTerms(f, f.customJob), true))
          .to.be.revertedWithCustomError(f.DisputeManager, "AccessManagedUnauthorized")
          .withArgs(signer.address);
      }
    });

    it("reverts DisputeNotInStatus for a dispute that awaits no ruling", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await commitProof(f, f.challenger, job.id, wrongMatmulProof(job));
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, job.id), true))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingProof, DisputeStatus.AwaitingRuling);
    });

    for (const ruling of [true, false]) {
      it(`ends a ${ruling ? "fault" : "no-fault"} ruling on a dispute of a job another dispute slashed as Moot`, async function () {
        const f = await loadFixture(disputesFixture);
        const first = await openArbitration(f, f.challenger, f.customJob);
        const second = await openArbitration(f, f.outsider, f.customJob, "ipfs://more-evidence");
        await f.ComputeToken.connect(f.provider2).approve(await f.DisputeManager.getAddress(), ethers.MaxUint256);
        await openArbitration(f, f.provider2, f.customJob);
        const terms = await jobTerms(f, f.customJob);
        await expectFaultSettlement(f, first, "challenger", () =>
          f.DisputeManager.connect(f.arbiter).arbitrate(first, terms, true),
        );
        await expectMootSettlement(f, second, "outsider", () =>
          f.DisputeManager.connect(f.arbiter).arbitrate(second, terms, ruling),
        );
      });
    }

    it("refuses a no-fault ruling with another provider in the terms while another dispute of the job is open", async function () {
      const f = await loadFixture(disputesFixture);
      const first = await openArbitration(f, f.challenger, f.customJob);
      await openArbitration(f, f.outsider, f.customJob);
      const terms = await jobTerms(f, f.customJob);
      const forged = { ...terms, provider: f.arbiter.address };
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(first, forged, false))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.customJob, await f.JobEscrow.hashTerms(terms), await f.JobEscrow.hashTerms(forged));
    });
  });

  describe("concurrent disputes", function () {
    it("keeps the job Disputed until its last dispute ends, counting them in openDisputes", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.honestMatmul;
      const first = await commitProof(f, f.challenger, job.id, wrongMatmulProof(job));
      const bond = await f.DisputeManager.bond();
      const tx = await f.DisputeManager.connect(f.outsider).disputeWithheld(
        job.id,
        await jobTerms(f, job.id),
        job.params,
      );
      const second = await openedDisputeId(f, tx);
      expect(second).to.equal(first + 1n);
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeOpened")
        .withArgs(
          second,
          job.id,
          f.outsider.address,
          DisputeKind.Withheld,
          bond,
          BigInt(await time.latest()) + f.parameters.disputes.responseWindow,
        );
      await expect(tx).not.to.emit(f.JobEscrow, "JobDisputed");
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(2n);
      expect(await f.DisputeManager.disputeCount()).to.equal(2n);

      // The griefer's game reaches a correct chunk; meanwhile the unrevealed commit ends first and the job stays
      // Disputed for the other dispute, even past its challenge window.
      await playBisection(f, second, job, f.outsider);
      await passDeadline(f, first);
      await expectNoFaultSettlement(f, first, async () => f.DisputeManager.resolve(first, await jobTerms(f, job.id)));
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);
      await expect(f.JobEscrow.finalize(job.id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Disputed, JobStatus.Submitted);

      await passDeadline(f, second);
      await expectNoFaultSettlement(f, second, async () => f.DisputeManager.resolve(second, await jobTerms(f, job.id)));
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(0n);
      await expectNormalFinalize(f, job.id);
    });

    it("opens another dispute while one is open up to the end of the challenge window, then reverts ChallengeWindowClosed", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await commitProof(f, f.challenger, job.id, wrongMatmulProof(job));
      const terms = await jobTerms(f, job.id);
      const deadline = BigInt(terms.deadline);
      await time.setNextBlockTimestamp(deadline - 1n);
      await f.DisputeManager.connect(f.outsider).disputeWithheld(job.id, terms, job.params);
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(2n);
      await time.setNextBlockTimestamp(deadline);
      await expect(f.DisputeManager.connect(f.outsider).commitProof(job.id, terms, ethers.id("late")))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChallengeWindowClosed")
        .withArgs(job.id, deadline);
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(2n);
    });

    it("ends every other dispute of a slashed job Moot, at any time, each bond back to its challenger", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      // The provider's accomplice disputes first, to stall: it will never reveal.
      const accomplice = f.provider2;
      await f.ComputeToken.connect(accomplice).approve(await f.DisputeManager.getAddress(), ethers.MaxUint256);
      const stalled = await commitProof(f, accomplice, job.id, proof);
      const withheld = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, withheld, job, 0);
      const proved = await commitAndWait(f, f.outsider, job, proof);
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(3n);

      await expectFaultSettlement(f, proved, "outsider", () => reveal(f, proved, job, proof, f.outsider));
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(2n);
      // Before their deadlines, in any status, whoever calls.
      expect((await f.DisputeManager.dispute(withheld)).deadline).to.be.greaterThan(BigInt(await time.latest()));
      await expectMootSettlement(f, withheld, "challenger", async () =>
        f.DisputeManager.connect(f.outsider).resolve(withheld, await jobTerms(f, job.id)),
      );
      await expectMootSettlement(f, stalled, "accomplice", async () =>
        f.DisputeManager.resolve(stalled, await jobTerms(f, job.id)),
      );
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(0n);
    });

    it("refuses to slash a job twice: a second proof of fault on a slashed job reverts", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const first = await commitProof(f, f.challenger, job.id, proof);
      const second = await commitAndWait(f, f.outsider, job, proof);
      await expectFaultSettlement(f, first, "challenger", () => reveal(f, first, job, proof));
      await expect(reveal(f, second, job, proof, f.outsider))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Slashed, JobStatus.Disputed);
    });

    it("refuses a new dispute of a slashed job: JobNotDisputable while another is open, the escrow's JobNotInStatus after", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const other = await commitProof(f, f.outsider, job.id, ethers.id("never revealed"));
      await proveFraud(f, f.challenger, job, proof);
      const terms = await jobTerms(f, job.id);
      await expect(f.DisputeManager.connect(f.outsider).disputeWithheld(job.id, terms, job.params))
        .to.be.revertedWithCustomError(f.DisputeManager, "JobNotDisputable")
        .withArgs(job.id, JobStatus.Slashed);
      await expectMootSettlement(f, other, "outsider", () => f.DisputeManager.resolve(other, terms));
      await expect(f.DisputeManager.connect(f.outsider).disputeWithheld(job.id, terms, job.params))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Slashed, JobStatus.Submitted);
    });

    it("lets a job cleared inside its challenge window be disputed again", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMandelbrot;
      const proof = mandelbrotFraudProof(job, WRONG_PIXEL);
      await f.DisputeManager.connect(f.timelock).setResponseWindow(MINUTE);
      const cleared = await commitProof(f, f.outsider, job.id, ethers.id("never revealed"));
      await passDeadline(f, cleared);
      await expectNoFaultSettlement(f, cleared, async () =>
        f.DisputeManager.resolve(cleared, await jobTerms(f, job.id)),
      );

      const tx = await f.DisputeManager.connect(f.challenger).commitProof(
        job.id,
        await jobTerms(f, job.id),
        proofCommitment(f.challenger.address, job.id, proof),
      );
      await expect(tx).to.emit(f.JobEscrow, "JobDisputed").withArgs(job.id);
      const id = await openedDisputeId(f, tx);
      await expectFaultSettlement(f, id, "challenger", () => reveal(f, id, job, proof));
    });
  });

  describe("resolve and the dispute lifecycle", function () {
    /** Every call that names a dispute, as `caller` would send it on dispute `id` of the cheating matmul job. */
    async function callsOn(f: DisputesFixture, id: bigint) {
      const job = f.cheatingMatmul;
      const terms = await jobTerms(f, job.id);
      const dm = f.DisputeManager;
      const proof = wrongMatmulProof(job);
      const { left, right } = revealedChildren(job.result, 0);
      return {
        revealProof: () => dm.connect(f.challenger).revealProof(id, terms, job.params, proof),
        chooseChild: () => dm.connect(f.challenger).chooseChild(id, left, right, false),
        revealChildren: () => dm.connect(f.provider).revealChildren(id, terms, left, right),
        revealChunk: () => dm.connect(f.provider).revealChunk(id, terms, job.result.chunk(WRONG_CHUNK)),
        proveChunkWrong: () => dm.connect(f.outsider).proveChunkWrong(id, terms, job.params, proof),
        arbitrate: () => dm.connect(f.arbiter).arbitrate(id, terms, true),
        resolve: () => dm.connect(f.outsider).resolve(id, terms),
      };
    }

    it("reverts UnknownDispute for an id no dispute has, in every call that names one", async function () {
      const f = await loadFixture(disputesFixture);
      await commitProof(f, f.challenger, f.cheatingMatmul.id, wrongMatmulProof(f.cheatingMatmul));
      for (const id of [0n, 2n]) {
        for (const [name, call] of Object.entries(await callsOn(f, id))) {
          await expect(call(), `${name}(${id})`)
            .to.be.revertedWithCustomError(f.DisputeManager, "UnknownDispute")
            .withArgs(id);
        }
      }
    });

    it("reverts DisputeEnded for an ended dispute, in every call that names one", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const moot = await commitProof(f, f.outsider, job.id, ethers.id("never revealed"));
      const faulted = await proveFraud(f, f.challenger, job, wrongMatmulProof(job));
      await f.DisputeManager.resolve(moot, await jobTerms(f, job.id));
      const cleared = await commitProof(f, f.challenger, f.honestMatmul.id, ethers.id("never revealed"));
      await passDeadline(f, cleared);
      await f.DisputeManager.resolve(cleared, await jobTerms(f, f.honestMatmul.id));
      for (const [id, status] of [
        [faulted, DisputeStatus.ProviderAtFault],
        [cleared, DisputeStatus.NoFault],
        [moot, DisputeStatus.Moot],
      ]) {
        for (const [name, call] of Object.entries(await callsOn(f, id))) {
          await expect(call(), `${name}(${id})`)
            .to.be.revertedWithCustomError(f.DisputeManager, "DisputeEnded")
            .withArgs(id, status);
        }
      }
    });

    it("reverts DisputeDeadlineNotReached before the deadline of a job nobody slashed", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      const { deadline } = await f.DisputeManager.dispute(id);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
    });
  });

  describe("maxDisputeDuration and the windows", function () {
    it("is both clocks and the follow-up window, or the arbitration window when that is longer", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      expect(await dm.maxDisputeDuration()).to.equal(30n * MINUTE);
      await dm.setResponseWindow(MINUTE);
      await dm.setFollowUpWindow(2n * MINUTE);
      expect(await dm.maxDisputeDuration()).to.equal(20n * MINUTE);
      await dm.setArbitrationWindow(3n * MINUTE);
      expect(await dm.maxDisputeDuration()).to.equal(4n * MINUTE);
    });

    it("reverts DisputeDurationExceedsWindow for windows that would let a dispute outlast the escrow's dispute window", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      // Local: escrow dispute window 30 min; two 10-minute clocks and a 10-minute follow-up; arbitration 20 min.
      const window = 30n * MINUTE;
      await expect(dm.setResponseWindow(10n * MINUTE + 1n))
        .to.be.revertedWithCustomError(dm, "DisputeDurationExceedsWindow")
        .withArgs(window + 2n, window);
      await expect(dm.setFollowUpWindow(10n * MINUTE + 1n))
        .to.be.revertedWithCustomError(dm, "DisputeDurationExceedsWindow")
        .withArgs(window + 1n, window);
      await expect(dm.setArbitrationWindow(window + 1n))
        .to.be.revertedWithCustomError(dm, "DisputeDurationExceedsWindow")
        .withArgs(window + 1n, window);
      // Up to the window, they fit; a shorter follow-up makes room for longer clocks.
      await expect(dm.setArbitrationWindow(window))
        .to.emit(dm, "ArbitrationWindowSet")
        .withArgs(20n * MINUTE, window);
      await dm.setFollowUpWindow(MINUTE);
      await expect(dm.setResponseWindow(14n * MINUTE + 31n))
        .to.be.revertedWithCustomError(dm, "DisputeDurationExceedsWindow")
        .withArgs(window + 2n, window);
      await expect(dm.setResponseWindow(14n * MINUTE + 30n))
        .to.emit(dm, "ResponseWindowSet")
        .withArgs(10n * MINUTE, 14n * MINUTE + 30n);
      expect(await dm.maxDisputeDuration()).to.equal(window);
    });
  });

  describe("slashAmount", function () {
    it("counts a job's collateral only while the job is Assigned, Submitted or Disputed", async function () {
      const f = await loadFixture(disputesFixture);
      const params = f.cheatingMatmul.params;
      const open = await createJob(f, f.client, { workloadId: MATMUL_ID, params, provider: f.provider.address });
      /**
       * Checks job `id`'s status and its slashAmount: the collateral if `locked`, plus the stake share of the rest of
       * the provider's stake (all of it when the job holds no lock).
       */
      const expectSlashAmount = async (id: bigint, status: bigint, locked: boolean) => {
        const terms = await jobTerms(f, id);
        expect(await f.JobEscrow.jobStatus(id), `job ${id}`).to.equal(status);
        // Accepted jobs keep their collateral in their terms, counted or not; the open job never had any.
        expect(BigInt(terms.collateral), `job ${id}'s terms`).to.equal(id !== open ? JOB_COLLATERAL : 0n);
        const expected = await expectedSlashOf(f, f.provider.address, locked ? JOB_COLLATERAL : 0n);
        expect(await f.DisputeManager.slashAmount(id, terms), `job ${id} ${status}`).to.equal(expected);
        return expected;
      };
      // 10,000 staked, four collaterals locked: 50% of everything, and 1,000 + 50% of the other 9,000.
      expect(await expectSlashAmount(open, JobStatus.Open, false)).to.equal(ethers.parseEther("5000"));
      const assigned = await createJob(f, f.client, { workloadId: MATMUL_ID, params });
      await f.JobEscrow.connect(f.provider).acceptJob(assigned, await jobTerms(f, assigned));
      expect(await expectSlashAmount(assigned, JobStatus.Assigned, true)).to.equal(ethers.parseEther("5500"));
      await expectSlashAmount(f.cheatingMatmul.id, JobStatus.Submitted, true);
      const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
      await expectSlashAmount(f.cheatingMatmul.id, JobStatus.Disputed, true);

      await passDeadline(f, id);
      await f.DisputeManager.resolve(id, await jobTerms(f, f.cheatingMatmul.id));
      await expectSlashAmount(f.cheatingMatmul.id, JobStatus.Slashed, false);
      await reach((await readJob(f.JobEscrow, f.honestMatmul.id)).deadline);
      await f.JobEscrow.finalize(f.honestMatmul.id, await jobTerms(f, f.honestMatmul.id));
      await expectSlashAmount(f.honestMatmul.id, JobStatus.Finalized, false);
      await reach((await readJob(f.JobEscrow, assigned)).deadline + 1n);
      await f.JobEscrow.claimTimeout(assigned, await jobTerms(f, assigned));
      await expectSlashAmount(assigned, JobStatus.TimedOut, false);
      await f.JobEscrow.connect(f.client).cancelJob(open, await jobTerms(f, open));
      await expectSlashAmount(open, JobStatus.Cancelled, false);
    });
  });

  describe("stake locked by the provider's other jobs", function () {
    it("is slashed like free stake: locking the rest of its stake in a job of its own shields none of it", async function () {
      const f = await loadFixture(disputesFixture);
      // The provider's accomplice (provider2, as a client) directs a 600 tUSD job at it: the 6,000 WEFT of stake the
      // fixture's four jobs left free are now locked too.
      const shield = await createJob(f, f.provider2, { provider: f.provider.address, payment: 6n * JOB_PAYMENT });
      await f.JobEscrow.connect(f.provider).acceptJob(shield, await jobTerms(f, shield));
      expect(await f.ProviderRegistry.freeStake(f.provider.address)).to.equal(0n);

      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const id = await commitAndWait(f, f.challenger, job, proof);
      expect(await f.DisputeManager.slashAmount(job.id, await jobTerms(f, job.id))).to.equal(ethers.parseEther("5500"));
      const amount = await expectFaultSettlement(f, id, "challenger", () => reveal(f, id, job, proof));
      // As much as without the shield: 1,000 + 50% of the other 9,000. The released 1,000 was the only free stake; the
      // other 4,500 come out of the other jobs' locks and are owed.
      expect(amount).to.equal(ethers.parseEther("5500"));
      const debt = ethers.parseEther("4500");
      const state = await f.ProviderRegistry.providerState(f.provider.address);
      expect([state.staked, state.locked, state.debt]).to.deep.equal([ethers.parseEther("4500"), debt, debt]);

      // The other jobs settle as usual, but their collateral pays the debt back before any of it is freed.
      await reach((await readJob(f.JobEscrow, f.honestMatmul.id)).deadline);
      const tx = f.JobEscrow.finalize(f.honestMatmul.id, await jobTerms(f, f.honestMatmul.id));
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralDebtRepaid")
        .withArgs(f.provider.address, f.honestMatmul.id, JOB_COLLATERAL, debt - JOB_COLLATERAL);
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralUnlocked")
        .withArgs(f.provider.address, f.honestMatmul.id, 0n);
      await expect(tx).to.changeTokenBalances(f.usd, [f.provider], [JOB_PAYMENT - JOB_FEE]);
      expect(await f.ProviderRegistry.freeStake(f.provider.address)).to.equal(0n);
    });
  });

  describe("governance", function () {
    it("sets each parameter, emitting its old and new value, and the views return it", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      const d = f.parameters.disputes;
      await expect(dm.setBond(ethers.parseEther("250")))
        .to.emit(dm, "BondSet")
        .withArgs(d.bond, ethers.parseEther("250"));
      expect(await dm.bond()).to.equal(ethers.parseEther("250"));
      await expect(dm.setResponseWindow(5n * MINUTE))
        .to.emit(dm, "ResponseWindowSet")
        .withArgs(d.responseWindow, 5n * MINUTE);
      expect(await dm.responseWindow()).to.equal(5n * MINUTE);
      await expect(dm.setFollowUpWindow(15n * MINUTE))
        .to.emit(dm, "FollowUpWindowSet")
        .withArgs(d.followUpWindow, 15n * MINUTE);
      expect(await dm.followUpWindow()).to.equal(15n * MINUTE);
      await expect(dm.setArbitrationWindow(30n * MINUTE))
        .to.emit(dm, "ArbitrationWindowSet")
        .withArgs(d.arbitrationWindow, 30n * MINUTE);
      expect(await dm.arbitrationWindow()).to.equal(30n * MINUTE);
      const split = { challengerBps: 6_000n, clientBps: 4_000n, treasuryBps: 0n };
      await expect(dm.setSlashSplit(split))
        .to.emit(dm, "SlashSplitSet")
        .withArgs([5_000n, 3_000n, 2_000n], [6_000n, 4_000n, 0n]);
      expect(await dm.slashSplit()).to.deep.equal([6_000n, 4_000n, 0n]);
      await expect(dm.setStakeShareBps(BPS)).to.emit(dm, "StakeShareSet").withArgs(d.stakeShareBps, BPS);
      expect(await dm.stakeShareBps()).to.equal(BPS);
    });

    it("opens and settles disputes with the new bond, windows, split and share", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      const bond = ethers.parseEther("1");
      await dm.setBond(bond);
      await dm.setResponseWindow(3n * MINUTE);
      await dm.setSlashSplit({ challengerBps: 10_000n, clientBps: 0n, treasuryBps: 0n });
      await dm.setStakeShareBps(BPS);
      const openedAt = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
      await expectDispute(f, id, { bond, deadline: openedAt + 3n * MINUTE, challengerTime: 3n * MINUTE });

      // A 100% share takes all of the provider's stake, the other three jobs' collateral included (as debt).
      const { staked, unbonding } = await f.ProviderRegistry.providerState(f.provider.address);
      const all = staked + unbonding;
      expect(all).to.equal(PROVIDER_STAKE);
      await passDeadline(f, id);
      const sheet = await balanceSheet(f);
      const tx = await f.DisputeManager.resolve(id, await jobTerms(f, f.cheatingMatmul.id));
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(id, f.cheatingMatmul.id, DisputeStatus.ProviderAtFault, all, f.challenger.address);
      await expect(tx)
        .to.emit(f.ProviderRegistry, "CollateralDebtIncurred")
        .withArgs(f.provider.address, f.cheatingMatmul.id, 3n * JOB_COLLATERAL, 3n * JOB_COLLATERAL);
      await expectBalanceChanges(sheet, {
        weft: { challenger: all + bond, registry: -all, disputes: -bond },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
    });

    it("keeps the bond a dispute was opened with when the bond changes meanwhile", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      const bond = (await f.DisputeManager.dispute(id)).bond;
      await f.DisputeManager.connect(f.timelock).setBond(ethers.parseEther("500"));
      const sheet = await balanceSheet(f);
      await f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), false);
      await expectBalanceChanges(sheet, { weft: { provider: bond, disputes: -bond } });
    });

    const BOUNDED = [
      { setter: "setBond", min: ethers.parseEther("1"), max: ethers.parseEther("1000000") },
      { setter: "setResponseWindow", min: MINUTE, max: MAX_WINDOW },
      { setter: "setFollowUpWindow", min: MINUTE, max: MAX_WINDOW },
      { setter: "setArbitrationWindow", min: MINUTE, max: MAX_WINDOW },
      { setter: "setStakeShareBps", min: 0n, max: BPS },
    ] as const;

    for (const { setter, min, max } of BOUNDED) {
      if (min > 0n) {
        it(`reverts ${setter} below its minimum`, async function () {
          const f = await loadFixture(disputesFixture);
          await expect(f.DisputeManager.connect(f.timelock).getFunction(setter)(min - 1n))
            .to.be.revertedWithCustomError(f.DisputeManager, "ParameterOutOfBounds")
            .withArgs(min - 1n, min, max);
        });
      }

      it(`reverts ${setter} above its maximum, up to 2^256 - 1, and accepts its minimum`, async function () {
        const f = await loadFixture(disputesFixture);
        const dm = f.DisputeManager.connect(f.timelock);
        for (const above of [max + 1n, ethers.MaxUint256]) {
          await expect(dm.getFunction(setter)(above))
            .to.be.revertedWithCustomError(dm, "ParameterOutOfBounds")
            .withArgs(above, min, max);
        }
        await dm.getFunction(setter)(min);
        expect(await dm.getFunction(setter.replace(/^set(.)/, (_, c: string) => c.toLowerCase()))()).to.equal(min);
      });
    }

    it("accepts the largest bond and, with a 30-day escrow dispute window, the longest arbitration window", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      await expect(dm.setBond(ethers.parseEther("1000000"))).to.emit(dm, "BondSet");
      await f.ProviderRegistry.connect(f.timelock).setUnbondingPeriod(90n * DAY);
      await f.JobEscrow.connect(f.timelock).setDisputeWindow(MAX_WINDOW);
      await expect(dm.setArbitrationWindow(MAX_WINDOW))
        .to.emit(dm, "ArbitrationWindowSet")
        .withArgs(20n * MINUTE, MAX_WINDOW);
      expect(await dm.maxDisputeDuration()).to.equal(MAX_WINDOW);
    });

    it("reverts a slash split that does not add up to 10,000 bps", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      await expect(dm.setSlashSplit({ challengerBps: 5_000n, clientBps: 3_000n, treasuryBps: 1_999n }))
        .to.be.revertedWithCustomError(dm, "InvalidSlashSplit")
        .withArgs(3n, 3n, 9_999n);
      await expect(dm.setSlashSplit({ challengerBps: 10_000n, clientBps: 1n, treasuryBps: 0n }))
        .to.be.revertedWithCustomError(dm, "InvalidSlashSplit")
        .withArgs(3n, 3n, 10_001n);
    });

    it("reverts a checker registered under a workload it does not decide", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, await f.MandelbrotChecker.getAddress()))
        .to.be.revertedWithCustomError(f.DisputeManager, "CheckerWorkloadMismatch")
        .withArgs(MATMUL_ID, MANDELBROT_ID);
    });

    it("removes a checker, after which the workload's disputes go to arbitration", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const checker = await f.MatmulI8Checker.getAddress();
      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, ethers.ZeroAddress))
        .to.emit(f.DisputeManager, "CheckerSet")
        .withArgs(MATMUL_ID, checker, ethers.ZeroAddress);
      expect(await f.DisputeManager.checker(MATMUL_ID)).to.equal(ethers.ZeroAddress);
      const terms = await jobTerms(f, job.id);
      await expect(f.DisputeManager.connect(f.challenger).commitProof(job.id, terms, ethers.id("c")))
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(MATMUL_ID);
      await expect(f.DisputeManager.connect(f.challenger).disputeWithheld(job.id, terms, job.params))
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(MATMUL_ID);
      await expect(f.DisputeManager.connect(f.challenger).disputeForArbitration(job.id, terms, "ipfs://evidence"))
        .to.emit(f.DisputeManager, "ArbitrationRequested")
        .withArgs(1n, job.id, "ipfs://evidence");

      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, checker))
        .to.emit(f.DisputeManager, "CheckerSet")
        .withArgs(MATMUL_ID, ethers.ZeroAddress, checker);
    });

    it("replaces a workload's checker, emitting the old and the new one", async function () {
      const f = await loadFixture(disputesFixture);
      const checker = await (await ethers.deployContract("MatmulI8Checker")).getAddress();
      const old = await f.MatmulI8Checker.getAddress();
      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, checker))
        .to.emit(f.DisputeManager, "CheckerSet")
        .withArgs(MATMUL_ID, old, checker);
      expect(await f.DisputeManager.checker(MATMUL_ID)).to.equal(checker);
    });

    it("refuses every restricted function to an outsider, and parameters to the arbiter", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      const calls: [string, unknown[]][] = [
        ["arbitrate", [id, await jobTerms(f, f.customJob), true]],
        ["setChecker", [MATMUL_ID, ethers.ZeroAddress]],
        ["setBond", [ethers.parseEther("10")]],
        ["setResponseWindow", [5n * MINUTE]],
        ["setFollowUpWindow", [5n * MINUTE]],
        ["setArbitrationWindow", [5n * MINUTE]],
        ["setSlashSplit", [{ challengerBps: 10_000n, clientBps: 0n, treasuryBps: 0n }]],
        ["setStakeShareBps", [0n]],
      ];
      for (const [name, args] of calls) {
        await expect(f.DisputeManager.connect(f.outsider).getFunction(name)(...args), name)
          .to.be.revertedWithCustomError(f.DisputeManager, "AccessManagedUnauthorized")
          .withArgs(f.outsider.address);
        if (name !== "arbitrate") {
          await expect(f.DisputeManager.connect(f.arbiter).getFunction(name)(...args), name)
            .to.be.revertedWithCustomError(f.DisputeManager, "AccessManagedUnauthorized")
            .withArgs(f.arbiter.address);
        }
      }
    });
  });

  describe("job terms", function () {
    type Call = (terms: Terms) => Promise<unknown>;
    /** A custom error some other check raises before the escrow sees the altered terms. */
    type Refusal = { contract: BaseContract; error: string; args: unknown[] };

    /** For the calls that check a proof: what an altered workload, params hash or root is refused with first. */
    function proofChecks(f: DisputesFixture, altered: Terms): Record<string, Refusal> {
      const job = f.cheatingMatmul;
      return {
        workloadId: { contract: f.DisputeManager, error: "NoCheckerForWorkload", args: [altered.workloadId] },
        paramsHash: {
          contract: f.DisputeManager,
          error: "ParamsMismatch",
          args: [job.id, altered.paramsHash, ethers.keccak256(job.params)],
        },
        inputRoot: {
          contract: f.MatmulI8Checker,
          error: "InputVectorNotInTree",
          args: [altered.inputRoot, 0, WRONG_MATMUL.row],
        },
        resultRoot: {
          contract: f.MatmulI8Checker,
          error: "ResultChunkNotInTree",
          args: [altered.resultRoot, WRONG_CHUNK],
        },
      };
    }

    const ENTRY_POINTS: {
      name: string;
      job: (f: DisputesFixture) => bigint;
      prepare: (f: DisputesFixture) => Promise<Call>;
      refusedFirst?: (f: DisputesFixture, altered: Terms) => Record<string, Refusal>;
    }[] = [
      {
        name: "commitProof",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => (terms) =>
          f.DisputeManager.connect(f.challenger).commitProof(f.cheatingMatmul.id, terms, ethers.id("c")),
        refusedFirst: (f, altered) => ({
          workloadId: { contract: f.DisputeManager, error: "NoCheckerForWorkload", args: [altered.workloadId] },
        }),
      },
      {
        name: "revealProof",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const proof = wrongMatmulProof(f.cheatingMatmul);
          const id = await commitAndWait(f, f.challenger, f.cheatingMatmul, proof);
          return (terms) => f.DisputeManager.revealProof(id, terms, f.cheatingMatmul.params, proof);
        },
        refusedFirst: proofChecks,
      },
      {
        name: "disputeWithheld",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => (terms) =>
          f.DisputeManager.connect(f.challenger).disputeWithheld(f.cheatingMatmul.id, terms, f.cheatingMatmul.params),
        refusedFirst: (f, altered) => {
          const { workloadId, paramsHash } = proofChecks(f, altered);
          return { workloadId, paramsHash };
        },
      },
      {
        name: "disputeForArbitration",
        job: (f) => f.customJob,
        prepare: async (f) => (terms) =>
          f.DisputeManager.connect(f.challenger).disputeForArbitration(f.customJob, terms, "ipfs://evidence"),
      },
      {
        name: "revealChildren",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          const { left, right } = revealedChildren(f.cheatingMatmul.result, 0);
          return (terms) => f.DisputeManager.connect(f.provider).revealChildren(id, terms, left, right);
        },
      },
      {
        name: "revealChunk",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          await revealChildrenOf(f, id, f.cheatingMatmul, 0);
          await chooseChildOf(f, id, f.cheatingMatmul, 0, false);
          const chunk = f.cheatingMatmul.result.chunk(WRONG_CHUNK);
          return (terms) => f.DisputeManager.connect(f.provider).revealChunk(id, terms, chunk);
        },
      },
      {
        name: "proveChunkWrong",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await revealWrongChunk(f);
          const proof = wrongMatmulProof(f.cheatingMatmul);
          return (terms) => f.DisputeManager.proveChunkWrong(id, terms, f.cheatingMatmul.params, proof);
        },
        refusedFirst: proofChecks,
      },
      ...[true, false].map((ruling) => ({
        name: `arbitrate finding ${ruling ? "the provider at fault" : "no fault"}`,
        job: (f: DisputesFixture) => f.customJob,
        prepare: async (f: DisputesFixture) => {
          const id = await openArbitration(f, f.challenger, f.customJob);
          return (terms: Terms) => f.DisputeManager.connect(f.arbiter).arbitrate(id, terms, ruling);
        },
      })),
      {
        name: "resolve on a silent provider",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on a silent challenger",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          await revealChildrenOf(f, id, f.cheatingMatmul, 0);
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on a revealed chunk nobody proved wrong",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await revealWrongChunk(f);
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on an unrevealed commit",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await commitProof(f, f.challenger, f.cheatingMatmul.id, ethers.id("never revealed"));
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on a silent arbiter",
        job: (f) => f.customJob,
        prepare: async (f) => {
          const id = await openArbitration(f, f.challenger, f.customJob);
          await passDeadline(f, id);
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "resolve on a dispute of a slashed job",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => {
          const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
          await proveFraud(f, f.outsider, f.cheatingMatmul, wrongMatmulProof(f.cheatingMatmul));
          return (terms) => f.DisputeManager.resolve(id, terms);
        },
      },
      {
        name: "slashAmount",
        job: (f) => f.cheatingMatmul.id,
        prepare: async (f) => (terms) => f.DisputeManager.slashAmount(f.cheatingMatmul.id, terms),
      },
    ];

    for (const { name, job, prepare, refusedFirst } of ENTRY_POINTS) {
      it(`refuses ${name} with the escrow's JobTermsMismatch when any one field of the terms is not the job's`, async function () {
        const f = await loadFixture(disputesFixture);
        const call = await prepare(f);
        const id = job(f);
        const stored = await readJob(f.JobEscrow, id);
        const storedHash = await f.JobEscrow.hashTerms(committedTerms(stored));
        for (const field of TERM_FIELDS) {
          const altered = withAlteredTerm(stored, field, STRANGER);
          const first = refusedFirst?.(f, altered)[field];
          if (first) {
            await expect(call(altered), `altered ${field}`)
              .to.be.revertedWithCustomError(first.contract, first.error)
              .withArgs(...first.args);
          } else {
            await expect(call(altered), `altered ${field}`)
              .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
              .withArgs(id, storedHash, await f.JobEscrow.hashTerms(altered));
          }
        }
        // The job's own terms go through: the terms, not the state, were what it refused.
        await expect(call(committedTerms(stored))).not.to.be.reverted;
      });
    }

    it("refuses another job's terms for a dispute's moves and settlements", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      // A proof dispute of the honest job, committed to the cheating job's (valid) fraud proof.
      const proof = wrongMatmulProof(job);
      const honest = await commitAndWait(f, f.challenger, f.honestMatmul, proof);
      const own = await jobTerms(f, job.id);
      const other = await jobTerms(f, f.honestMatmul.id);
      const [ownHash, otherHash] = [await f.JobEscrow.hashTerms(own), await f.JobEscrow.hashTerms(other)];

      // The honest job cannot be slashed with the cheating job's terms.
      await expect(f.DisputeManager.revealProof(honest, own, job.params, proof))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.honestMatmul.id, otherHash, ownHash);
      const { left, right } = revealedChildren(job.result, 0);
      await expect(f.DisputeManager.connect(f.provider).revealChildren(id, other, left, right))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(job.id, ownHash, otherHash);
      await passDeadline(f, id);
      await expect(f.DisputeManager.resolve(id, other))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(job.id, ownHash, otherHash);
    });

    it("refuses a challenger's terms naming another client, so the client's refund and slash share cannot be redirected", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const proof = wrongMatmulProof(job);
      const id = await commitAndWait(f, f.challenger, job, proof);
      const terms = await jobTerms(f, job.id);
      const redirected = { ...terms, client: f.challenger.address };
      await expect(f.DisputeManager.connect(f.challenger).revealProof(id, redirected, job.params, proof))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(job.id, await f.JobEscrow.hashTerms(terms), await f.JobEscrow.hashTerms(redirected));
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);
      // Revealed with the job's terms, the refund and the client's share go to the job's client.
      await expectFaultSettlement(f, id, "challenger", () => reveal(f, id, job, proof));
    });
  });
});

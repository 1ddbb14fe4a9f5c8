/** Constants, helpers and expectations shared by the DisputeManager unit tests (test/unit/DisputeManager/*.test.ts). */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { Roles } from "../../../config/roles";
import { revealedChildren } from "../../../src/commitments/bisection";
import { mandelbrotQ, matmulI8 } from "../../../src/workloads/registry";
import { ReentrantERC20__factory } from "../../../typechain-types";
import type { IJobEscrow } from "../../../typechain-types/contracts/market/JobEscrow";
import {
  CUSTOM_WORKLOAD,
  DisputeStatus,
  MATMUL_SHAPE,
  WRONG_MATMUL,
  commitProof,
  disputesFixture,
  matmulFraudProof,
  openWithheld,
  type DisputesFixture,
  type WorkloadJob,
} from "../../fixtures/disputes";
import { BPS, JOB_FEE, JOB_PAYMENT, JobStatus, acceptAndSubmit, createJob, jobTerms } from "../../fixtures/jobs";
import { USD_WEFT_PER_TOKEN } from "../../fixtures/weft";
import {
  expectBalanceChanges,
  snapshotBalances,
  type BalanceSnapshot,
  type BalanceToken,
} from "../../helpers/balances";

export const coder = AbiCoder.defaultAbiCoder();
export const MINUTE = 60n;
export const DAY = 86_400n;
export const MAX_WINDOW = 30n * DAY;
export const MATMUL_ID = matmulI8.id;
export const MANDELBROT_ID = mandelbrotQ.id;
/** The 12 x 20 matmul output has 240 words in two chunks: chunk 0 (node 2) holds words 0..127, chunk 1 (node 1) the rest. */
export const TOTAL_WORDS = MATMUL_SHAPE.m * MATMUL_SHAPE.n;
export const WRONG_CHUNK = 1;
export const WRONG_CHUNK_BYTES = (TOTAL_WORDS - 128) * 4;
/** An address that is none of the fixture's accounts or contracts. */
export const STRANGER = ethers.getAddress("0x000000000000000000000000000000000000dEaD");

export type Terms = IJobEscrow.JobStruct;

// ------------------------------------------------------------------------------------------------ time and blocks

/** The next block's timestamp, pinned so that a test can predict what the contract sees. */
export async function pinNextTimestamp(offset = 1n): Promise<bigint> {
  const t = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** Mines a block at `t` unless the chain is already there. */
export async function reach(t: bigint) {
  if (BigInt(await time.latest()) < t) await time.increaseTo(t);
}

/** Moves the chain to dispute `id`'s current deadline, the first second `resolve` may end it. */
export async function passDeadline(f: DisputesFixture, id: bigint) {
  await reach((await f.DisputeManager.dispute(id)).deadline);
}

/** Sends the transactions `send` makes with automine off, then mines them all in one block. */
export async function inOneBlock<T>(send: () => Promise<T>): Promise<T> {
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
export async function outcomeOf(tx: { hash: string }): Promise<void> {
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
export const QUEUED = { gasLimit: 3_000_000n };

// ------------------------------------------------------------------------------------------------ disputes

/** The fields of IDisputeManager.Dispute, with the types ethers returns. */
export interface DisputeFields {
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
export async function expectDispute(f: DisputesFixture, id: bigint, expected: Partial<DisputeFields>) {
  const d = await f.DisputeManager.dispute(id);
  const actual: Partial<Record<keyof DisputeFields, unknown>> = {};
  for (const key of Object.keys(expected) as (keyof DisputeFields)[]) actual[key] = d[key];
  expect(actual, `dispute ${id}`).to.deep.equal(expected);
}

/** keccak256(left, right) in the order given: what a dispute stores once the provider revealed children. */
export function orderedPair(left: string, right: string): string {
  return ethers.solidityPackedKeccak256(["bytes32", "bytes32"], [left, right]);
}

/** The fraud proof of the cheating matmul job's wrong element. */
export function wrongMatmulProof(job: WorkloadJob): string {
  return matmulFraudProof(job, WRONG_MATMUL.row, WRONG_MATMUL.col);
}

/** Commits `proof` on `job` as `challenger` and mines a block, so that the proof may be revealed. */
export async function commitAndWait(
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
export async function reveal(f: DisputesFixture, id: bigint, job: WorkloadJob, proof: string, sender = f.challenger) {
  return f.DisputeManager.connect(sender).revealProof(id, await jobTerms(f, job.id), job.params, proof);
}

/** The provider reveals the children of `node` from the tree it committed to. */
export async function revealChildrenOf(f: DisputesFixture, id: bigint, job: WorkloadJob, node: number) {
  const { left, right } = revealedChildren(job.result, node);
  return f.DisputeManager.connect(f.provider).revealChildren(id, await jobTerms(f, job.id), left, right);
}

/** The challenger names child `right ? 2 : 1` of `node`, whose children the provider revealed from its tree. */
export async function chooseChildOf(f: DisputesFixture, id: bigint, job: WorkloadJob, node: number, right: boolean) {
  const revealed = revealedChildren(job.result, node);
  return f.DisputeManager.connect(f.challenger).chooseChild(id, revealed.left, revealed.right, right);
}

/** The provider reveals chunk `chunkIndex` of the output it committed to. */
export async function revealChunkOf(f: DisputesFixture, id: bigint, job: WorkloadJob, chunkIndex: number) {
  return f.DisputeManager.connect(f.provider).revealChunk(id, await jobTerms(f, job.id), job.result.chunk(chunkIndex));
}

/** Opens a withheld-data dispute on the cheating 12 x 20 matmul job and plays it to the revealed wrong chunk. */
export async function revealWrongChunk(f: DisputesFixture): Promise<bigint> {
  const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
  await revealChildrenOf(f, id, f.cheatingMatmul, 0);
  await chooseChildOf(f, id, f.cheatingMatmul, 0, false);
  await revealChunkOf(f, id, f.cheatingMatmul, WRONG_CHUNK);
  return id;
}

/** Proves the cheating matmul job's wrong element in the chunk revealed in dispute `id`, sent by `sender`. */
export async function proveWrongChunk(f: DisputesFixture, id: bigint, sender = f.outsider) {
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
export type Holder =
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
export async function balanceSheet(f: DisputesFixture): Promise<BalanceSnapshot<"weft" | "usd", Holder>> {
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
export async function expectedSlash(f: DisputesFixture, terms: Terms): Promise<bigint> {
  return expectedSlashOf(f, terms.provider.toString(), BigInt(terms.collateral));
}

/** What slashing `provider` for a job with `collateral` still locked must take now, at the governed stake share. */
export async function expectedSlashOf(f: DisputesFixture, provider: string, collateral: bigint): Promise<bigint> {
  const { staked, unbonding, debt } = await f.ProviderRegistry.providerState(provider);
  const backing = collateral - (debt < collateral ? debt : collateral);
  return backing + ((staked + unbonding - backing) * (await f.DisputeManager.stakeShareBps())) / BPS;
}

/** The local 50/30/20 split of `taken` between challenger, client and treasury (the treasury gets the rest). */
export function splitOf(taken: bigint): [bigint, bigint, bigint] {
  const challenger = (taken * 5_000n) / BPS;
  const client = (taken * 3_000n) / BPS;
  return [challenger, client, taken - challenger - client];
}

/**
 * Sends `send` and checks that it settled dispute `disputeId` at fault: the client refunded in full, the slash of
 * collateral plus half the provider's other stake split 50/30/20 with the share of `challenger` (the dispute's
 * challenger, whoever sent the transaction), its bond back to it, nobody else paid, the provider jailed and its slash
 * counted. `paidIn` is the job's payment token when it is not tUSD. Returns the amount slashed.
 */
export async function expectFaultSettlement(
  f: DisputesFixture,
  disputeId: bigint,
  challenger: Holder,
  send: () => Promise<ContractTransactionResponse>,
  paidIn?: BalanceToken,
): Promise<bigint> {
  const { jobId, bond } = await f.DisputeManager.dispute(disputeId);
  const terms = await jobTerms(f, jobId);
  const amount = await expectedSlash(f, terms);
  expect(await f.DisputeManager.slashAmount(jobId, terms)).to.equal(amount);
  const open = await f.DisputeManager.openDisputes(jobId);
  const before = await f.ProviderRegistry.providerState(f.provider.address);
  // The job's payment token, tUSD unless given: the refund moves it, and tUSD not at all when it is another.
  const { holders } = await balanceSheet(f);
  const sheet = await snapshotBalances({ weft: f.ComputeToken, usd: f.usd, paid: paidIn ?? f.usd }, holders);
  const [toChallenger, toClient, toTreasury] = splitOf(amount);

  const tx = await send();
  await expect(tx)
    .to.emit(f.DisputeManager, "DisputeSettled")
    .withArgs(disputeId, jobId, DisputeStatus.ProviderAtFault, amount, holders[challenger]);
  await expect(tx).to.emit(f.JobEscrow, "DisputeResolved").withArgs(jobId, true, JOB_PAYMENT);
  await expect(tx).to.emit(f.ProviderRegistry, "Slashed").withArgs(f.provider.address, jobId, amount, amount);
  const weft: Partial<Record<Holder, bigint>> = {
    client: toClient,
    treasury: toTreasury,
    registry: -amount,
    disputes: -bond,
  };
  weft[challenger] = (weft[challenger] ?? 0n) + bond + toChallenger;
  const refund = { client: JOB_PAYMENT, escrow: -JOB_PAYMENT };
  await expectBalanceChanges(sheet, { weft, paid: refund, usd: paidIn === undefined ? refund : {} });

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
export async function expectNoFaultSettlement(
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
export async function expectMootSettlement(
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
export async function expectNormalFinalize(f: DisputesFixture, jobId: bigint) {
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

// ------------------------------------------------------------------------------------------------ re-entrant payment

/**
 * {@link disputesFixture} plus a ReentrantERC20 allowed as payment (valued like tUSD, one WEFT per token) and two
 * Submitted jobs of `provider` paid in it, inside their challenge windows: `reentrantMatmul`, the cheating 12 x 20
 * matmul-i8 job's data (inputs, wrong output) under a new job id, and `reentrantCustomJob`, a job of the workload
 * without a checker. A fault on either refunds the client in the token, whose transfer hook then calls whatever it
 * is armed with. The token holds ARBITER, so that a re-entry into `arbitrate` meets the reentrancy guard and not the
 * permission check.
 */
export async function reentrantDisputesFixture() {
  const f = await loadFixture(disputesFixture);
  const token = await new ReentrantERC20__factory(f.deployer).deploy();
  const paymentToken = await token.getAddress();
  await f.JobEscrow.connect(f.timelock).setPaymentToken(paymentToken, true, 0n, USD_WEFT_PER_TOKEN);
  await f.AccessManager.connect(f.timelock).grantRole(Roles.ARBITER, paymentToken, 0);
  await token.mint(f.client.address, 10n * JOB_PAYMENT);

  const cheating = await jobTerms(f, f.cheatingMatmul.id);
  const matmulId = await createJob(f, f.client, {
    workloadId: cheating.workloadId,
    params: f.cheatingMatmul.params,
    inputRoot: cheating.inputRoot,
    paymentToken,
  });
  await acceptAndSubmit(f, matmulId, f.provider, f.cheatingMatmul.result.root);
  const custom = await jobTerms(f, f.customJob);
  // The custom job's params as disputesFixture submits them.
  const customId = await createJob(f, f.client, {
    workloadId: CUSTOM_WORKLOAD,
    params: "0x1234",
    inputRoot: custom.inputRoot,
    paymentToken,
  });
  await acceptAndSubmit(f, customId, f.provider, custom.resultRoot.toString());
  const reentrantMatmul: WorkloadJob = { ...f.cheatingMatmul, id: matmulId };
  return { ...f, token, reentrantMatmul, reentrantCustomJob: customId };
}

export type ReentrantDisputesFixture = Awaited<ReturnType<typeof reentrantDisputesFixture>>;

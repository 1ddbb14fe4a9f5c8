/**
 * The attack catalogue (test/security/Attacks/*.test.ts, one file per family of attacks): one describe per attack. Each
 * test asserts how the attack fails and that no funds moved (every balance of the parties and of the escrow, registry,
 * DisputeManager and treasury unchanged), or, where the "attack" is a legitimate action that ends badly for the
 * attacker, exactly the movement the protocol intends. The dispute attacks are judged against the adversary model of
 * the design (a cheating provider with any number of other addresses, watching the mempool, front-running, opening
 * disputes first, revealing selectively, arranging its stake): each writes out the attacker's strategy, asserts every
 * WEFT and tUSD balance and the provider's registry stake before and after, and that the attacker ends with less than
 * it started. A test marked `it.skip` is an attack that still works: it asserts what the design asks, fails today, and
 * the comment above it says why.
 *
 * This module holds what the files share: balance sheets, proof editing and the fixtures of several attacks.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, type AddressLike, type BaseContract, type ContractTransactionReceipt, type Signer } from "ethers";

import { LOCAL_PARAMETERS } from "../../../config/parameters";
import { advanceTo } from "../../../src/chain/clock";
import { parameterChange } from "../../../src/dao/governedParameters";
import { propose } from "../../../src/dao/governor";
import { MATMUL_FRAUD_PROOF } from "../../../src/disputes/proofs";
import { ReentrantERC20__factory } from "../../../typechain-types";
import type { IJobEscrow } from "../../../typechain-types/contracts/market/JobEscrow";
import {
  WRONG_MATMUL,
  disputesFixture,
  matmulFraudProof,
  openedDisputeId,
  proveFraud,
  type DisputesFixture,
  type WorkloadJob,
} from "../../fixtures/disputes";
import {
  BPS,
  JOB_COLLATERAL,
  JOB_PAYMENT,
  PROVIDER_STAKE,
  createJob,
  jobTerms,
  type JobsFixture,
  acceptAndSubmit,
} from "../../fixtures/jobs";
import { stakeColumn } from "../../fixtures/attackers";
import { type WeftFixture } from "../../fixtures/weft";
import { snapshotBalances, type BalanceSnapshot, type BalanceToken } from "../../helpers/balances";

export const coder = AbiCoder.defaultAbiCoder();
/** The test tokens below have 18 decimals and are valued one WEFT each, as the fixture's tUSD. */
export const ONE_WEFT_PER_TOKEN = ethers.parseEther("1");
export const { bond: BOND, slashSplit: SLASH_SPLIT, stakeShareBps: STAKE_SHARE_BPS } = LOCAL_PARAMETERS.disputes;
/** What a provider that misses a JOB_PAYMENT job's deadline forfeits to the client. */
export const JOB_PENALTY = (JOB_COLLATERAL * LOCAL_PARAMETERS.escrow.livenessPenaltyBps) / BPS;
/** Four jobs of JOB_PAYMENT are Submitted in the disputes fixture, each locking JOB_COLLATERAL. */
export const DISPUTES_FIXTURE_FREE_STAKE = PROVIDER_STAKE - 4n * JOB_COLLATERAL;
/**
 * What a proven fault on one of the disputes fixture's jobs slashes: its collateral plus the stake share of all the
 * provider's other stake, free, unbonding or locked by its other jobs alike (so however the provider arranged it).
 */
export const SLASH_OF_A_FIXTURE_JOB = JOB_COLLATERAL + ((PROVIDER_STAKE - JOB_COLLATERAL) * STAKE_SHARE_BPS) / BPS;
/** The chunk of the matmul result holding WRONG_MATMUL (words 128..239, the short last chunk). */
export const WRONG_CHUNK = 1n;

// ================================================================ balance sheets

export type ProtocolHolder = "escrow" | "registry" | "disputes" | "treasury";

/** Balances of `parties` and of every contract that holds funds (and the treasury) in `tokens`. */
export function balancesOf<T extends string, H extends string>(
  f: WeftFixture,
  tokens: Record<T, BalanceToken>,
  parties: Record<H, AddressLike>,
): Promise<BalanceSnapshot<T, H | ProtocolHolder>> {
  const protocol: Record<ProtocolHolder, AddressLike> = {
    escrow: f.JobEscrow,
    registry: f.ProviderRegistry,
    disputes: f.DisputeManager,
    treasury: f.timelock,
  };
  return snapshotBalances<T, H | ProtocolHolder>(tokens, { ...parties, ...protocol });
}

/** The two tokens every job and dispute moves: the tUSD payment token and WEFT (stake, bonds, slashes, rewards). */
export function coreTokens(f: WeftFixture) {
  return { usd: f.usd, weft: f.ComputeToken };
}

/** A slash of `taken` WEFT split as the local parameters say; the registry pays the rounding dust to the treasury. */
export function splitOfSlash(taken: bigint) {
  const challenger = (taken * SLASH_SPLIT.challengerBps) / BPS;
  const client = (taken * SLASH_SPLIT.clientBps) / BPS;
  return { challenger, client, treasury: taken - challenger - client };
}

/** The fields of MatmulI8Checker.FraudProof, decoded. */
export interface MatmulProofFields {
  row: bigint;
  col: bigint;
  rowOfA: string;
  rowProof: string[];
  columnOfB: string;
  columnProof: string[];
  resultChunk: string;
  resultChunkProof: string[];
}

/** The matmul-i8 fraud proof `proof` with the fields that `edit` returns replaced. */
export function editMatmulProof(
  proof: string,
  edit: (fields: MatmulProofFields) => Partial<MatmulProofFields>,
): string {
  const [d] = coder.decode([MATMUL_FRAUD_PROOF], proof);
  const fields: MatmulProofFields = {
    row: d.row,
    col: d.col,
    rowOfA: d.rowOfA,
    rowProof: [...d.rowProof],
    columnOfB: d.columnOfB,
    columnProof: [...d.columnProof],
    resultChunk: d.resultChunk,
    resultChunkProof: [...d.resultChunkProof],
  };
  return coder.encode([MATMUL_FRAUD_PROOF], [{ ...fields, ...edit(fields) }]);
}

/** The valid fraud proof of the cheating matmul job's wrong element. */
export function wrongElementProof(job: WorkloadJob): string {
  return matmulFraudProof(job, WRONG_MATMUL.row, WRONG_MATMUL.col);
}

/**
 * Sends `call` with job `id`'s true `terms` changed by `forgery` and expects the escrow to refuse them: the stored
 * commitment is the hash of the true terms, the given one that of the forged.
 */
export async function expectTermsMismatch(
  f: WeftFixture,
  id: bigint,
  terms: IJobEscrow.JobStruct,
  forgery: Partial<IJobEscrow.JobStruct>,
  call: (forged: IJobEscrow.JobStruct) => Promise<unknown>,
) {
  const forged = { ...terms, ...forgery };
  const [stored, given] = [await f.JobEscrow.hashTerms(terms), await f.JobEscrow.hashTerms(forged)];
  expect(given, "the forgery changes no term").to.not.equal(stored);
  await expect(call(forged)).to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch").withArgs(id, stored, given);
}

// ================================================================ fixtures

/**
 * Jobs paid in a ReentrantERC20 the DAO allow-listed: the outsider's Open job (another client's money in the escrow),
 * and the client's Open job and Submitted job (accepted by `provider`).
 */
export async function withReentrantToken(f: JobsFixture) {
  const token = await new ReentrantERC20__factory(f.deployer).deploy();
  const paymentToken = await token.getAddress();
  await f.JobEscrow.connect(f.timelock).setPaymentToken(paymentToken, true, 0n, ONE_WEFT_PER_TOKEN);
  for (const account of [f.client, f.outsider]) await token.mint(account.address, 2n * JOB_PAYMENT);
  const othersJob = await createJob(f, f.outsider, { paymentToken });
  const openJob = await createJob(f, f.client, { paymentToken });
  const submittedJob = await createJob(f, f.client, { paymentToken });
  await acceptAndSubmit(f, submittedJob);
  return { ...f, token, othersJob, openJob, submittedJob };
}

/**
 * The disputes fixture (its jobs inside their challenge windows), with the deployer and the client delegated to
 * themselves and two proposals of the deployer pending. One fixture for every test from the disputes on: loading an
 * earlier fixture discards the snapshots of later ones, so alternating fixtures would redeploy each time.
 */
export async function disputesAndProposalsFixture() {
  const f = await disputesFixture();
  for (const voter of [f.deployer, f.client]) await f.ComputeToken.connect(voter).delegate(voter.address);
  await mine();
  const action = await parameterChange(f, "protocolFeeBps=250");
  const first = await propose(f.ComputeGovernor, f.deployer, [action], "Lower the protocol fee to 2.5%");
  const second = await propose(f.ComputeGovernor, f.deployer, [action], "Lower the protocol fee to 2.5%, again");
  return { ...f, proposals: [first.id, second.id] as const };
}

export type World = Awaited<ReturnType<typeof disputesAndProposalsFixture>>;

/** Moves time past the snapshots of the proposals `ids`: voting on all of them is open. */
export async function openVoting(f: World, ...ids: bigint[]) {
  let start = 0n;
  for (const id of ids) {
    const snapshot = await f.ComputeGovernor.proposalSnapshot(id);
    if (snapshot > start) start = snapshot;
  }
  await advanceTo(hre, start + 1n);
}

/** What the provider has unbonding when the guardian pauses. */
export const PAUSE_UNBOND = ethers.parseEther("1000");

/**
 * One of every exit a pause must leave open, besides the fixture's Submitted jobs and its open challenge windows: an
 * Open job, an Assigned job, an unbonding entry and an arbitration; then the guardian pauses the escrow.
 */
export async function pauseWithExitsPending(f: DisputesFixture) {
  const openJob = await createJob(f, f.client);
  const assignedJob = await createJob(f, f.client);
  await f.JobEscrow.connect(f.provider).acceptJob(assignedJob, await jobTerms(f, assignedJob));
  await f.ProviderRegistry.connect(f.provider).requestUnbond(PAUSE_UNBOND);
  const arbitration = await openedDisputeId(
    f,
    f.DisputeManager.connect(f.challenger).disputeForArbitration(
      f.customJob,
      await jobTerms(f, f.customJob),
      "ipfs://evidence",
    ),
  );
  await f.JobEscrow.connect(f.guardian).pause();
  return { ...f, openJob, assignedJob, arbitration };
}

/** Sends transactions with automine off, then mines them all in one block, ordered by the node as a miner would. */
export async function mineTogether<T>(send: () => Promise<T>): Promise<T> {
  await hre.network.provider.send("evm_setAutomine", [false]);
  try {
    const sent = await send();
    await mine();
    return sent;
  } finally {
    await hre.network.provider.send("evm_setAutomine", [true]);
  }
}

/** The revert data of a mined, failed transaction, from the node's trace of it. */
export async function revertDataOf(txHash: string): Promise<string> {
  const trace: { failed: boolean; returnValue: string } = await hre.network.provider.send("debug_traceTransaction", [
    txHash,
    { disableMemory: true, disableStack: true, disableStorage: true },
  ]);
  expect(trace.failed, `${txHash} did not fail`).to.equal(true);
  return ethers.hexlify(trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`);
}

/**
 * Proves the cheating matmul job's wrong element as `challenger` (commit, a block, reveal) and returns what the
 * settlement slashed (read before it).
 */
export async function proveWrongElement(f: DisputesFixture, challenger: Signer = f.challenger) {
  const job = f.cheatingMatmul;
  const taken = await f.DisputeManager.slashAmount(job.id, await jobTerms(f, job.id));
  await proveFraud(f, challenger, job, wrongElementProof(job));
  return taken;
}

/**
 * The balance sheet of a dispute attack: WEFT and tUSD of the parties and of every contract holding funds (and the
 * treasury), and each party's stake in the registry (so a slash shows as the provider's stake going down).
 */
export function disputeSheet<H extends string>(f: WeftFixture, parties: Record<H, AddressLike>) {
  return balancesOf(f, { weft: f.ComputeToken, stake: stakeColumn(f), usd: f.usd }, parties);
}

/** When job `id`'s result was submitted (its ResultSubmitted event's block). */
export async function submittedAt(f: WeftFixture, id: bigint): Promise<bigint> {
  const [event] = await f.JobEscrow.queryFilter(f.JobEscrow.filters.ResultSubmitted(id));
  return BigInt((await event.getBlock()).timestamp);
}

/**
 * The latest a job submitted at `submitted` can still be unsettled: submission + challengeWindow +
 * maxDisputeDuration, both read from the contracts.
 */
export async function settlementBound(f: WeftFixture, submitted: bigint): Promise<bigint> {
  return submitted + (await f.JobEscrow.challengeWindow()) + (await f.DisputeManager.maxDisputeDuration());
}

/** The timestamp of the block that mined `tx`. */
export async function minedAt(tx: { wait(): Promise<ContractTransactionReceipt | null> }): Promise<bigint> {
  const receipt = await tx.wait();
  return BigInt((await receipt!.getBlock()).timestamp);
}

/**
 * Transaction fields for transactions sent with automine off: a fixed gas limit (estimating against the pending
 * block would see the transactions queued before) and `tip` as the priority fee, which orders a block.
 */
export function withTip(tip: string) {
  return {
    gasLimit: 3_000_000n,
    maxFeePerGas: ethers.parseUnits("100", "gwei"),
    maxPriorityFeePerGas: ethers.parseUnits(tip, "gwei"),
  };
}

/** The custom error a mined, failed transaction reverted with, decoded with `contract`'s ABI. */
export async function revertOf(contract: BaseContract, txHash: string) {
  const parsed = contract.interface.parseError(await revertDataOf(txHash));
  return { name: parsed?.name, args: parsed?.args.toArray() };
}

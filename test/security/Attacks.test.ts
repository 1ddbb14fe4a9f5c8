/**
 * The attack catalogue: one describe per attack. Each test asserts how the attack fails and that no funds moved
 * (every balance of the parties and of the escrow, registry, DisputeManager and treasury unchanged), or, where the
 * "attack" is a legitimate action that ends badly for the attacker, exactly the movement the protocol intends. The
 * dispute attacks are judged against the adversary model of the design (a cheating provider with any number of other
 * addresses, watching the mempool, front-running, opening disputes first, revealing selectively, arranging its
 * stake): each writes out the attacker's strategy, asserts every WEFT and tUSD balance and the provider's registry
 * stake before and after, and that the attacker ends with less than it started. A test marked `it.skip` is an attack
 * that still works: it asserts what the design asks, fails today, and the comment above it says why.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { AbiCoder, type AddressLike, type BaseContract, type ContractTransactionReceipt, type Signer } from "ethers";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { advanceTo } from "../../src/chain/clock";
import { ResultTree } from "../../src/commitments/result-tree";
import { parameterChange } from "../../src/dao/governedParameters";
import { propose, relayVote, signBallot, VOTE_SUPPORT } from "../../src/dao/governor";
import { MANDELBROT_FRAUD_PROOF, MATMUL_FRAUD_PROOF, proofCommitment } from "../../src/disputes/proofs";
import {
  FalseReturningERC20__factory,
  FeeOnTransferERC20__factory,
  ReentrantERC20__factory,
} from "../../typechain-types";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import {
  DisputeStatus,
  MATMUL_SHAPE,
  WRONG_MATMUL,
  WRONG_PIXEL,
  commitProof,
  disputesFixture,
  mandelbrotFraudProof,
  matmulFraudProof,
  openedDisputeId,
  proveFraud,
  wordAt,
  type DisputesFixture,
  type WorkloadJob,
} from "../fixtures/disputes";
import {
  BPS,
  JOB_COLLATERAL,
  JOB_FEE,
  JOB_DURATION,
  JOB_PAYMENT,
  JobStatus,
  PROVIDER_STAKE,
  RESULT_ROOT,
  RESULT_URI,
  createJob,
  jobRequest,
  jobTerms,
  jobsFixture,
  registerAndStake,
  type JobsFixture,
  acceptAndSubmit,
} from "../fixtures/jobs";
import { NO_TERMS } from "../fixtures/terms";
import {
  alwaysLeft,
  leafNodeOf,
  openGame,
  passDeadline,
  play,
  playSlowest,
  playToLeaf,
  spareAccounts,
  stakeColumn,
  submitCorruptedJob,
  towardCorrectChild,
  towardWrongChild,
  weftHeldBy,
  withZeroChunk,
  wrongWordProof,
  type Game,
} from "../fixtures/attackers";
import { finalizeJobs, startNextEpoch } from "../fixtures/rewards";
import { STARTING_WEFT, type WeftFixture } from "../fixtures/weft";
import {
  expectBalanceChanges,
  expectBalancesUnchanged,
  snapshotBalances,
  type BalanceSnapshot,
  type BalanceToken,
} from "../helpers/balances";
import { signPermit } from "../helpers/permit";
import { readJob } from "../../src/chain/jobs";
import { resultChunkLeafHash } from "../../src/commitments/leaves";
import { uniformStream as seededRandom } from "../../src/workloads/prng";
import { matmulI8 } from "../../src/workloads/registry";

const coder = AbiCoder.defaultAbiCoder();
/** The test tokens below have 18 decimals and are valued one WEFT each, as the fixture's tUSD. */
const ONE_WEFT_PER_TOKEN = ethers.parseEther("1");
const { bond: BOND, slashSplit: SLASH_SPLIT, stakeShareBps: STAKE_SHARE_BPS } = LOCAL_PARAMETERS.disputes;
/** What a provider that misses a JOB_PAYMENT job's deadline forfeits to the client. */
const JOB_PENALTY = (JOB_COLLATERAL * LOCAL_PARAMETERS.escrow.livenessPenaltyBps) / BPS;
/** Four jobs of JOB_PAYMENT are Submitted in the disputes fixture, each locking JOB_COLLATERAL. */
const DISPUTES_FIXTURE_FREE_STAKE = PROVIDER_STAKE - 4n * JOB_COLLATERAL;
/**
 * What a proven fault on one of the disputes fixture's jobs slashes: its collateral plus the stake share of all the
 * provider's other stake, free, unbonding or locked by its other jobs alike (so however the provider arranged it).
 */
const SLASH_OF_A_FIXTURE_JOB = JOB_COLLATERAL + ((PROVIDER_STAKE - JOB_COLLATERAL) * STAKE_SHARE_BPS) / BPS;
/** The chunk of the matmul result holding WRONG_MATMUL (words 128..239, the short last chunk). */
const WRONG_CHUNK = 1n;

// ================================================================ balance sheets

type ProtocolHolder = "escrow" | "registry" | "disputes" | "treasury";

/** Balances of `parties` and of every contract that holds funds (and the treasury) in `tokens`. */
function balancesOf<T extends string, H extends string>(
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
function coreTokens(f: WeftFixture) {
  return { usd: f.usd, weft: f.ComputeToken };
}

/** A slash of `taken` WEFT split as the local parameters say; the registry pays the rounding dust to the treasury. */
function splitOfSlash(taken: bigint) {
  const challenger = (taken * SLASH_SPLIT.challengerBps) / BPS;
  const client = (taken * SLASH_SPLIT.clientBps) / BPS;
  return { challenger, client, treasury: taken - challenger - client };
}

/** The fields of MatmulI8Checker.FraudProof, decoded. */
interface MatmulProofFields {
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
function editMatmulProof(proof: string, edit: (fields: MatmulProofFields) => Partial<MatmulProofFields>): string {
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
function wrongElementProof(job: WorkloadJob): string {
  return matmulFraudProof(job, WRONG_MATMUL.row, WRONG_MATMUL.col);
}

/**
 * Sends `call` with job `id`'s true `terms` changed by `forgery` and expects the escrow to refuse them: the stored
 * commitment is the hash of the true terms, the given one that of the forged.
 */
async function expectTermsMismatch(
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
async function withReentrantToken(f: JobsFixture) {
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
async function disputesAndProposalsFixture() {
  const f = await disputesFixture();
  for (const voter of [f.deployer, f.client]) await f.ComputeToken.connect(voter).delegate(voter.address);
  await mine();
  const action = await parameterChange(f, "protocolFeeBps=250");
  const first = await propose(f.ComputeGovernor, f.deployer, [action], "Lower the protocol fee to 2.5%");
  const second = await propose(f.ComputeGovernor, f.deployer, [action], "Lower the protocol fee to 2.5%, again");
  return { ...f, proposals: [first.id, second.id] as const };
}

type World = Awaited<ReturnType<typeof disputesAndProposalsFixture>>;

/** Moves time past the snapshots of the proposals `ids`: voting on all of them is open. */
async function openVoting(f: World, ...ids: bigint[]) {
  let start = 0n;
  for (const id of ids) {
    const snapshot = await f.ComputeGovernor.proposalSnapshot(id);
    if (snapshot > start) start = snapshot;
  }
  await advanceTo(hre, start + 1n);
}

/** What the provider has unbonding when the guardian pauses. */
const PAUSE_UNBOND = ethers.parseEther("1000");

/**
 * One of every exit a pause must leave open, besides the fixture's Submitted jobs and its open challenge windows: an
 * Open job, an Assigned job, an unbonding entry and an arbitration; then the guardian pauses the escrow.
 */
async function pauseWithExitsPending(f: DisputesFixture) {
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
async function mineTogether<T>(send: () => Promise<T>): Promise<T> {
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
async function revertDataOf(txHash: string): Promise<string> {
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
async function proveWrongElement(f: DisputesFixture, challenger: Signer = f.challenger) {
  const job = f.cheatingMatmul;
  const taken = await f.DisputeManager.slashAmount(job.id, await jobTerms(f, job.id));
  await proveFraud(f, challenger, job, wrongElementProof(job));
  return taken;
}

/**
 * The balance sheet of a dispute attack: WEFT and tUSD of the parties and of every contract holding funds (and the
 * treasury), and each party's stake in the registry (so a slash shows as the provider's stake going down).
 */
function disputeSheet<H extends string>(f: WeftFixture, parties: Record<H, AddressLike>) {
  return balancesOf(f, { weft: f.ComputeToken, stake: stakeColumn(f), usd: f.usd }, parties);
}

/** When job `id`'s result was submitted (its ResultSubmitted event's block). */
async function submittedAt(f: WeftFixture, id: bigint): Promise<bigint> {
  const [event] = await f.JobEscrow.queryFilter(f.JobEscrow.filters.ResultSubmitted(id));
  return BigInt((await event.getBlock()).timestamp);
}

/**
 * The latest a job submitted at `submitted` can still be unsettled: submission + challengeWindow +
 * maxDisputeDuration, both read from the contracts.
 */
async function settlementBound(f: WeftFixture, submitted: bigint): Promise<bigint> {
  return submitted + (await f.JobEscrow.challengeWindow()) + (await f.DisputeManager.maxDisputeDuration());
}

/** The timestamp of the block that mined `tx`. */
async function minedAt(tx: { wait(): Promise<ContractTransactionReceipt | null> }): Promise<bigint> {
  const receipt = await tx.wait();
  return BigInt((await receipt!.getBlock()).timestamp);
}

/**
 * Transaction fields for transactions sent with automine off: a fixed gas limit (estimating against the pending
 * block would see the transactions queued before) and `tip` as the priority fee, which orders a block.
 */
function withTip(tip: string) {
  return {
    gasLimit: 3_000_000n,
    maxFeePerGas: ethers.parseUnits("100", "gwei"),
    maxPriorityFeePerGas: ethers.parseUnits(tip, "gwei"),
  };
}

/** The custom error a mined, failed transaction reverted with, decoded with `contract`'s ABI. */
async function revertOf(contract: BaseContract, txHash: string) {
  const parsed = contract.interface.parseError(await revertDataOf(txHash));
  return { name: parsed?.name, args: parsed?.args.toArray() };
}

describe("Attacks", function () {
  describe("reentrant payment token", function () {
    // A hostile payment token calls back into the escrow while being paid out, to settle the same job a second time
    // and so pay out other clients' money held in the same token. Every settlement path is nonReentrant and moves the
    // job to its final status before any transfer, so the re-entry reverts and each payment leaves exactly once.
    const reentryError = (f: WeftFixture) => f.JobEscrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall");

    it("pays the provider once when the payout re-enters finalize; other clients' payments stay in escrow", async function () {
      const f = await withReentrantToken(await loadFixture(jobsFixture));
      const terms = await jobTerms(f, f.submittedJob);
      await time.increaseTo(terms.deadline);
      // The re-entry brings the job's true terms: only the reentrancy guard stands in its way.
      await f.token.arm(f.JobEscrow, f.JobEscrow.interface.encodeFunctionData("finalize", [f.submittedJob, terms]));
      const parties = { provider: f.provider, client: f.client, otherClient: f.outsider };
      const before = await balancesOf(f, { token: f.token, ...coreTokens(f) }, parties);

      await f.JobEscrow.finalize(f.submittedJob, terms);
      expect(await f.token.lastReentrySucceeded()).to.equal(false);
      expect(await f.token.lastReentryError()).to.equal(reentryError(f));
      await expectBalanceChanges(before, {
        token: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
      // The two Open jobs are still fully backed.
      expect(await f.token.balanceOf(f.JobEscrow)).to.equal(2n * JOB_PAYMENT);
    });

    it("refunds the client once when the refund re-enters cancelJob", async function () {
      const f = await withReentrantToken(await loadFixture(jobsFixture));
      const terms = await jobTerms(f, f.openJob);
      await f.token.arm(f.JobEscrow, f.JobEscrow.interface.encodeFunctionData("cancelJob", [f.openJob, terms]));
      const before = await balancesOf(f, { token: f.token }, { client: f.client, otherClient: f.outsider });

      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, terms);
      expect(await f.token.lastReentrySucceeded()).to.equal(false);
      expect(await f.token.lastReentryError()).to.equal(reentryError(f));
      await expectBalanceChanges(before, { token: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT } });
      expect((await readJob(f.JobEscrow, f.othersJob)).status).to.equal(JobStatus.Open);
    });
  });

  describe("fee-on-transfer token", function () {
    // A client pays with a token that burns 1% in transit, so that the escrow would record a payment it never
    // received and pay the provider partly out of other clients' money. The escrow measures what arrived and reverts
    // the whole creation when it falls short.
    it("refuses a job whose payment arrives short, keeping neither tokens nor a job", async function () {
      const f = await loadFixture(jobsFixture);
      const fot = await new FeeOnTransferERC20__factory(f.deployer).deploy();
      const paymentToken = await fot.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(paymentToken, true, 0n, ONE_WEFT_PER_TOKEN);
      await fot.mint(f.client.address, JOB_PAYMENT);
      await fot.connect(f.client).approve(f.JobEscrow, JOB_PAYMENT);
      const jobCount = await f.JobEscrow.jobCount();
      const before = await balancesOf(f, { fot, ...coreTokens(f) }, { client: f.client, provider: f.provider });

      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { paymentToken })))
        .to.be.revertedWithCustomError(f.JobEscrow, "FeeOnTransferNotSupported")
        .withArgs(paymentToken, JOB_PAYMENT, JOB_PAYMENT - JOB_PAYMENT / 100n);
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobCount()).to.equal(jobCount);
    });
  });

  describe("token returning false", function () {
    // A token that returns false instead of reverting would let an unchecked transfer "succeed" without moving
    // anything: a job created unpaid, or a job marked paid while the provider got nothing. SafeERC20 turns the false
    // into a revert, which undoes the whole step.
    async function withFalseToken(f: JobsFixture) {
      const token = await new FalseReturningERC20__factory(f.deployer).deploy();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(token, true, 0n, ONE_WEFT_PER_TOKEN);
      await token.mint(f.client.address, 2n * JOB_PAYMENT);
      return { ...f, token, paymentToken: await token.getAddress() };
    }

    it("refuses a job whose payment transfer returns false", async function () {
      const f = await withFalseToken(await loadFixture(jobsFixture));
      await f.token.connect(f.client).approve(f.JobEscrow, JOB_PAYMENT);
      await f.token.setFailing(true);
      const jobCount = await f.JobEscrow.jobCount();
      const before = await balancesOf(f, { token: f.token }, { client: f.client });

      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { paymentToken: f.paymentToken })))
        .to.be.revertedWithCustomError(f.JobEscrow, "SafeERC20FailedOperation")
        .withArgs(f.paymentToken);
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobCount()).to.equal(jobCount);
    });

    it("keeps a job Submitted and its collateral locked while its payout returns false, and pays it once it works", async function () {
      const f = await withFalseToken(await loadFixture(jobsFixture));
      const jobId = await createJob(f, f.client, { paymentToken: f.paymentToken });
      await f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId));
      await f.JobEscrow.connect(f.provider).submitResult(jobId, await jobTerms(f, jobId), RESULT_ROOT, RESULT_URI);
      await time.increaseTo((await readJob(f.JobEscrow, jobId)).deadline);
      await f.token.setFailing(true);
      const before = await balancesOf(f, { token: f.token, weft: f.ComputeToken }, { provider: f.provider });
      const providerState = await f.ProviderRegistry.providerState(f.provider.address);

      await expect(f.JobEscrow.finalize(jobId, await jobTerms(f, jobId)))
        .to.be.revertedWithCustomError(f.JobEscrow, "SafeERC20FailedOperation")
        .withArgs(f.paymentToken);
      await expectBalancesUnchanged(before);
      expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Submitted);
      expect(await f.ProviderRegistry.providerState(f.provider.address)).to.deep.equal(providerState);

      await f.token.setFailing(false);
      await f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
      await expectBalanceChanges(before, {
        token: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
    });
  });

  describe("double finalize", function () {
    // Anyone calls finalize again (or on a job that already returned its money another way) to be paid twice. A job
    // settles only from Submitted, and settling moves it out of Submitted for good.
    it("reverts a second finalize: the provider, the treasury and the client's receipt are paid once", async function () {
      const f = await loadFixture(jobsFixture);
      await time.increaseTo((await readJob(f.JobEscrow, f.submittedJob)).deadline);
      await f.JobEscrow.connect(f.provider).finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      const tokens = { ...coreTokens(f), receipts: f.ComputeReceipt };
      const before = await balancesOf(f, tokens, { provider: f.provider, client: f.client });

      await expect(f.JobEscrow.connect(f.provider).finalize(f.submittedJob, await jobTerms(f, f.submittedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.submittedJob, JobStatus.Finalized, JobStatus.Submitted);
      await expectBalancesUnchanged(before);
    });

    it("reverts finalize of a job already refunded by a cancel or a timeout", async function () {
      const f = await loadFixture(jobsFixture);
      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob));
      await time.increaseTo((await readJob(f.JobEscrow, f.assignedJob)).deadline + 1n);
      await f.JobEscrow.claimTimeout(f.assignedJob, await jobTerms(f, f.assignedJob));
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, client: f.client });

      await expect(f.JobEscrow.connect(f.provider).finalize(f.openJob, await jobTerms(f, f.openJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.openJob, JobStatus.Cancelled, JobStatus.Submitted);
      await expect(f.JobEscrow.connect(f.provider).finalize(f.assignedJob, await jobTerms(f, f.assignedJob)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(f.assignedJob, JobStatus.TimedOut, JobStatus.Submitted);
      await expectBalancesUnchanged(before);
    });
  });

  describe("accepting a job directed to someone else", function () {
    // A provider accepts a job its client directed to another provider, to take the work (and its payment) it was
    // not offered. Only the directed provider may accept; the job stays Open for it.
    it("reverts NotDirectedProvider, locks nothing, and leaves the job to the directed provider", async function () {
      const f = await loadFixture(jobsFixture);
      const jobId = await createJob(f, f.client, { provider: f.provider.address });
      const before = await balancesOf(f, coreTokens(f), {
        attacker: f.provider2,
        provider: f.provider,
        client: f.client,
      });
      const attackerState = await f.ProviderRegistry.providerState(f.provider2.address);

      await expect(f.JobEscrow.connect(f.provider2).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.be.revertedWithCustomError(f.JobEscrow, "NotDirectedProvider")
        .withArgs(jobId, f.provider.address, f.provider2.address);
      await expectBalancesUnchanged(before);
      expect(await f.ProviderRegistry.providerState(f.provider2.address)).to.deep.equal(attackerState);
      expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Open);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(jobId, f.provider.address, JOB_COLLATERAL);
    });
  });

  describe("front-running accept", function () {
    // A provider sees another's accept of an open job in the mempool and outbids it to be mined first. An open job
    // goes to whoever is first, so the race itself is allowed; what matters is that the loser's accept reverts whole:
    // none of its stake is locked for a job it did not get, and the job is not assigned twice.
    it("assigns the job to the first accept mined; the second reverts JobNotInStatus with its stake left free", async function () {
      const f = await loadFixture(jobsFixture);
      const before = await balancesOf(f, coreTokens(f), {
        frontRunner: f.provider2,
        victim: f.provider,
        client: f.client,
      });
      const victimState = await f.ProviderRegistry.providerState(f.provider.address);
      // A fixed gas limit: estimating the second accept against the pending block would see the first and fail.
      const fees = (tip: bigint) => ({
        gasLimit: 1_000_000n,
        maxFeePerGas: ethers.parseUnits("100", "gwei"),
        maxPriorityFeePerGas: tip,
      });

      const terms = await jobTerms(f, f.openJob);

      // The victim's accept is sent first; the front-runner's, with a higher tip, is mined ahead of it.
      const [victimTx, frontRunnerTx] = await mineTogether(async () => [
        await f.JobEscrow.connect(f.provider).acceptJob(f.openJob, terms, fees(ethers.parseUnits("1", "gwei"))),
        await f.JobEscrow.connect(f.provider2).acceptJob(f.openJob, terms, fees(ethers.parseUnits("5", "gwei"))),
      ]);
      const [victimReceipt, frontRunnerReceipt] = await Promise.all(
        [victimTx, frontRunnerTx].map((tx) => ethers.provider.getTransactionReceipt(tx.hash)),
      );
      expect(frontRunnerReceipt!.blockNumber).to.equal(victimReceipt!.blockNumber);
      expect(frontRunnerReceipt!.index).to.be.lessThan(victimReceipt!.index);
      expect(frontRunnerReceipt!.status).to.equal(1);
      expect(victimReceipt!.status).to.equal(0);
      const reverted = f.JobEscrow.interface.parseError(await revertDataOf(victimTx.hash));
      expect(reverted?.name).to.equal("JobNotInStatus");
      expect(reverted?.args.toArray()).to.deep.equal([f.openJob, JobStatus.Assigned, JobStatus.Open]);

      const job = await readJob(f.JobEscrow, f.openJob);
      expect(job.provider).to.equal(f.provider2.address);
      expect(await f.ProviderRegistry.providerState(f.provider.address)).to.deep.equal(victimState);
      await expectBalancesUnchanged(before);
    });
  });

  describe("forged job terms", function () {
    // The escrow keeps only a hash of each job's terms and takes the terms back as calldata with every call, so an
    // attacker sends terms of its own making: another payee, another client, a cheaper payment, a later deadline.
    // Terms that do not hash to the stored commitment revert JobTermsMismatch before anything is read from them, so
    // no funds or stake move and the job stays where it was, still settling on its true terms.
    it("reverts a finalize that names another provider as payee, then pays the true provider", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await jobTerms(f, f.submittedJob);
      await time.increaseTo(terms.deadline);
      const attacker = f.provider2;
      const before = await balancesOf(f, coreTokens(f), { attacker, provider: f.provider, client: f.client });

      await expectTermsMismatch(f, f.submittedJob, terms, { provider: attacker.address }, (forged) =>
        f.JobEscrow.connect(attacker).finalize(f.submittedJob, forged),
      );
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobStatus(f.submittedJob)).to.equal(JobStatus.Submitted);

      await f.JobEscrow.connect(attacker).finalize(f.submittedJob, terms);
      await expectBalanceChanges(before, {
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
    });

    it("reverts a cancel by someone claiming to be the client, refunding no one", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await jobTerms(f, f.openJob);
      const attacker = f.outsider;
      const before = await balancesOf(f, coreTokens(f), { attacker, client: f.client });

      await expectTermsMismatch(f, f.openJob, terms, { client: attacker.address }, (forged) =>
        f.JobEscrow.connect(attacker).cancelJob(f.openJob, forged),
      );
      // With the true terms the claim is checked against the real client.
      await expect(f.JobEscrow.connect(attacker).cancelJob(f.openJob, terms))
        .to.be.revertedWithCustomError(f.JobEscrow, "NotJobClient")
        .withArgs(f.openJob, attacker.address);
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobStatus(f.openJob)).to.equal(JobStatus.Open);
    });

    it("reverts an accept that rewrites the payment or the collateral, locking no stake", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await jobTerms(f, f.openJob);
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, client: f.client });
      const providerState = await f.ProviderRegistry.providerState(f.provider.address);
      const accept = (forged: IJobEscrow.JobStruct) => f.JobEscrow.connect(f.provider).acceptJob(f.openJob, forged);

      // A smaller payment would lock a smaller collateral; a collateral named up front would replace the ratio's.
      await expectTermsMismatch(f, f.openJob, terms, { payment: JOB_PAYMENT / 100n }, accept);
      await expectTermsMismatch(f, f.openJob, terms, { collateral: 1n }, accept);
      await expectBalancesUnchanged(before);
      expect(await f.ProviderRegistry.providerState(f.provider.address)).to.deep.equal(providerState);
      expect(await f.JobEscrow.jobStatus(f.openJob)).to.equal(JobStatus.Open);
    });

    it("reverts a late submitResult that moves the deadline, and the client still claims the timeout", async function () {
      const f = await loadFixture(jobsFixture);
      const terms = await jobTerms(f, f.assignedJob);
      const deadline = BigInt(terms.deadline);
      await time.increaseTo(deadline + 1n);
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, client: f.client });

      await expectTermsMismatch(f, f.assignedJob, terms, { deadline: deadline + JOB_DURATION }, (forged) =>
        f.JobEscrow.connect(f.provider).submitResult(f.assignedJob, forged, RESULT_ROOT, RESULT_URI),
      );
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobStatus(f.assignedJob)).to.equal(JobStatus.Assigned);

      await f.JobEscrow.connect(f.client).claimTimeout(f.assignedJob, terms);
      await expectBalanceChanges(before, {
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
        weft: { client: JOB_PENALTY, registry: -JOB_PENALTY },
      });
    });
  });

  describe("workload id longer than a settlement keeps", function () {
    // A settled job's slot keeps only the first MAX_WORKLOAD_NAME_BYTES bytes of its workload id, so two workloads
    // whose ids differ only after them would be indistinguishable on their receipts: a client could pay for a cheap
    // variant and show a receipt for the other. createJob refuses such ids before taking any payment.
    it("refuses an id of 25 bytes or more, taking no payment; an id of exactly 24 bytes is accepted", async function () {
      const f = await loadFixture(jobsFixture);
      const maxBytes = await f.JobEscrow.MAX_WORKLOAD_NAME_BYTES();
      const fits = "matmul-i8-blocked-tiling";
      expect(BigInt(fits.length)).to.equal(maxBytes);
      const tooLong = ethers.encodeBytes32String(`${fits}-v2`);
      await f.usd.connect(f.client).approve(f.JobEscrow, JOB_PAYMENT);
      const jobCount = await f.JobEscrow.jobCount();
      const before = await balancesOf(f, coreTokens(f), { client: f.client });

      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { workloadId: tooLong })))
        .to.be.revertedWithCustomError(f.JobEscrow, "WorkloadIdTooLong")
        .withArgs(tooLong);
      await expectBalancesUnchanged(before);
      expect(await f.JobEscrow.jobCount()).to.equal(jobCount);

      const workloadId = ethers.encodeBytes32String(fits);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { workloadId })))
        .to.emit(f.JobEscrow, "JobCreated")
        .withArgs(jobCount + 1n, f.client.address, ethers.ZeroAddress, workloadId, ...Array(8).fill(anyValue));
    });
  });

  describe("replaying one job's terms against another", function () {
    // Terms carry no job id, so an attacker names one job's id with another job's (true) terms: finalizing a cheap
    // job with the terms of a dear one pays the dear payment out of other clients' money and leaves the dear job to
    // be paid again; cancelling with them refunds more than was paid. Each id's commitment covers only its own terms.
    it("reverts a finalize and a cancel that bring another job's terms, and both jobs settle on their own", async function () {
      const f = await loadFixture(jobsFixture);
      await f.usd.mint(f.client.address, 10n * JOB_PAYMENT);
      const dearOpen = await createJob(f, f.client, { payment: 5n * JOB_PAYMENT });
      const dearSubmitted = await createJob(f, f.client, { payment: 5n * JOB_PAYMENT });
      await acceptAndSubmit(f, dearSubmitted);
      const dearTerms = await jobTerms(f, dearSubmitted);
      await time.increaseTo(dearTerms.deadline);
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, client: f.client });

      await expectTermsMismatch(f, f.submittedJob, await jobTerms(f, f.submittedJob), dearTerms, (replayed) =>
        f.JobEscrow.connect(f.provider).finalize(f.submittedJob, replayed),
      );
      await expectTermsMismatch(f, f.openJob, await jobTerms(f, f.openJob), await jobTerms(f, dearOpen), (replayed) =>
        f.JobEscrow.connect(f.client).cancelJob(f.openJob, replayed),
      );
      await expectBalancesUnchanged(before);

      await f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      await f.JobEscrow.finalize(dearSubmitted, dearTerms);
      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob));
      const paid = 6n * JOB_PAYMENT;
      await expectBalanceChanges(before, {
        usd: {
          provider: paid - 6n * JOB_FEE,
          treasury: 6n * JOB_FEE,
          client: JOB_PAYMENT,
          escrow: -paid - JOB_PAYMENT,
        },
      });
    });

    it("reverts a dispute of an honest job that brings a cheating job's terms with its valid fraud proof", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [honest, cheating] = [f.honestMatmul, f.cheatingMatmul];
      const proof = wrongElementProof(cheating);
      const parties = { challenger: f.challenger, provider: f.provider, client: f.client };
      const before = await balancesOf(f, coreTokens(f), parties);

      // The commit names the honest job with the cheating job's terms: the escrow refuses them before a bond is taken.
      const commitment = proofCommitment(f.challenger.address, honest.id, proof);
      await expectTermsMismatch(
        f,
        honest.id,
        await jobTerms(f, honest.id),
        await jobTerms(f, cheating.id),
        (replayed) => f.DisputeManager.connect(f.challenger).commitProof(honest.id, replayed, commitment),
      );
      await expectBalancesUnchanged(before);
      for (const job of [honest, cheating]) {
        expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Submitted);
        expect(await f.DisputeManager.openDisputes(job.id)).to.equal(0n);
      }

      // Committed with the honest job's own terms, the proof is revealed with the cheating job's: the checker is
      // satisfied by the cheating job's roots, and the escrow refuses the terms before anyone is slashed or paid.
      const id = await commitProof(f, f.challenger, honest.id, proof);
      await mine();
      await expectTermsMismatch(
        f,
        honest.id,
        await jobTerms(f, honest.id),
        await jobTerms(f, cheating.id),
        (replayed) => f.DisputeManager.connect(f.challenger).revealProof(id, replayed, cheating.params, proof),
      );
      // Nothing else can be revealed: at the reveal deadline the bond goes to the honest provider.
      await time.increaseTo((await f.DisputeManager.dispute(id)).deadline);
      await f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, honest.id));
      await expectBalanceChanges(before, { weft: { challenger: -BOND, provider: BOND } });
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.NoFault);
      expect(await f.JobEscrow.jobStatus(honest.id)).to.equal(JobStatus.Submitted);
      expect(await f.JobEscrow.jobStatus(cheating.id)).to.equal(JobStatus.Submitted);
    });
  });

  describe("a finalized job's slot reused", function () {
    // Once a job settles, its slot holds the settlement (workload name, token index, settlement time) instead of a
    // hash of terms, and the terms themselves are still in the logs. An attacker brings those terms, terms built from
    // the settlement, or none at all, to move the settled job again: refund it, re-open its dispute window, pay it
    // twice. No transition starts from Finalized, and the status is checked before any terms, so every call reverts
    // JobNotInStatus and the settlement stays as it was.
    it("reverts every transition with any terms as JobNotInStatus, leaving the settlement and balances", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [honest, cheating] = [f.honestMatmul, f.cheatingMatmul];
      const id = honest.id;
      const terms = await jobTerms(f, id);
      await time.increaseTo(terms.deadline);
      await f.JobEscrow.finalize(id, terms);
      const settlement = await f.JobEscrow.settlement(id);
      const fromSettlement: IJobEscrow.JobStruct = {
        ...terms,
        workloadId: settlement.workloadId,
        provider: settlement.provider,
        paymentToken: settlement.paymentToken,
        payment: settlement.payment,
        resultRoot: settlement.resultRoot,
        deadline: settlement.settledAt,
      };
      const tokens = { ...coreTokens(f), receipts: f.ComputeReceipt };
      const before = await balancesOf(f, tokens, { provider: f.provider, client: f.client, challenger: f.challenger });
      const escrow = f.JobEscrow;

      for (const given of [terms, fromSettlement, NO_TERMS]) {
        const transitions: [() => Promise<unknown>, bigint][] = [
          [() => escrow.connect(f.client).cancelJob(id, given), JobStatus.Open],
          [() => escrow.connect(f.provider2).acceptJob(id, given), JobStatus.Open],
          [() => escrow.connect(f.provider).submitResult(id, given, RESULT_ROOT, RESULT_URI), JobStatus.Assigned],
          [() => escrow.finalize(id, given), JobStatus.Submitted],
          [() => escrow.claimTimeout(id, given), JobStatus.Assigned],
          [() => escrow.connect(f.disputer).markDisputed(id, given), JobStatus.Submitted],
          [() => escrow.connect(f.disputer).resolveDispute(id, given, true), JobStatus.Disputed],
        ];
        for (const [call, expected] of transitions) {
          await expect(call())
            .to.be.revertedWithCustomError(escrow, "JobNotInStatus")
            .withArgs(id, JobStatus.Finalized, expected);
        }
      }
      // Every dispute path opens through the escrow's markDisputed, which refuses a Finalized job whatever terms come
      // with it: a proof committed with the cheating job's terms (whose valid fraud proof it would reveal), and a
      // withheld-data dispute with the job's own terms. No bond is taken.
      const challenger = f.DisputeManager.connect(f.challenger);
      const cheatingTerms = await jobTerms(f, cheating.id);
      const commitment = proofCommitment(f.challenger.address, id, wrongElementProof(cheating));
      for (const dispute of [
        () => challenger.commitProof(id, cheatingTerms, commitment),
        () => challenger.disputeWithheld(id, terms, honest.params),
      ]) {
        await expect(dispute())
          .to.be.revertedWithCustomError(escrow, "JobNotInStatus")
          .withArgs(id, JobStatus.Finalized, JobStatus.Submitted);
      }
      await expectBalancesUnchanged(before);
      expect(await escrow.settlement(id)).to.deep.equal(settlement);
    });
  });

  describe("dispute after the window", function () {
    // A challenger disputes a result once its challenge window has closed, to hold up (or claw back) a payment that
    // is already due, or adds a dispute to a job another dispute still holds, to stretch its freeze past the window.
    // Every dispute opens inside the window only, whether it is the job's first (the escrow refuses it) or joins
    // open ones (the DisputeManager refuses it); it reverts before any bond is taken, and the job is paid as due.
    it("reverts ChallengeWindowClosed on every dispute path, takes no bond, and the job is paid as due", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [honest, cheating] = [f.honestMatmul, f.cheatingMatmul];
      const customDeadline = (await readJob(f.JobEscrow, f.customJob)).deadline;
      await time.increaseTo(customDeadline);
      const parties = { challenger: f.challenger, provider: f.provider, client: f.client };
      const before = await balancesOf(f, coreTokens(f), parties);

      await expect(
        f.DisputeManager.connect(f.challenger).disputeWithheld(honest.id, await jobTerms(f, honest.id), honest.params),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "ChallengeWindowClosed")
        .withArgs(honest.id, (await readJob(f.JobEscrow, honest.id)).deadline);
      const commitment = proofCommitment(f.challenger.address, cheating.id, wrongElementProof(cheating));
      await expect(
        f.DisputeManager.connect(f.challenger).commitProof(cheating.id, await jobTerms(f, cheating.id), commitment),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "ChallengeWindowClosed")
        .withArgs(cheating.id, (await readJob(f.JobEscrow, cheating.id)).deadline);
      await expect(
        f.DisputeManager.connect(f.challenger).disputeForArbitration(
          f.customJob,
          await jobTerms(f, f.customJob),
          "ipfs://late",
        ),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "ChallengeWindowClosed")
        .withArgs(f.customJob, customDeadline);
      await expectBalancesUnchanged(before);

      await f.JobEscrow.finalize(honest.id, await jobTerms(f, honest.id));
      await expectBalanceChanges(before, {
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
    });

    it("reverts a dispute added after the window to a job still Disputed, which settles when its open one ends", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.honestMatmul;
      const terms = await jobTerms(f, job.id);
      const parties = { challenger: f.challenger, latecomer: f.outsider, provider: f.provider, client: f.client };
      await time.setNextBlockTimestamp(BigInt(terms.deadline) - 1n);
      const open = await openedDisputeId(
        f,
        f.DisputeManager.connect(f.challenger).disputeWithheld(job.id, terms, job.params),
      );
      const before = await balancesOf(f, coreTokens(f), parties);

      // The job is Disputed past its window; each later path is refused by the DisputeManager itself.
      const late = f.DisputeManager.connect(f.outsider);
      const commitment = proofCommitment(f.outsider.address, job.id, matmulFraudProof(job, 0, 0));
      for (const dispute of [
        () => late.disputeWithheld(job.id, terms, job.params),
        () => late.commitProof(job.id, terms, commitment),
      ]) {
        await expect(dispute())
          .to.be.revertedWithCustomError(f.DisputeManager, "ChallengeWindowClosed")
          .withArgs(job.id, terms.deadline);
      }
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(1n);
      await expectBalancesUnchanged(before);

      // The open dispute ends (its challenger never moves: its bond goes to the provider) and the job is paid.
      await f.DisputeManager.connect(f.provider).revealChildren(open, terms, job.result.node(1), job.result.node(2));
      await time.increaseTo((await f.DisputeManager.dispute(open)).deadline);
      await f.DisputeManager.connect(f.outsider).resolve(open, terms);
      await f.JobEscrow.finalize(job.id, terms);
      await expectBalanceChanges(before, {
        weft: { provider: BOND, disputes: -BOND },
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
    });
  });

  describe("dispute griefing (bond economics)", function () {
    // A challenger opens a withheld-data dispute against an honest provider to hold up its payment. The provider
    // answers every step of the bisection from the tree it committed to and reveals the chunk the game reaches, which
    // nobody can prove wrong; when the follow-up window passes, the dispute ends without fault: the challenger's bond
    // goes to the provider it griefed, and the job is paid as if never disputed.
    it("costs the challenger its bond, paid to the provider, and the job settles normally", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.honestMatmul;
      const parties = { challenger: f.challenger, provider: f.provider, client: f.client };
      const before = await balancesOf(f, coreTokens(f), parties);

      const game = await play(f, await openGame(f, job, f.challenger, alwaysLeft));
      const { chunkIndex } = game.revealed!;
      const word = chunkIndex * 128;
      const [row, col] = [Math.floor(word / MATMUL_SHAPE.n), word % MATMUL_SHAPE.n];
      await expect(
        f.DisputeManager.connect(f.challenger).proveChunkWrong(
          game.id,
          await jobTerms(f, job.id),
          job.params,
          matmulFraudProof(job, row, col),
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, word);
      await passDeadline(f, game);
      await expect(f.DisputeManager.connect(f.outsider).resolve(game.id, await jobTerms(f, job.id)))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(game.id, job.id, DisputeStatus.NoFault, 0n, f.provider.address);
      await f.JobEscrow.finalize(job.id, await jobTerms(f, job.id));

      await expectBalanceChanges(before, {
        weft: { challenger: -BOND, provider: BOND },
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
      const state = await f.ProviderRegistry.providerState(f.provider.address);
      expect([state.staked, state.jobsSlashed, state.jobsCompleted]).to.deep.equal([PROVIDER_STAKE, 0n, 1n]);
    });
  });

  describe("escaping a slash by unbonding", function () {
    // A provider that has just committed a wrong result moves all its free stake into unbonding, hoping to walk away
    // with it before anyone proves the fraud. Unbonding outlasts every dispute window and a slash reaches unbonding
    // stake, so the slash takes as much as if it had stayed, and the provider can withdraw only what is left.
    it("still slashes the collateral and the stake share of the unbonding stake; only the rest can be withdrawn", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      await f.ProviderRegistry.connect(f.provider).requestUnbond(DISPUTES_FIXTURE_FREE_STAKE);
      const parties = { provider: f.provider, challenger: f.challenger, client: f.client };
      const before = await balancesOf(f, coreTokens(f), parties);
      await expect(f.ProviderRegistry.connect(f.provider).withdraw())
        .to.be.revertedWithCustomError(f.ProviderRegistry, "NothingToWithdraw")
        .withArgs(f.provider.address);

      const taken = SLASH_OF_A_FIXTURE_JOB;
      expect(await proveWrongElement(f)).to.equal(taken);
      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { challenger: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });

      const [entry] = await f.ProviderRegistry.unbondingEntries(f.provider.address);
      await time.increaseTo(entry.maturesAt);
      const rest = DISPUTES_FIXTURE_FREE_STAKE - (taken - JOB_COLLATERAL);
      await expect(f.ProviderRegistry.connect(f.provider).withdraw())
        .to.emit(f.ProviderRegistry, "Withdrawn")
        .withArgs(f.provider.address, rest);
      await expectBalanceChanges(before, {
        weft: {
          provider: rest,
          challenger: split.challenger,
          client: split.client,
          treasury: split.treasury,
          registry: -taken - rest,
        },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
    });
  });

  describe("over-slash beyond stake", function () {
    // A slash asks for more than the provider has (the DAO's maximum stake share on repeated faults, or a buggy
    // slasher), hoping the registry pays the difference out of the pooled stake of other providers. The registry
    // takes at most the provider's own stake: free, unbonding, and the collateral of its other jobs (which becomes its
    // debt, paid back out of those jobs' releases), and every other provider's stake stays where it is.
    /** `provider2` staked, with the collateral of an outsider's job locked. */
    async function withAnotherProvidersJob(f: World) {
      await registerAndStake(f, f.provider2);
      const othersJob = await createJob(f, f.outsider, { provider: f.provider2.address });
      await f.JobEscrow.connect(f.provider2).acceptJob(othersJob, await jobTerms(f, othersJob));
      return { othersJob, otherProvider: await f.ProviderRegistry.providerState(f.provider2.address) };
    }

    it("takes all of the provider's own stake at the maximum stake share, leaving another provider's untouched", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      await f.DisputeManager.connect(f.timelock).setStakeShareBps(BPS);
      const { otherProvider } = await withAnotherProvidersJob(f);
      const parties = { challenger: f.challenger, provider: f.provider, otherProvider: f.provider2, client: f.client };
      const before = await balancesOf(f, coreTokens(f), parties);

      // The first fault takes everything: the job's collateral, the free stake and its three other jobs' collateral,
      // which becomes its debt.
      const firstTaken = await proveWrongElement(f);
      expect(firstTaken).to.equal(PROVIDER_STAKE);
      const mandelbrot = f.cheatingMandelbrot;
      const pixelProof = mandelbrotFraudProof(mandelbrot, WRONG_PIXEL);
      const pixelDispute = await commitProof(f, f.challenger, mandelbrot.id, pixelProof);
      await mine();
      // The second fault's collateral was already paid out by the first slash: its release pays the debt, and there
      // is nothing left to take.
      await expect(
        f.DisputeManager.connect(f.challenger).revealProof(
          pixelDispute,
          await jobTerms(f, mandelbrot.id),
          mandelbrot.params,
          pixelProof,
        ),
      )
        .to.emit(f.ProviderRegistry, "CollateralDebtRepaid")
        .withArgs(f.provider.address, mandelbrot.id, JOB_COLLATERAL, 2n * JOB_COLLATERAL)
        .and.to.emit(f.ProviderRegistry, "Slashed")
        .withArgs(f.provider.address, mandelbrot.id, 0n, 0n);

      const first = splitOfSlash(firstTaken);
      await expectBalanceChanges(before, {
        weft: { challenger: first.challenger, client: first.client, treasury: first.treasury, registry: -firstTaken },
        usd: { client: 2n * JOB_PAYMENT, escrow: -2n * JOB_PAYMENT },
      });
      // Nothing is left; the provider owes the collateral of its two other running jobs.
      const provider = await f.ProviderRegistry.providerState(f.provider.address);
      expect([provider.staked, provider.locked, provider.unbonding, provider.debt]).to.deep.equal([
        0n,
        0n,
        0n,
        2n * JOB_COLLATERAL,
      ]);
      expect(await f.ProviderRegistry.providerState(f.provider2.address)).to.deep.equal(otherProvider);
      expect(await f.ComputeToken.balanceOf(f.ProviderRegistry)).to.equal(otherProvider.staked);
    });

    it("refuses a stake share above 100% and a release above the provider's lock, and never takes another's stake", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      // The provider has four jobs' collateral locked; it puts some of its free stake into unbonding.
      const unbonding = ethers.parseEther("1000");
      await f.ProviderRegistry.connect(f.provider).requestUnbond(unbonding);
      const { othersJob, otherProvider } = await withAnotherProvidersJob(f);
      // The test account holding DISPUTES stands in for a slasher that asks for far too much.
      const slasher = f.disputer;
      const parties = { slasher, provider: f.provider, otherProvider: f.provider2 };
      const before = await balancesOf(f, coreTokens(f), parties);

      // The registry keeps no per-job record (the escrow does), so a release is bounded by the provider's own locked
      // total: naming more collateral than this provider has locked frees nothing.
      const { locked } = await f.ProviderRegistry.providerState(f.provider.address);
      const released = locked + JOB_COLLATERAL;
      await expect(
        f.ProviderRegistry.connect(slasher).slash(
          f.provider.address,
          othersJob,
          released,
          1n,
          [slasher.address],
          [BPS],
        ),
      )
        .to.be.revertedWithCustomError(f.ProviderRegistry, "ReleaseExceedsLocked")
        .withArgs(f.provider.address, locked, released);
      await expect(
        f.ProviderRegistry.connect(slasher).slash(f.provider.address, 0n, 0n, BPS + 1n, [slasher.address], [BPS]),
      )
        .to.be.revertedWithCustomError(f.ProviderRegistry, "ParameterOutOfBounds")
        .withArgs(BPS + 1n, 0n, BPS);
      await expectBalancesUnchanged(before);

      // The whole stake share takes the provider's free, unbonding and locked stake: all of it, and no more.
      await expect(f.ProviderRegistry.connect(slasher).slash(f.provider.address, 0n, 0n, BPS, [slasher.address], [BPS]))
        .to.emit(f.ProviderRegistry, "Slashed")
        .withArgs(f.provider.address, 0n, PROVIDER_STAKE, PROVIDER_STAKE)
        .and.to.emit(f.ProviderRegistry, "CollateralDebtIncurred")
        .withArgs(f.provider.address, 0n, 4n * JOB_COLLATERAL, 4n * JOB_COLLATERAL);
      await expectBalanceChanges(before, { weft: { slasher: PROVIDER_STAKE, registry: -PROVIDER_STAKE } });
      const provider = await f.ProviderRegistry.providerState(f.provider.address);
      expect([provider.staked, provider.locked, provider.unbonding, provider.debt]).to.deep.equal([
        0n,
        0n,
        0n,
        4n * JOB_COLLATERAL,
      ]);
      expect(await f.ProviderRegistry.providerState(f.provider2.address)).to.deep.equal(otherProvider);
    });
  });

  describe("flash-loan voting", function () {
    // An attacker borrows tokens once a vote is open, delegates them to itself, votes, and returns them, so that the
    // same tokens vote twice (once for the attacker, once for the lender) or a loan decides the outcome. Votes are
    // read at the proposal's snapshot on the token's timestamp clock: tokens that arrive later carry no votes.
    it("gives borrowed tokens delegated after the snapshot no votes, so the lender's tokens count once", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [id] = f.proposals;
      const governor = f.ComputeGovernor;
      await openVoting(f, id);
      const [lender, attacker] = [f.client, f.outsider];
      const loan = await f.ComputeToken.balanceOf(lender.address);
      const before = await balancesOf(f, coreTokens(f), { lender, attacker });

      await f.ComputeToken.connect(lender).transfer(attacker.address, loan);
      await f.ComputeToken.connect(attacker).delegate(attacker.address);
      expect(await f.ComputeToken.getVotes(attacker.address)).to.equal(loan + STARTING_WEFT);
      await expect(governor.connect(attacker).castVote(id, VOTE_SUPPORT.against))
        .to.emit(governor, "VoteCast")
        .withArgs(attacker.address, id, VOTE_SUPPORT.against, 0n, "");
      await f.ComputeToken.connect(attacker).transfer(lender.address, loan);
      await governor.connect(lender).castVote(id, VOTE_SUPPORT.against);

      expect((await governor.proposalVotes(id)).againstVotes).to.equal(loan);
      await expect(governor.connect(attacker).castVote(id, VOTE_SUPPORT.against))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(attacker.address);
      await expectBalancesUnchanged(before);
    });
  });

  describe("proposal spam", function () {
    // An attacker floods the DAO with proposals from accounts holding almost nothing (or holding tokens it never
    // delegated), to bury real proposals. Proposing needs the threshold's votes, counted a second before the proposal.
    async function spamProposal(f: World) {
      const calldata = f.JobEscrow.interface.encodeFunctionData("setProtocolFeeBps", [0n]);
      const call: [string[], bigint[], string[], string] = [
        [await f.JobEscrow.getAddress()],
        [0n],
        [calldata],
        "No more fees",
      ];
      const id = await f.ComputeGovernor.hashProposal(call[0], call[1], call[2], ethers.id(call[3]));
      return { call, id };
    }

    it("refuses a proposal from an account one wei of votes below the threshold", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [, , , , , , , , , spammer] = await ethers.getSigners();
      const threshold = LOCAL_PARAMETERS.governor.proposalThreshold;
      await f.ComputeToken.transfer(spammer.address, threshold - 1n);
      await f.ComputeToken.connect(spammer).delegate(spammer.address);
      const before = await balancesOf(f, coreTokens(f), { spammer });
      const { call, id } = await spamProposal(f);

      await expect(f.ComputeGovernor.connect(spammer).propose(...call))
        .to.be.revertedWithCustomError(f.ComputeGovernor, "GovernorInsufficientProposerVotes")
        .withArgs(spammer.address, threshold - 1n, threshold);
      expect(await f.ComputeGovernor.proposalSnapshot(id)).to.equal(0n);
      await expectBalancesUnchanged(before);
    });

    it("refuses a proposal from a holder far above the threshold that never delegated", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const spammer = f.outsider;
      expect(await f.ComputeToken.balanceOf(spammer.address)).to.be.greaterThan(
        LOCAL_PARAMETERS.governor.proposalThreshold,
      );
      const before = await balancesOf(f, coreTokens(f), { spammer });
      const { call, id } = await spamProposal(f);

      await expect(f.ComputeGovernor.connect(spammer).propose(...call))
        .to.be.revertedWithCustomError(f.ComputeGovernor, "GovernorInsufficientProposerVotes")
        .withArgs(spammer.address, 0n, LOCAL_PARAMETERS.governor.proposalThreshold);
      expect(await f.ComputeGovernor.proposalSnapshot(id)).to.equal(0n);
      await expectBalancesUnchanged(before);
    });
  });

  describe("guardian pausing exits", function () {
    // A guardian (compromised, or acting in haste) pauses the escrow to trap the money inside it. The pause stops
    // only new jobs and new accepts, and only the DAO can lift it; every way out (finalize, cancel, timeout,
    // withdraw, dispute settlement) keeps working and moves exactly what it would unpaused.
    const parties = (f: DisputesFixture) => ({ client: f.client, provider: f.provider, challenger: f.challenger });

    it("blocks new jobs and accepts, which the guardian cannot unblock itself", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.usd.connect(f.client).approve(f.JobEscrow, JOB_PAYMENT);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f))).to.be.revertedWithCustomError(
        f.JobEscrow,
        "EnforcedPause",
      );
      await expect(
        f.JobEscrow.connect(f.provider).acceptJob(f.openJob, await jobTerms(f, f.openJob)),
      ).to.be.revertedWithCustomError(f.JobEscrow, "EnforcedPause");
      await expect(f.JobEscrow.connect(f.guardian).unpause())
        .to.be.revertedWithCustomError(f.JobEscrow, "AccessManagedUnauthorized")
        .withArgs(f.guardian.address);
      await expectBalancesUnchanged(before);
    });

    it("lets the client cancel its open job for a full refund", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob));
      await expectBalanceChanges(before, { usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT } });
    });

    it("lets anyone claim a missed deadline: refund and liveness penalty to the client", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      await time.increaseTo((await readJob(f.JobEscrow, f.assignedJob)).deadline + 1n);
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.JobEscrow.connect(f.outsider).claimTimeout(f.assignedJob, await jobTerms(f, f.assignedJob));
      await expectBalanceChanges(before, {
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
        weft: { client: JOB_PENALTY, registry: -JOB_PENALTY },
      });
    });

    it("lets anyone finalize a job whose challenge window has passed", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      await time.increaseTo((await readJob(f.JobEscrow, f.honestMatmul.id)).deadline);
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.JobEscrow.connect(f.outsider).finalize(f.honestMatmul.id, await jobTerms(f, f.honestMatmul.id));
      await expectBalanceChanges(before, {
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
    });

    it("lets the provider withdraw its matured unbonding stake", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      const [entry] = await f.ProviderRegistry.unbondingEntries(f.provider.address);
      await time.increaseTo(entry.maturesAt);
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.ProviderRegistry.connect(f.provider).withdraw();
      await expectBalanceChanges(before, { weft: { provider: PAUSE_UNBOND, registry: -PAUSE_UNBOND } });
    });

    it("settles disputes: a fraud proof refunds and slashes, an unruled arbitration ends without fault and pays", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      const before = await balancesOf(f, coreTokens(f), parties(f));
      const taken = await proveWrongElement(f);
      const split = splitOfSlash(taken);
      await time.increaseTo((await f.DisputeManager.dispute(f.arbitration)).deadline);
      await f.DisputeManager.connect(f.outsider).resolve(f.arbitration, await jobTerms(f, f.customJob));
      await f.JobEscrow.connect(f.outsider).finalize(f.customJob, await jobTerms(f, f.customJob));
      await expectBalanceChanges(before, {
        usd: { client: JOB_PAYMENT, provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -2n * JOB_PAYMENT },
        weft: {
          client: split.client,
          challenger: split.challenger,
          provider: BOND,
          treasury: split.treasury,
          registry: -taken,
          disputes: -BOND,
        },
      });
    });
  });

  describe("permit and vote-by-sig replay", function () {
    // An attacker replays a signature it saw on-chain: an ERC-2612 permit, to pull the owner's tokens a second time,
    // or a castVoteBySig ballot, to count the voter twice or on another proposal. Both signatures commit to the
    // signer's nonce, which their first use consumed; the ballot also commits to its proposal.
    it("rejects a replayed staking permit: the registry cannot pull the provider's tokens twice", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const registry = await f.ProviderRegistry.getAddress();
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(f.ComputeToken, f.provider, registry, PROVIDER_STAKE, deadline);
      await f.ProviderRegistry.connect(f.provider).stakeWithPermit(PROVIDER_STAKE, deadline, sig.v, sig.r, sig.s);
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, attacker: f.outsider });

      await expect(
        f.ComputeToken.connect(f.outsider).permit(
          f.provider.address,
          registry,
          PROVIDER_STAKE,
          deadline,
          sig.v,
          sig.r,
          sig.s,
        ),
      )
        .to.be.revertedWithCustomError(f.ComputeToken, "ERC2612InvalidSigner")
        .withArgs(anyValue, f.provider.address);
      await expect(
        f.ProviderRegistry.connect(f.provider).stakeWithPermit(PROVIDER_STAKE, deadline, sig.v, sig.r, sig.s),
      )
        .to.be.revertedWithCustomError(f.ComputeToken, "ERC20InsufficientAllowance")
        .withArgs(registry, 0n, PROVIDER_STAKE);
      expect(await f.ComputeToken.allowance(f.provider.address, registry)).to.equal(0n);
      await expectBalancesUnchanged(before);
    });

    it("rejects a replayed payment permit: one signature pays for one job", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const escrow = await f.JobEscrow.getAddress();
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(f.usd, f.client, escrow, JOB_PAYMENT, deadline);
      const request = await jobRequest(f);
      await f.JobEscrow.connect(f.client).createJobWithPermit(request, deadline, sig.v, sig.r, sig.s);
      const jobCount = await f.JobEscrow.jobCount();
      const before = await balancesOf(f, coreTokens(f), { client: f.client, attacker: f.outsider });

      await expect(
        f.usd.connect(f.outsider).permit(f.client.address, escrow, JOB_PAYMENT, deadline, sig.v, sig.r, sig.s),
      )
        .to.be.revertedWithCustomError(f.usd, "ERC2612InvalidSigner")
        .withArgs(anyValue, f.client.address);
      await expect(f.JobEscrow.connect(f.client).createJobWithPermit(request, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(f.usd, "ERC20InsufficientAllowance")
        .withArgs(escrow, 0n, JOB_PAYMENT);
      expect(await f.JobEscrow.jobCount()).to.equal(jobCount);
      await expectBalancesUnchanged(before);
    });

    it("rejects a replayed ballot, on its own proposal and on another", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const governor = f.ComputeGovernor;
      const [first, second] = f.proposals;
      await openVoting(f, first, second);
      const relayer = f.outsider;
      const ballot = await signBallot(governor, f.client, first, VOTE_SUPPORT.against);
      await relayVote(governor, relayer, ballot);
      const votes = await f.ComputeToken.balanceOf(f.client.address);
      const before = await balancesOf(f, coreTokens(f), { voter: f.client, relayer });

      for (const id of [first, second]) {
        await expect(governor.connect(relayer).castVoteBySig(id, ballot.support, ballot.voter, ballot.signature))
          .to.be.revertedWithCustomError(governor, "GovernorInvalidSignature")
          .withArgs(f.client.address);
      }
      expect((await governor.proposalVotes(first)).againstVotes).to.equal(votes);
      expect((await governor.proposalVotes(second)).againstVotes).to.equal(0n);
      expect(await governor.hasVoted(second, f.client.address)).to.equal(false);
      await expectBalancesUnchanged(before);
    });
  });

  describe("arbiter timeout", function () {
    // A silent (or captured) arbiter never rules, to freeze the job's payment, the provider's collateral and the
    // challenger's bond for good; or rules late, after the parties have moved on. The arbitration deadline ends it:
    // anyone then resolves the dispute, silence counting as a ruling for the provider (the bond is paid to it, so an
    // arbitration nobody backs is never free), the job settles normally, and a late ruling reverts.
    it("ends an unruled arbitration without fault: the bond and the job's payment go to the provider", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const parties = { challenger: f.challenger, provider: f.provider, client: f.client };
      const before = await balancesOf(f, coreTokens(f), parties);
      const id = await openedDisputeId(
        f,
        f.DisputeManager.connect(f.challenger).disputeForArbitration(
          f.customJob,
          await jobTerms(f, f.customJob),
          "ipfs://evidence",
        ),
      );
      const { deadline } = await f.DisputeManager.dispute(id);

      await expect(f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, f.customJob)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.increaseTo(deadline);
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), true))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expect(f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, f.customJob)))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(id, f.customJob, DisputeStatus.NoFault, 0n, f.provider.address);
      await f.JobEscrow.finalize(f.customJob, await jobTerms(f, f.customJob));

      await expectBalanceChanges(before, {
        weft: { challenger: -BOND, provider: BOND },
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.NoFault);
    });
  });

  describe("a result root changed after submission", function () {
    // A provider that committed a wrong result tries to swap in the right one once challenged: by submitting again,
    // or by answering a withheld-data dispute with the correct output's tree (its children, its chunk). The root is
    // fixed once Submitted and every answer of the bisection is checked against the node it must hash to, down from
    // that original root, so neither works; unable to answer, the provider is slashed when its clock runs out.
    it("refuses a second submission: the committed root stays", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, client: f.client });
      const correctRoot = new ResultTree(job.correct).root;

      await expect(
        f.JobEscrow.connect(f.provider).submitResult(job.id, await jobTerms(f, job.id), correctRoot, RESULT_URI),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Submitted, JobStatus.Assigned);
      expect((await readJob(f.JobEscrow, job.id)).resultRoot).to.equal(job.result.root);
      await expectBalancesUnchanged(before);
    });

    it("rejects the correct output's children and chunk against the committed root, then slashes at the deadline", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const correct = new ResultTree(job.correct);
      const parties = { provider: f.provider, challenger: f.challenger, client: f.client };
      const before = await balancesOf(f, coreTokens(f), parties);
      const game = await openGame(f, job, f.challenger, towardWrongChild(correct));
      const afterOpening = await balancesOf(f, coreTokens(f), parties);
      const provider = f.DisputeManager.connect(f.provider);

      // At the root: the correct output's children hash to the correct root, not to the committed one.
      await expect(provider.revealChildren(game.id, await jobTerms(f, job.id), correct.node(1), correct.node(2)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChildrenMismatch")
        .withArgs(game.id, job.result.root, correct.root);
      // Answering from the committed tree leads the game to the wrong chunk, whose correct bytes are not its leaf.
      const chunkIndex = await playToLeaf(f, game);
      expect(chunkIndex).to.equal(Number(WRONG_CHUNK));
      const committedLeaf = job.result.node(leafNodeOf(chunkIndex, job.result.wordCount));
      const correctLeaf = correct.node(leafNodeOf(chunkIndex, job.result.wordCount));
      await expect(provider.revealChunk(game.id, await jobTerms(f, job.id), correct.chunk(chunkIndex)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChunkMismatch")
        .withArgs(game.id, chunkIndex, committedLeaf, correctLeaf);
      await expectBalancesUnchanged(afterOpening);
      expect((await f.DisputeManager.dispute(game.id)).status).to.equal(DisputeStatus.AwaitingChunk);

      const taken = await f.DisputeManager.slashAmount(job.id, await jobTerms(f, job.id));
      expect(taken).to.equal(SLASH_OF_A_FIXTURE_JOB);
      await passDeadline(f, game);
      await f.DisputeManager.connect(f.outsider).resolve(game.id, await jobTerms(f, job.id));
      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { challenger: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
    });
  });

  describe("wash trading for rewards", function () {
    // One party, as both client and provider (two addresses it controls), pays itself for jobs to farm the rewards
    // its settled work earns. Rewards are weighted by the protocol fee paid and capped below it, so the party ends
    // with less than it started: it pays the whole fee and earns back at most the capped share.
    it("leaves the party with less than it started, the treasury keeping the fee", async function () {
      // Nobody else settles work in the epoch the party trades in.
      const f = await loadFixture(disputesAndProposalsFixture);
      const [client, provider] = [f.outsider, f.provider2];
      await registerAndStake(f, provider);
      const payment = PROVIDER_STAKE / (LOCAL_PARAMETERS.escrow.collateralRatioBps / BPS);
      const fee = (payment * LOCAL_PARAMETERS.escrow.protocolFeeBps) / BPS;
      const before = await balancesOf(f, coreTokens(f), { client, provider });
      const valueOf = async () => {
        const { staked } = await f.ProviderRegistry.providerState(provider.address);
        let value = staked;
        for (const account of [client, provider]) {
          value += (await f.ComputeToken.balanceOf(account.address)) + (await f.usd.balanceOf(account.address));
        }
        return value;
      };
      const valueBefore = await valueOf();

      const epoch = await startNextEpoch(f);
      await finalizeJobs(f, [{ client, provider, overrides: { payment } }]);
      await startNextEpoch(f);
      await f.RewardDistributor.connect(provider).claim(epoch);
      await expect(f.RewardDistributor.connect(provider).claim(epoch))
        .to.be.revertedWithCustomError(f.RewardDistributor, "AlreadyClaimed")
        .withArgs(provider.address, epoch);

      // Alone in its epoch, the party's share of the emission is all of it; the cap limits it to a part of the fee.
      const reward = (fee * LOCAL_PARAMETERS.rewards.rewardCapBps) / BPS;
      await expectBalanceChanges(before, {
        usd: { client: -payment, provider: payment - fee, treasury: fee },
        weft: { provider: reward },
      });
      expect(await valueOf()).to.equal(valueBefore - fee + reward);
      expect(reward).to.be.lessThan(fee);
    });
  });

  describe("malformed fraud proofs", function () {
    // A challenger commits to a proof that does not prove what it claims (an element it does not hold, a cut Merkle
    // proof, or another job's data) and reveals it, hoping the checker slashes an honest provider or a cheating
    // provider for the wrong element. The checker proves every byte it uses against the job's own roots and reverts
    // with its error, so the reveal changes nothing; the committed proof is the only one the dispute accepts, and when
    // its reveal window passes the challenger's bond goes to the provider and the job is Submitted again.
    /** Commits `proof` on `target` as the challenger, mines a block and reveals it; records the dispute in `ids`. */
    async function revealMalformed(f: DisputesFixture, ids: bigint[], proof: string, target: WorkloadJob) {
      const id = await commitProof(f, f.challenger, target.id, proof);
      ids.push(id);
      await mine();
      return f.DisputeManager.connect(f.challenger).revealProof(id, await jobTerms(f, target.id), target.params, proof);
    }

    /** No dispute of `ids` settled; once their reveal windows pass, each bond goes to the provider, nothing else. */
    async function expectOnlyBondsLost(
      f: DisputesFixture,
      jobs: WorkloadJob[],
      ids: bigint[],
      before: BalanceSnapshot<"usd" | "weft", "challenger" | "provider" | "client" | ProtocolHolder>,
    ) {
      const disputes = await Promise.all(ids.map((id) => f.DisputeManager.dispute(id)));
      expect(disputes.map((d) => d.status)).to.deep.equal(ids.map(() => DisputeStatus.AwaitingProof));
      expect((await f.ProviderRegistry.providerState(f.provider.address)).jobsSlashed).to.equal(0n);
      await time.increaseTo(disputes.reduce((last, d) => (d.deadline > last ? d.deadline : last), 0n));
      for (const [i, id] of ids.entries()) {
        await f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, disputes[i].jobId));
      }
      const lost = BigInt(ids.length) * BOND;
      await expectBalanceChanges(before, { weft: { challenger: -lost, provider: lost } });
      for (const job of jobs) expect((await readJob(f.JobEscrow, job.id)).status).to.equal(JobStatus.Submitted);
    }

    const snapshot = (f: DisputesFixture) =>
      balancesOf(f, coreTokens(f), { challenger: f.challenger, provider: f.provider, client: f.client });

    it("wrong index: an element outside the output, a vector of another row, a chunk not holding the element", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const inputRoot = (await readJob(f.JobEscrow, job.id)).inputRoot;
      const before = await snapshot(f);
      const ids: bigint[] = [];
      const dispute = (proof: string, target: WorkloadJob = job) => revealMalformed(f, ids, proof, target);
      const { m, n } = MATMUL_SHAPE;
      const { row, col } = WRONG_MATMUL;

      await expect(dispute(editMatmulProof(wrongElementProof(job), () => ({ row: BigInt(m) }))))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "ElementOutOfRange")
        .withArgs(m, col, m, n);
      await expect(dispute(editMatmulProof(wrongElementProof(job), () => ({ row: BigInt(row - 1) }))))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "InputVectorNotInTree")
        .withArgs(inputRoot, 0, row - 1);
      const firstChunk = job.result.wordProof(0);
      const otherChunk = () => ({ resultChunk: ethers.hexlify(firstChunk.chunk), resultChunkProof: firstChunk.proof });
      await expect(dispute(editMatmulProof(wrongElementProof(job), otherChunk)))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "ResultChunkLengthMismatch")
        .withArgs(WRONG_CHUNK, (BigInt(m * n) - 128n) * 4n, 512n);
      // Mandelbrot's chunks are all full: the first chunk's data and proof, claimed for a pixel of the second.
      const mandelbrot = f.cheatingMandelbrot;
      const [pixel] = coder.decode([MANDELBROT_FRAUD_PROOF], mandelbrotFraudProof(mandelbrot, 0));
      const misplaced = coder.encode(
        [MANDELBROT_FRAUD_PROOF],
        [[WRONG_PIXEL, pixel.resultChunk, pixel.resultChunkProof]],
      );
      await expect(dispute(misplaced, mandelbrot))
        .to.be.revertedWithCustomError(f.MandelbrotChecker, "ResultChunkNotInTree")
        .withArgs(mandelbrot.result.root, BigInt(WRONG_PIXEL >> 7));
      await expectOnlyBondsLost(f, [job, mandelbrot], ids, before);
    });

    it("wrong proof length: truncated or padded Merkle proofs, a short vector, a cut encoding", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const inputRoot = (await readJob(f.JobEscrow, job.id)).inputRoot;
      const before = await snapshot(f);
      const ids: bigint[] = [];
      const dispute = (proof: string) => revealMalformed(f, ids, proof, job);
      const proof = wrongElementProof(job);
      const { row, col } = WRONG_MATMUL;

      await expect(dispute(editMatmulProof(proof, (p) => ({ rowProof: p.rowProof.slice(0, -1) }))))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "InputVectorNotInTree")
        .withArgs(inputRoot, 0, row);
      await expect(dispute(editMatmulProof(proof, (p) => ({ columnProof: [...p.columnProof, ethers.ZeroHash] }))))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "InputVectorNotInTree")
        .withArgs(inputRoot, 1, col);
      await expect(dispute(editMatmulProof(proof, (p) => ({ resultChunkProof: p.resultChunkProof.slice(0, -1) }))))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "ResultChunkNotInTree")
        .withArgs(job.result.root, WRONG_CHUNK);
      await expect(dispute(editMatmulProof(proof, (p) => ({ rowOfA: ethers.dataSlice(p.rowOfA, 1) }))))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "InputVectorLengthMismatch")
        .withArgs(MATMUL_SHAPE.k, MATMUL_SHAPE.k - 1);
      await expect(dispute(ethers.dataSlice(proof, 0, 31)))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "MalformedProof")
        .withArgs(31);
      await expectOnlyBondsLost(f, [job], ids, before);
    });

    it("proof for another job: another job's inputs or result against this job's roots", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [honest, cheating] = [f.honestMatmul, f.cheatingMatmul];
      const [honestInputs, cheatingInputs] = [
        (await readJob(f.JobEscrow, honest.id)).inputRoot,
        (await readJob(f.JobEscrow, cheating.id)).inputRoot,
      ];
      const before = await snapshot(f);
      const ids: bigint[] = [];
      const dispute = (target: WorkloadJob, proof: string) => revealMalformed(f, ids, proof, target);
      const { row, col } = WRONG_MATMUL;

      // The cheating job's valid proof, sent against the honest job to have it slashed.
      await expect(dispute(honest, wrongElementProof(cheating)))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "InputVectorNotInTree")
        .withArgs(honestInputs, 0, row);
      // The cheating job's inputs with the honest job's committed result.
      await expect(dispute(cheating, matmulFraudProof(cheating, row, col, { result: honest })))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "ResultChunkNotInTree")
        .withArgs(cheating.result.root, WRONG_CHUNK);
      // The honest job's inputs with the cheating job's committed result.
      await expect(dispute(cheating, matmulFraudProof(cheating, row, col, { inputs: honest })))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "InputVectorNotInTree")
        .withArgs(cheatingInputs, 0, row);
      await expectOnlyBondsLost(f, [honest, cheating], ids, before);
    });
  });

  describe("withheld-data squat", function () {
    // The cheating provider submits a wrong result and, from a second address, opens a withheld-data dispute on it at
    // once, then plays that bisection toward the children that are correct, so the game ends at a chunk nobody can
    // prove wrong; under one dispute per job this kept every honest challenger out until the squat ended without
    // fault, and if it was opened late, until the window had closed. Disputes now run side by side: the honest
    // verifier opens its own inside the window whenever it likes, plays against the committed tree, reaches the wrong
    // chunk and proves it. The provider is slashed, the verifier is paid its share and its bond, the squat ends Moot
    // (or without fault if it ran out first: its bond only moves between the attacker's own addresses), and the job
    // is never paid.
    it("opened first and played toward correct children, it cannot stop the verifier's later dispute from slashing", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const correct = new ResultTree(job.correct);
      const [squatter, verifier] = await spareAccounts(f, 2);
      const parties = { provider: f.provider, squatter, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider, squatter]);

      // The squat: opened right after the submission; the provider answers it at once.
      const squat = await play(f, await openGame(f, job, squatter, towardCorrectChild(correct)));
      expect(squat.revealed!.chunkIndex).to.equal(0);
      expect(squat.revealed!.chunk).to.equal(ethers.hexlify(correct.chunk(0)));
      await expect(
        f.DisputeManager.connect(verifier).proveChunkWrong(
          squat.id,
          await jobTerms(f, job.id),
          job.params,
          matmulFraudProof(job, 0, 0),
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, 0n);

      // The honest verifier opens its own dispute a minute before the window closes and plays it to the wrong chunk.
      const terms = await jobTerms(f, job.id);
      await time.setNextBlockTimestamp(BigInt(terms.deadline) - 60n);
      const honest = await play(f, await openGame(f, job, verifier, towardWrongChild(correct)));
      expect(honest.revealed!.chunkIndex).to.equal(Number(WRONG_CHUNK));
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(2n);
      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      expect(taken).to.equal(SLASH_OF_A_FIXTURE_JOB);
      const { wordIndex, proof } = wrongWordProof(honest);
      expect(wordIndex).to.equal(WRONG_MATMUL.word);
      await expect(f.DisputeManager.connect(verifier).proveChunkWrong(honest.id, terms, job.params, proof))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(honest.id, job.id, DisputeStatus.ProviderAtFault, taken, verifier.address);

      // The squat is still in its follow-up window: it ends Moot, its bond back to the squatter.
      expect((await f.DisputeManager.dispute(squat.id)).status).to.equal(DisputeStatus.ChunkRevealed);
      await expect(f.DisputeManager.connect(squatter).resolve(squat.id, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(squat.id, job.id, DisputeStatus.Moot, 0n, squatter.address);
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(0n);
      await time.increaseTo(terms.deadline);
      await expect(f.JobEscrow.finalize(job.id, terms))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Slashed, JobStatus.Submitted);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      // The attacker (the provider and its squatting address) is down the whole slash, 4,000 WEFT, and unpaid.
      expect((await weftHeldBy(f, [f.provider, squatter])) - attackerBefore).to.equal(-taken);
    });

    it("opened in the window's last seconds, it cannot stop the verifier's dispute opened a second later", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const correct = new ResultTree(job.correct);
      const [squatter, verifier] = await spareAccounts(f, 2);
      const parties = { provider: f.provider, squatter, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider, squatter]);
      const terms = await jobTerms(f, job.id);
      const windowEnd = BigInt(terms.deadline);

      // The squat opens two seconds before the window closes; the verifier's dispute, one second before.
      await time.setNextBlockTimestamp(windowEnd - 2n);
      const squat = await openGame(f, job, squatter, towardCorrectChild(correct));
      await time.setNextBlockTimestamp(windowEnd - 1n);
      const honest = await openGame(f, job, verifier, towardWrongChild(correct));
      expect([squat.openedAt, honest.openedAt]).to.deep.equal([windowEnd - 2n, windowEnd - 1n]);
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(2n);
      // The window is over and the job is frozen, not payable.
      await expect(f.JobEscrow.finalize(job.id, terms))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Disputed, JobStatus.Submitted);

      // The provider serves the squat at once and stalls the verifier's game as long as its clock allows it to.
      await play(f, squat);
      const { deadline: firstAnswerDue } = await f.DisputeManager.dispute(honest.id);
      await time.setNextBlockTimestamp(firstAnswerDue - 60n);
      await play(f, honest);
      expect(honest.revealed!.chunkIndex).to.equal(Number(WRONG_CHUNK));

      // The squat's follow-up window passes first: it ends without fault, its bond paid to the provider (the attacker
      // paying itself). The verifier's dispute still holds the job.
      await passDeadline(f, squat);
      await expect(f.DisputeManager.connect(squatter).resolve(squat.id, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(squat.id, job.id, DisputeStatus.NoFault, 0n, f.provider.address);
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);

      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      const { proof } = wrongWordProof(honest);
      const proven = await f.DisputeManager.connect(verifier).proveChunkWrong(honest.id, terms, job.params, proof);
      expect(await minedAt(proven)).to.be.at.most(await settlementBound(f, await submittedAt(f, job.id)));
      expect((await f.DisputeManager.dispute(honest.id)).status).to.equal(DisputeStatus.ProviderAtFault);
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Slashed);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: {
          verifier: split.challenger,
          client: split.client,
          treasury: split.treasury,
          registry: -taken,
          squatter: -BOND,
          provider: BOND,
        },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      expect((await weftHeldBy(f, [f.provider, squatter])) - attackerBefore).to.equal(-taken);
    });
  });

  describe("chunk-0 blind spot", function () {
    // The provider commits to an output of several chunks whose first chunk is right and a later one all zeros, and
    // never publishes it. A challenger that only knows the root used to be able to name nothing but a guess (the first
    // chunk), which the provider answered correctly. The bisection needs no guess: a verifier that recomputed the
    // output follows the children that differ from its own tree down to the zeroed chunk, and the provider must reveal
    // that chunk (then a word of it is proven wrong) or lose on its clock; revealing the right chunk 0 instead is
    // refused at every step.
    /** 24 x 24 = 576 words: five chunks, the last one short (64 words). */
    const SHAPE = { m: 24, k: 16, n: 24 };
    const ZEROED_CHUNK = 3;

    async function zeroedChunkJob(f: World) {
      const params = matmulI8.params.encode(SHAPE);
      const job = await submitCorruptedJob(f, matmulI8.id, params, 3, (output) => withZeroChunk(output, ZEROED_CHUNK));
      const correct = new ResultTree(job.correct);
      // The premise: chunk 0 is right, chunk 3 is not, and the tree's leaves are not all at one depth.
      expect(job.result.chunkCount).to.equal(5);
      expect(ethers.hexlify(job.result.chunk(0))).to.equal(ethers.hexlify(correct.chunk(0)));
      expect(job.result.node(leafNodeOf(ZEROED_CHUNK, job.result.wordCount))).to.not.equal(
        correct.node(leafNodeOf(ZEROED_CHUNK, job.result.wordCount)),
      );
      return { job, correct };
    }

    it("the verifier's bisection reaches the zeroed chunk, not chunk 0, and its proof slashes the provider", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const { job, correct } = await zeroedChunkJob(f);
      const [verifier] = await spareAccounts(f, 1);
      const parties = { provider: f.provider, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider]);

      const game = await play(f, await openGame(f, job, verifier, towardWrongChild(correct)));
      // Root, then its right child (node 2), then node 2's left child: leaf node 5 holds chunk 3.
      expect(game.steps.map((s) => [s.node, s.disputedRight])).to.deep.equal([
        [0, true],
        [2, false],
      ]);
      expect(game.revealed!.chunkIndex).to.equal(ZEROED_CHUNK);
      expect(game.revealed!.chunk).to.equal(ethers.hexlify(job.result.chunk(ZEROED_CHUNK)));

      const terms = await jobTerms(f, job.id);
      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      // Five jobs now lock collateral in the fixture's stake.
      expect(taken).to.equal(SLASH_OF_A_FIXTURE_JOB);
      const { wordIndex, proof } = wrongWordProof(game);
      expect(Math.floor(wordIndex / 128)).to.equal(ZEROED_CHUNK);
      await expect(f.DisputeManager.connect(verifier).proveChunkWrong(game.id, terms, job.params, proof))
        .to.emit(f.DisputeManager, "FraudProven")
        .withArgs(game.id, job.id, wordIndex, "0x00000000", wordAt(job.correct, wordIndex));

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      expect((await weftHeldBy(f, [f.provider])) - attackerBefore).to.equal(-taken);
    });

    it("a provider that reveals only chunk 0 cannot answer the game and is slashed when its clock runs out", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const { job, correct } = await zeroedChunkJob(f);
      const [verifier] = await spareAccounts(f, 1);
      const parties = { provider: f.provider, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider]);
      const provider = f.DisputeManager.connect(f.provider);
      const game = await openGame(f, job, verifier, towardWrongChild(correct));
      const chunk0 = job.result.chunk(0);

      // Chunk 0 in place of the root's children, then in place of the leaf the game reaches.
      await expect(provider.revealChunk(game.id, await jobTerms(f, job.id), chunk0))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(game.id, DisputeStatus.AwaitingChildren, DisputeStatus.AwaitingChunk);
      expect(await playToLeaf(f, game)).to.equal(ZEROED_CHUNK);
      const leaf = job.result.node(leafNodeOf(ZEROED_CHUNK, job.result.wordCount));
      await expect(provider.revealChunk(game.id, await jobTerms(f, job.id), chunk0))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChunkMismatch")
        .withArgs(game.id, ZEROED_CHUNK, leaf, ethers.hexlify(resultChunkLeafHash(ZEROED_CHUNK, chunk0)));

      const terms = await jobTerms(f, job.id);
      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      await passDeadline(f, game);
      await expect(f.DisputeManager.connect(verifier).resolve(game.id, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(game.id, job.id, DisputeStatus.ProviderAtFault, taken, verifier.address);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      expect((await weftHeldBy(f, [f.provider])) - attackerBefore).to.equal(-taken);
    });
  });

  describe("children revealed out of order", function () {
    // The cheating provider answers the verifier's bisection with the two children of the root swapped. The parent
    // hash is the same in either order (sorted pairs), so the DisputeManager takes them; the provider hopes the
    // verifier then disputes a node whose hash is correct, or that it can answer with the other child's data. The
    // verifier disputes the position whose hash differs from its own tree's; the hash there belongs to another leaf,
    // and a leaf commits to its chunk's index, so no chunk opens it: the provider loses on its clock.
    it("leads the game to a leaf the provider cannot open, and it is slashed when its clock runs out", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const correct = new ResultTree(job.correct);
      const [verifier] = await spareAccounts(f, 1);
      const parties = { provider: f.provider, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider]);
      const terms = await jobTerms(f, job.id);
      const provider = f.DisputeManager.connect(f.provider);
      const game = await openGame(f, job, verifier, towardWrongChild(correct));

      // Node 1 is chunk 1's leaf (the wrong one), node 2 chunk 0's (right); the provider reveals them swapped.
      const [wrongLeaf, rightLeaf] = [job.result.node(1), job.result.node(2)];
      await provider.revealChildren(game.id, terms, rightLeaf, wrongLeaf);
      const disputeRight = game.choose(0, { left: rightLeaf, right: wrongLeaf });
      expect(disputeRight).to.equal(false);
      await f.DisputeManager.connect(verifier).chooseChild(game.id, rightLeaf, wrongLeaf, disputeRight);
      const d = await f.DisputeManager.dispute(game.id);
      expect([d.status, d.node, d.hash]).to.deep.equal([DisputeStatus.AwaitingChunk, 1n, rightLeaf]);

      // Position 1 is chunk 1 (112 words); the hash there is chunk 0's leaf. Chunk 0's bytes are too long for the
      // position, and chunk 1's bytes hash to chunk 1's leaf, not to the one the provider put there.
      const chunk0 = job.result.chunk(0);
      await expect(provider.revealChunk(game.id, terms, chunk0))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkLengthMismatch")
        .withArgs(1n, BigInt(job.result.chunk(1).length), BigInt(chunk0.length));
      await expect(provider.revealChunk(game.id, terms, job.result.chunk(1)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChunkMismatch")
        .withArgs(game.id, 1n, rightLeaf, wrongLeaf);
      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      await passDeadline(f, game);
      await expect(f.DisputeManager.connect(verifier).resolve(game.id, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(game.id, job.id, DisputeStatus.ProviderAtFault, taken, verifier.address);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      expect((await weftHeldBy(f, [f.provider])) - attackerBefore).to.equal(-taken);
    });
  });

  describe("stolen fraud proofs", function () {
    // A copier (a mempool watcher, or the cheating provider's own second address) takes the honest verifier's work:
    // its commitment, or the proof its reveal carries, to be paid the challenger's share in its place. A commitment
    // binds its challenger, so a copied one reveals nothing for anyone else; a commitment of one's own made after
    // seeing the reveal in the mempool cannot be revealed in the same block, so the honest reveal lands first and the
    // copy ends Moot. The one thing a provider's second address can do is report the fraud itself, first: then it
    // gets the challenger's share back, the honest verifier only its bond, and the provider still loses the rest of
    // the slash (the documented limit of the self-report).
    const proofOf = (f: DisputesFixture) => wrongElementProof(f.cheatingMatmul);

    it("a copied commitment: the copier's reveal of the proof it then sees fails ProofNotCommitted", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const [copier, verifier] = await spareAccounts(f, 2);
      const parties = { provider: f.provider, copier, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const terms = await jobTerms(f, job.id);
      const proof = proofOf(f);
      const commitment = proofCommitment(verifier.address, job.id, proof);

      const honest = await commitProof(f, verifier, job.id, proof);
      // The copier sends the very commitment it saw in the verifier's transaction.
      const copied = await openedDisputeId(f, f.DisputeManager.connect(copier).commitProof(job.id, terms, commitment));
      expect((await f.DisputeManager.dispute(copied)).hash).to.equal(commitment);
      const taken = await f.DisputeManager.slashAmount(job.id, terms);

      // The verifier reveals; the copier sees the proof in the mempool and front-runs with a higher tip.
      const [verifierTx, copierTx] = await mineTogether(async () => [
        await f.DisputeManager.connect(verifier).revealProof(honest, terms, job.params, proof, withTip("1")),
        await f.DisputeManager.connect(copier).revealProof(copied, terms, job.params, proof, withTip("5")),
      ]);
      const [verifierReceipt, copierReceipt] = await Promise.all(
        [verifierTx, copierTx].map((tx) => ethers.provider.getTransactionReceipt(tx.hash)),
      );
      expect(copierReceipt!.index).to.be.lessThan(verifierReceipt!.index);
      expect([copierReceipt!.status, verifierReceipt!.status]).to.deep.equal([0, 1]);
      expect(await revertOf(f.DisputeManager, copierTx.hash)).to.deep.equal({
        name: "ProofNotCommitted",
        args: [copied, commitment, proofCommitment(copier.address, job.id, proof)],
      });
      expect((await f.DisputeManager.dispute(honest)).status).to.equal(DisputeStatus.ProviderAtFault);
      await expect(f.DisputeManager.connect(copier).resolve(copied, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(copied, job.id, DisputeStatus.Moot, 0n, copier.address);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
    });

    it("a commitment of its own after seeing the reveal: revealed in the same block, it fails RevealTooEarly", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      // Here the copier is the cheating provider's second address.
      const [sybil, verifier] = await spareAccounts(f, 2);
      const parties = { provider: f.provider, sybil, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider, sybil]);
      const terms = await jobTerms(f, job.id);
      const proof = proofOf(f);
      const honest = await commitProof(f, verifier, job.id, proof);
      await mine();
      const taken = await f.DisputeManager.slashAmount(job.id, terms);

      // The verifier's reveal is in the mempool; the sybil commits the proof as its own and reveals it in the same
      // block, both ahead of the verifier's reveal.
      const own = proofCommitment(sybil.address, job.id, proof);
      const stolen = (await f.DisputeManager.disputeCount()) + 1n;
      const [verifierTx, commitTx, revealTx] = await mineTogether(async () => [
        await f.DisputeManager.connect(verifier).revealProof(honest, terms, job.params, proof, withTip("1")),
        await f.DisputeManager.connect(sybil).commitProof(job.id, terms, own, withTip("5")),
        await f.DisputeManager.connect(sybil).revealProof(stolen, terms, job.params, proof, withTip("5")),
      ]);
      const receipts = await Promise.all(
        [commitTx, revealTx, verifierTx].map((tx) => ethers.provider.getTransactionReceipt(tx.hash)),
      );
      expect(receipts.map((r) => r!.blockNumber)).to.deep.equal(receipts.map(() => receipts[0]!.blockNumber));
      expect(receipts.map((r) => r!.index)).to.deep.equal([0, 1, 2]);
      expect(receipts.map((r) => r!.status)).to.deep.equal([1, 0, 1]);
      const committedAt = BigInt((await receipts[0]!.getBlock()).timestamp);
      expect(await revertOf(f.DisputeManager, revealTx.hash)).to.deep.equal({
        name: "RevealTooEarly",
        args: [stolen, committedAt],
      });
      // A block later the job is already slashed: the sybil's reveal reaches the escrow, which refuses it.
      await expect(f.DisputeManager.connect(sybil).revealProof(stolen, terms, job.params, proof))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Slashed, JobStatus.Disputed);
      await expect(f.DisputeManager.connect(sybil).resolve(stolen, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(stolen, job.id, DisputeStatus.Moot, 0n, sybil.address);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      expect((await weftHeldBy(f, [f.provider, sybil])) - attackerBefore).to.equal(-taken);
    });

    it("the self-report: the provider's second address commits and reveals first, and the provider still loses half the slash", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const [sybil, verifier] = await spareAccounts(f, 2);
      const parties = { provider: f.provider, sybil, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider, sybil]);
      const terms = await jobTerms(f, job.id);
      const proof = proofOf(f);

      // The provider knows where it cheated: its second address commits to the proof right after the submission.
      const own = await commitProof(f, sybil, job.id, proof);
      const honest = await commitProof(f, verifier, job.id, proof);
      await mine();
      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      // The verifier reveals; the sybil, committed earlier, reveals ahead of it with a higher tip.
      const [verifierTx, sybilTx] = await mineTogether(async () => [
        await f.DisputeManager.connect(verifier).revealProof(honest, terms, job.params, proof, withTip("1")),
        await f.DisputeManager.connect(sybil).revealProof(own, terms, job.params, proof, withTip("5")),
      ]);
      const [verifierReceipt, sybilReceipt] = await Promise.all(
        [verifierTx, sybilTx].map((tx) => ethers.provider.getTransactionReceipt(tx.hash)),
      );
      expect([sybilReceipt!.status, verifierReceipt!.status]).to.deep.equal([1, 0]);
      expect(await revertOf(f.JobEscrow, verifierTx.hash)).to.deep.equal({
        name: "JobNotInStatus",
        args: [job.id, JobStatus.Slashed, JobStatus.Disputed],
      });
      expect((await f.DisputeManager.dispute(own)).status).to.equal(DisputeStatus.ProviderAtFault);
      await expect(f.DisputeManager.connect(verifier).resolve(honest, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(honest, job.id, DisputeStatus.Moot, 0n, verifier.address);

      // The limit: the verifier is not paid (its bond is back); the sybil gets the challenger's half.
      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { sybil: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      // The attacker still loses the client's and the treasury's shares: 2,000 of the 4,000 WEFT slashed, and the
      // payment.
      const lost = split.client + split.treasury;
      expect(lost).to.equal(taken / 2n);
      expect((await weftHeldBy(f, [f.provider, sybil])) - attackerBefore).to.equal(-lost);
    });

    // REMAINING ATTACK (not fixed; skipped because it fails): the one-block delay between a commit and its reveal
    // only protects the honest reveal if it is mined in the block after the copier sees it. If the verifier's reveal
    // waits one block in the mempool (a full block, a low tip, or a block builder who is the copier), a copier commits
    // its own commitment to the proof in that block and reveals in the next one with a higher tip, ahead of the
    // verifier: the copier is paid the challenger's share, and the verifier's dispute ends Moot. Every committed
    // dispute with the same proof hash is distinguishable only by its commit time, which revealProof ignores; a fix
    // would settle a revealed proof only after a short grace period and pay the challenger of the earliest commitment
    // revealed for it (its commit time is `deadline - challengerTime`).
    it.skip("a copier whose commit lands while the verifier's reveal waits a block is not paid ahead of the verifier", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const [copier, verifier] = await spareAccounts(f, 2);
      const parties = { provider: f.provider, copier, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const terms = await jobTerms(f, job.id);
      const proof = proofOf(f);
      const honest = await commitProof(f, verifier, job.id, proof);
      await mine();
      const taken = await f.DisputeManager.slashAmount(job.id, terms);

      // The verifier's reveal is broadcast but not mined in this block; the copier's commitment is.
      const copied = await commitProof(f, copier, job.id, proof);
      // Next block: both reveals, the copier's first.
      await mineTogether(async () => [
        await f.DisputeManager.connect(verifier).revealProof(honest, terms, job.params, proof, withTip("1")),
        await f.DisputeManager.connect(copier).revealProof(copied, terms, job.params, proof, withTip("5")),
      ]);

      // What the design asks: the verifier, who committed first, is paid; the copier is not (its bond back).
      for (const id of [honest, copied]) {
        if ((await f.DisputeManager.dispute(id)).status < DisputeStatus.ProviderAtFault) {
          await f.DisputeManager.resolve(id, terms);
        }
      }
      expect((await f.DisputeManager.dispute(honest)).status, "the verifier's dispute").to.equal(
        DisputeStatus.ProviderAtFault,
      );
      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
    });
  });

  describe("free freeze through arbitration", function () {
    // A griefer disputes an honest job of a workload without a checker, where only the arbiter can rule, to freeze
    // the provider's payment and collateral for free: when no arbiter rules, the dispute used to end without fault
    // with the bond back to the griefer. Silence now rules for the provider: at the arbitration deadline anyone
    // resolves the dispute, the bond goes to the provider, and the job is paid, all within challengeWindow +
    // maxDisputeDuration of the submission however late in the window the griefers open their disputes.
    it("costs each griefer its bond, paid to the provider, which is paid within the settlement bound", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.customJob;
      const [early, late] = await spareAccounts(f, 2);
      const parties = { provider: f.provider, early, late, client: f.client };
      const before = await disputeSheet(f, parties);
      const terms = await jobTerms(f, job);
      const bound = await settlementBound(f, await submittedAt(f, job));
      const arbitrate = (griefer: Signer) =>
        openedDisputeId(f, f.DisputeManager.connect(griefer).disputeForArbitration(job, terms, "ipfs://nothing"));

      // One griefer opens at once, the other in the last second of the window; a third cannot open after it.
      const first = await arbitrate(early);
      await time.setNextBlockTimestamp(BigInt(terms.deadline) - 1n);
      const second = await arbitrate(late);
      await expect(f.DisputeManager.connect(f.outsider).disputeForArbitration(job, terms, "ipfs://nothing"))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChallengeWindowClosed")
        .withArgs(job, terms.deadline);
      const deadlines = [
        (await f.DisputeManager.dispute(first)).deadline,
        (await f.DisputeManager.dispute(second)).deadline,
      ];
      for (const deadline of deadlines) expect(deadline).to.be.at.most(bound);

      // Nobody rules. The first dispute ends at its deadline, for the provider; the second still holds the job.
      await time.increaseTo(deadlines[0]);
      await expect(f.DisputeManager.connect(f.provider).resolve(first, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(first, job, DisputeStatus.NoFault, 0n, f.provider.address);
      await expect(f.JobEscrow.finalize(job, terms))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job, JobStatus.Disputed, JobStatus.Submitted);
      await expect(f.DisputeManager.connect(f.provider).resolve(second, terms))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(second, deadlines[1]);

      await time.setNextBlockTimestamp(deadlines[1]);
      await expect(f.DisputeManager.connect(f.provider).resolve(second, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(second, job, DisputeStatus.NoFault, 0n, f.provider.address);
      const paidAt = await minedAt(await f.JobEscrow.connect(f.provider).finalize(job, terms));
      expect(paidAt).to.be.at.most(bound);

      await expectBalanceChanges(before, {
        weft: { early: -BOND, late: -BOND, provider: 2n * BOND },
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
    });
  });

  describe("griefing an honest job from several addresses", function () {
    // A griefer opens withheld-data disputes on an honest matmul job from several addresses, each with its own clock,
    // to hold the payment up as long as possible: one plays its bisection at once, one goes silent on its turn, one
    // opens in the window's last second and plays as slowly as its clock allows. The provider answers each game from
    // the tree it committed to; no revealed chunk can be proven wrong, every griefer loses its bond to the provider,
    // and the job is paid within challengeWindow + maxDisputeDuration of its submission.
    it("pays every griefer's bond to the provider, which is paid within the settlement bound", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.honestMatmul;
      const [prompt, silent, slow] = await spareAccounts(f, 3);
      const parties = { provider: f.provider, prompt, silent, slow, client: f.client };
      const before = await disputeSheet(f, parties);
      const terms = await jobTerms(f, job.id);
      const bound = await settlementBound(f, await submittedAt(f, job.id));

      // The prompt griefer plays at once and cannot prove any word of the chunk it reached wrong.
      const promptGame = await play(f, await openGame(f, job, prompt, alwaysLeft));
      const word = promptGame.revealed!.chunkIndex * 128;
      await expect(
        f.DisputeManager.connect(prompt).proveChunkWrong(
          promptGame.id,
          terms,
          job.params,
          matmulFraudProof(job, Math.floor(word / MATMUL_SHAPE.n), word % MATMUL_SHAPE.n),
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, word);
      // The silent griefer never names a child; the slow one opens in the window's last second.
      const silentGame = await play(f, await openGame(f, job, silent, alwaysLeft, { challengerAnswers: false }));
      await time.setNextBlockTimestamp(BigInt(terms.deadline) - 1n);
      const slowGame = await openGame(f, job, slow, alwaysLeft);
      await playSlowest(f, [slowGame]);
      const games = [promptGame, silentGame, slowGame];
      expect((await f.DisputeManager.dispute(games[1].id)).status).to.equal(DisputeStatus.AwaitingChoice);
      expect((await f.DisputeManager.dispute(games[2].id)).status).to.equal(DisputeStatus.ChunkRevealed);

      for (const game of [...games].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        const deadline = await passDeadline(f, game);
        expect(deadline).to.be.at.most(bound);
        await expect(f.DisputeManager.connect(f.provider).resolve(game.id, terms))
          .to.emit(f.DisputeManager, "DisputeSettled")
          .withArgs(game.id, job.id, DisputeStatus.NoFault, 0n, f.provider.address);
      }
      const paidAt = await minedAt(await f.JobEscrow.connect(f.provider).finalize(job.id, terms));
      expect(paidAt).to.be.at.most(bound);

      await expectBalanceChanges(before, {
        weft: { prompt: -BOND, silent: -BOND, slow: -BOND, provider: 3n * BOND },
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
      const state = await f.ProviderRegistry.providerState(f.provider.address);
      expect([state.jobsSlashed, state.jobsCompleted]).to.deep.equal([0n, 1n]);
    });
  });

  describe("settlement bound", function () {
    // Disputes opened by anyone, any number of them, at any time inside a job's challenge window, and played as
    // slowly as each side's clock allows, to keep a job from settling (an honest provider from being paid, a client
    // from being refunded, stake from being released). Every dispute opens inside the window and none lasts longer
    // than maxDisputeDuration, so each job is settled (paid or slashed) by submission + challengeWindow +
    // maxDisputeDuration. Random schedules: which jobs are disputed, when, on which path and with what play.
    const SCHEDULES = [1, 2, 3];
    const OPENINGS = 8;

    for (const seed of SCHEDULES) {
      it(`settles every job by submission + challengeWindow + maxDisputeDuration (schedule ${seed})`, async function () {
        const f = await loadFixture(disputesAndProposalsFixture);
        const random = seededRandom(seed);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
        const challengers = await spareAccounts(f, OPENINGS);
        const matmulJobs = [f.honestMatmul, f.cheatingMatmul];
        const jobIds = [f.honestMatmul.id, f.cheatingMatmul.id, f.customJob];
        const bound = new Map<bigint, bigint>();
        const windowEnd = new Map<bigint, bigint>();
        for (const id of jobIds) {
          bound.set(id, await settlementBound(f, await submittedAt(f, id)));
          windowEnd.set(id, BigInt((await jobTerms(f, id)).deadline));
        }

        // Distinct opening times inside every job's window, half of them in its last half minute (the latest openings
        // are the ones that hold a job longest); the first three go to each job in turn.
        const first = BigInt(await time.latest()) + 1n;
        const last = [...windowEnd.values()].reduce((a, b) => (a < b ? a : b)) - 1n;
        const times = new Set<bigint>();
        while (times.size < OPENINGS) {
          const late = random() < 0.5;
          const span = late ? 30n : last - first + 1n;
          times.add((late ? last - span + 1n : first) + BigInt(Math.floor(random() * Number(span))));
        }
        const games: Game[] = [];
        const waiting: { id: bigint; jobId: bigint }[] = [];
        for (const [i, at] of [...times].sort((a, b) => (a < b ? -1 : 1)).entries()) {
          const challenger = challengers[i];
          const target = i < jobIds.length ? jobIds[i] : pick(jobIds);
          await time.setNextBlockTimestamp(at);
          if (target === f.customJob) {
            const terms = await jobTerms(f, target);
            const id = await openedDisputeId(
              f,
              f.DisputeManager.connect(challenger).disputeForArbitration(target, terms, "ipfs://x"),
            );
            waiting.push({ id, jobId: target });
            continue;
          }
          const job = matmulJobs.find((j) => j.id === target)!;
          const correct = new ResultTree(job.correct);
          const kind = pick(["toward the wrong child", "toward a correct child", "silent", "commit"] as const);
          if (kind === "commit") {
            // A commitment whose proof is never revealed.
            waiting.push({ id: await commitProof(f, challenger, job.id, ethers.id(`junk ${i}`)), jobId: job.id });
          } else if (kind === "silent") {
            games.push(await openGame(f, job, challenger, alwaysLeft, { challengerAnswers: false }));
          } else {
            const choose = kind === "toward the wrong child" ? towardWrongChild(correct) : towardCorrectChild(correct);
            games.push(await openGame(f, job, challenger, choose));
          }
        }
        await playSlowest(f, games);

        // Each dispute ends as late as it can: a wrong revealed chunk is proven in the follow-up's last second, any
        // other dispute is resolved at its deadline (or as Moot once its job is slashed). A job is paid as soon as
        // its last dispute ends.
        const disputes: { id: bigint; jobId: bigint; game?: Game }[] = [
          ...games.map((game) => ({ id: game.id, jobId: game.job.id, game })),
          ...waiting,
        ];
        const settledAt = new Map<bigint, bigint>();
        for (;;) {
          let next: { entry: (typeof disputes)[number]; deadline: bigint } | undefined;
          for (const entry of disputes) {
            const d = await f.DisputeManager.dispute(entry.id);
            if (d.status >= DisputeStatus.ProviderAtFault) continue;
            expect(d.deadline, `dispute ${entry.id}'s deadline`).to.be.at.most(bound.get(entry.jobId)!);
            if (next === undefined || d.deadline < next.deadline) next = { entry, deadline: d.deadline };
          }
          if (next === undefined) break;
          const { entry, deadline } = next;
          const terms = await jobTerms(f, entry.jobId);
          const { game } = entry;
          const job = matmulJobs.find((j) => j.id === entry.jobId);
          const status = await f.JobEscrow.jobStatus(entry.jobId);
          const wrongChunk =
            game?.revealed !== undefined &&
            game.revealed.chunk !== ethers.hexlify(new ResultTree(game.job.correct).chunk(game.revealed.chunkIndex));
          let tx;
          if (status === JobStatus.Slashed) {
            tx = await f.DisputeManager.resolve(entry.id, terms);
          } else if (wrongChunk && (await f.DisputeManager.dispute(entry.id)).status === DisputeStatus.ChunkRevealed) {
            const soonest = BigInt(await time.latest()) + 1n;
            await time.setNextBlockTimestamp(deadline - 1n > soonest ? deadline - 1n : soonest);
            const { proof } = wrongWordProof(game!);
            tx = await f.DisputeManager.connect(game!.challenger).proveChunkWrong(entry.id, terms, job!.params, proof);
          } else {
            const soonest = BigInt(await time.latest()) + 1n;
            await time.setNextBlockTimestamp(deadline > soonest ? deadline : soonest);
            tx = await f.DisputeManager.resolve(entry.id, terms);
          }
          const endedAt = await minedAt(tx);
          if ((await f.JobEscrow.jobStatus(entry.jobId)) === JobStatus.Slashed) {
            if (!settledAt.has(entry.jobId)) settledAt.set(entry.jobId, endedAt);
          } else if ((await f.DisputeManager.openDisputes(entry.jobId)) === 0n) {
            settledAt.set(entry.jobId, await minedAt(await f.JobEscrow.finalize(entry.jobId, terms)));
          }
        }
        for (const id of jobIds) {
          expect([JobStatus.Finalized, JobStatus.Slashed], `job ${id}`).to.include(await f.JobEscrow.jobStatus(id));
          expect(settledAt.get(id), `job ${id} settled`).to.be.at.most(bound.get(id)!);
        }
      });
    }
  });

  describe("shrinking a slash by locking stake in self-dealt jobs", function () {
    // A cheating provider that sees a dispute coming has its second address post jobs directed to it and accepts
    // them, moving all its free stake into those jobs' collateral, then lets them time out, which refunds the payments
    // and pays the liveness penalties to its own second address. When the slash's stake share reached only free and
    // unbonding stake, this shrank the slash of a fixture job from 5,500 to 1,000 WEFT at no cost. The share now
    // reaches stake locked by other jobs too: what it takes from their locks is the provider's debt, paid back first
    // out of their releases, so the shield jobs' timeouts hand the coalition back only what stays free after the
    // debt, and the coalition loses exactly what it would have lost without the shield.
    it("slashes as if nothing were locked, and the shield's timeouts pay the coalition back nothing of it", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const [sybil, verifier] = await spareAccounts(f, 2);
      const selfDealt = DISPUTES_FIXTURE_FREE_STAKE / JOB_COLLATERAL;
      await f.usd.mint(sybil.address, selfDealt * JOB_PAYMENT);
      const parties = { provider: f.provider, sybil, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const coalitionBefore = await weftHeldBy(f, [f.provider, sybil]);
      expect(await f.DisputeManager.slashAmount(job.id, await jobTerms(f, job.id))).to.equal(SLASH_OF_A_FIXTURE_JOB);

      // The sybil posts enough jobs directed to the provider to lock all its free stake; the provider accepts them.
      const ids: bigint[] = [];
      for (let i = 0n; i < selfDealt; i++) {
        const id = await createJob(f, sybil, { provider: f.provider.address });
        await f.JobEscrow.connect(f.provider).acceptJob(id, await jobTerms(f, id));
        ids.push(id);
      }
      expect(await f.ProviderRegistry.freeStake(f.provider.address)).to.equal(0n);
      expect(await f.DisputeManager.slashAmount(job.id, await jobTerms(f, job.id))).to.equal(SLASH_OF_A_FIXTURE_JOB);

      // The verifier proves the fraud: the released collateral is the only free stake, the rest comes out of the
      // other jobs' locks and is owed.
      const taken = await proveWrongElement(f, verifier);
      expect(taken).to.equal(SLASH_OF_A_FIXTURE_JOB);
      const debt = taken - JOB_COLLATERAL;
      expect((await f.ProviderRegistry.providerState(f.provider.address)).debt).to.equal(debt);

      // The shield jobs time out. Their releases pay the debt first; only the last two leave stake free, out of which
      // their liveness penalties are paid to the sybil (the first four free nothing and pay nothing).
      await time.increaseTo(BigInt((await jobTerms(f, ids.at(-1)!)).deadline) + 1n);
      for (const id of ids) await f.JobEscrow.connect(sybil).claimTimeout(id, await jobTerms(f, id));
      expect((await f.ProviderRegistry.providerState(f.provider.address)).debt).to.equal(0n);
      const penalties = 2n * JOB_PENALTY;

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: {
          sybil: penalties,
          verifier: split.challenger,
          client: split.client,
          treasury: split.treasury,
          registry: -taken - penalties,
        },
        stake: { provider: -taken - penalties },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      // The coalition loses the whole slash, as it would have without the shield.
      expect((await weftHeldBy(f, [f.provider, sybil])) - coalitionBefore).to.equal(-taken);
    });
  });
});

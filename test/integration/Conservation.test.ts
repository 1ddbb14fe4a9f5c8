import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract } from "ethers";
import { ZeroAddress } from "ethers";
import fc from "fast-check";

import { readJob, committedTerms } from "../../src/chain/jobs";
import { TERM_FIELDS } from "../fixtures/terms";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import { USD_WEFT_PER_TOKEN, deployWeftFixture } from "../fixtures/weft";

/**
 * Conservation property: random sequences of every escrow and registry operation, from several clients and
 * providers, paying in two tokens (a plain stablecoin and WEFT itself, which is also the stake token), checked
 * against a model after every step:
 * - the escrow holds exactly the payments of its open obligations (Open, Assigned, Submitted, Disputed jobs);
 * - the registry holds exactly totalStake, which is the sum of every provider's staked + unbonding;
 * - each provider's locked stake is at most its staked, and locked + debt is the collateral of its running jobs (and of
 *   Slashed jobs the disputer has not slashed yet): what a slash took of other jobs' locks is owed until they settle;
 * - every job keeps the value its payment had at creation, whatever the DAO later sets its token's rate to, and locks
 *   the collateral that value (or the minimum collateral) calls for;
 * - no token is created or destroyed: the balances of all participants, escrow, registry and treasury add up to a
 *   constant.
 * The model predicts every outcome: an operation it deems invalid must revert with the error it names, and a valid
 * one must succeed and leave the state the model computes. The model also keeps each job's terms, which every escrow
 * call takes: a step sends the terms the model predicts (so a wrong prediction reverts JobTermsMismatch and fails the
 * run), and a "forge" step sends them with one term changed, which must revert and move nothing.
 */

const RUNS = Number(process.env.CONSERVATION_RUNS ?? 200);
const SEED = 20261125;
const BPS = 10_000n;
const WEFT = (amount: string) => ethers.parseEther(amount);

enum Status {
  None,
  Open,
  Assigned,
  Submitted,
  Disputed,
  Finalized,
  Cancelled,
  TimedOut,
  Slashed,
}
const OPEN_OBLIGATIONS = [Status.Open, Status.Assigned, Status.Submitted, Status.Disputed];

const INITIAL_STAKE = WEFT("10000");
const WORKLOAD_ID = ethers.encodeBytes32String("matmul-i8");
const PARAMS = "0x";
const INPUT_ROOT = ethers.id("inputs");
const PROVIDER_COUNT = 3; // registered; index PROVIDER_COUNT is an unregistered account
const CLIENT_COUNT = 3;
/** tUSD rates the DAO may set (WEFT base units per tUSD): zero is refused; a third of a WEFT rounds values down. */
const RATES = [0n, USD_WEFT_PER_TOKEN, WEFT("2.5"), WEFT("0.3"), WEFT("1") / 3n];

async function conservationFixture() {
  const f = await loadFixture(deployWeftFixture);
  const signers = await ethers.getSigners();
  const clients = [f.client, f.outsider, signers[7]];
  const providers = [f.provider, f.provider2, signers[8]];
  const nobody = signers[9];
  const escrow = await f.JobEscrow.getAddress();
  const registry = await f.ProviderRegistry.getAddress();
  for (const account of [signers[7], signers[8], nobody]) {
    await f.ComputeToken.transfer(account.address, WEFT("100000"));
    await f.usd.mint(account.address, WEFT("1000000"));
  }
  for (const c of clients) {
    await f.usd.connect(c).approve(escrow, ethers.MaxUint256);
    await f.ComputeToken.connect(c).approve(escrow, ethers.MaxUint256);
  }
  for (const p of [...providers, nobody]) await f.ComputeToken.connect(p).approve(registry, ethers.MaxUint256);
  for (const p of providers) {
    await f.ProviderRegistry.connect(p).register({ gpuModel: "H100", vramGb: 80, metadataURI: "" });
    await f.ProviderRegistry.connect(p).stake(INITIAL_STAKE);
  }
  return { ...f, clients, providers: [...providers, nobody], escrowAddress: escrow, registryAddress: registry };
}
type Fixture = Awaited<ReturnType<typeof conservationFixture>>;

// ------------------------------------------------------------------ operations

type Op =
  | {
      kind: "create";
      client: number;
      token: number;
      payment: number; // -1: below the minimum
      deadline: number; // seconds after the block; 0 and MAX_JOB_DURATION + 1 are invalid
      directed: number | null; // provider index (PROVIDER_COUNT: unregistered)
    }
  | { kind: "accept"; job: JobPick; provider: number; followDirected: boolean }
  | { kind: "submit"; job: JobPick; stranger: boolean; emptyRoot: boolean }
  | { kind: "finalize"; job: JobPick }
  | { kind: "cancel"; job: JobPick; stranger: boolean }
  | { kind: "timeout"; job: JobPick }
  | { kind: "dispute"; job: JobPick; unauthorized: boolean }
  | { kind: "resolve"; job: JobPick; atFault: boolean }
  | { kind: "slash"; job: JobPick; withJob: boolean; provider: number; share: number } // stake share, bps
  | { kind: "rate"; rate: number } // the DAO revalues tUSD: an index into RATES
  | { kind: "unbond"; provider: number; share: number } // share of free stake in 1/1000; -1: zero, 1001: free + 1
  | { kind: "withdraw"; provider: number; wait: boolean } // wait: first let the oldest entry mature
  | { kind: "stake"; provider: number; amount: number }
  | { kind: "wait"; seconds: number }
  | { kind: "toDeadline"; job: JobPick; delta: number }
  | { kind: "advance"; n: number; choice: number } // the natural next step of a running job
  | { kind: "forge"; job: JobPick; term: number; choice: number }; // a step of the job with one of its terms changed
type JobPick = { any: boolean; n: number };
type OpKind = Op["kind"];

const registeredProvider = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 0, max: PROVIDER_COUNT - 1 }) },
  {
    weight: 1,
    arbitrary: fc.constant(PROVIDER_COUNT),
  },
);
/** Chooses a job: mostly among those in the status the operation needs (skipped if none), sometimes any job. */
const pick = fc.record({ any: fc.integer({ min: 0, max: 9 }).map((x) => x === 0), n: fc.nat() });

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant("advance" as const), n: fc.nat(), choice: fc.nat({ max: 99 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      client: fc.integer({ min: 0, max: CLIENT_COUNT - 1 }),
      token: fc.integer({ min: 0, max: 1 }),
      payment: fc.oneof(
        { weight: 1, arbitrary: fc.constant(-1) },
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 100 }) },
        // Mostly jobs a provider can take several of at once (up to 300 tokens: 3,000 WEFT of collateral at 1:1), so
        // that slashes find other jobs' locks to reach and releases find debt to repay; sometimes more than it can back.
        { weight: 10, arbitrary: fc.integer({ min: 0, max: 300_000 }) },
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 2_000_000 }) },
      ),
      deadline: fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(0, 90 * 86400 + 1) },
        { weight: 1, arbitrary: fc.constant(90 * 86400) },
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 120 }) },
        { weight: 15, arbitrary: fc.integer({ min: 600, max: 4 * 3600 }) },
      ),
      directed: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: registeredProvider }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("accept" as const),
      job: pick,
      provider: registeredProvider,
      followDirected: fc.integer({ min: 0, max: 4 }).map((x) => x !== 0),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("submit" as const),
      job: pick,
      stranger: fc.integer({ min: 0, max: 14 }).map((x) => x === 0),
      emptyRoot: fc.integer({ min: 0, max: 14 }).map((x) => x === 0),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("finalize" as const), job: pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("cancel" as const),
      job: pick,
      stranger: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("timeout" as const), job: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("dispute" as const),
      job: pick,
      unauthorized: fc.integer({ min: 0, max: 14 }).map((x) => x === 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("resolve" as const), job: pick, atFault: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("slash" as const),
      job: pick,
      withJob: fc.integer({ min: 0, max: 3 }).map((x) => x !== 0),
      provider: registeredProvider,
      // Mostly high shares, which reach the stake other jobs lock (as debt) whenever the provider has any.
      share: fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(0, 10_000) },
        { weight: 3, arbitrary: fc.integer({ min: 8_000, max: 10_000 }) },
        { weight: 5, arbitrary: fc.integer({ min: 1, max: 9_999 }) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("rate" as const), rate: fc.nat({ max: RATES.length - 1 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("unbond" as const),
      provider: registeredProvider,
      share: fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(-1, 1001) },
        { weight: 9, arbitrary: fc.integer({ min: 0, max: 1000 }) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("withdraw" as const), provider: registeredProvider, wait: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("stake" as const),
      provider: registeredProvider,
      amount: fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 9, arbitrary: fc.integer({ min: 1, max: 5000 }) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      seconds: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 120 }) },
        { weight: 6, arbitrary: fc.constantFrom(599, 600, 601, 1800, 3600) },
        { weight: 2, arbitrary: fc.constantFrom(7199, 7200, 7201, 86400) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 * 86400 }) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("toDeadline" as const),
      job: anyJobPickOf(),
      delta: fc.integer({ min: -1, max: 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("forge" as const),
      job: anyJobPickOf(),
      term: fc.nat({ max: TERM_FIELDS.length - 1 }),
      choice: fc.nat({ max: 99 }),
    }),
  },
);

function anyJobPickOf() {
  return fc.record({ any: fc.constant(true), n: fc.nat() });
}

// ------------------------------------------------------------------ model

interface ModelJob {
  id: bigint;
  client: number;
  token: number;
  payment: bigint;
  paymentValue: bigint; // the payment valued in WEFT at its token's rate when the job was created
  provider: string; // directed provider while Open (or zero), then the assigned one
  collateral: bigint;
  deadline: bigint; // the submit deadline, then the end of the challenge window (a term: it never changes after)
  resultRoot: string;
  status: Status;
  feeBps: bigint;
  lockHeld: boolean;
  settledAt: bigint; // when it was finalized, 0 before
}

interface ModelProvider {
  address: string;
  registered: boolean;
  staked: bigint;
  locked: bigint;
  debt: bigint; // running jobs' collateral a slash already took
  entries: { amount: bigint; maturesAt: bigint }[];
  jailedUntil: bigint;
}

/** Which status an operation needs, for choosing a job it applies to. */
const NEEDS: Partial<Record<OpKind, Status>> = {
  accept: Status.Open,
  submit: Status.Assigned,
  finalize: Status.Submitted,
  cancel: Status.Open,
  timeout: Status.Assigned,
  dispute: Status.Submitted,
  resolve: Status.Disputed,
  slash: Status.Slashed,
};

type Outcome = "ok" | "reverted" | "skipped";
/** How often each expected error was seen, to tune the generators (printed with VERBOSE=1). */
const revertReasons: Record<string, number> = {};
const outcomes: Record<string, Record<Outcome, number>> = {};
/** Whether some slash reached other jobs' locks (and a later release repaid the debt), so that the rule was tested. */
const debt = { incurred: 0, repaid: 0 };

class Run {
  readonly jobs: ModelJob[] = [];
  readonly providers: ModelProvider[];
  readonly tokens: [BaseContract & { balanceOf(a: string): Promise<bigint> }, Fixture["ComputeToken"]];
  readonly tokenAddresses: string[] = [];
  readonly minPayment: bigint[];
  /** Each token's rate (WEFT base units per whole token; both have 18 decimals), as the escrow has it now. */
  readonly rates: bigint[];
  readonly accounts: string[];
  readonly initialSupply: bigint[] = [];
  now = 0n;

  constructor(readonly f: Fixture) {
    this.providers = f.providers.map((p, i) => ({
      address: p.address,
      registered: i < PROVIDER_COUNT,
      staked: i < PROVIDER_COUNT ? INITIAL_STAKE : 0n,
      locked: 0n,
      debt: 0n,
      entries: [],
      jailedUntil: 0n,
    }));
    this.tokens = [f.usd, f.ComputeToken];
    this.minPayment = [1000n, f.parameters.escrow.minPaymentWeft];
    this.rates = [USD_WEFT_PER_TOKEN, WEFT("1")];
    this.accounts = [
      ...f.clients.map((c) => c.address),
      ...f.providers.map((p) => p.address),
      f.disputer.address,
      f.timelock.address, // the treasury
      f.escrowAddress,
      f.registryAddress,
    ];
  }

  async init() {
    this.now = BigInt(await time.latest());
    expect(await this.f.JobEscrow.treasury()).to.equal(this.f.timelock.address);
    for (const t of this.tokens) {
      this.tokenAddresses.push(await t.getAddress());
      this.initialSupply.push(await this.trackedSupply(t));
    }
  }

  private async trackedSupply(token: { balanceOf(a: string): Promise<bigint> }): Promise<bigint> {
    const balances = await Promise.all(this.accounts.map((a) => token.balanceOf(a)));
    return balances.reduce((x, y) => x + y, 0n);
  }

  private choose(p: JobPick, kind: OpKind): ModelJob | undefined {
    if (this.jobs.length === 0) return undefined;
    const needed = NEEDS[kind];
    const from = needed === undefined || p.any ? this.jobs : this.jobs.filter((j) => j.status === needed);
    return from.length === 0 ? undefined : from[p.n % from.length];
  }

  private providerOf(address: string): ModelProvider | undefined {
    return this.providers.find((p) => p.address === address);
  }

  /** Sends `send` in a block at `ts`; expects `error` (on `contract`) if given, success otherwise. */
  private async expectOutcome(
    ts: bigint,
    send: () => Promise<{ wait(): Promise<unknown> }>,
    error?: [BaseContract, string],
  ): Promise<boolean> {
    await network.provider.send("evm_setNextBlockTimestamp", [Number(ts)]);
    if (error !== undefined) {
      await expect(send()).to.be.revertedWithCustomError(error[0], error[1]);
      revertReasons[error[1]] = (revertReasons[error[1]] ?? 0) + 1;
      // Hardhat mines a reverted transaction when its gas was not estimated, so the clock may have moved.
      this.now = BigInt(await time.latest());
      return false;
    }
    await (await send()).wait();
    this.now = ts;
    return true;
  }

  /** Runs one operation, counting its outcome (an `advance` counts itself and the step it takes). */
  async step(op: Op): Promise<Outcome> {
    const outcome = await this.apply(op);
    outcomes[op.kind] ??= { ok: 0, reverted: 0, skipped: 0 };
    outcomes[op.kind][outcome]++;
    return outcome;
  }

  private async apply(op: Op): Promise<Outcome> {
    const { f } = this;
    const escrow = f.JobEscrow;
    const registry = f.ProviderRegistry;
    const ts = this.now + 1n;
    const E = (name: string): [BaseContract, string] => [escrow, name];
    const R = (name: string): [BaseContract, string] => [registry, name];

    switch (op.kind) {
      case "create": {
        const min = this.minPayment[op.token];
        const payment = op.payment < 0 ? min - 1n : min + BigInt(op.payment) * 10n ** 15n;
        const deadline = ts + BigInt(op.deadline);
        const directed = op.directed === null ? ZeroAddress : this.providers[op.directed].address;
        const request = {
          workloadId: WORKLOAD_ID,
          params: PARAMS,
          inputRoot: INPUT_ROOT,
          inputURI: "",
          paymentToken: this.tokenAddresses[op.token],
          payment,
          provider: directed,
          submitDeadline: deadline,
        };
        let error: [BaseContract, string] | undefined;
        if (payment < min) error = E("PaymentBelowMinimum");
        else if (deadline <= ts || deadline > ts + 90n * 86400n) error = E("InvalidSubmitDeadline");
        const ok = await this.expectOutcome(ts, () => escrow.connect(f.clients[op.client]).createJob(request), error);
        if (!ok) return "reverted";
        this.jobs.push({
          id: BigInt(this.jobs.length + 1),
          client: op.client,
          token: op.token,
          payment,
          paymentValue: (payment * this.rates[op.token]) / WEFT("1"),
          provider: directed,
          collateral: 0n,
          deadline,
          resultRoot: ethers.ZeroHash,
          status: Status.Open,
          feeBps: f.parameters.escrow.protocolFeeBps,
          lockHeld: false,
          settledAt: 0n,
        });
        return "ok";
      }
      case "accept": {
        const j = this.choose(op.job, op.kind);
        if (j === undefined) return "skipped";
        const directedIndex = this.providers.findIndex((x) => x.address === j.provider);
        const index = op.followDirected && directedIndex >= 0 ? directedIndex : op.provider;
        const p = this.providers[index];
        // The value fixed at creation, times the ratio, and at least the floor.
        const byRatio = (j.paymentValue * f.parameters.escrow.collateralRatioBps) / BPS;
        const floor = f.parameters.escrow.minCollateral;
        const collateral = byRatio < floor ? floor : byRatio;
        let error: [BaseContract, string] | undefined;
        if (j.status !== Status.Open) error = E("JobNotInStatus");
        else if (j.provider !== ZeroAddress && j.provider !== p.address) error = E("NotDirectedProvider");
        else if (ts > j.deadline) error = E("SubmitDeadlinePassed");
        else if (!p.registered || ts < p.jailedUntil || p.staked < f.parameters.registry.minProviderStake) {
          error = E("ProviderNotEligible");
        } else if (collateral > p.staked - p.locked) error = R("InsufficientFreeStake");
        const signer = f.providers[index];
        const terms = this.terms(j);
        if (!(await this.expectOutcome(ts, () => escrow.connect(signer).acceptJob(j.id, terms), error))) {
          return "reverted";
        }
        j.provider = p.address;
        j.collateral = collateral;
        j.status = Status.Assigned;
        j.lockHeld = true;
        p.locked += collateral;
        await this.checkJob(j);
        return "ok";
      }
      case "submit": {
        const j = this.choose(op.job, op.kind);
        if (j === undefined) return "skipped";
        const signer = op.stranger ? f.outsider : (f.providers.find((s) => s.address === j.provider) ?? f.outsider);
        let error: [BaseContract, string] | undefined;
        if (j.status !== Status.Assigned) error = E("JobNotInStatus");
        else if (signer.address !== j.provider) error = E("NotJobProvider");
        else if (ts > j.deadline) error = E("SubmitDeadlinePassed");
        else if (op.emptyRoot) error = E("EmptyResultRoot");
        const root = op.emptyRoot ? ethers.ZeroHash : ethers.id(`result ${j.id}`);
        const terms = this.terms(j);
        if (!(await this.expectOutcome(ts, () => escrow.connect(signer).submitResult(j.id, terms, root, ""), error))) {
          return "reverted";
        }
        j.status = Status.Submitted;
        j.resultRoot = root;
        j.deadline = ts + f.parameters.escrow.challengeWindow;
        await this.checkJob(j);
        return "ok";
      }
      case "finalize": {
        const j = this.choose(op.job, op.kind);
        if (j === undefined) return "skipped";
        let error: [BaseContract, string] | undefined;
        if (j.status !== Status.Submitted) error = E("JobNotInStatus");
        else if (ts < j.deadline) error = E("ChallengeWindowOpen");
        const terms = this.terms(j);
        if (!(await this.expectOutcome(ts, () => escrow.connect(f.deployer).finalize(j.id, terms), error))) {
          return "reverted";
        }
        j.status = Status.Finalized;
        j.settledAt = ts;
        j.lockHeld = false;
        this.release(this.providerOf(j.provider)!, j.collateral);
        expect(await f.ComputeReceipt.ownerOf(j.id)).to.equal(f.clients[j.client].address);
        await this.checkJob(j);
        return "ok";
      }
      case "cancel": {
        const j = this.choose(op.job, op.kind);
        if (j === undefined) return "skipped";
        const signer = op.stranger ? f.disputer : f.clients[j.client];
        let error: [BaseContract, string] | undefined;
        if (j.status !== Status.Open) error = E("JobNotInStatus");
        else if (op.stranger) error = E("NotJobClient");
        const terms = this.terms(j);
        if (!(await this.expectOutcome(ts, () => escrow.connect(signer).cancelJob(j.id, terms), error))) {
          return "reverted";
        }
        j.status = Status.Cancelled;
        await this.checkJob(j);
        return "ok";
      }
      case "timeout": {
        const j = this.choose(op.job, op.kind);
        if (j === undefined) return "skipped";
        let error: [BaseContract, string] | undefined;
        if (j.status !== Status.Assigned) error = E("JobNotInStatus");
        else if (ts <= j.deadline) error = E("SubmitDeadlineNotReached");
        const terms = this.terms(j);
        if (!(await this.expectOutcome(ts, () => escrow.connect(f.outsider).claimTimeout(j.id, terms), error))) {
          return "reverted";
        }
        // The penalty comes out of free stake once the collateral is released, and is capped by it.
        const penalty = (j.collateral * f.parameters.escrow.livenessPenaltyBps) / BPS;
        const p = this.providerOf(j.provider)!;
        this.release(p, j.collateral);
        const free = p.staked - p.locked;
        p.staked -= penalty < free ? penalty : free;
        j.status = Status.TimedOut;
        j.lockHeld = false;
        await this.checkJob(j);
        return "ok";
      }
      case "dispute": {
        const j = this.choose(op.job, op.kind);
        if (j === undefined) return "skipped";
        const signer = op.unauthorized ? f.outsider : f.disputer;
        let error: [BaseContract, string] | undefined;
        if (op.unauthorized) error = E("AccessManagedUnauthorized");
        else if (j.status !== Status.Submitted) error = E("JobNotInStatus");
        else if (ts >= j.deadline) error = E("ChallengeWindowClosed");
        const terms = this.terms(j);
        const send = () => escrow.connect(signer).markDisputed(j.id, terms);
        if (!(await this.expectOutcome(ts, send, error))) return "reverted";
        j.status = Status.Disputed;
        await this.checkJob(j);
        return "ok";
      }
      case "resolve": {
        const j = this.choose(op.job, op.kind);
        if (j === undefined) return "skipped";
        const error = j.status !== Status.Disputed ? E("JobNotInStatus") : undefined;
        const terms = this.terms(j);
        const send = () => escrow.connect(f.disputer).resolveDispute(j.id, terms, op.atFault);
        if (!(await this.expectOutcome(ts, send, error))) return "reverted";
        if (op.atFault) {
          j.status = Status.Slashed; // the collateral stays locked until the registry's slash
        } else {
          j.status = Status.Submitted; // the original challenge window still applies
        }
        await this.checkJob(j);
        return "ok";
      }
      case "slash": {
        // With a job: the provider of a Slashed job whose collateral is still locked, released by the slash (what the
        // DisputeManager does after a ruling). Without (or with no such job): job id 0 and no collateral, so the stake
        // share alone is taken, from free, then unbonding, then locked stake.
        let p: ModelProvider;
        let jobId = 0n;
        let j: ModelJob | undefined;
        if (op.withJob) {
          j = this.jobs.find((x, i) => x.status === Status.Slashed && x.lockHeld && i >= op.job.n % this.jobs.length);
          j ??= this.jobs.find((x) => x.status === Status.Slashed && x.lockHeld);
        }
        if (j !== undefined) {
          p = this.providerOf(j.provider)!;
          jobId = j.id;
        } else {
          // No job's collateral: preferably a provider with running jobs, whose locks a high share reaches (as debt).
          const busy = this.jobs.filter((x) => x.lockHeld).map((x) => this.providerOf(x.provider)!);
          const registered = op.provider < PROVIDER_COUNT;
          p = registered && busy.length > 0 ? busy[op.job.n % busy.length] : this.providers[op.provider];
        }
        const share = BigInt(op.share);
        const client = f.clients[j?.client ?? 0].address;
        const recipients = [client, f.disputer.address, f.timelock.address];
        const error = p.registered ? undefined : R("ProviderNotRegistered");
        const collateral = j?.collateral ?? 0n;
        // The job's backing (its collateral less what is owed) plus the share of the rest of the stake.
        const backing = collateral - (collateral < p.debt ? collateral : p.debt);
        const total = p.staked + p.entries.reduce((sum, e) => sum + e.amount, 0n);
        const amount = backing + ((total - backing) * share) / BPS;
        if (p.registered)
          expect(await registry.slashAmount(p.address, collateral, share), "slashAmount").to.equal(amount);
        const send = () =>
          registry.connect(f.disputer).slash(p.address, jobId, collateral, share, recipients, [5000, 3000, 2000]);
        if (!(await this.expectOutcome(ts, send, error))) return "reverted";
        if (j !== undefined) {
          this.release(p, j.collateral);
          j.lockHeld = false;
        }
        // Free stake first, then unbonding entries newest first, then other jobs' locks, which become debt.
        let taken = amount < p.staked - p.locked ? amount : p.staked - p.locked;
        p.staked -= taken;
        for (let i = p.entries.length - 1; i >= 0 && taken < amount; i--) {
          const part = p.entries[i].amount < amount - taken ? p.entries[i].amount : amount - taken;
          p.entries[i].amount -= part;
          taken += part;
        }
        p.entries = p.entries.filter((e) => e.amount > 0n);
        const fromLocks = amount - taken;
        if (fromLocks > 0n) debt.incurred++;
        p.staked -= fromLocks;
        p.locked -= fromLocks;
        p.debt += fromLocks;
        const jail = ts + f.parameters.registry.jailDuration;
        if (jail > p.jailedUntil) p.jailedUntil = jail;
        return "ok";
      }
      case "rate": {
        const rate = RATES[op.rate];
        const error = rate === 0n ? E("PaymentTokenRateOutOfBounds") : undefined;
        const send = () =>
          escrow.connect(f.timelock).setPaymentToken(this.tokenAddresses[0], true, this.minPayment[0], rate);
        if (!(await this.expectOutcome(ts, send, error))) return "reverted";
        this.rates[0] = rate;
        return "ok";
      }
      case "unbond": {
        const p = this.providers[op.provider];
        const free = p.staked - p.locked;
        const amount = op.share < 0 ? 0n : op.share > 1000 ? free + 1n : (free * BigInt(op.share)) / 1000n;
        let error: [BaseContract, string] | undefined;
        if (amount === 0n) error = R("ZeroAmount");
        else if (amount > free) error = R("InsufficientFreeStake");
        else if (p.entries.length === 8) error = R("TooManyUnbondingEntries");
        const signer = f.providers[op.provider];
        if (!(await this.expectOutcome(ts, () => registry.connect(signer).requestUnbond(amount), error))) {
          return "reverted";
        }
        p.staked -= amount;
        let maturesAt = ts + f.parameters.registry.unbondingPeriod;
        const newest = p.entries[p.entries.length - 1];
        if (newest !== undefined && newest.maturesAt > maturesAt) maturesAt = newest.maturesAt;
        p.entries.push({ amount, maturesAt });
        return "ok";
      }
      case "withdraw": {
        if (op.wait) {
          // A provider with pending entries (if any), once its oldest entry has matured.
          const withEntries = this.providers.findIndex((x) => x.entries.length > 0);
          const provider = withEntries >= 0 ? withEntries : op.provider;
          const oldest = this.providers[provider].entries[0];
          if (oldest !== undefined && oldest.maturesAt > ts) this.now = oldest.maturesAt - 1n;
          return this.apply({ ...op, provider, wait: false });
        }
        const p = this.providers[op.provider];
        let matured = 0;
        while (matured < p.entries.length && p.entries[matured].maturesAt <= ts) matured++;
        const error = matured === 0 ? R("NothingToWithdraw") : undefined;
        const signer = f.providers[op.provider];
        if (!(await this.expectOutcome(ts, () => registry.connect(signer).withdraw(), error))) return "reverted";
        p.entries.splice(0, matured);
        return "ok";
      }
      case "stake": {
        const p = this.providers[op.provider];
        const amount = BigInt(op.amount) * 10n ** 18n;
        let error: [BaseContract, string] | undefined;
        if (amount === 0n) error = R("ZeroAmount");
        else if (!p.registered) error = R("ProviderNotRegistered");
        const signer = f.providers[op.provider];
        if (!(await this.expectOutcome(ts, () => registry.connect(signer).stake(amount), error))) return "reverted";
        p.staked += amount;
        return "ok";
      }
      case "wait":
        this.now += BigInt(op.seconds);
        return "ok";
      case "advance": {
        // Drives a running job on with a valid-looking step, so that sequences reach every final status.
        const running = this.jobs.filter((x) => OPEN_OBLIGATIONS.includes(x.status) || x.lockHeld);
        if (running.length === 0) return "skipped";
        // Every other time, a job of a provider in debt if there is one, so that releases repay debt.
        const owing = running.filter((x) => (this.providerOf(x.provider)?.debt ?? 0n) > 0n);
        const pool = owing.length > 0 && op.n % 2 === 0 ? owing : running;
        const j = pool[Math.floor(op.n / 2) % pool.length];
        const at = { any: true, n: this.jobs.indexOf(j) };
        const c = op.choice;
        const directed = this.providers.findIndex((x) => x.address === j.provider);
        switch (j.status) {
          case Status.Open:
            if (c < 10) return this.step({ kind: "cancel", job: at, stranger: false });
            return this.step({ kind: "accept", job: at, provider: c % PROVIDER_COUNT, followDirected: true });
          case Status.Assigned:
            if (c < 10) return this.step({ kind: "timeout", job: at });
            return this.step({ kind: "submit", job: at, stranger: false, emptyRoot: false });
          case Status.Submitted:
            if (c < 30 && ts < j.deadline) return this.step({ kind: "dispute", job: at, unauthorized: false });
            if (ts < j.deadline && c < 60) this.now = j.deadline - 1n;
            return this.step({ kind: "finalize", job: at });
          case Status.Disputed:
            return this.step({ kind: "resolve", job: at, atFault: c < 50 });
          default: // Slashed, collateral still locked
            return this.step({
              kind: "slash",
              job: at,
              withJob: true,
              provider: directed,
              share: c < 40 ? 10_000 : c * 101,
            });
        }
      }
      case "forge": {
        // A step the job's status allows (or, for a closed job, any step), sent with one term changed: the escrow
        // must refuse the terms (or the status, which it checks first) and move nothing.
        const j = this.choose(op.job, op.kind);
        if (j === undefined) return "skipped";
        const forged = this.forged(j, TERM_FIELDS[op.term]);
        const provider = f.providers.find((x) => x.address === j.provider) ?? f.outsider;
        const steps: [Status, () => Promise<{ wait(): Promise<unknown> }>][] = [
          [Status.Open, () => escrow.connect(f.clients[j.client]).cancelJob(j.id, forged)],
          [Status.Open, () => escrow.connect(f.providers[op.choice % PROVIDER_COUNT]).acceptJob(j.id, forged)],
          [Status.Assigned, () => escrow.connect(provider).submitResult(j.id, forged, ethers.id(`result ${j.id}`), "")],
          [Status.Assigned, () => escrow.connect(f.outsider).claimTimeout(j.id, forged)],
          [Status.Submitted, () => escrow.connect(f.outsider).finalize(j.id, forged)],
          [Status.Submitted, () => escrow.connect(f.disputer).markDisputed(j.id, forged)],
          [Status.Disputed, () => escrow.connect(f.disputer).resolveDispute(j.id, forged, op.choice % 2 === 0)],
        ];
        const allowed = steps.filter(([needs]) => needs === j.status);
        const [needs, send] = (allowed.length > 0 ? allowed : steps)[op.choice % (allowed.length || steps.length)];
        await this.expectOutcome(ts, send, E(needs === j.status ? "JobTermsMismatch" : "JobNotInStatus"));
        return "reverted";
      }
      case "toDeadline": {
        // Moves time so that the next block lands at the job's current deadline + delta (never backwards).
        const j = this.choose(op.job, op.kind);
        if (j === undefined) return "skipped";
        const target = j.deadline + BigInt(op.delta) - 1n;
        if (target <= this.now) return "skipped";
        this.now = target;
        return "ok";
      }
    }
  }

  /**
   * Settles every job still running, as the protocol eventually does: an Open job is cancelled, an Assigned one times
   * out, a Submitted one is finalized, a Disputed one is resolved (at fault for even ids) and a Slashed one's
   * collateral is slashed. Each step must succeed; afterwards no job holds a payment or a lock, so every debt is repaid.
   */
  async drain() {
    for (let round = 0; round < 3; round++) {
      for (const [n, j] of this.jobs.entries()) {
        const at = { any: true, n };
        let outcome: Outcome | undefined;
        if (j.status === Status.Open) {
          outcome = await this.apply({ kind: "cancel", job: at, stranger: false });
        } else if (j.status === Status.Assigned) {
          if (this.now < j.deadline) this.now = j.deadline;
          outcome = await this.apply({ kind: "timeout", job: at });
        } else if (j.status === Status.Submitted) {
          if (this.now < j.deadline) this.now = j.deadline - 1n;
          outcome = await this.apply({ kind: "finalize", job: at });
        } else if (j.status === Status.Disputed) {
          outcome = await this.apply({ kind: "resolve", job: at, atFault: j.id % 2n === 0n });
        } else if (j.status === Status.Slashed && j.lockHeld) {
          outcome = await this.apply({ kind: "slash", job: at, withJob: true, provider: 0, share: 0 });
        }
        if (outcome !== undefined) expect(outcome, `settling job ${j.id} (${Status[j.status]})`).to.equal("ok");
      }
    }
    const running = this.jobs.filter((x) => OPEN_OBLIGATIONS.includes(x.status) || x.lockHeld);
    expect(
      running.map((x) => x.id),
      "jobs still running",
    ).to.deep.equal([]);
    for (const p of this.providers) expect([p.locked, p.debt], `${p.address} locked, debt`).to.deep.equal([0n, 0n]);
  }

  /** Releases `collateral` of `p`'s: its debt is paid back first, only the rest leaves `locked`. */
  private release(p: ModelProvider, collateral: bigint) {
    const repaid = collateral < p.debt ? collateral : p.debt;
    if (repaid > 0n) debt.repaid++;
    p.debt -= repaid;
    p.locked -= collateral - repaid;
  }

  /** Job `j`'s terms as the model has them, which every escrow call about it takes. */
  private terms(j: ModelJob): IJobEscrow.JobStruct {
    return committedTerms({
      client: this.f.clients[j.client].address,
      payment: j.payment,
      paymentValue: j.paymentValue,
      provider: j.provider,
      collateral: j.collateral,
      paymentToken: this.tokenAddresses[j.token],
      deadline: j.deadline,
      feeBps: Number(j.feeBps),
      workloadId: WORKLOAD_ID,
      paramsHash: ethers.keccak256(PARAMS),
      inputRoot: INPUT_ROOT,
      resultRoot: j.resultRoot,
    });
  }

  /** Job `j`'s terms with `term` changed to a value another party would gain from (or any other value). */
  private forged(j: ModelJob, term: (typeof TERM_FIELDS)[number]): IJobEscrow.JobStruct {
    const terms = this.terms(j);
    const otherThan = (address: string, among: string[]) => among.find((a) => a !== address)!;
    const changed: Record<(typeof TERM_FIELDS)[number], () => unknown> = {
      client: () =>
        otherThan(
          this.f.clients[j.client].address,
          this.f.clients.map((c) => c.address),
        ),
      payment: () => j.payment + 1n,
      paymentValue: () => j.paymentValue + 1n,
      provider: () =>
        otherThan(
          j.provider,
          this.providers.map((p) => p.address),
        ),
      collateral: () => j.collateral + 1n,
      paymentToken: () => this.tokenAddresses[1 - j.token],
      deadline: () => j.deadline + 1n,
      feeBps: () => j.feeBps + 1n,
      workloadId: () => ethers.encodeBytes32String("mandelbrot-q"),
      paramsHash: () => ethers.keccak256("0x00"),
      inputRoot: () => ethers.id("forged inputs"),
      resultRoot: () => ethers.id("forged result"),
    };
    return { ...terms, [term]: changed[term]() };
  }

  private async checkJob(j: ModelJob) {
    const escrow = this.f.JobEscrow;
    if (j.status === Status.Finalized) {
      // A settled job keeps its receipt's facts instead of its terms.
      expect(Number(await escrow.jobStatus(j.id)), `job ${j.id} status`).to.equal(j.status);
      const s = await escrow.settlement(j.id);
      expect(
        [s.workloadId, s.provider, s.paymentToken, s.payment, s.resultRoot, s.settledAt],
        `job ${j.id} settlement`,
      ).to.deep.equal([WORKLOAD_ID, j.provider, this.tokenAddresses[j.token], j.payment, j.resultRoot, j.settledAt]);
      return;
    }
    // The model's terms are the ones the escrow committed to, and the ones its logs rebuild.
    expect(Number(await escrow.verifiedStatus(j.id, this.terms(j))), `job ${j.id} status`).to.equal(j.status);
    expect(committedTerms(await readJob(escrow, j.id)), `job ${j.id} terms from the logs`).to.deep.equal(this.terms(j));
  }

  /** The invariants, checked on-chain (and against the model). */
  async checkInvariants(full: boolean) {
    const { f } = this;
    // The escrow holds exactly its open obligations, per token.
    for (let t = 0; t < this.tokens.length; t++) {
      const owed = this.jobs
        .filter((j) => j.token === t && OPEN_OBLIGATIONS.includes(j.status))
        .reduce((sum, j) => sum + j.payment, 0n);
      expect(await this.tokens[t].balanceOf(f.escrowAddress), `escrow balance of token ${t}`).to.equal(owed);
    }
    // The registry holds exactly totalStake, the sum of every provider's staked + unbonding.
    const [registryBalance, totalStake, states] = await Promise.all([
      f.ComputeToken.balanceOf(f.registryAddress),
      f.ProviderRegistry.totalStake(),
      Promise.all(this.providers.map((p) => f.ProviderRegistry.providerState(p.address))),
    ]);
    expect(registryBalance, "registry balance").to.equal(totalStake);
    expect(
      states.reduce((sum, s) => sum + s.staked + s.unbonding, 0n),
      "sum of stakes",
    ).to.equal(totalStake);
    for (let i = 0; i < this.providers.length; i++) {
      const p = this.providers[i];
      const s = states[i];
      expect(s.locked <= s.staked, `provider ${i} locked <= staked`).to.equal(true);
      expect(s.locked, `provider ${i} locked`).to.equal(p.locked);
      expect(s.debt, `provider ${i} debt`).to.equal(p.debt);
      const collateral = this.jobs
        .filter(
          (j) =>
            j.provider === p.address &&
            ([Status.Assigned, Status.Submitted, Status.Disputed].includes(j.status) ||
              (j.status === Status.Slashed && j.lockHeld)),
        )
        .reduce((sum, j) => sum + j.collateral, 0n);
      expect(s.locked + s.debt, `provider ${i} locked + debt == collateral of its running jobs`).to.equal(collateral);
      expect(s.staked, `provider ${i} staked`).to.equal(p.staked);
      expect(s.unbonding, `provider ${i} unbonding`).to.equal(p.entries.reduce((sum, e) => sum + e.amount, 0n));
      expect(s.jailedUntil, `provider ${i} jailed until`).to.equal(p.jailedUntil);
      expect(s.registered).to.equal(p.registered);
    }
    if (!full) return;
    // No token created or destroyed.
    for (let t = 0; t < this.tokens.length; t++) {
      expect(await this.trackedSupply(this.tokens[t]), `tracked supply of token ${t}`).to.equal(this.initialSupply[t]);
    }
    // Every job and every unbonding queue as the model has them.
    for (const j of this.jobs) await this.checkJob(j);
    expect(await f.JobEscrow.jobCount()).to.equal(BigInt(this.jobs.length));
    for (const p of this.providers) {
      const entries = await f.ProviderRegistry.unbondingEntries(p.address);
      expect(entries.map((e) => [e.amount, e.maturesAt])).to.deep.equal(p.entries.map((e) => [e.amount, e.maturesAt]));
    }
  }
}

describe("Conservation (property test)", function () {
  it(`conserves tokens and keeps escrow and stake accounting exact over ${RUNS} random sequences`, async function () {
    this.timeout(600_000);
    const reached = new Set<Status>();
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 15, maxLength: 30 }), async (ops) => {
        const f = await loadFixture(conservationFixture);
        const run = new Run(f);
        await run.init();
        for (const op of ops) {
          const outcome = await run.step(op);
          steps++;
          // A forged step always reverts: checking after it shows that it moved nothing.
          const moved = outcome === "ok" && op.kind !== "wait" && op.kind !== "toDeadline";
          if (moved || op.kind === "forge") await run.checkInvariants(false);
        }
        await run.checkInvariants(true);
        for (const j of run.jobs) reached.add(j.status);
        // Then every job settles: the escrow ends up holding nothing, and no provider any lock or debt.
        await run.drain();
        await run.checkInvariants(true);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: process.env.SHRINK === undefined },
    );
    if (process.env.VERBOSE !== undefined)
      console.log(
        steps,
        outcomes,
        revertReasons,
        [...reached].map((x) => Status[x]),
        debt,
      );
    // The sequences must exercise every path, or the property proves little.
    for (const kind of Object.keys(NEEDS).concat(["create", "unbond", "withdraw", "stake", "rate"])) {
      expect(outcomes[kind]?.ok ?? 0, `${kind} never succeeded`).to.be.greaterThan(3);
      expect(outcomes[kind]?.reverted ?? 0, `${kind} never reverted`).to.be.greaterThan(0);
    }
    expect(revertReasons.JobTermsMismatch ?? 0, "no forged terms reached the hash check").to.be.greaterThan(3);
    expect(revertReasons.ProviderNotEligible ?? 0, "no provider was refused as ineligible").to.be.greaterThan(3);
    expect(debt.incurred, "no slash reached another job's lock").to.be.greaterThan(3);
    expect(debt.repaid, "no release repaid a debt").to.be.greaterThan(3);
    for (const s of [Status.Finalized, Status.Cancelled, Status.TimedOut, Status.Slashed, Status.Disputed]) {
      expect(reached.has(s), `no job ended ${Status[s]}`).to.equal(true);
    }
  });
});

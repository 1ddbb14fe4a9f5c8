/** The model the conservation property checks the chain against: every job and provider as it should be. */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract } from "ethers";

import { readJob, committedTerms } from "../../../src/chain/jobs";
import type { IJobEscrow } from "../../../typechain-types/contracts/market/JobEscrow";
import { TERM_FIELDS } from "../../fixtures/terms";
import { USD_WEFT_PER_TOKEN } from "../../fixtures/weft";
import {
  INITIAL_STAKE,
  INPUT_ROOT,
  OPEN_OBLIGATIONS,
  PARAMS,
  PROVIDER_COUNT,
  Status,
  WEFT,
  WORKLOAD_ID,
  debt,
  outcomes,
  revertReasons,
  type Fixture,
  type Outcome,
} from "./fixture";
import { HANDLERS } from "./handlers";
import { NEEDS, type JobPick, type Op, type OpKind } from "./operations";

export interface ModelJob {
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

export interface ModelProvider {
  address: string;
  registered: boolean;
  staked: bigint;
  locked: bigint;
  debt: bigint; // running jobs' collateral a slash already took
  entries: { amount: bigint; maturesAt: bigint }[];
  jailedUntil: bigint;
}

export class Run {
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

  choose(p: JobPick, kind: OpKind): ModelJob | undefined {
    if (this.jobs.length === 0) return undefined;
    const needed = NEEDS[kind];
    const from = needed === undefined || p.any ? this.jobs : this.jobs.filter((j) => j.status === needed);
    return from.length === 0 ? undefined : from[p.n % from.length];
  }

  providerOf(address: string): ModelProvider | undefined {
    return this.providers.find((p) => p.address === address);
  }

  /** Sends `send` in a block at `ts`; expects `error` (on `contract`) if given, success otherwise. */
  async expectOutcome(
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

  /** Runs one operation without counting it: its kind's handler, in the next second. */
  async apply(op: Op): Promise<Outcome> {
    const handler = HANDLERS[op.kind] as (run: Run, op: Op, ts: bigint) => Promise<Outcome>;
    return handler(this, op, this.now + 1n);
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
  release(p: ModelProvider, collateral: bigint) {
    const repaid = collateral < p.debt ? collateral : p.debt;
    if (repaid > 0n) debt.repaid++;
    p.debt -= repaid;
    p.locked -= collateral - repaid;
  }

  /** Job `j`'s terms as the model has them, which every escrow call about it takes. */
  terms(j: ModelJob): IJobEscrow.JobStruct {
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
  forged(j: ModelJob, term: (typeof TERM_FIELDS)[number]): IJobEscrow.JobStruct {
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

  async checkJob(j: ModelJob) {
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

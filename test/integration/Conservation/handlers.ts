/**
 * What each operation does, one handler per kind: it computes the outcome the model expects (the error an invalid
 * step must revert with), sends the step at timestamp `ts`, and on success updates the model.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract } from "ethers";
import { ZeroAddress } from "ethers";

import { TERM_FIELDS } from "../../fixtures/terms";
import {
  BPS,
  OPEN_OBLIGATIONS,
  PARAMS,
  INPUT_ROOT,
  PROVIDER_COUNT,
  RATES,
  Status,
  WEFT,
  WORKLOAD_ID,
  debt,
  type Fixture,
  type Outcome,
} from "./fixture";
import type { ModelJob, ModelProvider, Run } from "./model";
import type { Op, OpKind } from "./operations";

/** The error of the escrow's or the registry's that the model expects a step to revert with. */
type Expected = [BaseContract, string];
const E = (f: Fixture, name: string): Expected => [f.JobEscrow, name];
const R = (f: Fixture, name: string): Expected => [f.ProviderRegistry, name];

type Handler<K extends OpKind> = (run: Run, op: Extract<Op, { kind: K }>, ts: bigint) => Promise<Outcome>;

/** Each operation kind's handler; `ts` is the timestamp of the block the step is sent in. */
export const HANDLERS: { [K in OpKind]: Handler<K> } = {
  create: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    const min = run.minPayment[op.token];
    const payment = op.payment < 0 ? min - 1n : min + BigInt(op.payment) * 10n ** 15n;
    const deadline = ts + BigInt(op.deadline);
    const directed = op.directed === null ? ZeroAddress : run.providers[op.directed].address;
    const request = {
      workloadId: WORKLOAD_ID,
      params: PARAMS,
      inputRoot: INPUT_ROOT,
      inputURI: "",
      paymentToken: run.tokenAddresses[op.token],
      payment,
      provider: directed,
      submitDeadline: deadline,
    };
    let error: Expected | undefined;
    if (payment < min) error = E(f, "PaymentBelowMinimum");
    else if (deadline <= ts || deadline > ts + 90n * 86400n) error = E(f, "InvalidSubmitDeadline");
    const ok = await run.expectOutcome(ts, () => escrow.connect(f.clients[op.client]).createJob(request), error);
    if (!ok) return "reverted";
    run.jobs.push({
      id: BigInt(run.jobs.length + 1),
      client: op.client,
      token: op.token,
      payment,
      paymentValue: (payment * run.rates[op.token]) / WEFT("1"),
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
  },
  accept: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    const j = run.choose(op.job, op.kind);
    if (j === undefined) return "skipped";
    const directedIndex = run.providers.findIndex((x) => x.address === j.provider);
    const index = op.followDirected && directedIndex >= 0 ? directedIndex : op.provider;
    const p = run.providers[index];
    // The value fixed at creation, times the ratio, and at least the floor.
    const byRatio = (j.paymentValue * f.parameters.escrow.collateralRatioBps) / BPS;
    const floor = f.parameters.escrow.minCollateral;
    const collateral = byRatio < floor ? floor : byRatio;
    let error: Expected | undefined;
    if (j.status !== Status.Open) error = E(f, "JobNotInStatus");
    else if (j.provider !== ZeroAddress && j.provider !== p.address) error = E(f, "NotDirectedProvider");
    else if (ts > j.deadline) error = E(f, "SubmitDeadlinePassed");
    else if (!p.registered || ts < p.jailedUntil || p.staked < f.parameters.registry.minProviderStake) {
      error = E(f, "ProviderNotEligible");
    } else if (collateral > p.staked - p.locked) error = R(f, "InsufficientFreeStake");
    const signer = f.providers[index];
    const terms = run.terms(j);
    if (!(await run.expectOutcome(ts, () => escrow.connect(signer).acceptJob(j.id, terms), error))) {
      return "reverted";
    }
    j.provider = p.address;
    j.collateral = collateral;
    j.status = Status.Assigned;
    j.lockHeld = true;
    p.locked += collateral;
    await run.checkJob(j);
    return "ok";
  },
  submit: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    const j = run.choose(op.job, op.kind);
    if (j === undefined) return "skipped";
    const signer = op.stranger ? f.outsider : (f.providers.find((s) => s.address === j.provider) ?? f.outsider);
    let error: Expected | undefined;
    if (j.status !== Status.Assigned) error = E(f, "JobNotInStatus");
    else if (signer.address !== j.provider) error = E(f, "NotJobProvider");
    else if (ts > j.deadline) error = E(f, "SubmitDeadlinePassed");
    else if (op.emptyRoot) error = E(f, "EmptyResultRoot");
    const root = op.emptyRoot ? ethers.ZeroHash : ethers.id(`result ${j.id}`);
    const terms = run.terms(j);
    if (!(await run.expectOutcome(ts, () => escrow.connect(signer).submitResult(j.id, terms, root, ""), error))) {
      return "reverted";
    }
    j.status = Status.Submitted;
    j.resultRoot = root;
    j.deadline = ts + f.parameters.escrow.challengeWindow;
    await run.checkJob(j);
    return "ok";
  },
  finalize: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    const j = run.choose(op.job, op.kind);
    if (j === undefined) return "skipped";
    let error: Expected | undefined;
    if (j.status !== Status.Submitted) error = E(f, "JobNotInStatus");
    else if (ts < j.deadline) error = E(f, "ChallengeWindowOpen");
    const terms = run.terms(j);
    if (!(await run.expectOutcome(ts, () => escrow.connect(f.deployer).finalize(j.id, terms), error))) {
      return "reverted";
    }
    j.status = Status.Finalized;
    j.settledAt = ts;
    j.lockHeld = false;
    run.release(run.providerOf(j.provider)!, j.collateral);
    expect(await f.ComputeReceipt.ownerOf(j.id)).to.equal(f.clients[j.client].address);
    await run.checkJob(j);
    return "ok";
  },
  cancel: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    const j = run.choose(op.job, op.kind);
    if (j === undefined) return "skipped";
    const signer = op.stranger ? f.disputer : f.clients[j.client];
    let error: Expected | undefined;
    if (j.status !== Status.Open) error = E(f, "JobNotInStatus");
    else if (op.stranger) error = E(f, "NotJobClient");
    const terms = run.terms(j);
    if (!(await run.expectOutcome(ts, () => escrow.connect(signer).cancelJob(j.id, terms), error))) {
      return "reverted";
    }
    j.status = Status.Cancelled;
    await run.checkJob(j);
    return "ok";
  },
  timeout: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    const j = run.choose(op.job, op.kind);
    if (j === undefined) return "skipped";
    let error: Expected | undefined;
    if (j.status !== Status.Assigned) error = E(f, "JobNotInStatus");
    else if (ts <= j.deadline) error = E(f, "SubmitDeadlineNotReached");
    const terms = run.terms(j);
    if (!(await run.expectOutcome(ts, () => escrow.connect(f.outsider).claimTimeout(j.id, terms), error))) {
      return "reverted";
    }
    // The penalty comes out of free stake once the collateral is released, and is capped by it.
    const penalty = (j.collateral * f.parameters.escrow.livenessPenaltyBps) / BPS;
    const p = run.providerOf(j.provider)!;
    run.release(p, j.collateral);
    const free = p.staked - p.locked;
    p.staked -= penalty < free ? penalty : free;
    j.status = Status.TimedOut;
    j.lockHeld = false;
    await run.checkJob(j);
    return "ok";
  },
  dispute: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    const j = run.choose(op.job, op.kind);
    if (j === undefined) return "skipped";
    const signer = op.unauthorized ? f.outsider : f.disputer;
    let error: Expected | undefined;
    if (op.unauthorized) error = E(f, "AccessManagedUnauthorized");
    else if (j.status !== Status.Submitted) error = E(f, "JobNotInStatus");
    else if (ts >= j.deadline) error = E(f, "ChallengeWindowClosed");
    const terms = run.terms(j);
    const send = () => escrow.connect(signer).markDisputed(j.id, terms);
    if (!(await run.expectOutcome(ts, send, error))) return "reverted";
    j.status = Status.Disputed;
    await run.checkJob(j);
    return "ok";
  },
  resolve: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    const j = run.choose(op.job, op.kind);
    if (j === undefined) return "skipped";
    const error = j.status !== Status.Disputed ? E(f, "JobNotInStatus") : undefined;
    const terms = run.terms(j);
    const send = () => escrow.connect(f.disputer).resolveDispute(j.id, terms, op.atFault);
    if (!(await run.expectOutcome(ts, send, error))) return "reverted";
    if (op.atFault) {
      j.status = Status.Slashed; // the collateral stays locked until the registry's slash
    } else {
      j.status = Status.Submitted; // the original challenge window still applies
    }
    await run.checkJob(j);
    return "ok";
  },
  slash: async (run, op, ts) => {
    const { f } = run;
    const registry = f.ProviderRegistry;
    // With a job: the provider of a Slashed job whose collateral is still locked, released by the slash (what the
    // DisputeManager does after a ruling). Without (or with no such job): job id 0 and no collateral, so the stake
    // share alone is taken, from free, then unbonding, then locked stake.
    let p: ModelProvider;
    let jobId = 0n;
    let j: ModelJob | undefined;
    if (op.withJob) {
      j = run.jobs.find((x, i) => x.status === Status.Slashed && x.lockHeld && i >= op.job.n % run.jobs.length);
      j ??= run.jobs.find((x) => x.status === Status.Slashed && x.lockHeld);
    }
    if (j !== undefined) {
      p = run.providerOf(j.provider)!;
      jobId = j.id;
    } else {
      // No job's collateral: preferably a provider with running jobs, whose locks a high share reaches (as debt).
      const busy = run.jobs.filter((x) => x.lockHeld).map((x) => run.providerOf(x.provider)!);
      const registered = op.provider < PROVIDER_COUNT;
      p = registered && busy.length > 0 ? busy[op.job.n % busy.length] : run.providers[op.provider];
    }
    const share = BigInt(op.share);
    const client = f.clients[j?.client ?? 0].address;
    const recipients = [client, f.disputer.address, f.timelock.address];
    const error = p.registered ? undefined : R(f, "ProviderNotRegistered");
    const collateral = j?.collateral ?? 0n;
    // The job's backing (its collateral less what is owed) plus the share of the rest of the stake.
    const backing = collateral - (collateral < p.debt ? collateral : p.debt);
    const total = p.staked + p.entries.reduce((sum, e) => sum + e.amount, 0n);
    const amount = backing + ((total - backing) * share) / BPS;
    if (p.registered) expect(await registry.slashAmount(p.address, collateral, share), "slashAmount").to.equal(amount);
    const send = () =>
      registry.connect(f.disputer).slash(p.address, jobId, collateral, share, recipients, [5000, 3000, 2000]);
    if (!(await run.expectOutcome(ts, send, error))) return "reverted";
    if (j !== undefined) {
      run.release(p, j.collateral);
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
  },
  rate: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    const rate = RATES[op.rate];
    const error = rate === 0n ? E(f, "PaymentTokenRateOutOfBounds") : undefined;
    const send = () => escrow.connect(f.timelock).setPaymentToken(run.tokenAddresses[0], true, run.minPayment[0], rate);
    if (!(await run.expectOutcome(ts, send, error))) return "reverted";
    run.rates[0] = rate;
    return "ok";
  },
  unbond: async (run, op, ts) => {
    const { f } = run;
    const registry = f.ProviderRegistry;
    const p = run.providers[op.provider];
    const free = p.staked - p.locked;
    const amount = op.share < 0 ? 0n : op.share > 1000 ? free + 1n : (free * BigInt(op.share)) / 1000n;
    let error: Expected | undefined;
    if (amount === 0n) error = R(f, "ZeroAmount");
    else if (amount > free) error = R(f, "InsufficientFreeStake");
    else if (p.entries.length === 8) error = R(f, "TooManyUnbondingEntries");
    const signer = f.providers[op.provider];
    if (!(await run.expectOutcome(ts, () => registry.connect(signer).requestUnbond(amount), error))) {
      return "reverted";
    }
    p.staked -= amount;
    let maturesAt = ts + f.parameters.registry.unbondingPeriod;
    const newest = p.entries[p.entries.length - 1];
    if (newest !== undefined && newest.maturesAt > maturesAt) maturesAt = newest.maturesAt;
    p.entries.push({ amount, maturesAt });
    return "ok";
  },
  withdraw: async (run, op, ts) => {
    const { f } = run;
    const registry = f.ProviderRegistry;
    if (op.wait) {
      // A provider with pending entries (if any), once its oldest entry has matured.
      const withEntries = run.providers.findIndex((x) => x.entries.length > 0);
      const provider = withEntries >= 0 ? withEntries : op.provider;
      const oldest = run.providers[provider].entries[0];
      if (oldest !== undefined && oldest.maturesAt > ts) run.now = oldest.maturesAt - 1n;
      return run.apply({ ...op, provider, wait: false });
    }
    const p = run.providers[op.provider];
    let matured = 0;
    while (matured < p.entries.length && p.entries[matured].maturesAt <= ts) matured++;
    const error = matured === 0 ? R(f, "NothingToWithdraw") : undefined;
    const signer = f.providers[op.provider];
    if (!(await run.expectOutcome(ts, () => registry.connect(signer).withdraw(), error))) return "reverted";
    p.entries.splice(0, matured);
    return "ok";
  },
  stake: async (run, op, ts) => {
    const { f } = run;
    const registry = f.ProviderRegistry;
    const p = run.providers[op.provider];
    const amount = BigInt(op.amount) * 10n ** 18n;
    let error: Expected | undefined;
    if (amount === 0n) error = R(f, "ZeroAmount");
    else if (!p.registered) error = R(f, "ProviderNotRegistered");
    const signer = f.providers[op.provider];
    if (!(await run.expectOutcome(ts, () => registry.connect(signer).stake(amount), error))) return "reverted";
    p.staked += amount;
    return "ok";
  },
  wait: async (run, op) => {
    run.now += BigInt(op.seconds);
    return "ok";
  },
  advance: async (run, op, ts) => {
    // Drives a running job on with a valid-looking step, so that sequences reach every final status.
    const running = run.jobs.filter((x) => OPEN_OBLIGATIONS.includes(x.status) || x.lockHeld);
    if (running.length === 0) return "skipped";
    // Every other time, a job of a provider in debt if there is one, so that releases repay debt.
    const owing = running.filter((x) => (run.providerOf(x.provider)?.debt ?? 0n) > 0n);
    const pool = owing.length > 0 && op.n % 2 === 0 ? owing : running;
    const j = pool[Math.floor(op.n / 2) % pool.length];
    const at = { any: true, n: run.jobs.indexOf(j) };
    const c = op.choice;
    const directed = run.providers.findIndex((x) => x.address === j.provider);
    switch (j.status) {
      case Status.Open:
        if (c < 10) return run.step({ kind: "cancel", job: at, stranger: false });
        return run.step({ kind: "accept", job: at, provider: c % PROVIDER_COUNT, followDirected: true });
      case Status.Assigned:
        if (c < 10) return run.step({ kind: "timeout", job: at });
        return run.step({ kind: "submit", job: at, stranger: false, emptyRoot: false });
      case Status.Submitted:
        if (c < 30 && ts < j.deadline) return run.step({ kind: "dispute", job: at, unauthorized: false });
        if (ts < j.deadline && c < 60) run.now = j.deadline - 1n;
        return run.step({ kind: "finalize", job: at });
      case Status.Disputed:
        return run.step({ kind: "resolve", job: at, atFault: c < 50 });
      default: // Slashed, collateral still locked
        return run.step({
          kind: "slash",
          job: at,
          withJob: true,
          provider: directed,
          share: c < 40 ? 10_000 : c * 101,
        });
    }
  },
  forge: async (run, op, ts) => {
    const { f } = run;
    const escrow = f.JobEscrow;
    // A step the job's status allows (or, for a closed job, any step), sent with one term changed: the escrow
    // must refuse the terms (or the status, which it checks first) and move nothing.
    const j = run.choose(op.job, op.kind);
    if (j === undefined) return "skipped";
    const forged = run.forged(j, TERM_FIELDS[op.term]);
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
    await run.expectOutcome(ts, send, E(f, needs === j.status ? "JobTermsMismatch" : "JobNotInStatus"));
    return "reverted";
  },
  toDeadline: async (run, op) => {
    // Moves time so that the next block lands at the job's current deadline + delta (never backwards).
    const j = run.choose(op.job, op.kind);
    if (j === undefined) return "skipped";
    const target = j.deadline + BigInt(op.delta) - 1n;
    if (target <= run.now) return "skipped";
    run.now = target;
    return "ok";
  },
};

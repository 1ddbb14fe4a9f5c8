/** Attacks: disputes and slashing: part of the attack catalogue (see ./fixture.ts for how each attack is judged). */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";

import { proofCommitment } from "../../../src/disputes/proofs";
import {
  DisputeStatus,
  MATMUL_SHAPE,
  WRONG_PIXEL,
  commitProof,
  mandelbrotFraudProof,
  matmulFraudProof,
  openedDisputeId,
} from "../../fixtures/disputes";
import {
  BPS,
  JOB_COLLATERAL,
  JOB_FEE,
  JOB_PAYMENT,
  PROVIDER_STAKE,
  createJob,
  jobTerms,
  registerAndStake,
} from "../../fixtures/jobs";
import { alwaysLeft, openGame, passDeadline, play, spareAccounts, weftHeldBy } from "../../fixtures/attackers";
import { expectBalanceChanges, expectBalancesUnchanged } from "../../helpers/balances";
import { readJob } from "../../../src/chain/jobs";
import {
  BOND,
  JOB_PENALTY,
  DISPUTES_FIXTURE_FREE_STAKE,
  SLASH_OF_A_FIXTURE_JOB,
  balancesOf,
  coreTokens,
  splitOfSlash,
  wrongElementProof,
  disputesAndProposalsFixture,
  World,
  proveWrongElement,
  disputeSheet,
} from "./fixture";

describe("Attacks: disputes and slashing", function () {
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

/** Attacks: settlement and rewards: part of the attack catalogue (see ./fixture.ts for how each attack is judged). */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { type Signer } from "ethers";

import { LOCAL_PARAMETERS } from "../../../config/parameters";
import { ResultTree } from "../../../src/commitments/result-tree";
import { DisputeStatus, MATMUL_SHAPE, commitProof, matmulFraudProof, openedDisputeId } from "../../fixtures/disputes";
import { BPS, JOB_FEE, JOB_PAYMENT, JobStatus, PROVIDER_STAKE, jobTerms, registerAndStake } from "../../fixtures/jobs";
import {
  alwaysLeft,
  openGame,
  passDeadline,
  play,
  playSlowest,
  spareAccounts,
  towardCorrectChild,
  towardWrongChild,
  wrongWordProof,
  type Game,
} from "../../fixtures/attackers";
import { finalizeJobs, startNextEpoch } from "../../fixtures/rewards";
import { expectBalanceChanges } from "../../helpers/balances";
import { pick, seededRandom } from "../../helpers/random";
import {
  BOND,
  balancesOf,
  coreTokens,
  disputesAndProposalsFixture,
  disputeSheet,
  submittedAt,
  settlementBound,
  minedAt,
} from "./fixture";

describe("Attacks: settlement and rewards", function () {
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
          const target = i < jobIds.length ? jobIds[i] : pick(random, jobIds);
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
          const kind = pick(random, ["toward the wrong child", "toward a correct child", "silent", "commit"] as const);
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
});

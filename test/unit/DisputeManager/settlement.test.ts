import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { proofCommitment } from "../../../src/disputes/proofs";
import { revealedChildren } from "../../../src/commitments/bisection";
import { readJob } from "../../../src/chain/jobs";
import {
  DisputeKind,
  DisputeStatus,
  WRONG_PIXEL,
  commitProof,
  disputesFixture,
  mandelbrotFraudProof,
  openWithheld,
  openedDisputeId,
  playBisection,
  proveFraud,
  type DisputesFixture,
} from "../../fixtures/disputes";
import { JOB_COLLATERAL, JOB_FEE, JOB_PAYMENT, JobStatus, createJob, jobTerms } from "../../fixtures/jobs";
import {
  MINUTE,
  MATMUL_ID,
  WRONG_CHUNK,
  reach,
  passDeadline,
  wrongMatmulProof,
  commitAndWait,
  reveal,
  revealChildrenOf,
  expectedSlashOf,
  expectFaultSettlement,
  expectNoFaultSettlement,
  expectMootSettlement,
  expectNormalFinalize,
} from "./fixture";

describe("DisputeManager: settlement", function () {
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
      await expect(tx).to.changeTokenBalances(f.usd, [f.provider], [JOB_PAYMENT - JOB_FEE]);
      expect(await f.ProviderRegistry.freeStake(f.provider.address)).to.equal(0n);
    });
  });
});

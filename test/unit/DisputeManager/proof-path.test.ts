import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";

import { MANDELBROT_FRAUD_PROOF, MATMUL_FRAUD_PROOF, proofCommitment } from "../../../src/disputes/proofs";
import { matmulI8 } from "../../../src/workloads/registry";
import {
  CUSTOM_WORKLOAD,
  DisputeKind,
  DisputeStatus,
  MATMUL_SHAPE,
  WRONG_MATMUL,
  WRONG_PIXEL,
  commitProof,
  disputesFixture,
  mandelbrotFraudProof,
  matmulFraudProof,
  openWithheld,
  openedDisputeId,
  wordAt,
  type WorkloadJob,
} from "../../fixtures/disputes";
import { BPS, JOB_COLLATERAL, JOB_PAYMENT, JobStatus, PROVIDER_STAKE, createJob, jobTerms } from "../../fixtures/jobs";
import { expectBalanceChanges } from "../../helpers/balances";
import {
  coder,
  MATMUL_ID,
  WRONG_CHUNK,
  pinNextTimestamp,
  passDeadline,
  inOneBlock,
  outcomeOf,
  QUEUED,
  expectDispute,
  wrongMatmulProof,
  commitAndWait,
  reveal,
  balanceSheet,
  splitOf,
  expectFaultSettlement,
  expectNoFaultSettlement,
  expectMootSettlement,
  expectNormalFinalize,
} from "./fixture";

describe("DisputeManager: proof path", function () {
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
});

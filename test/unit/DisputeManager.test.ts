import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, type BigNumberish, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { MANDELBROT_FRAUD_PROOF, MATMUL_FRAUD_PROOF } from "../../src/disputes/proofs";
import { ResultTree } from "../../src/commitments/result-tree";
import { mandelbrotQ, matmulI8 } from "../../src/workloads/registry";
import { DisputeManager__factory } from "../../typechain-types";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import {
  CUSTOM_WORKLOAD,
  DisputeKind,
  DisputeStatus,
  MATMUL_SHAPE,
  WRONG_MATMUL,
  WRONG_PIXEL,
  disputesFixture,
  mandelbrotFraudProof,
  matmulFraudProof,
  wordAt,
  type DisputesFixture,
  type WorkloadJob,
} from "../fixtures/disputes";
import {
  BPS,
  JOB_COLLATERAL,
  JOB_FEE,
  JOB_PAYMENT,
  JobStatus,
  PROVIDER_STAKE,
  createJob,
  jobTerms,
} from "../fixtures/jobs";
import { readJob } from "../../src/chain/jobs";

const coder = AbiCoder.defaultAbiCoder();
const MINUTE = 60n;
const DAY = 86_400n;
const MAX_WINDOW = 30n * DAY;
const MATMUL_ID = matmulI8.id;
const MANDELBROT_ID = mandelbrotQ.id;
/** The matmul job's output has 240 words: chunk 1 holds words 128..239. */
const TOTAL_WORDS = MATMUL_SHAPE.m * MATMUL_SHAPE.n;
const WRONG_CHUNK = 1;

/** The next block's timestamp, pinned so that a test can predict what the contract sees. */
async function pinNextTimestamp(offset = 1n): Promise<bigint> {
  const t = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** Mines a block at `t` unless the chain is already there. */
async function reach(t: bigint) {
  if (BigInt(await time.latest()) < t) await time.increaseTo(t);
}

/**
 * What a fault on the disputed `jobId` must slash, from the escrow's job (whose collateral is still locked) and the
 * registry's views: collateral + share of free and unbonding stake.
 */
async function expectedSlash(f: DisputesFixture, jobId: bigint): Promise<bigint> {
  const { provider, collateral } = await readJob(f.JobEscrow, jobId);
  const free = await f.ProviderRegistry.freeStake(provider);
  const { unbonding } = await f.ProviderRegistry.providerState(provider);
  return collateral + ((free + unbonding) * (await f.DisputeManager.stakeShareBps())) / BPS;
}

/** The local 50/30/20 split of `taken` between challenger, client and treasury (the treasury gets the rest). */
function splitOf(taken: bigint): [bigint, bigint, bigint] {
  const challenger = (taken * 5_000n) / BPS;
  const client = (taken * 3_000n) / BPS;
  return [challenger, client, taken - challenger - client];
}

/**
 * Sends `send` and checks a settlement at fault of `job`: the client refunded in full, the slash of collateral plus
 * half the provider's unlocked stake split 50/30/20, `bondHeld` (the bond the manager held before) back to the
 * challenger, the provider jailed and its slash counted. Returns the amount slashed.
 */
async function expectFaultSettlement(
  f: DisputesFixture,
  jobId: bigint,
  challenger: HardhatEthersSigner,
  bondHeld: bigint,
  send: () => Promise<ContractTransactionResponse>,
): Promise<bigint> {
  const amount = await expectedSlash(f, jobId);
  expect(await f.DisputeManager.slashAmount(jobId, await jobTerms(f, jobId))).to.equal(amount);
  const before = await f.ProviderRegistry.providerState(f.provider.address);
  const treasury = await f.JobEscrow.treasury();
  const [toChallenger, toClient, toTreasury] = splitOf(amount);

  const tx = send();
  await expect(tx).to.emit(f.DisputeManager, "DisputeSettled").withArgs(jobId, true, amount, challenger.address);
  await expect(tx).to.emit(f.JobEscrow, "DisputeResolved").withArgs(jobId, true, JOB_PAYMENT);
  await expect(tx).to.emit(f.ProviderRegistry, "Slashed").withArgs(f.provider.address, jobId, amount, amount);
  await expect(tx).to.changeTokenBalances(f.usd, [f.client, f.JobEscrow], [JOB_PAYMENT, -JOB_PAYMENT]);
  await expect(tx).to.changeTokenBalances(
    f.ComputeToken,
    [challenger, f.client, treasury, f.ProviderRegistry, f.DisputeManager, f.provider],
    [toChallenger + bondHeld, toClient, toTreasury, -amount, -bondHeld, 0n],
  );

  expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Slashed);
  expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.ProviderAtFault);
  const after = await f.ProviderRegistry.providerState(f.provider.address);
  expect(after.staked + after.unbonding).to.equal(before.staked + before.unbonding - amount);
  expect(after.locked).to.equal(before.locked - JOB_COLLATERAL);
  expect(after.jailedUntil).to.equal(BigInt(await time.latest()) + (await f.ProviderRegistry.jailDuration()));
  expect(after.jobsSlashed).to.equal(before.jobsSlashed + 1n);
  expect(await f.ProviderRegistry.canAcceptJobs(f.provider.address)).to.equal(false);
  return amount;
}

/**
 * Sends `send` and checks a settlement without fault: the bond (held by the manager) goes to `bondRecipient`, the
 * job returns to Submitted with its collateral still locked and nobody is slashed.
 */
async function expectNoFaultSettlement(
  f: DisputesFixture,
  jobId: bigint,
  bondRecipient: HardhatEthersSigner,
  send: () => Promise<ContractTransactionResponse>,
) {
  const bond = (await f.DisputeManager.dispute(jobId)).bond;
  const { locked } = await f.ProviderRegistry.providerState(f.provider.address);
  const tx = send();
  await expect(tx).to.emit(f.DisputeManager, "DisputeSettled").withArgs(jobId, false, 0n, bondRecipient.address);
  await expect(tx).to.emit(f.JobEscrow, "DisputeResolved").withArgs(jobId, false, 0n);
  await expect(tx).not.to.emit(f.ProviderRegistry, "Slashed");
  await expect(tx).to.changeTokenBalances(f.ComputeToken, [bondRecipient, f.DisputeManager], [bond, -bond]);
  await expect(tx).to.changeTokenBalances(f.usd, [f.client, f.JobEscrow], [0n, 0n]);
  expect((await readJob(f.JobEscrow, jobId)).status).to.equal(JobStatus.Submitted);
  expect((await f.DisputeManager.dispute(jobId)).status).to.equal(DisputeStatus.NoFault);
  const job = await readJob(f.JobEscrow, jobId);
  expect([job.provider, job.collateral]).to.deep.equal([f.provider.address, JOB_COLLATERAL]);
  expect((await f.ProviderRegistry.providerState(f.provider.address)).locked).to.equal(locked);
}

/** Finalizes a job cleared by a dispute once its challenge window has passed: the provider is paid as usual. */
async function expectNormalFinalize(f: DisputesFixture, jobId: bigint) {
  await reach((await readJob(f.JobEscrow, jobId)).deadline);
  const tx = f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
  await expect(tx)
    .to.emit(f.JobEscrow, "JobFinalized")
    .withArgs(jobId, f.provider.address, JOB_PAYMENT - JOB_FEE, JOB_FEE);
  await expect(tx).to.changeTokenBalances(f.usd, [f.provider, f.client], [JOB_PAYMENT - JOB_FEE, 0n]);
  expect(await f.ComputeReceipt.ownerOf(jobId)).to.equal(f.client.address);
  expect((await f.ProviderRegistry.providerState(f.provider.address)).jobsSlashed).to.equal(0n);
}

/** Opens a withheld-data dispute on the cheating matmul job's wrong element; returns its opening time. */
async function openWithheld(f: DisputesFixture): Promise<bigint> {
  const openedAt = await pinNextTimestamp();
  const { id, params } = f.cheatingMatmul;
  await f.DisputeManager.connect(f.challenger).disputeWithheld(
    id,
    await jobTerms(f, id),
    params,
    WRONG_MATMUL.row,
    WRONG_MATMUL.col,
  );
  return openedAt;
}

/** Reveals the disputed chunk of the cheating matmul job (anyone may). */
async function revealWrongChunk(f: DisputesFixture) {
  const { chunk, proof } = f.cheatingMatmul.result.wordProof(WRONG_MATMUL.word);
  return f.DisputeManager.connect(f.provider).reveal(
    f.cheatingMatmul.id,
    await jobTerms(f, f.cheatingMatmul.id),
    chunk,
    proof,
  );
}

/** The fraud proof of the cheating matmul job's wrong element. */
function wrongMatmulProof(job: WorkloadJob): string {
  return matmulFraudProof(job, WRONG_MATMUL.row, WRONG_MATMUL.col);
}

describe("DisputeManager", function () {
  describe("deployment", function () {
    it("starts with the local parameters, a checker for each verifiable workload, and the escrow's contracts", async function () {
      const f = await loadFixture(disputesFixture);
      const d = f.parameters.disputes;
      const dm = f.DisputeManager;
      expect(await dm.escrow()).to.equal(await f.JobEscrow.getAddress());
      expect(await dm.registry()).to.equal(await f.ProviderRegistry.getAddress());
      expect(await dm.bondToken()).to.equal(await f.ComputeToken.getAddress());
      expect(await dm.checker(MATMUL_ID)).to.equal(await f.MatmulI8Checker.getAddress());
      expect(await dm.checker(MANDELBROT_ID)).to.equal(await f.MandelbrotChecker.getAddress());
      expect(await dm.checker(CUSTOM_WORKLOAD)).to.equal(ethers.ZeroAddress);
      expect(await dm.bond()).to.equal(d.bond);
      expect(await dm.responseWindow()).to.equal(d.responseWindow);
      expect(await dm.followUpWindow()).to.equal(d.followUpWindow);
      expect(await dm.arbitrationWindow()).to.equal(d.arbitrationWindow);
      expect(await dm.slashSplit()).to.deep.equal([
        d.slashSplit.challengerBps,
        d.slashSplit.clientBps,
        d.slashSplit.treasuryBps,
      ]);
      expect(await dm.stakeShareBps()).to.equal(d.stakeShareBps);
      const none = await dm.dispute(f.cheatingMatmul.id);
      expect(none.status).to.equal(DisputeStatus.None);
      expect(none.challenger).to.equal(ethers.ZeroAddress);
    });

    it("reverts construction with a zero escrow", async function () {
      const f = await loadFixture(disputesFixture);
      const factory = new DisputeManager__factory(f.deployer);
      const d = f.parameters.disputes;
      const parameters = {
        bond: d.bond,
        responseWindow: d.responseWindow,
        followUpWindow: d.followUpWindow,
        arbitrationWindow: d.arbitrationWindow,
        slashSplit: d.slashSplit,
        stakeShareBps: d.stakeShareBps,
      };
      await expect(
        factory.deploy(await f.AccessManager.getAddress(), ethers.ZeroAddress, parameters, []),
      ).to.be.revertedWithCustomError(factory, "ZeroAddress");
    });
  });

  describe("proof path", function () {
    it("slashes a provider whose matmul-i8 element is wrong: client refunded, stake split, bond returned, provider jailed", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const bond = await f.DisputeManager.bond();
      // The fixture's four jobs lock four collaterals: this job's collateral plus a share of the rest of the stake.
      const free = PROVIDER_STAKE - 4n * JOB_COLLATERAL;
      const slash = JOB_COLLATERAL + (free * f.parameters.disputes.stakeShareBps) / BPS;
      expect(await expectedSlash(f, job.id)).to.equal(slash);

      const send = async () =>
        f.DisputeManager.connect(f.challenger).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          wrongMatmulProof(job),
        );
      const amount = await expectFaultSettlement(f, job.id, f.challenger, 0n, async () => {
        const tx = await send();
        await expect(tx)
          .to.emit(f.DisputeManager, "DisputeOpened")
          .withArgs(job.id, f.challenger.address, DisputeKind.Proof, bond, WRONG_MATMUL.word, 0n);
        await expect(tx)
          .to.emit(f.DisputeManager, "FraudProven")
          .withArgs(
            job.id,
            WRONG_MATMUL.word,
            wordAt(job.claimed, WRONG_MATMUL.word),
            wordAt(job.correct, WRONG_MATMUL.word),
          );
        await expect(tx).to.emit(f.JobEscrow, "JobDisputed").withArgs(job.id);
        // The bond went in and out within the transaction.
        await expect(tx)
          .to.emit(f.ComputeToken, "Transfer")
          .withArgs(f.challenger.address, await f.DisputeManager.getAddress(), bond);
        await expect(tx)
          .to.emit(f.ComputeToken, "Transfer")
          .withArgs(await f.DisputeManager.getAddress(), f.challenger.address, bond);
        return tx;
      });
      expect(amount).to.equal(slash);

      const d = await f.DisputeManager.dispute(job.id);
      expect(d.challenger).to.equal(f.challenger.address);
      expect(d.bond).to.equal(bond);
      expect(d.kind).to.equal(DisputeKind.Proof);
      expect(d.deadline).to.equal(0n);
      expect(d.openedAt).to.equal(BigInt(await time.latest()));
      expect(d.wordIndex).to.equal(WRONG_MATMUL.word);
      expect(d.totalWords).to.equal(0n);
    });

    it("slashes a provider whose mandelbrot-q pixel is wrong", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMandelbrot;
      const proof = mandelbrotFraudProof(job, WRONG_PIXEL);
      await expectFaultSettlement(f, job.id, f.challenger, 0n, async () => {
        const tx = await f.DisputeManager.connect(f.challenger).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          proof,
        );
        await expect(tx)
          .to.emit(f.DisputeManager, "FraudProven")
          .withArgs(job.id, WRONG_PIXEL, wordAt(job.claimed, WRONG_PIXEL), wordAt(job.correct, WRONG_PIXEL));
        return tx;
      });
    });

    it("reverts with ResultChecksOut on a correct element and takes no bond, freezes nothing", async function () {
      const f = await loadFixture(disputesFixture);
      const cases: [WorkloadJob, string, number][] = [
        [f.honestMatmul, wrongMatmulProof(f.honestMatmul), WRONG_MATMUL.word],
        [f.cheatingMatmul, matmulFraudProof(f.cheatingMatmul, 0, 0), 0],
        [f.cheatingMandelbrot, mandelbrotFraudProof(f.cheatingMandelbrot, WRONG_PIXEL + 1), WRONG_PIXEL + 1],
      ];
      const balance = await f.ComputeToken.balanceOf(f.challenger.address);
      for (const [job, proof, word] of cases) {
        await expect(
          f.DisputeManager.connect(f.challenger).disputeWithProof(job.id, await jobTerms(f, job.id), job.params, proof),
        )
          .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
          .withArgs(job.id, word);
        expect((await readJob(f.JobEscrow, job.id)).status).to.equal(JobStatus.Submitted);
        expect((await f.DisputeManager.dispute(job.id)).status).to.equal(DisputeStatus.None);
      }
      expect(await f.ComputeToken.balanceOf(f.challenger.address)).to.equal(balance);
      expect(await f.ComputeToken.balanceOf(await f.DisputeManager.getAddress())).to.equal(0n);
    });

    it("reverts ParamsMismatch when the params are not the job's", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const other = matmulI8.params.encode({ ...MATMUL_SHAPE, k: MATMUL_SHAPE.k + 1 });
      await expect(
        f.DisputeManager.connect(f.challenger).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          other,
          wrongMatmulProof(job),
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ParamsMismatch")
        .withArgs(job.id, ethers.keccak256(job.params), ethers.keccak256(other));
    });

    it("reverts NoCheckerForWorkload for a workload without a checker", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(
        f.DisputeManager.connect(f.challenger).disputeWithProof(
          f.customJob,
          await jobTerms(f, f.customJob),
          "0x1234",
          "0x",
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(CUSTOM_WORKLOAD);
    });

    it("bubbles up the escrow's JobNotInStatus for a job that is no longer Submitted", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await f.DisputeManager.connect(f.challenger).disputeWithProof(
        job.id,
        await jobTerms(f, job.id),
        job.params,
        wrongMatmulProof(job),
      );
      await expect(
        f.DisputeManager.connect(f.outsider).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          wrongMatmulProof(job),
        ),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Slashed, JobStatus.Submitted);
    });

    it("bubbles up the escrow's ChallengeWindowClosed once the challenge window has ended", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const { deadline } = await readJob(f.JobEscrow, job.id);
      await time.setNextBlockTimestamp(deadline);
      await expect(
        f.DisputeManager.connect(f.challenger).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          wrongMatmulProof(job),
        ),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "ChallengeWindowClosed")
        .withArgs(job.id, deadline);
    });

    it("reverts DisputeAlreadyOpen while another dispute of the job is open", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await openWithheld(f);
      await expect(
        f.DisputeManager.connect(f.outsider).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          wrongMatmulProof(job),
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeAlreadyOpen")
        .withArgs(job.id);
    });

    it("reverts with the checker's errors for a malformed proof or one that does not match the job", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const dispute = async (proof: string, target: WorkloadJob = job) =>
        f.DisputeManager.connect(f.challenger).disputeWithProof(
          target.id,
          await jobTerms(f, target.id),
          target.params,
          proof,
        );
      const { row, col } = WRONG_MATMUL;

      await expect(dispute("0x12")).to.be.revertedWithCustomError(f.MatmulI8Checker, "MalformedProof").withArgs(1);
      const inputRoot = (await readJob(f.JobEscrow, job.id)).inputRoot;
      await expect(dispute(matmulFraudProof(job, row, col, { inputs: f.honestMatmul })))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "InputVectorNotInTree")
        .withArgs(inputRoot, 0, row);
      await expect(dispute(matmulFraudProof(job, row, col, { result: f.honestMatmul })))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "ResultChunkNotInTree")
        .withArgs(job.result.root, WRONG_CHUNK);
      // The honest job's proof of the same element, sent against the cheating job.
      await expect(dispute(wrongMatmulProof(f.honestMatmul))).to.be.revertedWithCustomError(
        f.MatmulI8Checker,
        "InputVectorNotInTree",
      );
      const [fields] = coder.decode([MATMUL_FRAUD_PROOF], wrongMatmulProof(job));
      const outside = coder.encode([MATMUL_FRAUD_PROOF], [[MATMUL_SHAPE.m, ...fields.toArray().slice(1)]]);
      await expect(dispute(outside))
        .to.be.revertedWithCustomError(f.MatmulI8Checker, "ElementOutOfRange")
        .withArgs(MATMUL_SHAPE.m, col, MATMUL_SHAPE.m, MATMUL_SHAPE.n);

      const mandelbrot = f.cheatingMandelbrot;
      const [pixel] = coder.decode([MANDELBROT_FRAUD_PROOF], mandelbrotFraudProof(mandelbrot, WRONG_PIXEL));
      const beyond = coder.encode([MANDELBROT_FRAUD_PROOF], [[256, ...pixel.toArray().slice(1)]]);
      await expect(dispute(beyond, mandelbrot))
        .to.be.revertedWithCustomError(f.MandelbrotChecker, "PixelOutOfRange")
        .withArgs(256, 256);
      // Another pixel's chunk and proof, claimed for the wrong pixel.
      const [other] = coder.decode([MANDELBROT_FRAUD_PROOF], mandelbrotFraudProof(mandelbrot, 0));
      const misplaced = coder.encode([MANDELBROT_FRAUD_PROOF], [[WRONG_PIXEL, ...other.toArray().slice(1)]]);
      await expect(dispute(misplaced, mandelbrot))
        .to.be.revertedWithCustomError(f.MandelbrotChecker, "ResultChunkNotInTree")
        .withArgs(mandelbrot.result.root, WRONG_PIXEL >> 7);
    });

    it("reaches the unbonding stake of a provider who requested unbonding right after cheating", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const free = await f.ProviderRegistry.freeStake(f.provider.address);
      await f.ProviderRegistry.connect(f.provider).requestUnbond(free);
      expect(await f.ProviderRegistry.freeStake(f.provider.address)).to.equal(0n);

      const amount = await expectFaultSettlement(f, job.id, f.challenger, 0n, async () =>
        f.DisputeManager.connect(f.challenger).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          wrongMatmulProof(job),
        ),
      );
      // The collateral, then half of what was unbonding.
      expect(amount).to.equal(JOB_COLLATERAL + free / 2n);
      const entries = await f.ProviderRegistry.unbondingEntries(f.provider.address);
      expect(entries.map((e) => e.amount)).to.deep.equal([free - free / 2n]);
    });

    it("slashes only the collateral when the stake share is zero", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMandelbrot;
      await f.DisputeManager.connect(f.timelock).setStakeShareBps(0n);
      const amount = await expectFaultSettlement(f, job.id, f.challenger, 0n, async () =>
        f.DisputeManager.connect(f.challenger).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          mandelbrotFraudProof(job, WRONG_PIXEL),
        ),
      );
      expect(amount).to.equal(JOB_COLLATERAL);
    });
  });

  describe("withheld-data path", function () {
    it("takes the bond, freezes the job and sets the response deadline", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const bond = await f.DisputeManager.bond();
      const openedAt = await pinNextTimestamp();
      const deadline = openedAt + f.parameters.disputes.responseWindow;
      const tx = f.DisputeManager.connect(f.challenger).disputeWithheld(
        job.id,
        await jobTerms(f, job.id),
        job.params,
        WRONG_MATMUL.row,
        WRONG_MATMUL.col,
      );
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeOpened")
        .withArgs(job.id, f.challenger.address, DisputeKind.Withheld, bond, WRONG_MATMUL.word, deadline);
      await expect(tx).to.emit(f.JobEscrow, "JobDisputed").withArgs(job.id);
      await expect(tx).to.changeTokenBalances(f.ComputeToken, [f.challenger, f.DisputeManager], [-bond, bond]);

      expect((await readJob(f.JobEscrow, job.id)).status).to.equal(JobStatus.Disputed);
      const d = await f.DisputeManager.dispute(job.id);
      expect(d.challenger).to.equal(f.challenger.address);
      expect(d.bond).to.equal(bond);
      expect(d.kind).to.equal(DisputeKind.Withheld);
      expect(d.status).to.equal(DisputeStatus.AwaitingReveal);
      expect(d.deadline).to.equal(deadline);
      expect(d.openedAt).to.equal(openedAt);
      expect(d.wordIndex).to.equal(WRONG_MATMUL.word);
      expect(d.totalWords).to.equal(TOTAL_WORDS);
      await expect(f.JobEscrow.finalize(job.id, await jobTerms(f, job.id))).to.be.revertedWithCustomError(
        f.JobEscrow,
        "JobNotInStatus",
      );
    });

    it("reverts ElementOutOfRange for an element outside the output", async function () {
      const f = await loadFixture(disputesFixture);
      const { id, params } = f.cheatingMatmul;
      const { m, n } = MATMUL_SHAPE;
      for (const [row, col] of [
        [m, 0],
        [0, n],
      ]) {
        await expect(
          f.DisputeManager.connect(f.challenger).disputeWithheld(id, await jobTerms(f, id), params, row, col),
        )
          .to.be.revertedWithCustomError(f.DisputeManager, "ElementOutOfRange")
          .withArgs(row, col, m, n);
      }
      await expect(
        f.DisputeManager.connect(f.challenger).disputeWithheld(
          f.cheatingMandelbrot.id,
          await jobTerms(f, f.cheatingMandelbrot.id),
          f.cheatingMandelbrot.params,
          16,
          3,
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ElementOutOfRange")
        .withArgs(16, 3, 16, 16);
    });

    it("reverts for a workload without a checker, params that are not the job's, a second dispute, or a job not Submitted", async function () {
      const f = await loadFixture(disputesFixture);
      const { id, params } = f.cheatingMatmul;
      const withheld = async (jobId: bigint, p: string) =>
        f.DisputeManager.connect(f.challenger).disputeWithheld(jobId, await jobTerms(f, jobId), p, 0, 0);
      await expect(withheld(f.customJob, "0x1234"))
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(CUSTOM_WORKLOAD);
      await expect(withheld(id, f.cheatingMandelbrot.params))
        .to.be.revertedWithCustomError(f.DisputeManager, "ParamsMismatch")
        .withArgs(id, ethers.keccak256(params), ethers.keccak256(f.cheatingMandelbrot.params));

      const assigned = await createJob(f, f.client, { workloadId: MATMUL_ID, params });
      await f.JobEscrow.connect(f.provider).acceptJob(assigned, await jobTerms(f, assigned));
      await expect(withheld(assigned, params))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(assigned, JobStatus.Assigned, JobStatus.Submitted);

      await openWithheld(f);
      await expect(withheld(id, params))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeAlreadyOpen")
        .withArgs(id);
      await revealWrongChunk(f);
      await expect(withheld(id, params))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeAlreadyOpen")
        .withArgs(id);
    });

    it("slashes a provider that does not reveal once the response deadline has passed, whoever resolves it", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await openWithheld(f);
      const { deadline, bond } = await f.DisputeManager.dispute(job.id);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.connect(f.outsider).resolveTimeout(job.id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(job.id, deadline);

      await time.setNextBlockTimestamp(deadline);
      await expectFaultSettlement(f, job.id, f.challenger, bond, async () =>
        f.DisputeManager.connect(f.outsider).resolveTimeout(job.id, await jobTerms(f, job.id)),
      );
    });

    it("records a reveal of the disputed chunk and starts the follow-up window", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await openWithheld(f);
      const revealedAt = await pinNextTimestamp(120n);
      const followUpDeadline = revealedAt + f.parameters.disputes.followUpWindow;
      const { chunk, proof } = job.result.wordProof(WRONG_MATMUL.word);
      // Anyone may reveal: the data is what matters.
      await expect(f.DisputeManager.connect(f.outsider).reveal(job.id, await jobTerms(f, job.id), chunk, proof))
        .to.emit(f.DisputeManager, "ChunkRevealed")
        .withArgs(job.id, WRONG_CHUNK, ethers.hexlify(chunk), proof, followUpDeadline);
      const d = await f.DisputeManager.dispute(job.id);
      expect(d.status).to.equal(DisputeStatus.Revealed);
      expect(d.deadline).to.equal(followUpDeadline);
      expect((await readJob(f.JobEscrow, job.id)).status).to.equal(JobStatus.Disputed);
    });

    it("rejects a reveal of another chunk, a tampered chunk or a wrong proof", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await openWithheld(f);
      const reveal = async (chunk: Uint8Array, proof: string[]) =>
        f.DisputeManager.connect(f.provider).reveal(job.id, await jobTerms(f, job.id), chunk, proof);
      const disputed = job.result.wordProof(WRONG_MATMUL.word);
      const first = job.result.wordProof(0);
      // Chunk 0 is full (512 bytes); the disputed chunk 1 is the short last one (112 words).
      await expect(reveal(first.chunk, first.proof))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkLengthMismatch")
        .withArgs(WRONG_CHUNK, (TOTAL_WORDS - 128) * 4, 512);
      const tampered = Uint8Array.from(disputed.chunk);
      tampered[0] ^= 1;
      await expect(reveal(tampered, disputed.proof))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkNotInTree")
        .withArgs(job.result.root, WRONG_CHUNK);
      await expect(reveal(disputed.chunk, [ethers.id("not a sibling")]))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkNotInTree")
        .withArgs(job.result.root, WRONG_CHUNK);
      expect((await f.DisputeManager.dispute(job.id)).status).to.equal(DisputeStatus.AwaitingReveal);
    });

    it("rejects a reveal after the response deadline", async function () {
      const f = await loadFixture(disputesFixture);
      await openWithheld(f);
      const { deadline } = await f.DisputeManager.dispute(f.cheatingMatmul.id);
      await time.setNextBlockTimestamp(deadline);
      await expect(revealWrongChunk(f))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(f.cheatingMatmul.id, deadline);
    });

    it("rejects a reveal when no withheld-data dispute awaits one", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await expect(revealWrongChunk(f))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(job.id, DisputeStatus.None, DisputeStatus.AwaitingReveal);
      await openWithheld(f);
      await revealWrongChunk(f);
      await expect(revealWrongChunk(f))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(job.id, DisputeStatus.Revealed, DisputeStatus.AwaitingReveal);
    });

    it("slashes when the challenger proves fraud after the reveal, returning its bond", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await openWithheld(f);
      await revealWrongChunk(f);
      const { bond } = await f.DisputeManager.dispute(job.id);
      await expectFaultSettlement(f, job.id, f.challenger, bond, async () => {
        const tx = await f.DisputeManager.connect(f.challenger).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          wrongMatmulProof(job),
        );
        await expect(tx).not.to.emit(f.DisputeManager, "DisputeOpened");
        await expect(tx)
          .to.emit(f.DisputeManager, "FraudProven")
          .withArgs(
            job.id,
            WRONG_MATMUL.word,
            wordAt(job.claimed, WRONG_MATMUL.word),
            wordAt(job.correct, WRONG_MATMUL.word),
          );
        return tx;
      });
      expect((await f.DisputeManager.dispute(job.id)).kind).to.equal(DisputeKind.Withheld);
    });

    it("lets anyone follow up a reveal, so a challenger that never does cannot shield a wrong result", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      // The provider's accomplice disputes a correct element of the wrong result, and the provider reveals at once.
      const accomplice = f.provider2;
      await f.ComputeToken.connect(accomplice).approve(await f.DisputeManager.getAddress(), ethers.MaxUint256);
      await f.DisputeManager.connect(accomplice).disputeWithheld(job.id, await jobTerms(f, job.id), job.params, 0, 0);
      const { chunk, proof } = job.result.wordProof(0);
      await f.DisputeManager.connect(f.provider).reveal(job.id, await jobTerms(f, job.id), chunk, proof);

      // Anyone's fraud proof settles it; the accomplice, as the challenger, gets the bond and the share back.
      const { bond } = await f.DisputeManager.dispute(job.id);
      await expectFaultSettlement(f, job.id, accomplice, bond, async () =>
        f.DisputeManager.connect(f.outsider).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          wrongMatmulProof(job),
        ),
      );
    });

    it("rejects a follow-up on a correct element or after its deadline", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await openWithheld(f);
      await revealWrongChunk(f);
      const followUp = async (proof: string) =>
        f.DisputeManager.connect(f.challenger).disputeWithProof(job.id, await jobTerms(f, job.id), job.params, proof);
      await expect(followUp(matmulFraudProof(job, 0, 0)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, 0);
      await expect(followUp(wrongMatmulProof(f.honestMatmul))).to.be.revertedWithCustomError(
        f.MatmulI8Checker,
        "InputVectorNotInTree",
      );
      expect((await f.DisputeManager.dispute(job.id)).status).to.equal(DisputeStatus.Revealed);

      const { deadline } = await f.DisputeManager.dispute(job.id);
      await time.setNextBlockTimestamp(deadline);
      await expect(followUp(wrongMatmulProof(job)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(job.id, deadline);
    });

    it("pays the bond to the provider when the challenger does not follow up; the job then settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await openWithheld(f);
      await revealWrongChunk(f);
      const { deadline } = await f.DisputeManager.dispute(job.id);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolveTimeout(job.id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(job.id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expectNoFaultSettlement(f, job.id, f.provider, async () =>
        f.DisputeManager.connect(f.outsider).resolveTimeout(job.id, await jobTerms(f, job.id)),
      );
      await expectNormalFinalize(f, job.id);
    });
  });

  describe("arbitration", function () {
    it("takes the bond, freezes the job and records the evidence and the arbitration deadline", async function () {
      const f = await loadFixture(disputesFixture);
      const bond = await f.DisputeManager.bond();
      const openedAt = await pinNextTimestamp();
      const deadline = openedAt + f.parameters.disputes.arbitrationWindow;
      const tx = f.DisputeManager.connect(f.challenger).disputeForArbitration(
        f.customJob,
        await jobTerms(f, f.customJob),
        "ipfs://evidence",
      );
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeOpened")
        .withArgs(f.customJob, f.challenger.address, DisputeKind.Arbitration, bond, 0n, deadline);
      await expect(tx).to.emit(f.DisputeManager, "ArbitrationRequested").withArgs(f.customJob, "ipfs://evidence");
      await expect(tx).to.changeTokenBalances(f.ComputeToken, [f.challenger, f.DisputeManager], [-bond, bond]);
      expect((await readJob(f.JobEscrow, f.customJob)).status).to.equal(JobStatus.Disputed);
      const d = await f.DisputeManager.dispute(f.customJob);
      expect(d.kind).to.equal(DisputeKind.Arbitration);
      expect(d.status).to.equal(DisputeStatus.AwaitingRuling);
      expect(d.deadline).to.equal(deadline);
      await expect(
        f.DisputeManager.connect(f.outsider).disputeForArbitration(
          f.customJob,
          await jobTerms(f, f.customJob),
          "ipfs://again",
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeAlreadyOpen")
        .withArgs(f.customJob);
    });

    it("refuses arbitration for a workload that has a checker", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(
        f.DisputeManager.connect(f.challenger).disputeForArbitration(
          f.cheatingMatmul.id,
          await jobTerms(f, f.cheatingMatmul.id),
          "ipfs://evidence",
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "WorkloadHasChecker")
        .withArgs(MATMUL_ID, await f.MatmulI8Checker.getAddress());
    });

    it("slashes when the arbiter finds the provider at fault", async function () {
      const f = await loadFixture(disputesFixture);
      await f.DisputeManager.connect(f.challenger).disputeForArbitration(
        f.customJob,
        await jobTerms(f, f.customJob),
        "ipfs://evidence",
      );
      const bond = await f.DisputeManager.bond();
      await expectFaultSettlement(f, f.customJob, f.challenger, bond, async () =>
        f.DisputeManager.connect(f.arbiter).arbitrate(f.customJob, await jobTerms(f, f.customJob), true),
      );
    });

    it("pays the bond to the provider when the arbiter finds no fault; the job then settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      await f.DisputeManager.connect(f.challenger).disputeForArbitration(
        f.customJob,
        await jobTerms(f, f.customJob),
        "ipfs://evidence",
      );
      await expectNoFaultSettlement(f, f.customJob, f.provider, async () =>
        f.DisputeManager.connect(f.arbiter).arbitrate(f.customJob, await jobTerms(f, f.customJob), false),
      );
      await expectNormalFinalize(f, f.customJob);
    });

    it("refuses a ruling from an account without the ARBITER role", async function () {
      const f = await loadFixture(disputesFixture);
      await f.DisputeManager.connect(f.challenger).disputeForArbitration(
        f.customJob,
        await jobTerms(f, f.customJob),
        "ipfs://evidence",
      );
      for (const signer of [f.outsider, f.challenger, f.provider]) {
        await expect(f.DisputeManager.connect(signer).arbitrate(f.customJob, await jobTerms(f, f.customJob), true))
          .to.be.revertedWithCustomError(f.DisputeManager, "AccessManagedUnauthorized")
          .withArgs(signer.address);
      }
    });

    it("refuses a ruling when no arbitration awaits one", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(f.customJob, await jobTerms(f, f.customJob), true))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(f.customJob, DisputeStatus.None, DisputeStatus.AwaitingRuling);
      await openWithheld(f);
      await expect(
        f.DisputeManager.connect(f.arbiter).arbitrate(
          f.cheatingMatmul.id,
          await jobTerms(f, f.cheatingMatmul.id),
          true,
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(f.cheatingMatmul.id, DisputeStatus.AwaitingReveal, DisputeStatus.AwaitingRuling);
    });

    it("ends a dispute the arbiter left unruled without fault, returning the bond to the challenger", async function () {
      const f = await loadFixture(disputesFixture);
      await f.DisputeManager.connect(f.challenger).disputeForArbitration(
        f.customJob,
        await jobTerms(f, f.customJob),
        "ipfs://evidence",
      );
      const { deadline } = await f.DisputeManager.dispute(f.customJob);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolveTimeout(f.customJob, await jobTerms(f, f.customJob)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(f.customJob, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(f.customJob, await jobTerms(f, f.customJob), true))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(f.customJob, deadline);
      await expectNoFaultSettlement(f, f.customJob, f.challenger, async () =>
        f.DisputeManager.connect(f.outsider).resolveTimeout(f.customJob, await jobTerms(f, f.customJob)),
      );
      await expectNormalFinalize(f, f.customJob);
    });
  });

  describe("deadlines", function () {
    it("caps the response and arbitration deadlines at the escrow's dispute window", async function () {
      const f = await loadFixture(disputesFixture);
      const disputeWindow = 5n * MINUTE;
      await f.JobEscrow.connect(f.timelock).setDisputeWindow(disputeWindow);
      const openedAt = await openWithheld(f);
      expect((await f.DisputeManager.dispute(f.cheatingMatmul.id)).deadline).to.equal(openedAt + disputeWindow);

      const arbitratedAt = await pinNextTimestamp();
      await expect(
        f.DisputeManager.connect(f.challenger).disputeForArbitration(
          f.customJob,
          await jobTerms(f, f.customJob),
          "ipfs://evidence",
        ),
      )
        .to.emit(f.DisputeManager, "DisputeOpened")
        .withArgs(
          f.customJob,
          f.challenger.address,
          DisputeKind.Arbitration,
          await f.DisputeManager.bond(),
          0n,
          arbitratedAt + disputeWindow,
        );
      expect((await f.DisputeManager.dispute(f.customJob)).deadline).to.equal(arbitratedAt + disputeWindow);
    });

    it("caps the follow-up deadline at the escrow's dispute window from the opening, lowered after the opening", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const openedAt = await openWithheld(f);
      const disputeWindow = 12n * MINUTE;
      await f.JobEscrow.connect(f.timelock).setDisputeWindow(disputeWindow);
      // Revealed 5 minutes in: a full follow-up window would end at 15 minutes, the cap is 12.
      await time.setNextBlockTimestamp(openedAt + 5n * MINUTE);
      const { chunk, proof } = job.result.wordProof(WRONG_MATMUL.word);
      await expect(f.DisputeManager.connect(f.provider).reveal(job.id, await jobTerms(f, job.id), chunk, proof))
        .to.emit(f.DisputeManager, "ChunkRevealed")
        .withArgs(job.id, WRONG_CHUNK, ethers.hexlify(chunk), proof, openedAt + disputeWindow);
      expect((await f.DisputeManager.dispute(job.id)).deadline).to.equal(openedAt + disputeWindow);
    });

    it("reverts resolveTimeout when the job has no open dispute", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await expect(f.DisputeManager.resolveTimeout(job.id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "NoOpenDispute")
        .withArgs(job.id, DisputeStatus.None);
      await f.DisputeManager.connect(f.challenger).disputeWithProof(
        job.id,
        await jobTerms(f, job.id),
        job.params,
        wrongMatmulProof(job),
      );
      await expect(f.DisputeManager.resolveTimeout(job.id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "NoOpenDispute")
        .withArgs(job.id, DisputeStatus.ProviderAtFault);
    });

    it("lets a job cleared inside its challenge window be disputed again, by proof", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMandelbrot;
      const openedAt = await pinNextTimestamp();
      await f.DisputeManager.connect(f.challenger).disputeWithheld(
        job.id,
        await jobTerms(f, job.id),
        job.params,
        WRONG_PIXEL >> 4,
        WRONG_PIXEL & 15,
      );
      // A one-minute dispute window ends the follow-up well inside the job's challenge window.
      await f.JobEscrow.connect(f.timelock).setDisputeWindow(MINUTE);
      const { chunk, proof } = job.result.wordProof(WRONG_PIXEL);
      await f.DisputeManager.connect(f.provider).reveal(job.id, await jobTerms(f, job.id), chunk, proof);
      await time.setNextBlockTimestamp(openedAt + MINUTE);
      await f.DisputeManager.resolveTimeout(job.id, await jobTerms(f, job.id));
      expect((await f.DisputeManager.dispute(job.id)).status).to.equal(DisputeStatus.NoFault);
      await expectFaultSettlement(f, job.id, f.outsider, 0n, async () =>
        f.DisputeManager.connect(f.outsider).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          mandelbrotFraudProof(job, WRONG_PIXEL),
        ),
      );
    });
  });

  describe("job terms", function () {
    type Terms = IJobEscrow.JobStruct;
    type Call = (terms: Terms) => Promise<unknown>;

    /** `terms` with one field changed, for each field of IJobEscrow.Job, named by the field. */
    function oneFieldAltered(terms: Terms, stranger: string): [string, Terms][] {
      const plusOne = (value: BigNumberish) => BigInt(value) + 1n;
      const other = (field: string) => ethers.id(`not the job's ${field}`);
      const changes: Partial<Terms>[] = [
        { client: stranger },
        { payment: plusOne(terms.payment) },
        { provider: stranger },
        { collateral: plusOne(terms.collateral) },
        { paymentToken: stranger },
        { deadline: plusOne(terms.deadline) },
        { feeBps: plusOne(terms.feeBps) },
        { workloadId: other("workloadId") },
        { paramsHash: other("paramsHash") },
        { inputRoot: other("inputRoot") },
        { resultRoot: other("resultRoot") },
      ];
      return changes.map((change) => [Object.keys(change)[0], { ...terms, ...change }]);
    }

    /**
     * Expects `call` to revert with the escrow's JobTermsMismatch for every one-field alteration of job `id`'s terms,
     * then to go through with the job's own terms (so the terms, not the state, were what it refused).
     */
    async function expectOnlyTheJobsTerms(f: DisputesFixture, id: bigint, call: Call) {
      const terms = await jobTerms(f, id);
      const stored = await f.JobEscrow.hashTerms(terms);
      for (const [field, altered] of oneFieldAltered(terms, f.outsider.address)) {
        await expect(call(altered), `altered ${field}`)
          .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
          .withArgs(id, stored, await f.JobEscrow.hashTerms(altered));
      }
      await expect(call(terms)).not.to.be.reverted;
    }

    /** Opens an arbitration of the custom job. */
    async function openArbitration(f: DisputesFixture) {
      await f.DisputeManager.connect(f.challenger).disputeForArbitration(
        f.customJob,
        await jobTerms(f, f.customJob),
        "ipfs://evidence",
      );
    }

    /** Moves the chain to `id`'s dispute deadline, so that resolveTimeout may settle it. */
    async function passDisputeDeadline(f: DisputesFixture, id: bigint) {
      await time.increaseTo((await f.DisputeManager.dispute(id)).deadline);
    }

    const ENTRY_POINTS: {
      name: string;
      job: (f: DisputesFixture) => bigint;
      setup?: (f: DisputesFixture) => Promise<unknown>;
      call: (f: DisputesFixture) => Call;
    }[] = [
      {
        name: "disputeWithProof",
        job: (f) => f.cheatingMatmul.id,
        call: (f) => (terms) =>
          f.DisputeManager.connect(f.challenger).disputeWithProof(
            f.cheatingMatmul.id,
            terms,
            f.cheatingMatmul.params,
            wrongMatmulProof(f.cheatingMatmul),
          ),
      },
      {
        name: "disputeWithProof following up a reveal",
        job: (f) => f.cheatingMatmul.id,
        setup: async (f) => {
          await openWithheld(f);
          await revealWrongChunk(f);
        },
        call: (f) => (terms) =>
          f.DisputeManager.connect(f.outsider).disputeWithProof(
            f.cheatingMatmul.id,
            terms,
            f.cheatingMatmul.params,
            wrongMatmulProof(f.cheatingMatmul),
          ),
      },
      {
        name: "disputeWithheld",
        job: (f) => f.cheatingMatmul.id,
        call: (f) => (terms) =>
          f.DisputeManager.connect(f.challenger).disputeWithheld(
            f.cheatingMatmul.id,
            terms,
            f.cheatingMatmul.params,
            WRONG_MATMUL.row,
            WRONG_MATMUL.col,
          ),
      },
      {
        name: "disputeForArbitration",
        job: (f) => f.customJob,
        call: (f) => (terms) =>
          f.DisputeManager.connect(f.challenger).disputeForArbitration(f.customJob, terms, "ipfs://evidence"),
      },
      {
        name: "reveal",
        job: (f) => f.cheatingMatmul.id,
        setup: openWithheld,
        call: (f) => (terms) => {
          const { chunk, proof } = f.cheatingMatmul.result.wordProof(WRONG_MATMUL.word);
          return f.DisputeManager.connect(f.provider).reveal(f.cheatingMatmul.id, terms, chunk, proof);
        },
      },
      {
        name: "arbitrate finding the provider at fault",
        job: (f) => f.customJob,
        setup: openArbitration,
        call: (f) => (terms) => f.DisputeManager.connect(f.arbiter).arbitrate(f.customJob, terms, true),
      },
      {
        name: "arbitrate finding no fault",
        job: (f) => f.customJob,
        setup: openArbitration,
        call: (f) => (terms) => f.DisputeManager.connect(f.arbiter).arbitrate(f.customJob, terms, false),
      },
      {
        name: "resolveTimeout without a reveal",
        job: (f) => f.cheatingMatmul.id,
        setup: async (f) => {
          await openWithheld(f);
          await passDisputeDeadline(f, f.cheatingMatmul.id);
        },
        call: (f) => (terms) => f.DisputeManager.connect(f.outsider).resolveTimeout(f.cheatingMatmul.id, terms),
      },
      {
        name: "resolveTimeout without a follow-up",
        job: (f) => f.cheatingMatmul.id,
        setup: async (f) => {
          await openWithheld(f);
          await revealWrongChunk(f);
          await passDisputeDeadline(f, f.cheatingMatmul.id);
        },
        call: (f) => (terms) => f.DisputeManager.connect(f.outsider).resolveTimeout(f.cheatingMatmul.id, terms),
      },
      {
        name: "resolveTimeout without a ruling",
        job: (f) => f.customJob,
        setup: async (f) => {
          await openArbitration(f);
          await passDisputeDeadline(f, f.customJob);
        },
        call: (f) => (terms) => f.DisputeManager.connect(f.outsider).resolveTimeout(f.customJob, terms),
      },
      {
        name: "slashAmount",
        job: (f) => f.cheatingMatmul.id,
        call: (f) => (terms) => f.DisputeManager.slashAmount(f.cheatingMatmul.id, terms),
      },
    ];

    for (const { name, job, setup, call } of ENTRY_POINTS) {
      it(`refuses ${name} with the escrow's JobTermsMismatch when any one field of the terms is not the job's`, async function () {
        const f = await loadFixture(disputesFixture);
        await setup?.(f);
        await expectOnlyTheJobsTerms(f, job(f), call(f));
      });
    }

    it("refuses a challenger's terms naming another client, so the client's refund and slash share cannot be redirected", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const terms = await jobTerms(f, job.id);
      const redirected = { ...terms, client: f.challenger.address };
      const refuse = (tx: Promise<unknown>) =>
        expect(tx).to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch");

      await refuse(
        f.DisputeManager.connect(f.challenger).disputeWithProof(job.id, redirected, job.params, wrongMatmulProof(job)),
      );
      // The slower path too: the challenger opens honestly, then settles the provider's silence with its own terms.
      await openWithheld(f);
      const { bond } = await f.DisputeManager.dispute(job.id);
      await passDisputeDeadline(f, job.id);
      await refuse(f.DisputeManager.connect(f.challenger).resolveTimeout(job.id, redirected));
      expect((await readJob(f.JobEscrow, job.id)).status).to.equal(JobStatus.Disputed);

      // Settled with the job's terms, the refund and the client's share go to the job's client.
      await expectFaultSettlement(f, job.id, f.challenger, bond, () =>
        f.DisputeManager.connect(f.challenger).resolveTimeout(job.id, terms),
      );
    });

    it("refuses a provider's reveal against a result root of its choosing, and its silence is then slashed", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      await openWithheld(f);
      // The provider reveals from the correct output's tree, whose proofs hold against that tree's root only.
      const chosen = new ResultTree(job.correct);
      const { chunk, proof } = chosen.wordProof(WRONG_MATMUL.word);
      const terms = await jobTerms(f, job.id);
      await expect(
        f.DisputeManager.connect(f.provider).reveal(job.id, { ...terms, resultRoot: chosen.root }, chunk, proof),
      )
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(
          job.id,
          await f.JobEscrow.hashTerms(terms),
          await f.JobEscrow.hashTerms({ ...terms, resultRoot: chosen.root }),
        );
      // Against the job's own root the same chunk does not verify.
      await expect(f.DisputeManager.connect(f.provider).reveal(job.id, terms, chunk, proof))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkNotInTree")
        .withArgs(job.result.root, WRONG_CHUNK);
      expect((await f.DisputeManager.dispute(job.id)).status).to.equal(DisputeStatus.AwaitingReveal);

      const { bond } = await f.DisputeManager.dispute(job.id);
      await passDisputeDeadline(f, job.id);
      await expectFaultSettlement(f, job.id, f.challenger, bond, () =>
        f.DisputeManager.connect(f.outsider).resolveTimeout(job.id, terms),
      );
    });

    it("keeps a job's terms through a dispute: the terms read before it opened serve the reveal and the follow-up proof", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const terms = await jobTerms(f, job.id);
      await f.DisputeManager.connect(f.challenger).disputeWithheld(
        job.id,
        terms,
        job.params,
        WRONG_MATMUL.row,
        WRONG_MATMUL.col,
      );
      const { chunk, proof } = job.result.wordProof(WRONG_MATMUL.word);
      await f.DisputeManager.connect(f.provider).reveal(job.id, terms, chunk, proof);
      expect(await jobTerms(f, job.id)).to.deep.equal(terms);

      const { bond } = await f.DisputeManager.dispute(job.id);
      await expectFaultSettlement(f, job.id, f.challenger, bond, () =>
        f.DisputeManager.connect(f.outsider).disputeWithProof(job.id, terms, job.params, wrongMatmulProof(job)),
      );
    });

    it("counts a job's collateral in slashAmount only while the job is Assigned, Submitted or Disputed", async function () {
      const f = await loadFixture(disputesFixture);
      const params = f.cheatingMatmul.params;
      const open = await createJob(f, f.client, { workloadId: MATMUL_ID, params, provider: f.provider.address });
      const stakeShare = async () => {
        const free = await f.ProviderRegistry.freeStake(f.provider.address);
        const { unbonding } = await f.ProviderRegistry.providerState(f.provider.address);
        return ((free + unbonding) * (await f.DisputeManager.stakeShareBps())) / BPS;
      };
      /** Checks job `id`'s status and its slashAmount: the stake share, plus the collateral if `locked`. */
      const expectSlashAmount = async (id: bigint, status: bigint, locked: boolean) => {
        const terms = await jobTerms(f, id);
        expect((await readJob(f.JobEscrow, id)).status, `job ${id}`).to.equal(status);
        // Accepted jobs keep their collateral in their terms, counted or not; the open job never had any.
        const accepted = id !== open;
        expect(BigInt(terms.collateral), `job ${id}'s terms`).to.equal(accepted ? JOB_COLLATERAL : 0n);
        const expected = (locked ? JOB_COLLATERAL : 0n) + (await stakeShare());
        expect(await f.DisputeManager.slashAmount(id, terms), `job ${id} ${status}`).to.equal(expected);
      };
      await expectSlashAmount(open, JobStatus.Open, false);
      const assigned = await createJob(f, f.client, { workloadId: MATMUL_ID, params });
      await f.JobEscrow.connect(f.provider).acceptJob(assigned, await jobTerms(f, assigned));
      await expectSlashAmount(assigned, JobStatus.Assigned, true);
      await expectSlashAmount(f.cheatingMatmul.id, JobStatus.Submitted, true);
      await openWithheld(f);
      await expectSlashAmount(f.cheatingMatmul.id, JobStatus.Disputed, true);

      await passDisputeDeadline(f, f.cheatingMatmul.id);
      await f.DisputeManager.resolveTimeout(f.cheatingMatmul.id, await jobTerms(f, f.cheatingMatmul.id));
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

  describe("governance", function () {
    it("sets each parameter, emitting its old and new value, and the views return it", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      const d = f.parameters.disputes;
      await expect(dm.setBond(ethers.parseEther("250")))
        .to.emit(dm, "BondSet")
        .withArgs(d.bond, ethers.parseEther("250"));
      expect(await dm.bond()).to.equal(ethers.parseEther("250"));
      await expect(dm.setResponseWindow(5n * MINUTE))
        .to.emit(dm, "ResponseWindowSet")
        .withArgs(d.responseWindow, 5n * MINUTE);
      expect(await dm.responseWindow()).to.equal(5n * MINUTE);
      await expect(dm.setFollowUpWindow(15n * MINUTE))
        .to.emit(dm, "FollowUpWindowSet")
        .withArgs(d.followUpWindow, 15n * MINUTE);
      expect(await dm.followUpWindow()).to.equal(15n * MINUTE);
      await expect(dm.setArbitrationWindow(30n * MINUTE))
        .to.emit(dm, "ArbitrationWindowSet")
        .withArgs(d.arbitrationWindow, 30n * MINUTE);
      expect(await dm.arbitrationWindow()).to.equal(30n * MINUTE);
      const split = { challengerBps: 6_000n, clientBps: 4_000n, treasuryBps: 0n };
      await expect(dm.setSlashSplit(split))
        .to.emit(dm, "SlashSplitSet")
        .withArgs([5_000n, 3_000n, 2_000n], [6_000n, 4_000n, 0n]);
      expect(await dm.slashSplit()).to.deep.equal([6_000n, 4_000n, 0n]);
      await expect(dm.setStakeShareBps(BPS)).to.emit(dm, "StakeShareSet").withArgs(d.stakeShareBps, BPS);
      expect(await dm.stakeShareBps()).to.equal(BPS);
    });

    it("opens and settles disputes with the new bond, windows, split and share", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      const bond = ethers.parseEther("1");
      await dm.setBond(bond);
      await dm.setResponseWindow(3n * MINUTE);
      await dm.setSlashSplit({ challengerBps: 10_000n, clientBps: 0n, treasuryBps: 0n });
      await dm.setStakeShareBps(BPS);
      const openedAt = await openWithheld(f);
      const d = await f.DisputeManager.dispute(f.cheatingMatmul.id);
      expect([d.bond, d.deadline]).to.deep.equal([bond, openedAt + 3n * MINUTE]);

      const free = await f.ProviderRegistry.freeStake(f.provider.address);
      await time.setNextBlockTimestamp(d.deadline);
      const tx = f.DisputeManager.resolveTimeout(f.cheatingMatmul.id, await jobTerms(f, f.cheatingMatmul.id));
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(f.cheatingMatmul.id, true, JOB_COLLATERAL + free, f.challenger.address);
      await expect(tx).to.changeTokenBalances(
        f.ComputeToken,
        [f.challenger, f.client, f.timelock],
        [JOB_COLLATERAL + free + bond, 0n, 0n],
      );
    });

    it("keeps the bond a dispute was opened with when the bond changes meanwhile", async function () {
      const f = await loadFixture(disputesFixture);
      await f.DisputeManager.connect(f.challenger).disputeForArbitration(
        f.customJob,
        await jobTerms(f, f.customJob),
        "ipfs://evidence",
      );
      const bond = (await f.DisputeManager.dispute(f.customJob)).bond;
      await f.DisputeManager.connect(f.timelock).setBond(ethers.parseEther("500"));
      await expect(
        f.DisputeManager.connect(f.arbiter).arbitrate(f.customJob, await jobTerms(f, f.customJob), false),
      ).to.changeTokenBalances(f.ComputeToken, [f.provider, f.DisputeManager], [bond, -bond]);
    });

    const BOUNDED = [
      { setter: "setBond", min: ethers.parseEther("1"), max: ethers.parseEther("1000000") },
      { setter: "setResponseWindow", min: MINUTE, max: MAX_WINDOW },
      { setter: "setFollowUpWindow", min: MINUTE, max: MAX_WINDOW },
      { setter: "setArbitrationWindow", min: MINUTE, max: MAX_WINDOW },
      { setter: "setStakeShareBps", min: 0n, max: BPS },
    ] as const;

    for (const { setter, min, max } of BOUNDED) {
      if (min > 0n) {
        it(`reverts ${setter} below its minimum`, async function () {
          const f = await loadFixture(disputesFixture);
          await expect(f.DisputeManager.connect(f.timelock).getFunction(setter)(min - 1n))
            .to.be.revertedWithCustomError(f.DisputeManager, "ParameterOutOfBounds")
            .withArgs(min - 1n, min, max);
        });
      }

      it(`reverts ${setter} above its maximum, up to 2^256 - 1, and accepts its minimum`, async function () {
        const f = await loadFixture(disputesFixture);
        const dm = f.DisputeManager.connect(f.timelock);
        for (const above of [max + 1n, ethers.MaxUint256]) {
          await expect(dm.getFunction(setter)(above))
            .to.be.revertedWithCustomError(dm, "ParameterOutOfBounds")
            .withArgs(above, min, max);
        }
        await dm.getFunction(setter)(min);
        expect(await dm.getFunction(setter.replace(/^set(.)/, (_, c: string) => c.toLowerCase()))()).to.equal(min);
      });
    }

    it("accepts the largest bond and, with a 30-day escrow dispute window, the longest arbitration window", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      await dm.setBond(ethers.parseEther("1000000"));
      await f.ProviderRegistry.connect(f.timelock).setUnbondingPeriod(90n * DAY);
      await f.JobEscrow.connect(f.timelock).setDisputeWindow(MAX_WINDOW);
      await expect(dm.setArbitrationWindow(MAX_WINDOW)).to.emit(dm, "ArbitrationWindowSet");
    });

    it("reverts windows that would let a dispute outlast the escrow's dispute window", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      // Local: escrow dispute window 30 min; response 10 min + follow-up 10 min; arbitration 20 min.
      const window = 30n * MINUTE;
      await expect(dm.setResponseWindow(20n * MINUTE + 1n))
        .to.be.revertedWithCustomError(dm, "DisputeDurationExceedsWindow")
        .withArgs(window + 1n, window);
      await expect(dm.setFollowUpWindow(20n * MINUTE + 1n))
        .to.be.revertedWithCustomError(dm, "DisputeDurationExceedsWindow")
        .withArgs(window + 1n, window);
      await expect(dm.setArbitrationWindow(window + 1n))
        .to.be.revertedWithCustomError(dm, "DisputeDurationExceedsWindow")
        .withArgs(window + 1n, window);
      await dm.setResponseWindow(20n * MINUTE);
      await dm.setArbitrationWindow(window);
    });

    it("reverts a slash split that does not add up to 10,000 bps", async function () {
      const f = await loadFixture(disputesFixture);
      const dm = f.DisputeManager.connect(f.timelock);
      await expect(dm.setSlashSplit({ challengerBps: 5_000n, clientBps: 3_000n, treasuryBps: 1_999n }))
        .to.be.revertedWithCustomError(dm, "InvalidSlashSplit")
        .withArgs(9_999n);
      await expect(dm.setSlashSplit({ challengerBps: 10_000n, clientBps: 1n, treasuryBps: 0n }))
        .to.be.revertedWithCustomError(dm, "InvalidSlashSplit")
        .withArgs(10_001n);
    });

    it("reverts a checker registered under a workload it does not decide", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, await f.MandelbrotChecker.getAddress()))
        .to.be.revertedWithCustomError(f.DisputeManager, "CheckerWorkloadMismatch")
        .withArgs(MATMUL_ID, MANDELBROT_ID);
    });

    it("removes a checker, after which the workload's disputes go to arbitration", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const checker = await f.MatmulI8Checker.getAddress();
      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, ethers.ZeroAddress))
        .to.emit(f.DisputeManager, "CheckerSet")
        .withArgs(MATMUL_ID, checker, ethers.ZeroAddress);
      expect(await f.DisputeManager.checker(MATMUL_ID)).to.equal(ethers.ZeroAddress);
      await expect(
        f.DisputeManager.connect(f.challenger).disputeWithProof(
          job.id,
          await jobTerms(f, job.id),
          job.params,
          wrongMatmulProof(job),
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(MATMUL_ID);
      await expect(
        f.DisputeManager.connect(f.challenger).disputeForArbitration(
          job.id,
          await jobTerms(f, job.id),
          "ipfs://evidence",
        ),
      )
        .to.emit(f.DisputeManager, "ArbitrationRequested")
        .withArgs(job.id, "ipfs://evidence");

      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, checker))
        .to.emit(f.DisputeManager, "CheckerSet")
        .withArgs(MATMUL_ID, ethers.ZeroAddress, checker);
    });

    it("replaces a workload's checker, emitting the old and the new one", async function () {
      const f = await loadFixture(disputesFixture);
      const checker = await (await ethers.deployContract("MatmulI8Checker")).getAddress();
      const old = await f.MatmulI8Checker.getAddress();
      await expect(f.DisputeManager.connect(f.timelock).setChecker(MATMUL_ID, checker))
        .to.emit(f.DisputeManager, "CheckerSet")
        .withArgs(MATMUL_ID, old, checker);
      expect(await f.DisputeManager.checker(MATMUL_ID)).to.equal(checker);
    });

    it("refuses every restricted function to an outsider", async function () {
      const f = await loadFixture(disputesFixture);
      const calls: [string, unknown[]][] = [
        ["arbitrate", [f.customJob, await jobTerms(f, f.customJob), true]],
        ["setChecker", [MATMUL_ID, ethers.ZeroAddress]],
        ["setBond", [ethers.parseEther("10")]],
        ["setResponseWindow", [5n * MINUTE]],
        ["setFollowUpWindow", [5n * MINUTE]],
        ["setArbitrationWindow", [5n * MINUTE]],
        ["setSlashSplit", [{ challengerBps: 10_000n, clientBps: 0n, treasuryBps: 0n }]],
        ["setStakeShareBps", [0n]],
      ];
      for (const [name, args] of calls) {
        await expect(f.DisputeManager.connect(f.outsider).getFunction(name)(...args), name)
          .to.be.revertedWithCustomError(f.DisputeManager, "AccessManagedUnauthorized")
          .withArgs(f.outsider.address);
      }
      // The arbiter rules, but does not set parameters.
      await expect(f.DisputeManager.connect(f.arbiter).setBond(ethers.parseEther("10")))
        .to.be.revertedWithCustomError(f.DisputeManager, "AccessManagedUnauthorized")
        .withArgs(f.arbiter.address);
    });
  });
});

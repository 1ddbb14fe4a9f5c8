import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { revealedChildren } from "../../../src/commitments/bisection";
import { ResultTree } from "../../../src/commitments/result-tree";
import { matmulI8 } from "../../../src/workloads/registry";
import {
  CUSTOM_WORKLOAD,
  DisputeKind,
  DisputeStatus,
  MATMUL_SHAPE,
  WRONG_MATMUL,
  disputesFixture,
  matmulFraudProof,
  openWithheld,
  playBisection,
  submitJob,
  submitWorkloadJob,
  type DisputesFixture,
} from "../../fixtures/disputes";
import { JobStatus, jobTerms } from "../../fixtures/jobs";
import { expectBalanceChanges } from "../../helpers/balances";
import {
  coder,
  MATMUL_ID,
  TOTAL_WORDS,
  WRONG_CHUNK,
  WRONG_CHUNK_BYTES,
  pinNextTimestamp,
  passDeadline,
  expectDispute,
  orderedPair,
  wrongMatmulProof,
  revealChildrenOf,
  chooseChildOf,
  revealChunkOf,
  revealWrongChunk,
  proveWrongChunk,
  balanceSheet,
  expectFaultSettlement,
  expectNoFaultSettlement,
  expectNormalFinalize,
} from "./fixture";

describe("DisputeManager: withheld-data path", function () {
  describe("withheld-data path: disputeWithheld", function () {
    it("opens a bisection at the root: takes the bond, freezes the job and starts the provider's clock", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const bond = await f.DisputeManager.bond();
      const window = f.parameters.disputes.responseWindow;
      const sheet = await balanceSheet(f);
      const openedAt = await pinNextTimestamp();
      const tx = await f.DisputeManager.connect(f.challenger).disputeWithheld(
        job.id,
        await jobTerms(f, job.id),
        job.params,
      );
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeOpened")
        .withArgs(1n, job.id, f.challenger.address, DisputeKind.Withheld, bond, openedAt + window);
      await expect(tx).to.emit(f.JobEscrow, "JobDisputed").withArgs(job.id);
      await expectBalanceChanges(sheet, { weft: { challenger: -bond, disputes: bond } });
      // On its own turn a side's clock is the deadline; the provider has not moved yet.
      await expectDispute(f, 1n, {
        challenger: f.challenger.address,
        bond,
        jobId: job.id,
        kind: DisputeKind.Withheld,
        status: DisputeStatus.AwaitingChildren,
        deadline: openedAt + window,
        providerTime: 0n,
        challengerTime: window,
        node: 0n,
        totalWords: BigInt(TOTAL_WORDS),
        hash: job.result.root,
      });
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(1n);
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);
    });

    it("starts at the chunk when the output has a single chunk, and slashes a wrong word of it", async function () {
      const f = await loadFixture(disputesFixture);
      const params = matmulI8.params.encode({ m: 8, k: 4, n: 8 });
      const job = await submitWorkloadJob(f, MATMUL_ID, params, 5, 3);
      const id = await openWithheld(f, f.challenger, job);
      await expectDispute(f, id, { status: DisputeStatus.AwaitingChunk, node: 0n, totalWords: 64n });
      const revealedAt = await pinNextTimestamp();
      await expect(revealChunkOf(f, id, job, 0))
        .to.emit(f.DisputeManager, "ChunkRevealed")
        .withArgs(
          id,
          job.id,
          0n,
          ethers.hexlify(job.result.chunk(0)),
          revealedAt + f.parameters.disputes.followUpWindow,
        );
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.connect(f.outsider).proveChunkWrong(
          id,
          await jobTerms(f, job.id),
          job.params,
          matmulFraudProof(job, 0, 3),
        ),
      );
    });

    it("reverts NoCheckerForWorkload for a workload without a checker", async function () {
      const f = await loadFixture(disputesFixture);
      await expect(
        f.DisputeManager.connect(f.challenger).disputeWithheld(f.customJob, await jobTerms(f, f.customJob), "0x1234"),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
        .withArgs(CUSTOM_WORKLOAD);
    });

    it("reverts ParamsMismatch when the params are not the job's", async function () {
      const f = await loadFixture(disputesFixture);
      const { id, params } = f.cheatingMatmul;
      const other = f.cheatingMandelbrot.params;
      await expect(f.DisputeManager.connect(f.challenger).disputeWithheld(id, await jobTerms(f, id), other))
        .to.be.revertedWithCustomError(f.DisputeManager, "ParamsMismatch")
        .withArgs(id, ethers.keccak256(params), ethers.keccak256(other));
    });

    it("reverts OutputTooLarge for an output of more than 2^32 - 1 words", async function () {
      const f = await loadFixture(disputesFixture);
      const params = coder.encode(["uint256", "uint256", "uint256"], [65_536, 1, 65_536]);
      const id = await submitJob(f, MATMUL_ID, params, ethers.id("inputs"), ethers.id("result"));
      await expect(f.DisputeManager.connect(f.challenger).disputeWithheld(id, await jobTerms(f, id), params))
        .to.be.revertedWithCustomError(f.DisputeManager, "OutputTooLarge")
        .withArgs(2n ** 32n, 2n ** 32n - 1n);
    });

    it("opens a dispute over exactly 2^32 - 1 words, the largest output it can bisect", async function () {
      // No real workload's shape multiplies to exactly 2^32 - 1 (matmul's sides stop at 2^16; 2^32 - 1 has the
      // factor 65,537), so a checker whose shape is its params stands in.
      const f = await loadFixture(disputesFixture);
      const workload = ethers.encodeBytes32String("grid");
      const checker = await ethers.deployContract("GridShapeChecker", [workload]);
      await f.DisputeManager.connect(f.timelock).setChecker(workload, await checker.getAddress());
      const maxWords = await f.DisputeManager.MAX_OUTPUT_WORDS();
      expect(maxWords).to.equal(2n ** 32n - 1n);
      const params = coder.encode(["uint256", "uint256"], [1n, maxWords]);
      const id = await submitJob(f, workload, params, ethers.id("inputs"), ethers.id("result"));
      await f.DisputeManager.connect(f.challenger).disputeWithheld(id, await jobTerms(f, id), params);
      await expectDispute(f, 1n, { jobId: id, totalWords: maxWords, kind: DisputeKind.Withheld });
      const wider = coder.encode(["uint256", "uint256"], [1n, maxWords + 1n]);
      const other = await submitJob(f, workload, wider, ethers.id("inputs"), ethers.id("result"));
      await expect(f.DisputeManager.connect(f.challenger).disputeWithheld(other, await jobTerms(f, other), wider))
        .to.be.revertedWithCustomError(f.DisputeManager, "OutputTooLarge")
        .withArgs(maxWords + 1n, maxWords);
    });
  });

  describe("withheld-data path: revealChildren", function () {
    it("reverts NotProvider for anyone but the job's provider", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      const { left, right } = revealedChildren(job.result, 0);
      for (const caller of [f.challenger, f.outsider]) {
        await expect(f.DisputeManager.connect(caller).revealChildren(id, await jobTerms(f, job.id), left, right))
          .to.be.revertedWithCustomError(f.DisputeManager, "NotProvider")
          .withArgs(id, f.provider.address, caller.address);
      }
    });

    it("reverts ChildrenMismatch for children that do not hash to the disputed node", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      // The correct output's children hash to the correct root, not to the committed one.
      const correct = new ResultTree(job.correct);
      const { left, right } = revealedChildren(correct, 0);
      await expect(f.DisputeManager.connect(f.provider).revealChildren(id, await jobTerms(f, job.id), left, right))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChildrenMismatch")
        .withArgs(id, job.result.root, correct.root);
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.AwaitingChildren);
    });

    it("reverts DisputeDeadlinePassed at the end of the provider's clock", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline);
      await expect(revealChildrenOf(f, id, job, 0))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
    });

    it("reverts DisputeNotInStatus when it is not the provider's turn to reveal children", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      await expect(revealChildrenOf(f, id, job, 0))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChoice, DisputeStatus.AwaitingChildren);
      await chooseChildOf(f, id, job, 0, false);
      // Node 1 is a leaf: the provider owes its chunk, not children.
      await expect(revealChildrenOf(f, id, job, 0))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChunk, DisputeStatus.AwaitingChildren);
    });
  });

  describe("withheld-data path: chooseChild", function () {
    it("reverts NotChallenger for anyone but the dispute's challenger, the provider included", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      const { left, right } = revealedChildren(job.result, 0);
      for (const caller of [f.outsider, f.provider]) {
        await expect(f.DisputeManager.connect(caller).chooseChild(id, left, right, true))
          .to.be.revertedWithCustomError(f.DisputeManager, "NotChallenger")
          .withArgs(id, f.challenger.address, caller.address);
      }
    });

    it("reverts RevealedPairMismatch for children other than the revealed ones, or in another order", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      const { left, right } = revealedChildren(job.result, 0);
      const correct = revealedChildren(new ResultTree(job.correct), 0);
      const dm = f.DisputeManager.connect(f.challenger);
      for (const [l, r] of [
        [right, left],
        [correct.left, right],
      ]) {
        await expect(dm.chooseChild(id, l, r, false))
          .to.be.revertedWithCustomError(dm, "RevealedPairMismatch")
          .withArgs(id, orderedPair(left, right), orderedPair(l, r));
      }
    });

    it("reverts DisputeNotInStatus when no choice is awaited", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await expect(chooseChildOf(f, id, job, 0, false))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChildren, DisputeStatus.AwaitingChoice);
    });
  });

  describe("withheld-data path: revealChunk", function () {
    /** A withheld dispute of the cheating matmul job at the leaf of the wrong chunk. */
    async function atWrongLeaf(f: DisputesFixture): Promise<bigint> {
      const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
      await revealChildrenOf(f, id, f.cheatingMatmul, 0);
      await chooseChildOf(f, id, f.cheatingMatmul, 0, false);
      return id;
    }

    it("reverts ResultChunkLengthMismatch for a chunk of another length than the leaf's", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await atWrongLeaf(f);
      const terms = await jobTerms(f, f.cheatingMatmul.id);
      const chunk = f.cheatingMatmul.result.chunk(WRONG_CHUNK);
      const provider = f.DisputeManager.connect(f.provider);
      await expect(provider.revealChunk(id, terms, chunk.subarray(4)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkLengthMismatch")
        .withArgs(WRONG_CHUNK, WRONG_CHUNK_BYTES, WRONG_CHUNK_BYTES - 4);
      await expect(provider.revealChunk(id, terms, f.cheatingMatmul.result.chunk(0)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkLengthMismatch")
        .withArgs(WRONG_CHUNK, WRONG_CHUNK_BYTES, 512);
    });

    it("reverts ChunkMismatch for a chunk that is not the committed one", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await atWrongLeaf(f);
      // The correct chunk: what an honest output holds there, not what the provider committed to.
      const correct = new ResultTree(job.correct);
      await expect(
        f.DisputeManager.connect(f.provider).revealChunk(id, await jobTerms(f, job.id), correct.chunk(WRONG_CHUNK)),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ChunkMismatch")
        .withArgs(id, WRONG_CHUNK, job.result.node(1), correct.node(1));
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.AwaitingChunk);
    });

    it("reverts NotProvider for anyone but the job's provider", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await atWrongLeaf(f);
      await expect(
        f.DisputeManager.connect(f.outsider).revealChunk(id, await jobTerms(f, job.id), job.result.chunk(WRONG_CHUNK)),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "NotProvider")
        .withArgs(id, f.provider.address, f.outsider.address);
    });

    it("reverts DisputeNotInStatus before the game reached a leaf", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await expect(revealChunkOf(f, id, job, WRONG_CHUNK))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChildren, DisputeStatus.AwaitingChunk);
    });
  });

  describe("withheld-data path: proveChunkWrong", function () {
    it("slashes on a wrong word of the revealed chunk and pays the dispute's challenger even when someone else sends it", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await revealWrongChunk(f);
      await expectFaultSettlement(f, id, "challenger", () => proveWrongChunk(f, id, f.outsider));
    });

    it("reverts WordNotInRevealedChunk for a wrong word outside the revealed chunk", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      // A challenger who names the right child (chunk 0, correct) gets that chunk revealed, not the wrong one.
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      await chooseChildOf(f, id, job, 0, true);
      await revealChunkOf(f, id, job, 0);
      await expect(proveWrongChunk(f, id))
        .to.be.revertedWithCustomError(f.DisputeManager, "WordNotInRevealedChunk")
        .withArgs(id, WRONG_MATMUL.word, 0);
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.ChunkRevealed);
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);
    });

    it("reverts ResultChecksOut for a correct word of the revealed chunk", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await revealWrongChunk(f);
      // C[6][8] = word 128, the first of chunk 1, is correct.
      await expect(
        f.DisputeManager.proveChunkWrong(id, await jobTerms(f, job.id), job.params, matmulFraudProof(job, 6, 8)),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, 128);
    });

    it("reverts ParamsMismatch when the params are not the job's", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await revealWrongChunk(f);
      const other = f.cheatingMandelbrot.params;
      await expect(f.DisputeManager.proveChunkWrong(id, await jobTerms(f, job.id), other, wrongMatmulProof(job)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ParamsMismatch")
        .withArgs(job.id, ethers.keccak256(job.params), ethers.keccak256(other));
    });

    it("reverts DisputeDeadlinePassed at the end of the follow-up window, after which resolve ends it without fault", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await revealWrongChunk(f);
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(proveWrongChunk(f, id))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectNoFaultSettlement(f, id, async () =>
        f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, job.id)),
      );
    });

    it("reverts DisputeNotInStatus before a chunk was revealed", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openWithheld(f, f.challenger, f.cheatingMatmul);
      await expect(proveWrongChunk(f, id))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingChildren, DisputeStatus.ChunkRevealed);
    });

    it("ends a griefer's game on an honest job without fault: the bond to the provider, the job settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.honestMatmul;
      const id = await openWithheld(f, f.outsider, job);
      const { chunkIndex } = await playBisection(f, id, job, f.outsider);
      // Nothing in the revealed chunk is wrong.
      const word = chunkIndex * 128;
      const [row, col] = [Math.floor(word / MATMUL_SHAPE.n), word % MATMUL_SHAPE.n];
      await expect(
        f.DisputeManager.proveChunkWrong(id, await jobTerms(f, job.id), job.params, matmulFraudProof(job, row, col)),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, word);
      await passDeadline(f, id);
      await expectNoFaultSettlement(f, id, async () => f.DisputeManager.resolve(id, await jobTerms(f, job.id)));
      await expectNormalFinalize(f, job.id);
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";

import {
  childNode,
  childToDispute,
  chunkIndexOfNode,
  isLeafNode,
  leafCountOf,
  proofFromSteps,
  revealedChildren,
  type BisectionStep,
} from "../../../src/commitments/bisection";
import { ResultTree } from "../../../src/commitments/result-tree";
import {
  DisputeStatus,
  WRONG_LARGE_MATMUL,
  WRONG_MATMUL,
  WRONG_UNBALANCED_MATMUL,
  disputesFixture,
  largeOutputsFixture,
  matmulFraudProof,
  openWithheld,
  playBisection,
  wordAt,
} from "../../fixtures/disputes";
import { JobStatus, jobTerms } from "../../fixtures/jobs";
import {
  MINUTE,
  WRONG_CHUNK,
  WRONG_CHUNK_BYTES,
  pinNextTimestamp,
  reach,
  passDeadline,
  expectDispute,
  orderedPair,
  revealChildrenOf,
  chooseChildOf,
  revealChunkOf,
  proveWrongChunk,
  expectFaultSettlement,
  expectNoFaultSettlement,
  expectMootSettlement,
  expectNormalFinalize,
} from "./fixture";

describe("DisputeManager: bisection", function () {
  describe("withheld-data path: the bisection", function () {
    it("plays a 12 x 20 output (two chunks, one level) to the wrong chunk, with each clock accounted after each move", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const dm = f.DisputeManager;
      const { responseWindow: R, followUpWindow: F } = f.parameters.disputes;
      const t0 = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, job);
      const { left, right } = revealedChildren(job.result, 0);
      // The wrong word is in chunk 1, which is node 1: the left child.
      expect(childToDispute(new ResultTree(job.correct), 0, { left, right })).to.equal(false);

      const t1 = t0 + 60n;
      await time.setNextBlockTimestamp(t1);
      await expect(revealChildrenOf(f, id, job, 0))
        .to.emit(dm, "ChildrenRevealed")
        .withArgs(id, job.id, 0n, left, right, t1 + R);
      await expectDispute(f, id, {
        status: DisputeStatus.AwaitingChoice,
        deadline: t1 + R,
        providerTime: R - 60n,
        challengerTime: R,
        node: 0n,
        hash: orderedPair(left, right),
      });

      const t2 = t1 + 120n;
      await time.setNextBlockTimestamp(t2);
      await expect(chooseChildOf(f, id, job, 0, false))
        .to.emit(dm, "ChildChosen")
        .withArgs(id, job.id, 1n, left, t2 + R - 60n);
      await expectDispute(f, id, {
        status: DisputeStatus.AwaitingChunk,
        deadline: t2 + R - 60n,
        providerTime: R - 60n,
        challengerTime: R - 120n,
        node: 1n,
        hash: left,
      });

      const t3 = t2 + 30n;
      await time.setNextBlockTimestamp(t3);
      await expect(revealChunkOf(f, id, job, WRONG_CHUNK))
        .to.emit(dm, "ChunkRevealed")
        .withArgs(id, job.id, WRONG_CHUNK, ethers.hexlify(job.result.chunk(WRONG_CHUNK)), t3 + F);
      await expectDispute(f, id, {
        status: DisputeStatus.ChunkRevealed,
        deadline: t3 + F,
        providerTime: R - 90n,
        challengerTime: R - 120n,
        node: 1n,
        hash: left,
      });
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);

      await expectFaultSettlement(f, id, "challenger", async () => {
        const tx = await proveWrongChunk(f, id);
        await expect(tx)
          .to.emit(dm, "FraudProven")
          .withArgs(
            id,
            job.id,
            WRONG_MATMUL.word,
            wordAt(job.claimed, WRONG_MATMUL.word),
            wordAt(job.correct, WRONG_MATMUL.word),
          );
        return tx;
      });
    });

    it("plays a 64 x 64 output (32 chunks, five levels) down to the wrong chunk, each move charged to its side's clock", async function () {
      const f = await loadFixture(largeOutputsFixture);
      const job = f.cheatingLargeMatmul;
      const dm = f.DisputeManager;
      const { responseWindow: R, followUpWindow: F } = f.parameters.disputes;
      const correct = new ResultTree(job.correct);
      const leaves = leafCountOf(job.result.wordCount);
      expect(leaves).to.equal(32);

      let now = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, job);
      let [providerLeft, challengerLeft] = [R, R];
      let node = 0;
      const steps: BisectionStep[] = [];
      while (!isLeafNode(node, leaves)) {
        // The provider answers after 30 seconds, the challenger after 20.
        const { left, right } = revealedChildren(job.result, node);
        now += 30n;
        await time.setNextBlockTimestamp(now);
        await expect(revealChildrenOf(f, id, job, node))
          .to.emit(dm, "ChildrenRevealed")
          .withArgs(id, job.id, node, left, right, now + challengerLeft);
        providerLeft -= 30n;
        await expectDispute(f, id, {
          status: DisputeStatus.AwaitingChoice,
          deadline: now + challengerLeft,
          providerTime: providerLeft,
          challengerTime: challengerLeft,
          node: BigInt(node),
        });

        const disputedRight = childToDispute(correct, node, { left, right });
        expect(disputedRight, `node ${node}`).not.to.equal(undefined);
        const next = childNode(node, disputedRight!);
        now += 20n;
        await time.setNextBlockTimestamp(now);
        await expect(chooseChildOf(f, id, job, node, disputedRight!))
          .to.emit(dm, "ChildChosen")
          .withArgs(id, job.id, next, disputedRight ? right : left, now + providerLeft);
        challengerLeft -= 20n;
        await expectDispute(f, id, {
          status: isLeafNode(next, leaves) ? DisputeStatus.AwaitingChunk : DisputeStatus.AwaitingChildren,
          deadline: now + providerLeft,
          providerTime: providerLeft,
          challengerTime: challengerLeft,
          node: BigInt(next),
          hash: disputedRight ? right : left,
        });
        steps.push({ node, left, right, disputedRight: disputedRight! });
        node = next;
      }
      expect(steps.map((s) => s.node)).to.deep.equal([0, 1, 4, 9, 20]);
      expect(node).to.equal(41);
      expect(chunkIndexOfNode(node, leaves)).to.equal(WRONG_LARGE_MATMUL.chunk);
      expect([providerLeft, challengerLeft]).to.deep.equal([R - 150n, R - 100n]);
      // The siblings revealed on the way down are the chunk's Merkle proof, so any watcher can build a fraud proof.
      expect(proofFromSteps(steps)).to.deep.equal(job.result.chunkProof(WRONG_LARGE_MATMUL.chunk));

      now += 30n;
      await time.setNextBlockTimestamp(now);
      await expect(revealChunkOf(f, id, job, WRONG_LARGE_MATMUL.chunk))
        .to.emit(dm, "ChunkRevealed")
        .withArgs(id, job.id, WRONG_LARGE_MATMUL.chunk, ethers.hexlify(job.result.chunk(21)), now + F);
      await expectDispute(f, id, { status: DisputeStatus.ChunkRevealed, deadline: now + F, providerTime: R - 180n });

      const { row, col, word } = WRONG_LARGE_MATMUL;
      await expectFaultSettlement(f, id, "challenger", async () => {
        const tx = await dm
          .connect(f.outsider)
          .proveChunkWrong(id, await jobTerms(f, job.id), job.params, matmulFraudProof(job, row, col));
        await expect(tx)
          .to.emit(dm, "FraudProven")
          .withArgs(id, job.id, word, wordAt(job.claimed, word), wordAt(job.correct, word));
        return tx;
      });
    });

    it("plays an unbalanced tree (three chunks): a leaf at depth 1 and the wrong chunk at depth 2", async function () {
      const f = await loadFixture(largeOutputsFixture);
      const job = f.cheatingUnbalancedMatmul;
      const id = await openWithheld(f, f.challenger, job);
      // A second challenger names the root's right child, node 2: a leaf one level down, chunk 2.
      const shallow = await openWithheld(f, f.outsider, job);
      await revealChildrenOf(f, shallow, job, 0);
      const { left, right } = revealedChildren(job.result, 0);
      await f.DisputeManager.connect(f.outsider).chooseChild(shallow, left, right, true);
      await expectDispute(f, shallow, { status: DisputeStatus.AwaitingChunk, node: 2n, hash: right });
      await expect(revealChunkOf(f, shallow, job, 2))
        .to.emit(f.DisputeManager, "ChunkRevealed")
        .withArgs(shallow, job.id, 2n, ethers.hexlify(job.result.chunk(2)), anyValue);

      // The wrong chunk, 0, is two levels down.
      const { steps, chunkIndex } = await playBisection(f, id, job, f.challenger);
      expect(steps.map((s) => [s.node, s.disputedRight])).to.deep.equal([
        [0, false],
        [1, true],
      ]);
      expect(chunkIndex).to.equal(WRONG_UNBALANCED_MATMUL.chunk);
      await expectDispute(f, id, { status: DisputeStatus.ChunkRevealed, node: 4n });
      const { row, col } = WRONG_UNBALANCED_MATMUL;
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.proveChunkWrong(id, await jobTerms(f, job.id), job.params, matmulFraudProof(job, row, col)),
      );
      await expectMootSettlement(f, shallow, "outsider", async () =>
        f.DisputeManager.resolve(shallow, await jobTerms(f, job.id)),
      );
    });

    it("slashes a provider whose clock runs out at an inner node, whoever resolves it", async function () {
      const f = await loadFixture(largeOutputsFixture);
      const job = f.cheatingLargeMatmul;
      const R = f.parameters.disputes.responseWindow;
      const t0 = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, job);
      // The provider spends four minutes on the root, then goes silent one level down.
      await time.setNextBlockTimestamp(t0 + 4n * MINUTE);
      await revealChildrenOf(f, id, job, 0);
      const t2 = t0 + 5n * MINUTE;
      await time.setNextBlockTimestamp(t2);
      await chooseChildOf(f, id, job, 0, false);
      const deadline = t2 + R - 4n * MINUTE;
      await expectDispute(f, id, {
        status: DisputeStatus.AwaitingChildren,
        deadline,
        providerTime: R - 4n * MINUTE,
        challengerTime: R - MINUTE,
        node: 1n,
      });

      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(revealChildrenOf(f, id, job, 1))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, job.id)),
      );
    });

    it("slashes a provider who does not reveal the root's children in time", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await passDeadline(f, id);
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, job.id)),
      );
    });

    it("slashes a provider who cannot reveal the chunk the game reached", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      await revealChildrenOf(f, id, job, 0);
      await chooseChildOf(f, id, job, 0, false);
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline);
      await expect(revealChunkOf(f, id, job, WRONG_CHUNK))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.resolve(id, await jobTerms(f, job.id)),
      );
    });

    it("slashes a provider who reveals its children in the wrong order: no chunk fits the leaf it is led to", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await openWithheld(f, f.challenger, job);
      const { left, right } = revealedChildren(job.result, 0);
      await f.DisputeManager.connect(f.provider).revealChildren(id, await jobTerms(f, job.id), right, left);
      // The honest challenger compares positions with the correct tree: both differ, and it names the right child,
      // node 2 (chunk 0, the earlier chunk), where the provider put chunk 1's leaf.
      const disputedRight = childToDispute(new ResultTree(job.correct), 0, { left: right, right: left });
      expect(disputedRight).to.equal(true);
      await f.DisputeManager.connect(f.challenger).chooseChild(id, right, left, true);
      const terms = await jobTerms(f, job.id);
      const provider = f.DisputeManager.connect(f.provider);
      await expect(provider.revealChunk(id, terms, job.result.chunk(WRONG_CHUNK)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkLengthMismatch")
        .withArgs(0n, 512, WRONG_CHUNK_BYTES);
      await expect(provider.revealChunk(id, terms, job.result.chunk(0)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChunkMismatch")
        .withArgs(id, 0n, left, right);
      await passDeadline(f, id);
      await expectFaultSettlement(f, id, "challenger", () => f.DisputeManager.resolve(id, terms));
    });

    it("pays the bond to the provider when the challenger's clock runs out; the job then settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const R = f.parameters.disputes.responseWindow;
      const id = await openWithheld(f, f.challenger, job);
      const revealedAt = await pinNextTimestamp();
      await revealChildrenOf(f, id, job, 0);
      const deadline = revealedAt + R;
      await expectDispute(f, id, { status: DisputeStatus.AwaitingChoice, deadline });
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, job.id)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(chooseChildOf(f, id, job, 0, false))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectNoFaultSettlement(f, id, async () =>
        f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, job.id)),
      );
      await expectNormalFinalize(f, job.id);
    });

    it("ends within maxDisputeDuration of its opening even when both sides spend their whole clocks", async function () {
      const f = await loadFixture(largeOutputsFixture);
      const job = f.cheatingLargeMatmul;
      const R = f.parameters.disputes.responseWindow;
      const leaves = leafCountOf(job.result.wordCount);
      const correct = new ResultTree(job.correct);
      const t0 = await pinNextTimestamp();
      const id = await openWithheld(f, f.challenger, job);
      // Each side spends all but a few seconds of its clock on its first move, then one second per move.
      let node = 0;
      let first = true;
      while (!isLeafNode(node, leaves)) {
        if (first) await time.increase(R - 10n);
        await revealChildrenOf(f, id, job, node);
        if (first) await time.increase(R - 10n);
        const right = childToDispute(correct, node, revealedChildren(job.result, node))!;
        await chooseChildOf(f, id, job, node, right);
        node = childNode(node, right);
        first = false;
      }
      await revealChunkOf(f, id, job, chunkIndexOfNode(node, leaves));
      const { deadline, providerTime, challengerTime } = await f.DisputeManager.dispute(id);
      expect(providerTime).to.be.lessThan(10n);
      expect(challengerTime).to.be.lessThan(10n);
      expect(deadline - t0).to.be.at.most(await f.DisputeManager.maxDisputeDuration());
      await reach(deadline);
      await expectNoFaultSettlement(f, id, async () => f.DisputeManager.resolve(id, await jobTerms(f, job.id)));
    });
  });
});

/** Attacks: withheld-data path: part of the attack catalogue (see ./fixture.ts for how each attack is judged). */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { ResultTree } from "../../../src/commitments/result-tree";
import { DisputeStatus, WRONG_MATMUL, matmulFraudProof, wordAt } from "../../fixtures/disputes";
import { JOB_PAYMENT, JobStatus, jobTerms } from "../../fixtures/jobs";
import {
  leafNodeOf,
  openGame,
  passDeadline,
  play,
  playToLeaf,
  spareAccounts,
  submitCorruptedJob,
  towardCorrectChild,
  towardWrongChild,
  weftHeldBy,
  withZeroChunk,
  wrongWordProof,
} from "../../fixtures/attackers";
import { expectBalanceChanges } from "../../helpers/balances";
import { resultChunkLeafHash } from "../../../src/commitments/leaves";
import { matmulI8 } from "../../../src/workloads/registry";
import {
  BOND,
  SLASH_OF_A_FIXTURE_JOB,
  WRONG_CHUNK,
  splitOfSlash,
  disputesAndProposalsFixture,
  World,
  disputeSheet,
  submittedAt,
  settlementBound,
  minedAt,
} from "./fixture";

describe("Attacks: withheld-data path", function () {
  describe("withheld-data squat", function () {
    // The cheating provider submits a wrong result and, from a second address, opens a withheld-data dispute on it at
    // once, then plays that bisection toward the children that are correct, so the game ends at a chunk nobody can
    // prove wrong; under one dispute per job this kept every honest challenger out until the squat ended without
    // fault, and if it was opened late, until the window had closed. Disputes now run side by side: the honest
    // verifier opens its own inside the window whenever it likes, plays against the committed tree, reaches the wrong
    // chunk and proves it. The provider is slashed, the verifier is paid its share and its bond, the squat ends Moot
    // (or without fault if it ran out first: its bond only moves between the attacker's own addresses), and the job
    // is never paid.
    it("opened first and played toward correct children, it cannot stop the verifier's later dispute from slashing", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const correct = new ResultTree(job.correct);
      const [squatter, verifier] = await spareAccounts(f, 2);
      const parties = { provider: f.provider, squatter, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider, squatter]);

      // The squat: opened right after the submission; the provider answers it at once.
      const squat = await play(f, await openGame(f, job, squatter, towardCorrectChild(correct)));
      expect(squat.revealed!.chunkIndex).to.equal(0);
      expect(squat.revealed!.chunk).to.equal(ethers.hexlify(correct.chunk(0)));
      await expect(
        f.DisputeManager.connect(verifier).proveChunkWrong(
          squat.id,
          await jobTerms(f, job.id),
          job.params,
          matmulFraudProof(job, 0, 0),
        ),
      )
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, 0n);

      // The honest verifier opens its own dispute a minute before the window closes and plays it to the wrong chunk.
      const terms = await jobTerms(f, job.id);
      await time.setNextBlockTimestamp(BigInt(terms.deadline) - 60n);
      const honest = await play(f, await openGame(f, job, verifier, towardWrongChild(correct)));
      expect(honest.revealed!.chunkIndex).to.equal(Number(WRONG_CHUNK));
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(2n);
      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      expect(taken).to.equal(SLASH_OF_A_FIXTURE_JOB);
      const { wordIndex, proof } = wrongWordProof(honest);
      expect(wordIndex).to.equal(WRONG_MATMUL.word);
      await expect(f.DisputeManager.connect(verifier).proveChunkWrong(honest.id, terms, job.params, proof))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(honest.id, job.id, DisputeStatus.ProviderAtFault, taken, verifier.address);

      // The squat is still in its follow-up window: it ends Moot, its bond back to the squatter.
      expect((await f.DisputeManager.dispute(squat.id)).status).to.equal(DisputeStatus.ChunkRevealed);
      await expect(f.DisputeManager.connect(squatter).resolve(squat.id, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(squat.id, job.id, DisputeStatus.Moot, 0n, squatter.address);
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(0n);
      await time.increaseTo(terms.deadline);
      await expect(f.JobEscrow.finalize(job.id, terms))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Slashed, JobStatus.Submitted);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      // The attacker (the provider and its squatting address) is down the whole slash, 4,000 WEFT, and unpaid.
      expect((await weftHeldBy(f, [f.provider, squatter])) - attackerBefore).to.equal(-taken);
    });

    it("opened in the window's last seconds, it cannot stop the verifier's dispute opened a second later", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const correct = new ResultTree(job.correct);
      const [squatter, verifier] = await spareAccounts(f, 2);
      const parties = { provider: f.provider, squatter, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider, squatter]);
      const terms = await jobTerms(f, job.id);
      const windowEnd = BigInt(terms.deadline);

      // The squat opens two seconds before the window closes; the verifier's dispute, one second before.
      await time.setNextBlockTimestamp(windowEnd - 2n);
      const squat = await openGame(f, job, squatter, towardCorrectChild(correct));
      await time.setNextBlockTimestamp(windowEnd - 1n);
      const honest = await openGame(f, job, verifier, towardWrongChild(correct));
      expect([squat.openedAt, honest.openedAt]).to.deep.equal([windowEnd - 2n, windowEnd - 1n]);
      expect(await f.DisputeManager.openDisputes(job.id)).to.equal(2n);
      // The window is over and the job is frozen, not payable.
      await expect(f.JobEscrow.finalize(job.id, terms))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(job.id, JobStatus.Disputed, JobStatus.Submitted);

      // The provider serves the squat at once and stalls the verifier's game as long as its clock allows it to.
      await play(f, squat);
      const { deadline: firstAnswerDue } = await f.DisputeManager.dispute(honest.id);
      await time.setNextBlockTimestamp(firstAnswerDue - 60n);
      await play(f, honest);
      expect(honest.revealed!.chunkIndex).to.equal(Number(WRONG_CHUNK));

      // The squat's follow-up window passes first: it ends without fault, its bond paid to the provider (the attacker
      // paying itself). The verifier's dispute still holds the job.
      await passDeadline(f, squat);
      await expect(f.DisputeManager.connect(squatter).resolve(squat.id, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(squat.id, job.id, DisputeStatus.NoFault, 0n, f.provider.address);
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Disputed);

      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      const { proof } = wrongWordProof(honest);
      const proven = await f.DisputeManager.connect(verifier).proveChunkWrong(honest.id, terms, job.params, proof);
      expect(await minedAt(proven)).to.be.at.most(await settlementBound(f, await submittedAt(f, job.id)));
      expect((await f.DisputeManager.dispute(honest.id)).status).to.equal(DisputeStatus.ProviderAtFault);
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Slashed);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: {
          verifier: split.challenger,
          client: split.client,
          treasury: split.treasury,
          registry: -taken,
          squatter: -BOND,
          provider: BOND,
        },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      expect((await weftHeldBy(f, [f.provider, squatter])) - attackerBefore).to.equal(-taken);
    });
  });

  describe("chunk-0 blind spot", function () {
    // The provider commits to an output of several chunks whose first chunk is right and a later one all zeros, and
    // never publishes it. A challenger that only knows the root used to be able to name nothing but a guess (the first
    // chunk), which the provider answered correctly. The bisection needs no guess: a verifier that recomputed the
    // output follows the children that differ from its own tree down to the zeroed chunk, and the provider must reveal
    // that chunk (then a word of it is proven wrong) or lose on its clock; revealing the right chunk 0 instead is
    // refused at every step.
    /** 24 x 24 = 576 words: five chunks, the last one short (64 words). */
    const SHAPE = { m: 24, k: 16, n: 24 };
    const ZEROED_CHUNK = 3;

    async function zeroedChunkJob(f: World) {
      const params = matmulI8.params.encode(SHAPE);
      const job = await submitCorruptedJob(f, matmulI8.id, params, 3, (output) => withZeroChunk(output, ZEROED_CHUNK));
      const correct = new ResultTree(job.correct);
      // The premise: chunk 0 is right, chunk 3 is not, and the tree's leaves are not all at one depth.
      expect(job.result.chunkCount).to.equal(5);
      expect(ethers.hexlify(job.result.chunk(0))).to.equal(ethers.hexlify(correct.chunk(0)));
      expect(job.result.node(leafNodeOf(ZEROED_CHUNK, job.result.wordCount))).to.not.equal(
        correct.node(leafNodeOf(ZEROED_CHUNK, job.result.wordCount)),
      );
      return { job, correct };
    }

    it("the verifier's bisection reaches the zeroed chunk, not chunk 0, and its proof slashes the provider", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const { job, correct } = await zeroedChunkJob(f);
      const [verifier] = await spareAccounts(f, 1);
      const parties = { provider: f.provider, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider]);

      const game = await play(f, await openGame(f, job, verifier, towardWrongChild(correct)));
      // Root, then its right child (node 2), then node 2's left child: leaf node 5 holds chunk 3.
      expect(game.steps.map((s) => [s.node, s.disputedRight])).to.deep.equal([
        [0, true],
        [2, false],
      ]);
      expect(game.revealed!.chunkIndex).to.equal(ZEROED_CHUNK);
      expect(game.revealed!.chunk).to.equal(ethers.hexlify(job.result.chunk(ZEROED_CHUNK)));

      const terms = await jobTerms(f, job.id);
      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      // Five jobs now lock collateral in the fixture's stake.
      expect(taken).to.equal(SLASH_OF_A_FIXTURE_JOB);
      const { wordIndex, proof } = wrongWordProof(game);
      expect(Math.floor(wordIndex / 128)).to.equal(ZEROED_CHUNK);
      await expect(f.DisputeManager.connect(verifier).proveChunkWrong(game.id, terms, job.params, proof))
        .to.emit(f.DisputeManager, "FraudProven")
        .withArgs(game.id, job.id, wordIndex, "0x00000000", wordAt(job.correct, wordIndex));

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      expect((await weftHeldBy(f, [f.provider])) - attackerBefore).to.equal(-taken);
    });

    it("a provider that reveals only chunk 0 cannot answer the game and is slashed when its clock runs out", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const { job, correct } = await zeroedChunkJob(f);
      const [verifier] = await spareAccounts(f, 1);
      const parties = { provider: f.provider, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider]);
      const provider = f.DisputeManager.connect(f.provider);
      const game = await openGame(f, job, verifier, towardWrongChild(correct));
      const chunk0 = job.result.chunk(0);

      // Chunk 0 in place of the root's children, then in place of the leaf the game reaches.
      await expect(provider.revealChunk(game.id, await jobTerms(f, job.id), chunk0))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(game.id, DisputeStatus.AwaitingChildren, DisputeStatus.AwaitingChunk);
      expect(await playToLeaf(f, game)).to.equal(ZEROED_CHUNK);
      const leaf = job.result.node(leafNodeOf(ZEROED_CHUNK, job.result.wordCount));
      await expect(provider.revealChunk(game.id, await jobTerms(f, job.id), chunk0))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChunkMismatch")
        .withArgs(game.id, ZEROED_CHUNK, leaf, ethers.hexlify(resultChunkLeafHash(ZEROED_CHUNK, chunk0)));

      const terms = await jobTerms(f, job.id);
      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      await passDeadline(f, game);
      await expect(f.DisputeManager.connect(verifier).resolve(game.id, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(game.id, job.id, DisputeStatus.ProviderAtFault, taken, verifier.address);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      expect((await weftHeldBy(f, [f.provider])) - attackerBefore).to.equal(-taken);
    });
  });

  describe("children revealed out of order", function () {
    // The cheating provider answers the verifier's bisection with the two children of the root swapped. The parent
    // hash is the same in either order (sorted pairs), so the DisputeManager takes them; the provider hopes the
    // verifier then disputes a node whose hash is correct, or that it can answer with the other child's data. The
    // verifier disputes the position whose hash differs from its own tree's; the hash there belongs to another leaf,
    // and a leaf commits to its chunk's index, so no chunk opens it: the provider loses on its clock.
    it("leads the game to a leaf the provider cannot open, and it is slashed when its clock runs out", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const job = f.cheatingMatmul;
      const correct = new ResultTree(job.correct);
      const [verifier] = await spareAccounts(f, 1);
      const parties = { provider: f.provider, verifier, client: f.client };
      const before = await disputeSheet(f, parties);
      const attackerBefore = await weftHeldBy(f, [f.provider]);
      const terms = await jobTerms(f, job.id);
      const provider = f.DisputeManager.connect(f.provider);
      const game = await openGame(f, job, verifier, towardWrongChild(correct));

      // Node 1 is chunk 1's leaf (the wrong one), node 2 chunk 0's (right); the provider reveals them swapped.
      const [wrongLeaf, rightLeaf] = [job.result.node(1), job.result.node(2)];
      await provider.revealChildren(game.id, terms, rightLeaf, wrongLeaf);
      // Both positions differ from the verifier's tree; it names the right child, node 2: the earlier chunk.
      const disputeRight = game.choose(0, { left: rightLeaf, right: wrongLeaf });
      expect(disputeRight).to.equal(true);
      await f.DisputeManager.connect(verifier).chooseChild(game.id, rightLeaf, wrongLeaf, disputeRight);
      const d = await f.DisputeManager.dispute(game.id);
      expect([d.status, d.node, d.hash]).to.deep.equal([DisputeStatus.AwaitingChunk, 2n, wrongLeaf]);

      // Position 2 is chunk 0 (128 words); the hash there is chunk 1's leaf. Chunk 1's bytes are too short for the
      // position, and chunk 0's bytes hash to chunk 0's leaf, not to the one the provider put there.
      const chunk1 = job.result.chunk(1);
      await expect(provider.revealChunk(game.id, terms, chunk1))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChunkLengthMismatch")
        .withArgs(0n, BigInt(job.result.chunk(0).length), BigInt(chunk1.length));
      await expect(provider.revealChunk(game.id, terms, job.result.chunk(0)))
        .to.be.revertedWithCustomError(f.DisputeManager, "ChunkMismatch")
        .withArgs(game.id, 0n, wrongLeaf, rightLeaf);
      const taken = await f.DisputeManager.slashAmount(job.id, terms);
      await passDeadline(f, game);
      await expect(f.DisputeManager.connect(verifier).resolve(game.id, terms))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(game.id, job.id, DisputeStatus.ProviderAtFault, taken, verifier.address);

      const split = splitOfSlash(taken);
      await expectBalanceChanges(before, {
        weft: { verifier: split.challenger, client: split.client, treasury: split.treasury, registry: -taken },
        stake: { provider: -taken },
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
      });
      expect((await weftHeldBy(f, [f.provider])) - attackerBefore).to.equal(-taken);
    });
  });
});

import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { ResultTree, RESULT_CHUNK_WORDS } from "../../../src/commitments/result-tree";
import { encodeFraudProof } from "../../../src/disputes/proofs";
import { checkRevealedChunk } from "../../../src/disputes/revealed-chunk";
import { mlpI8 } from "../../../src/workloads/registry";
import { DisputeStatus, openWithheld, playBisection } from "../../fixtures/disputes";
import { BPS, JOB_COLLATERAL, JobStatus, PROVIDER_STAKE, jobTerms } from "../../fixtures/jobs";
import {
  DISPUTED_MLP,
  type MlpDisputesFixture,
  type MlpJob,
  mlpDisputesFixture,
  mlpFraudProof,
  type MlpValue,
  cheat,
  submitMlpJob,
  WRONG_MLP_VALUES,
  wordHex,
  wordOf,
} from "../../fixtures/mlp";
import { commitAndWait, expectFaultSettlement, expectNormalFinalize, reveal } from "./fixture";

describe("DisputeManager: mlp-i8 fraud proofs", function () {
  /** Commits and reveals the proof of `value` of `job` and checks the slash, the FraudProven event and the split. */
  async function expectProvenFraud(f: MlpDisputesFixture, job: MlpJob, value: MlpValue) {
    const proof = mlpFraudProof(job.net, job.result, value);
    const id = await commitAndWait(f, f.challenger, job, proof);
    const word = wordOf(job.net, value);
    // The job's collateral plus half the rest of the provider's stake (its other jobs' collateral included).
    const slash = JOB_COLLATERAL + ((PROVIDER_STAKE - JOB_COLLATERAL) * f.parameters.disputes.stakeShareBps) / BPS;
    const amount = await expectFaultSettlement(f, id, "challenger", async () => {
      const tx = await reveal(f, id, job, proof);
      await expect(tx)
        .to.emit(f.DisputeManager, "FraudProven")
        .withArgs(id, job.id, word, wordHex(job.claimed, word), wordHex(job.correct, word));
      return tx;
    });
    expect(amount).to.equal(slash);
  }

  it("is registered by the DAO's setChecker: the fixture's DisputeManager knows the deployed MlpI8Checker", async function () {
    const f = await loadFixture(mlpDisputesFixture);
    expect(await f.DisputeManager.checker(mlpI8.id)).to.equal(await f.MlpI8Checker.getAddress());
  });

  describe("proof path (commit, reveal)", function () {
    it("slashes a provider whose first layer has a wrong activation", async function () {
      const f = await loadFixture(mlpDisputesFixture);
      await expectProvenFraud(f, f.mlp.first, WRONG_MLP_VALUES.first);
    });

    it("slashes a provider whose hidden layer has a wrong accumulator, proven from committed activations", async function () {
      const f = await loadFixture(mlpDisputesFixture);
      await expectProvenFraud(f, f.mlp.hidden, WRONG_MLP_VALUES.hidden);
    });

    it("slashes a provider whose last layer has a wrong accumulator", async function () {
      const f = await loadFixture(mlpDisputesFixture);
      await expectProvenFraud(f, f.mlp.last, WRONG_MLP_VALUES.last);
    });

    it("reverts ResultChecksOut for a proof of a correct value, leaving the dispute open", async function () {
      const f = await loadFixture(mlpDisputesFixture);
      const job = f.mlp.honest;
      const value = WRONG_MLP_VALUES.hidden;
      const proof = mlpFraudProof(job.net, job.result, value);
      const id = await commitAndWait(f, f.challenger, job, proof);
      await expect(reveal(f, id, job, proof))
        .to.be.revertedWithCustomError(f.DisputeManager, "ResultChecksOut")
        .withArgs(job.id, wordOf(job.net, value));
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.AwaitingProof);
    });
  });

  describe("withheld-data path", function () {
    it("bisects a withheld output to its first wrong chunk in the hidden layer and slashes with the revealed chunk", async function () {
      const f = await loadFixture(mlpDisputesFixture);
      const job = f.mlp.hidden;
      const correct = new ResultTree(job.correct);
      const id = await openWithheld(f, f.challenger, job);
      // 2,048 words: 16 chunks, a bisection four levels deep.
      expect((await f.DisputeManager.dispute(id)).totalWords).to.equal(2048n);
      const { steps, chunkIndex } = await playBisection(f, id, job, f.challenger, correct);
      const wrongWord = wordOf(job.net, WRONG_MLP_VALUES.hidden);
      expect([steps.length, chunkIndex]).to.deep.equal([4, Math.floor(wrongWord / RESULT_CHUNK_WORDS)]);
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.ChunkRevealed);

      // The challenger reads the revealed chunk (from the ChunkRevealed event in production; here the provider's tree
      // and the steps' siblings) and proves its first wrong value with earlier chunks it knows only from its own tree.
      const chunk = job.result.chunk(chunkIndex);
      const base = {
        jobId: job.id.toString(),
        workload: mlpI8.name,
        params: job.params,
        inputRoot: job.net.inputRoot,
        resultRoot: job.result.root,
      };
      const finding = checkRevealedChunk(
        base,
        job.decoded,
        job.inputs,
        { chunkIndex, chunk: `0x${Buffer.from(chunk).toString("hex")}`, proof: job.result.chunkProof(chunkIndex) },
        { correct, steps },
      );
      if (finding?.kind !== "wrong-value") throw new Error(`expected a wrong-value finding, got ${finding?.kind}`);
      expect([finding.layer, finding.element, finding.accumulator, finding.wordIndex]).to.deep.equal([
        WRONG_MLP_VALUES.hidden.layer,
        WRONG_MLP_VALUES.hidden.element,
        true,
        wrongWord,
      ]);
      // The value's input row (layer 0's activations of item 2) lies in an earlier chunk the provider never revealed.
      const layer0 = job.net.layout.layers[0];
      const rowChunk = Math.floor((layer0.actWord * 4 + 2 * DISPUTED_MLP.layers[0].outputs) / (RESULT_CHUNK_WORDS * 4));
      expect([finding.input.firstChunk, finding.input.proofs.length]).to.deep.equal([rowChunk, 1]);
      expect(rowChunk).to.be.below(chunkIndex);

      const proof = encodeFraudProof(finding);
      await expectFaultSettlement(f, id, "challenger", async () => {
        const tx = await f.DisputeManager.connect(f.challenger).proveChunkWrong(
          id,
          await jobTerms(f, job.id),
          job.params,
          proof,
        );
        await expect(tx)
          .to.emit(f.DisputeManager, "FraudProven")
          .withArgs(id, job.id, wrongWord, wordHex(job.claimed, wrongWord), wordHex(job.correct, wrongWord));
        return tx;
      });
      expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Slashed);
    });

    it("reaches the first wrong chunk when later chunks are wrong too, and proves its value", async function () {
      const f = await loadFixture(mlpDisputesFixture);
      const net = f.mlp.hidden.net;
      // Wrong: the hidden accumulator (chunk 10), a last-layer accumulator (word 1,769, chunk 13) and a trailing
      // padding word (word 1,800 + 200, chunk 15). The challenger's tree differs in all three subtrees.
      const values = [WRONG_MLP_VALUES.hidden, WRONG_MLP_VALUES.last, { layer: 3, element: 200, accumulator: false }];
      const claimed = values.reduce((output, value) => cheat(net, output, value), net.output);
      const job = await submitMlpJob(f, net, claimed);
      expect(values.map((value) => Math.floor(wordOf(net, value) / RESULT_CHUNK_WORDS))).to.deep.equal([10, 13, 15]);
      const correct = new ResultTree(job.correct);
      const id = await openWithheld(f, f.challenger, job);
      const { steps, chunkIndex } = await playBisection(f, id, job, f.challenger, correct);
      expect(chunkIndex).to.equal(10);
      const finding = checkRevealedChunk(
        {
          jobId: job.id.toString(),
          workload: mlpI8.name,
          params: job.params,
          inputRoot: net.inputRoot,
          resultRoot: job.result.root,
        },
        job.decoded,
        job.inputs,
        {
          chunkIndex,
          chunk: `0x${Buffer.from(job.result.chunk(chunkIndex)).toString("hex")}`,
          proof: job.result.chunkProof(chunkIndex),
        },
        { correct, steps },
      );
      if (finding?.kind !== "wrong-value") throw new Error(`expected a wrong-value finding, got ${finding?.kind}`);
      expect([finding.layer, finding.element, finding.accumulator]).to.deep.equal([1, 300, true]);
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.connect(f.challenger).proveChunkWrong(
          id,
          await jobTerms(f, job.id),
          job.params,
          encodeFraudProof(finding),
        ),
      );
    });

    it("lets an honest provider's job finalize once nothing is proven", async function () {
      const f = await loadFixture(mlpDisputesFixture);
      await expectNormalFinalize(f, f.mlp.honest.id);
    });
  });
});

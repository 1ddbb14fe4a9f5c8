import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { proofCommitment } from "../../src/disputes/proofs";
import { disputesFixture, matmulFraudProof, WRONG_MATMUL } from "../fixtures/disputes";
import { jobTerms } from "../fixtures/jobs";

describe("scratch", function () {
  it("same block", async function () {
    const f = await loadFixture(disputesFixture);
    const job = f.cheatingMatmul;
    const proof = matmulFraudProof(job, WRONG_MATMUL.row, WRONG_MATMUL.col);
    const terms = await jobTerms(f, job.id);
    const id = (await f.DisputeManager.disputeCount()) + 1n;
    await network.provider.send("evm_setAutomine", [false]);
    try {
      const c = await f.DisputeManager.connect(f.challenger).commitProof(job.id, terms, proofCommitment(f.challenger.address, job.id, proof), { gasLimit: 1_000_000 });
      const r = await f.DisputeManager.connect(f.challenger).revealProof(id, terms, job.params, proof, { gasLimit: 3_000_000 });
      await mine(1);
      const rc = await ethers.provider.getTransactionReceipt(c.hash);
      const rr = await ethers.provider.getTransactionReceipt(r.hash);
      console.log(rc?.blockNumber, rc?.status, rr?.blockNumber, rr?.status);
      const trace = await network.provider.send("debug_traceTransaction", [r.hash, { disableStorage: true, disableMemory: true, disableStack: true }]);
      console.log(trace.failed, trace.returnValue);
      console.log(f.DisputeManager.interface.parseError(trace.returnValue));
      try { await r.wait(); } catch (e) { console.log("wait err", (e as any).data, (e as any).message.slice(0, 200)); }
      await expect(r.wait()).to.be.revertedWithCustomError(f.DisputeManager, "RevealTooEarly");
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
  });
});

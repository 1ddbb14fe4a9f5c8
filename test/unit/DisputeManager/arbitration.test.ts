import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DisputeKind, DisputeStatus, commitProof, disputesFixture, openArbitration } from "../../fixtures/disputes";
import { JobStatus, jobTerms } from "../../fixtures/jobs";
import { expectBalanceChanges } from "../../helpers/balances";
import {
  MATMUL_ID,
  pinNextTimestamp,
  expectDispute,
  wrongMatmulProof,
  balanceSheet,
  expectFaultSettlement,
  expectNoFaultSettlement,
  expectMootSettlement,
  expectNormalFinalize,
} from "./fixture";

describe("DisputeManager: arbitration", function () {
  describe("arbitration", function () {
    it("opens an arbitration: takes the bond, freezes the job and records the evidence and the arbitration deadline", async function () {
      const f = await loadFixture(disputesFixture);
      const bond = await f.DisputeManager.bond();
      const sheet = await balanceSheet(f);
      const openedAt = await pinNextTimestamp();
      const deadline = openedAt + f.parameters.disputes.arbitrationWindow;
      const tx = await f.DisputeManager.connect(f.challenger).disputeForArbitration(
        f.customJob,
        await jobTerms(f, f.customJob),
        "ipfs://evidence",
      );
      await expect(tx)
        .to.emit(f.DisputeManager, "DisputeOpened")
        .withArgs(1n, f.customJob, f.challenger.address, DisputeKind.Arbitration, bond, deadline);
      await expect(tx).to.emit(f.DisputeManager, "ArbitrationRequested").withArgs(1n, f.customJob, "ipfs://evidence");
      await expect(tx).to.emit(f.JobEscrow, "JobDisputed").withArgs(f.customJob);
      await expectBalanceChanges(sheet, { weft: { challenger: -bond, disputes: bond } });
      expect(await f.JobEscrow.jobStatus(f.customJob)).to.equal(JobStatus.Disputed);
      await expectDispute(f, 1n, {
        challenger: f.challenger.address,
        bond,
        jobId: f.customJob,
        kind: DisputeKind.Arbitration,
        status: DisputeStatus.AwaitingRuling,
        deadline,
        hash: ethers.ZeroHash,
      });
    });

    it("reverts WorkloadHasChecker for a workload that has a checker", async function () {
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
      const id = await openArbitration(f, f.challenger, f.customJob);
      await expectFaultSettlement(f, id, "challenger", async () =>
        f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), true),
      );
    });

    it("pays the bond to the provider when the arbiter finds no fault; the job then settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      await expectNoFaultSettlement(f, id, async () =>
        f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), false),
      );
      await expectNormalFinalize(f, f.customJob);
    });

    it("rules for the provider when the arbiter stays silent: the bond to the provider, the job settles normally", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      const { deadline } = await f.DisputeManager.dispute(id);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.DisputeManager.resolve(id, await jobTerms(f, f.customJob)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), true))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expectNoFaultSettlement(f, id, async () =>
        f.DisputeManager.connect(f.challenger).resolve(id, await jobTerms(f, f.customJob)),
      );
      await expectNormalFinalize(f, f.customJob);
    });

    it("refuses a ruling from an account without the ARBITER role", async function () {
      const f = await loadFixture(disputesFixture);
      const id = await openArbitration(f, f.challenger, f.customJob);
      for (const signer of [f.outsider, f.challenger, f.provider, f.timelock]) {
        await expect(f.DisputeManager.connect(signer).arbitrate(id, await jobTerms(f, f.customJob), true))
          .to.be.revertedWithCustomError(f.DisputeManager, "AccessManagedUnauthorized")
          .withArgs(signer.address);
      }
    });

    it("reverts DisputeNotInStatus for a dispute that awaits no ruling", async function () {
      const f = await loadFixture(disputesFixture);
      const job = f.cheatingMatmul;
      const id = await commitProof(f, f.challenger, job.id, wrongMatmulProof(job));
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, job.id), true))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeNotInStatus")
        .withArgs(id, DisputeStatus.AwaitingProof, DisputeStatus.AwaitingRuling);
    });

    for (const ruling of [true, false]) {
      it(`ends a ${ruling ? "fault" : "no-fault"} ruling on a dispute of a job another dispute slashed as Moot`, async function () {
        const f = await loadFixture(disputesFixture);
        const first = await openArbitration(f, f.challenger, f.customJob);
        const second = await openArbitration(f, f.outsider, f.customJob, "ipfs://more-evidence");
        await f.ComputeToken.connect(f.provider2).approve(await f.DisputeManager.getAddress(), ethers.MaxUint256);
        await openArbitration(f, f.provider2, f.customJob);
        const terms = await jobTerms(f, f.customJob);
        await expectFaultSettlement(f, first, "challenger", () =>
          f.DisputeManager.connect(f.arbiter).arbitrate(first, terms, true),
        );
        await expectMootSettlement(f, second, "outsider", () =>
          f.DisputeManager.connect(f.arbiter).arbitrate(second, terms, ruling),
        );
      });
    }

    it("refuses a no-fault ruling with another provider in the terms while another dispute of the job is open", async function () {
      const f = await loadFixture(disputesFixture);
      const first = await openArbitration(f, f.challenger, f.customJob);
      await openArbitration(f, f.outsider, f.customJob);
      const terms = await jobTerms(f, f.customJob);
      const forged = { ...terms, provider: f.arbiter.address };
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(first, forged, false))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobTermsMismatch")
        .withArgs(f.customJob, await f.JobEscrow.hashTerms(terms), await f.JobEscrow.hashTerms(forged));
    });
  });
});

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress } from "ethers";

import { advanceTo } from "../../src/chain/clock";
import { checkerRegistration } from "../../src/dao/checkers";
import { castVote, execute, findProposal, propose, queue, stateOf, VOTE_SUPPORT } from "../../src/dao/governor";
import { simulateActions } from "../../src/dao/simulate";
import { proofCommitment } from "../../src/disputes/proofs";
import { mlpI8 } from "../../src/workloads/registry";
import { DisputeStatus } from "../fixtures/disputes";
import { JobStatus, jobTerms, registerAndStake } from "../fixtures/jobs";
import { DISPUTED_MLP, WRONG_MLP_VALUES, cheat, mlpFraudProof, mlpNetwork, submitMlpJob } from "../fixtures/mlp";
import { fundVoters } from "../fixtures/voters";
import { deployWeftFixture } from "../fixtures/weft";
import { expectUserError } from "../helpers/errors";

/**
 * The deployment as Ignition leaves it (MlpI8Checker deployed, not registered), the deployer and three holders granted
 * 6M WEFT each delegated to themselves, a registered and staked provider, and the outsider ready to post bonds.
 */
async function proposalFixture() {
  const f = await loadFixture(deployWeftFixture);
  await f.ComputeToken.connect(f.deployer).delegate(f.deployer.address);
  await fundVoters(f, [f.client, f.provider2, f.disputer]);
  await registerAndStake(f, f.provider);
  await f.ComputeToken.connect(f.outsider).approve(await f.DisputeManager.getAddress(), MaxUint256);
  return f;
}

describe("Registering the mlp-i8 checker by a DAO proposal", function () {
  it("deploys MlpI8Checker with the system but leaves mlp-i8 without a checker until the DAO registers it", async function () {
    const f = await loadFixture(proposalFixture);
    expect(await f.MlpI8Checker.workloadId()).to.equal(mlpI8.id);
    expect(await f.DisputeManager.checker(mlpI8.id)).to.equal(ZeroAddress);
    const net = mlpNetwork(DISPUTED_MLP, 1);
    const job = await submitMlpJob(f, net, cheat(net, net.output, WRONG_MLP_VALUES.hidden));
    await expect(
      f.DisputeManager.connect(f.outsider).commitProof(job.id, await jobTerms(f, job.id), ethers.id("commitment")),
    )
      .to.be.revertedWithCustomError(f.DisputeManager, "NoCheckerForWorkload")
      .withArgs(mlpI8.id);
  });

  it("builds the setChecker call, which token holders propose, vote, queue and execute; then a fraud proof slashes", async function () {
    const f = await loadFixture(proposalFixture);
    const governor = f.ComputeGovernor;
    const registration = await checkerRegistration(f, "mlp-i8");
    const checker = await f.MlpI8Checker.getAddress();
    expect(registration).to.deep.equal({
      workload: "mlp-i8",
      workloadId: mlpI8.id,
      checker,
      current: ZeroAddress,
      action: {
        target: await f.DisputeManager.getAddress(),
        value: 0n,
        calldata: f.DisputeManager.interface.encodeFunctionData("setChecker", [mlpI8.id, checker]),
      },
      description: `Weft: register the mlp-i8 fraud-proof checker ${checker} with the DisputeManager`,
    });
    // What dao:propose-checker does before proposing: the call succeeds from the timelock today.
    await simulateActions(f, ethers.provider, [registration.action]);

    const { id } = await propose(governor, f.deployer, [registration.action], registration.description);
    const proposal = await findProposal(governor, id, 0);
    await advanceTo(hre, proposal.voteStart + 1n);
    for (const voter of [f.deployer, f.client, f.provider2]) await castVote(governor, voter, id, VOTE_SUPPORT.for);
    await advanceTo(hre, (await governor.proposalDeadline(id)) + 1n);
    await queue(governor, f.deployer, proposal);
    await advanceTo(hre, await governor.proposalEta(id));
    const executed = await execute(governor, f.deployer, proposal);
    const receipt = await ethers.provider.getTransactionReceipt(executed);
    const checkerSet = receipt!.logs
      .map((log) => f.DisputeManager.interface.parseLog(log))
      .find((event) => event?.name === "CheckerSet");
    expect(checkerSet?.args.toArray()).to.deep.equal([mlpI8.id, ZeroAddress, checker]);
    expect(await stateOf(governor, id)).to.equal("Executed");
    expect(await f.DisputeManager.checker(mlpI8.id)).to.equal(checker);
    // Proposing it again is refused before anything is sent.
    await expectUserError(checkerRegistration(f, "mlp-i8"), /already registered/);

    // A provider that commits a wrong hidden-layer accumulator is now slashed by a fraud proof.
    const net = mlpNetwork(DISPUTED_MLP, 2);
    const job = await submitMlpJob(f, net, cheat(net, net.output, WRONG_MLP_VALUES.hidden));
    const proof = mlpFraudProof(net, job.result, WRONG_MLP_VALUES.hidden);
    const terms = await jobTerms(f, job.id);
    await f.DisputeManager.connect(f.outsider).commitProof(
      job.id,
      terms,
      proofCommitment(f.outsider.address, job.id, proof),
    );
    await mine(1);
    const disputeId = await f.DisputeManager.disputeCount();
    const slashed = await f.DisputeManager.slashAmount(job.id, terms);
    const tx = f.DisputeManager.connect(f.outsider).revealProof(disputeId, terms, job.params, proof);
    await expect(tx)
      .to.emit(f.DisputeManager, "DisputeSettled")
      .withArgs(disputeId, job.id, DisputeStatus.ProviderAtFault, slashed, f.outsider.address);
    await expect(tx).to.emit(f.ProviderRegistry, "Slashed").withArgs(f.provider.address, job.id, slashed, slashed);
    expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Slashed);
  });

  it("refuses a workload without a deployed checker", async function () {
    const f = await loadFixture(proposalFixture);
    await expectUserError(
      checkerRegistration(f, "custom-workload"),
      /No deployed checker for workload "custom-workload"/,
    );
  });
});

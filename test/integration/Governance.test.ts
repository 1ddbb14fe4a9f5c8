import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { advanceTo } from "../../src/chain/clock";
import { parameterChange } from "../../src/dao/governedParameters";
import {
  castVote,
  execute,
  findProposal,
  propose,
  proposalStatus,
  queue,
  relayVote,
  signBallot,
  stateOf,
  VOTE_SUPPORT,
} from "../../src/dao/governor";
import { fundVoters } from "../fixtures/voters";
import { deployWeftFixture } from "../fixtures/weft";
import { expectUserError } from "../helpers/errors";

/**
 * The deployer (its 10M operations WEFT, less the fixture's hand-outs) and three holders granted 6M each by the
 * treasury, all delegated to themselves: no one reaches the 16M quorum alone.
 */
async function delegatedFixture() {
  const fixture = await loadFixture(deployWeftFixture);
  const { ComputeToken, deployer, client, provider, provider2 } = fixture;
  await ComputeToken.connect(deployer).delegate(deployer.address);
  await fundVoters(fixture, [client, provider, provider2]);
  return fixture;
}

/** The fixture holds every contract of the system, so it serves as the WeftSystem that src/dao reads. */
async function proposeFee(fixture: Awaited<ReturnType<typeof delegatedFixture>>, fee: number, description: string) {
  const action = await parameterChange(fixture, `protocolFeeBps=${fee}`);
  return propose(fixture.ComputeGovernor, fixture.deployer, [action], description);
}

describe("Governance", function () {
  describe("settings", function () {
    it("deploys the governor with the local network's settings on the timestamp clock", async function () {
      const { ComputeGovernor, TimelockController, parameters } = await loadFixture(deployWeftFixture);
      expect(await ComputeGovernor.votingDelay()).to.equal(parameters.governor.votingDelay);
      expect(await ComputeGovernor.votingPeriod()).to.equal(parameters.governor.votingPeriod);
      expect(await ComputeGovernor.proposalThreshold()).to.equal(parameters.governor.proposalThreshold);
      expect(await ComputeGovernor["quorumNumerator()"]()).to.equal(parameters.governor.quorumPercent);
      expect(await ComputeGovernor.lateQuorumVoteExtension()).to.equal(parameters.governor.lateQuorumExtension);
      expect(await ComputeGovernor.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await ComputeGovernor.timelock()).to.equal(await TimelockController.getAddress());
    });
  });

  describe("a parameter change from delegation to execution", function () {
    it("lowers the protocol fee through the timelock", async function () {
      const fixture = await loadFixture(delegatedFixture);
      const { ComputeGovernor: governor, JobEscrow, ComputeToken, deployer, client, provider, provider2 } = fixture;
      const { id } = await proposeFee(fixture, 250, "Lower the protocol fee to 2.5%");
      const proposal = await findProposal(governor, id, 0);
      expect(await stateOf(governor, id)).to.equal("Pending");

      await advanceTo(hre, proposal.voteStart + 1n);
      await castVote(governor, deployer, id, VOTE_SUPPORT.for, "cheaper jobs");
      await castVote(governor, provider2, id, VOTE_SUPPORT.for);
      await castVote(governor, client, id, VOTE_SUPPORT.against);
      const ballot = await signBallot(governor, provider, id, VOTE_SUPPORT.abstain);
      await relayVote(governor, client, ballot);

      const status = await proposalStatus(governor, id);
      expect(status.forVotes).to.equal(
        (await ComputeToken.balanceOf(deployer.address)) + (await ComputeToken.balanceOf(provider2.address)),
      );
      expect(status.againstVotes).to.equal(await fixture.ComputeToken.balanceOf(client.address));
      expect(status.abstainVotes).to.equal(await fixture.ComputeToken.balanceOf(provider.address));

      await advanceTo(hre, status.deadline + 1n);
      await queue(governor, deployer, proposal);
      await expectUserError(execute(governor, deployer, proposal), /can execute at/);
      await advanceTo(hre, await governor.proposalEta(id));
      await execute(governor, deployer, proposal);
      expect(await JobEscrow.protocolFeeBps()).to.equal(250n);
      expect(await stateOf(governor, id)).to.equal("Executed");
    });

    it("fails at execution with the contract's custom error when the value is out of bounds", async function () {
      const fixture = await loadFixture(delegatedFixture);
      const { ComputeGovernor: governor, JobEscrow, deployer, client, provider } = fixture;
      const { id } = await proposeFee(fixture, 2_000, "Raise the fee to 20%");
      const proposal = await findProposal(governor, id, 0);
      await advanceTo(hre, proposal.voteStart + 1n);
      for (const voter of [deployer, client, provider]) await castVote(governor, voter, id, VOTE_SUPPORT.for);
      await advanceTo(hre, (await governor.proposalDeadline(id)) + 1n);
      await queue(governor, deployer, proposal);
      await advanceTo(hre, await governor.proposalEta(id));
      const [target, value, calldata] = [proposal.actions[0].target, 0n, proposal.actions[0].calldata];
      await expect(governor.execute([target], [value], [calldata], proposal.descriptionHash))
        .to.be.revertedWithCustomError(JobEscrow, "ParameterOutOfBounds")
        .withArgs(2_000n, 0n, 1_000n);
      expect(await JobEscrow.protocolFeeBps()).to.equal(300n);
    });
  });

  describe("cancellation", function () {
    it("lets the proposer cancel its proposal before voting starts, and no one vote on it after", async function () {
      const fixture = await loadFixture(delegatedFixture);
      const { ComputeGovernor: governor, deployer, client } = fixture;
      const { id } = await proposeFee(fixture, 200, "A fee I will withdraw");
      const proposal = await findProposal(governor, id, 0);
      const calls = [
        proposal.actions.map((a) => a.target),
        proposal.actions.map((a) => a.value),
        proposal.actions.map((a) => a.calldata),
        proposal.descriptionHash,
      ] as const;
      await expect(governor.connect(client).cancel(...calls)).to.be.revertedWithCustomError(
        governor,
        "GovernorUnableToCancel",
      );
      await expect(governor.connect(deployer).cancel(...calls))
        .to.emit(governor, "ProposalCanceled")
        .withArgs(id);
      expect(await stateOf(governor, id)).to.equal("Canceled");
      await advanceTo(hre, proposal.voteStart + 1n);
      await expect(governor.connect(deployer).castVote(id, VOTE_SUPPORT.for)).to.be.revertedWithCustomError(
        governor,
        "GovernorUnexpectedProposalState",
      );
    });
  });

  describe("protections", function () {
    it("does not count tokens acquired after the proposal's snapshot", async function () {
      const fixture = await loadFixture(delegatedFixture);
      const { ComputeGovernor: governor, ComputeToken, deployer, outsider } = fixture;
      const { id } = await proposeFee(fixture, 250, "Flash vote attempt");
      const proposal = await findProposal(governor, id, 0);
      await advanceTo(hre, proposal.voteStart + 1n);
      // Bought (here: received) and delegated once voting is open: after the snapshot.
      await ComputeToken.connect(deployer).transfer(outsider.address, ethers.parseEther("5000000"));
      await ComputeToken.connect(outsider).delegate(outsider.address);
      await expectUserError(
        castVote(governor, outsider, id, VOTE_SUPPORT.against),
        /no voting power at the proposal's snapshot/,
      );
      await governor.connect(outsider).castVote(id, VOTE_SUPPORT.against);
      expect((await governor.proposalVotes(id)).againstVotes).to.equal(0n);
    });

    it("refuses a proposal from an account below the threshold", async function () {
      const fixture = await loadFixture(delegatedFixture);
      const { ComputeGovernor: governor, outsider, JobEscrow } = fixture;
      const calldata = JobEscrow.interface.encodeFunctionData("setProtocolFeeBps", [100n]);
      const action = { target: await JobEscrow.getAddress(), value: 0n, calldata };
      await expectUserError(propose(governor, outsider, [action], "spam"), /proposing needs/);
      await expect(
        governor.connect(outsider).propose([action.target], [0n], [calldata], "spam"),
      ).to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes");
    });

    it("extends the deadline when quorum is reached late", async function () {
      const fixture = await loadFixture(delegatedFixture);
      const { ComputeGovernor: governor, deployer, client, provider, parameters } = fixture;
      const { id } = await proposeFee(fixture, 250, "Late quorum");
      const deadline = await governor.proposalDeadline(id);
      await advanceTo(hre, deadline - 10n);
      await castVote(governor, deployer, id, VOTE_SUPPORT.for);
      await castVote(governor, client, id, VOTE_SUPPORT.for);
      expect(await governor.proposalDeadline(id), "below quorum: no extension").to.equal(deadline);
      await castVote(governor, provider, id, VOTE_SUPPORT.for);
      const now = BigInt(await time.latest());
      expect(await governor.proposalDeadline(id)).to.equal(now + parameters.governor.lateQuorumExtension);
    });

    it("refuses to move the clock of a public network", async function () {
      const fakeHre = { ...hre, network: { ...hre.network, name: "sepolia" } } as typeof hre;
      await expectUserError(advanceTo(fakeHre, 1n), /only works on local networks/);
    });
  });
});

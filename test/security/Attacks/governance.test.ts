/** Attacks: governance and roles: part of the attack catalogue (see ./fixture.ts for how each attack is judged). */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";

import { LOCAL_PARAMETERS } from "../../../config/parameters";
import { relayVote, signBallot, VOTE_SUPPORT } from "../../../src/dao/governor";
import { DisputeStatus, openedDisputeId, type DisputesFixture } from "../../fixtures/disputes";
import { JOB_FEE, JOB_PAYMENT, PROVIDER_STAKE, jobRequest, jobTerms } from "../../fixtures/jobs";
import { STARTING_WEFT } from "../../fixtures/weft";
import { expectBalanceChanges, expectBalancesUnchanged } from "../../helpers/balances";
import { signPermit } from "../../helpers/permit";
import { readJob } from "../../../src/chain/jobs";
import {
  BOND,
  JOB_PENALTY,
  balancesOf,
  coreTokens,
  splitOfSlash,
  disputesAndProposalsFixture,
  World,
  openVoting,
  PAUSE_UNBOND,
  pauseWithExitsPending,
  proveWrongElement,
} from "./fixture";

describe("Attacks: governance and roles", function () {
  describe("flash-loan voting", function () {
    // An attacker borrows tokens once a vote is open, delegates them to itself, votes, and returns them, so that the
    // same tokens vote twice (once for the attacker, once for the lender) or a loan decides the outcome. Votes are
    // read at the proposal's snapshot on the token's timestamp clock: tokens that arrive later carry no votes.
    it("gives borrowed tokens delegated after the snapshot no votes, so the lender's tokens count once", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [id] = f.proposals;
      const governor = f.ComputeGovernor;
      await openVoting(f, id);
      const [lender, attacker] = [f.client, f.outsider];
      const loan = await f.ComputeToken.balanceOf(lender.address);
      const before = await balancesOf(f, coreTokens(f), { lender, attacker });

      await f.ComputeToken.connect(lender).transfer(attacker.address, loan);
      await f.ComputeToken.connect(attacker).delegate(attacker.address);
      expect(await f.ComputeToken.getVotes(attacker.address)).to.equal(loan + STARTING_WEFT);
      await expect(governor.connect(attacker).castVote(id, VOTE_SUPPORT.against))
        .to.emit(governor, "VoteCast")
        .withArgs(attacker.address, id, VOTE_SUPPORT.against, 0n, "");
      await f.ComputeToken.connect(attacker).transfer(lender.address, loan);
      await governor.connect(lender).castVote(id, VOTE_SUPPORT.against);

      expect((await governor.proposalVotes(id)).againstVotes).to.equal(loan);
      await expect(governor.connect(attacker).castVote(id, VOTE_SUPPORT.against))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(attacker.address);
      await expectBalancesUnchanged(before);
    });
  });

  describe("proposal spam", function () {
    // An attacker floods the DAO with proposals from accounts holding almost nothing (or holding tokens it never
    // delegated), to bury real proposals. Proposing needs the threshold's votes, counted a second before the proposal.
    async function spamProposal(f: World) {
      const calldata = f.JobEscrow.interface.encodeFunctionData("setProtocolFeeBps", [0n]);
      const call: [string[], bigint[], string[], string] = [
        [await f.JobEscrow.getAddress()],
        [0n],
        [calldata],
        "No more fees",
      ];
      const id = await f.ComputeGovernor.hashProposal(call[0], call[1], call[2], ethers.id(call[3]));
      return { call, id };
    }

    it("refuses a proposal from an account one wei of votes below the threshold", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const [, , , , , , , , , spammer] = await ethers.getSigners();
      const threshold = LOCAL_PARAMETERS.governor.proposalThreshold;
      await f.ComputeToken.transfer(spammer.address, threshold - 1n);
      await f.ComputeToken.connect(spammer).delegate(spammer.address);
      const before = await balancesOf(f, coreTokens(f), { spammer });
      const { call, id } = await spamProposal(f);

      await expect(f.ComputeGovernor.connect(spammer).propose(...call))
        .to.be.revertedWithCustomError(f.ComputeGovernor, "GovernorInsufficientProposerVotes")
        .withArgs(spammer.address, threshold - 1n, threshold);
      expect(await f.ComputeGovernor.proposalSnapshot(id)).to.equal(0n);
      await expectBalancesUnchanged(before);
    });

    it("refuses a proposal from a holder far above the threshold that never delegated", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const spammer = f.outsider;
      expect(await f.ComputeToken.balanceOf(spammer.address)).to.be.greaterThan(
        LOCAL_PARAMETERS.governor.proposalThreshold,
      );
      const before = await balancesOf(f, coreTokens(f), { spammer });
      const { call, id } = await spamProposal(f);

      await expect(f.ComputeGovernor.connect(spammer).propose(...call))
        .to.be.revertedWithCustomError(f.ComputeGovernor, "GovernorInsufficientProposerVotes")
        .withArgs(spammer.address, 0n, LOCAL_PARAMETERS.governor.proposalThreshold);
      expect(await f.ComputeGovernor.proposalSnapshot(id)).to.equal(0n);
      await expectBalancesUnchanged(before);
    });
  });

  describe("guardian pausing exits", function () {
    // A guardian (compromised, or acting in haste) pauses the escrow to trap the money inside it. The pause stops
    // only new jobs and new accepts, and only the DAO can lift it; every way out (finalize, cancel, timeout,
    // withdraw, dispute settlement) keeps working and moves exactly what it would unpaused.
    const parties = (f: DisputesFixture) => ({ client: f.client, provider: f.provider, challenger: f.challenger });

    it("blocks new jobs and accepts, which the guardian cannot unblock itself", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.usd.connect(f.client).approve(f.JobEscrow, JOB_PAYMENT);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f))).to.be.revertedWithCustomError(
        f.JobEscrow,
        "EnforcedPause",
      );
      await expect(
        f.JobEscrow.connect(f.provider).acceptJob(f.openJob, await jobTerms(f, f.openJob)),
      ).to.be.revertedWithCustomError(f.JobEscrow, "EnforcedPause");
      await expect(f.JobEscrow.connect(f.guardian).unpause())
        .to.be.revertedWithCustomError(f.JobEscrow, "AccessManagedUnauthorized")
        .withArgs(f.guardian.address);
      await expectBalancesUnchanged(before);
    });

    it("lets the client cancel its open job for a full refund", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.JobEscrow.connect(f.client).cancelJob(f.openJob, await jobTerms(f, f.openJob));
      await expectBalanceChanges(before, { usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT } });
    });

    it("lets anyone claim a missed deadline: refund and liveness penalty to the client", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      await time.increaseTo((await readJob(f.JobEscrow, f.assignedJob)).deadline + 1n);
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.JobEscrow.connect(f.outsider).claimTimeout(f.assignedJob, await jobTerms(f, f.assignedJob));
      await expectBalanceChanges(before, {
        usd: { client: JOB_PAYMENT, escrow: -JOB_PAYMENT },
        weft: { client: JOB_PENALTY, registry: -JOB_PENALTY },
      });
    });

    it("lets anyone finalize a job whose challenge window has passed", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      await time.increaseTo((await readJob(f.JobEscrow, f.honestMatmul.id)).deadline);
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.JobEscrow.connect(f.outsider).finalize(f.honestMatmul.id, await jobTerms(f, f.honestMatmul.id));
      await expectBalanceChanges(before, {
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
    });

    it("lets the provider withdraw its matured unbonding stake", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      const [entry] = await f.ProviderRegistry.unbondingEntries(f.provider.address);
      await time.increaseTo(entry.maturesAt);
      const before = await balancesOf(f, coreTokens(f), parties(f));
      await f.ProviderRegistry.connect(f.provider).withdraw();
      await expectBalanceChanges(before, { weft: { provider: PAUSE_UNBOND, registry: -PAUSE_UNBOND } });
    });

    it("settles disputes: a fraud proof refunds and slashes, an unruled arbitration ends without fault and pays", async function () {
      const f = await pauseWithExitsPending(await loadFixture(disputesAndProposalsFixture));
      const before = await balancesOf(f, coreTokens(f), parties(f));
      const taken = await proveWrongElement(f);
      const split = splitOfSlash(taken);
      await time.increaseTo((await f.DisputeManager.dispute(f.arbitration)).deadline);
      await f.DisputeManager.connect(f.outsider).resolve(f.arbitration, await jobTerms(f, f.customJob));
      await f.JobEscrow.connect(f.outsider).finalize(f.customJob, await jobTerms(f, f.customJob));
      await expectBalanceChanges(before, {
        usd: { client: JOB_PAYMENT, provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -2n * JOB_PAYMENT },
        weft: {
          client: split.client,
          challenger: split.challenger,
          provider: BOND,
          treasury: split.treasury,
          registry: -taken,
          disputes: -BOND,
        },
      });
    });
  });

  describe("permit and vote-by-sig replay", function () {
    // An attacker replays a signature it saw on-chain: an ERC-2612 permit, to pull the owner's tokens a second time,
    // or a castVoteBySig ballot, to count the voter twice or on another proposal. Both signatures commit to the
    // signer's nonce, which their first use consumed; the ballot also commits to its proposal.
    it("rejects a replayed staking permit: the registry cannot pull the provider's tokens twice", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const registry = await f.ProviderRegistry.getAddress();
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(f.ComputeToken, f.provider, registry, PROVIDER_STAKE, deadline);
      await f.ProviderRegistry.connect(f.provider).stakeWithPermit(PROVIDER_STAKE, deadline, sig.v, sig.r, sig.s);
      const before = await balancesOf(f, coreTokens(f), { provider: f.provider, attacker: f.outsider });

      await expect(
        f.ComputeToken.connect(f.outsider).permit(
          f.provider.address,
          registry,
          PROVIDER_STAKE,
          deadline,
          sig.v,
          sig.r,
          sig.s,
        ),
      )
        .to.be.revertedWithCustomError(f.ComputeToken, "ERC2612InvalidSigner")
        .withArgs(anyValue, f.provider.address);
      await expect(
        f.ProviderRegistry.connect(f.provider).stakeWithPermit(PROVIDER_STAKE, deadline, sig.v, sig.r, sig.s),
      )
        .to.be.revertedWithCustomError(f.ComputeToken, "ERC20InsufficientAllowance")
        .withArgs(registry, 0n, PROVIDER_STAKE);
      expect(await f.ComputeToken.allowance(f.provider.address, registry)).to.equal(0n);
      await expectBalancesUnchanged(before);
    });

    it("rejects a replayed payment permit: one signature pays for one job", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const escrow = await f.JobEscrow.getAddress();
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(f.usd, f.client, escrow, JOB_PAYMENT, deadline);
      const request = await jobRequest(f);
      await f.JobEscrow.connect(f.client).createJobWithPermit(request, deadline, sig.v, sig.r, sig.s);
      const jobCount = await f.JobEscrow.jobCount();
      const before = await balancesOf(f, coreTokens(f), { client: f.client, attacker: f.outsider });

      await expect(
        f.usd.connect(f.outsider).permit(f.client.address, escrow, JOB_PAYMENT, deadline, sig.v, sig.r, sig.s),
      )
        .to.be.revertedWithCustomError(f.usd, "ERC2612InvalidSigner")
        .withArgs(anyValue, f.client.address);
      await expect(f.JobEscrow.connect(f.client).createJobWithPermit(request, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(f.usd, "ERC20InsufficientAllowance")
        .withArgs(escrow, 0n, JOB_PAYMENT);
      expect(await f.JobEscrow.jobCount()).to.equal(jobCount);
      await expectBalancesUnchanged(before);
    });

    it("rejects a replayed ballot, on its own proposal and on another", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const governor = f.ComputeGovernor;
      const [first, second] = f.proposals;
      await openVoting(f, first, second);
      const relayer = f.outsider;
      const ballot = await signBallot(governor, f.client, first, VOTE_SUPPORT.against);
      await relayVote(governor, relayer, ballot);
      const votes = await f.ComputeToken.balanceOf(f.client.address);
      const before = await balancesOf(f, coreTokens(f), { voter: f.client, relayer });

      for (const id of [first, second]) {
        await expect(governor.connect(relayer).castVoteBySig(id, ballot.support, ballot.voter, ballot.signature))
          .to.be.revertedWithCustomError(governor, "GovernorInvalidSignature")
          .withArgs(f.client.address);
      }
      expect((await governor.proposalVotes(first)).againstVotes).to.equal(votes);
      expect((await governor.proposalVotes(second)).againstVotes).to.equal(0n);
      expect(await governor.hasVoted(second, f.client.address)).to.equal(false);
      await expectBalancesUnchanged(before);
    });
  });

  describe("arbiter timeout", function () {
    // A silent (or captured) arbiter never rules, to freeze the job's payment, the provider's collateral and the
    // challenger's bond for good; or rules late, after the parties have moved on. The arbitration deadline ends it:
    // anyone then resolves the dispute, silence counting as a ruling for the provider (the bond is paid to it, so an
    // arbitration nobody backs is never free), the job settles normally, and a late ruling reverts.
    it("ends an unruled arbitration without fault: the bond and the job's payment go to the provider", async function () {
      const f = await loadFixture(disputesAndProposalsFixture);
      const parties = { challenger: f.challenger, provider: f.provider, client: f.client };
      const before = await balancesOf(f, coreTokens(f), parties);
      const id = await openedDisputeId(
        f,
        f.DisputeManager.connect(f.challenger).disputeForArbitration(
          f.customJob,
          await jobTerms(f, f.customJob),
          "ipfs://evidence",
        ),
      );
      const { deadline } = await f.DisputeManager.dispute(id);

      await expect(f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, f.customJob)))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlineNotReached")
        .withArgs(id, deadline);
      await time.increaseTo(deadline);
      await expect(f.DisputeManager.connect(f.arbiter).arbitrate(id, await jobTerms(f, f.customJob), true))
        .to.be.revertedWithCustomError(f.DisputeManager, "DisputeDeadlinePassed")
        .withArgs(id, deadline);
      await expect(f.DisputeManager.connect(f.outsider).resolve(id, await jobTerms(f, f.customJob)))
        .to.emit(f.DisputeManager, "DisputeSettled")
        .withArgs(id, f.customJob, DisputeStatus.NoFault, 0n, f.provider.address);
      await f.JobEscrow.finalize(f.customJob, await jobTerms(f, f.customJob));

      await expectBalanceChanges(before, {
        weft: { challenger: -BOND, provider: BOND },
        usd: { provider: JOB_PAYMENT - JOB_FEE, treasury: JOB_FEE, escrow: -JOB_PAYMENT },
      });
      expect((await f.DisputeManager.dispute(id)).status).to.equal(DisputeStatus.NoFault);
    });
  });
});

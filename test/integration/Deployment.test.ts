import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash } from "ethers";

import { VESTED_ALLOCATIONS } from "../../config/parameters";
import { Roles } from "../../config/roles";
import { roleAssignments, type ManagedContractName } from "../../config/permissions";
import { advanceTo } from "../../src/chain/clock";
import { parameterChange } from "../../src/dao/governedParameters";
import { stateOf } from "../../src/dao/governor";
import { CliffVestingWallet__factory } from "../../typechain-types";
import { proposalCalls } from "../../src/dao/governor";
import { fundVoters, queueProposal } from "../fixtures/voters";
import { STARTING_WEFT, deployWeftFixture, type WeftFixture } from "../fixtures/weft";

/** What the fixture hands out of the deployer's operations allocation: STARTING_WEFT to five accounts. */
const FIXTURE_HANDOUTS = 5n * STARTING_WEFT;

const vestingWallet = (f: WeftFixture, name: (typeof VESTED_ALLOCATIONS)[number]) =>
  CliffVestingWallet__factory.connect(f.vestingWallets[name], f.deployer);

/** The fixture with three voters granted 6M WEFT each by the treasury (as a vote would), delegated. */
async function votersFixture() {
  const f = await loadFixture(deployWeftFixture);
  await fundVoters(f, [f.client, f.provider, f.provider2]);
  return { ...f, council: await ethers.getSigner(f.launch.council), voters: [f.client, f.provider, f.provider2] };
}

/** A queued proposal lowering the fee, passed by the three voters. */
async function queuedFeeProposal(f: Awaited<ReturnType<typeof votersFixture>>, description: string) {
  const action = await parameterChange(f, "protocolFeeBps=250");
  return queueProposal(f, f.voters, [action], description);
}

describe("Deployment", function () {
  it("leaves the deployer with no role on the AccessManager or the timelock", async function () {
    const { AccessManager, TimelockController, deployer } = await loadFixture(deployWeftFixture);
    for (const role of Object.values(Roles)) {
      const [isMember] = await AccessManager.hasRole(role, deployer.address);
      expect(isMember, `deployer holds role ${role}`).to.equal(false);
    }
    for (const role of ["PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"]) {
      expect(await TimelockController.hasRole(ethers.id(role), deployer.address)).to.equal(false);
    }
    expect(await TimelockController.hasRole(ZeroHash, deployer.address)).to.equal(false);
  });

  it("makes the timelock the AccessManager's only admin and the holder of PARAMETERS", async function () {
    const { AccessManager, TimelockController } = await loadFixture(deployWeftFixture);
    const timelock = await TimelockController.getAddress();
    expect((await AccessManager.hasRole(Roles.ADMIN, timelock))[0]).to.equal(true);
    expect((await AccessManager.hasRole(Roles.PARAMETERS, timelock))[0]).to.equal(true);
    const grants = await AccessManager.queryFilter(AccessManager.filters.RoleGranted(Roles.ADMIN));
    const revokes = await AccessManager.queryFilter(AccessManager.filters.RoleRevoked(Roles.ADMIN));
    const admins = new Set(grants.map((e) => e.args.account));
    for (const e of revokes) admins.delete(e.args.account);
    expect([...admins]).to.deep.equal([timelock]);
  });

  it("maps every restricted function to its role", async function () {
    const fixture = await loadFixture(deployWeftFixture);
    for (const name of ["ComputeToken", "ProviderRegistry", "JobEscrow"] as ManagedContractName[]) {
      const target = await fixture[name].getAddress();
      for (const { role, selectors } of roleAssignments(name)) {
        for (const selector of selectors) {
          expect(await fixture.AccessManager.getTargetFunctionRole(target, selector)).to.equal(role);
        }
      }
    }
  });

  it("refuses every setter to the deployer", async function () {
    const { JobEscrow, ProviderRegistry, deployer } = await loadFixture(deployWeftFixture);
    await expect(JobEscrow.connect(deployer).setProtocolFeeBps(100n))
      .to.be.revertedWithCustomError(JobEscrow, "AccessManagedUnauthorized")
      .withArgs(deployer.address);
    await expect(ProviderRegistry.connect(deployer).setJailDuration(1n))
      .to.be.revertedWithCustomError(ProviderRegistry, "AccessManagedUnauthorized")
      .withArgs(deployer.address);
  });

  it("wires the escrow, its receipt and the registry's dispute window source together", async function () {
    const { JobEscrow, ComputeReceipt, ProviderRegistry, TimelockController } = await loadFixture(deployWeftFixture);
    expect(await JobEscrow.receipt()).to.equal(await ComputeReceipt.getAddress());
    expect(await ComputeReceipt.escrow()).to.equal(await JobEscrow.getAddress());
    expect(await ProviderRegistry.disputeWindowsSource()).to.equal(await JobEscrow.getAddress());
    expect(await JobEscrow.treasury()).to.equal(await TimelockController.getAddress());
  });

  describe("launch", function () {
    it("shares the genesis supply among the treasury, the vesting wallets and the operations allocation", async function () {
      const f = await loadFixture(deployWeftFixture);
      const { ComputeToken, TimelockController, parameters } = f;
      const { launch } = parameters;
      expect(await ComputeToken.balanceOf(await TimelockController.getAddress())).to.equal(f.launch.treasury);
      expect(f.launch.treasury).to.equal(ethers.parseEther("260000000"));
      for (const name of VESTED_ALLOCATIONS) {
        const wallet = vestingWallet(f, name);
        const { amount, cliff, duration } = launch.vested[name];
        const allocation = f.launch.allocations.find((a) => a.name === name)!;
        expect(await ComputeToken.balanceOf(f.vestingWallets[name]), name).to.equal(amount);
        expect(await wallet.owner(), name).to.equal(allocation.beneficiary);
        expect(await wallet.duration(), name).to.equal(duration);
        expect((await wallet.cliff()) - (await wallet.start()), name).to.equal(cliff);
      }
      const operations = launch.liquid.operations.amount;
      expect(await ComputeToken.balanceOf(f.deployer.address)).to.equal(operations - FIXTURE_HANDOUTS);
      expect(await ComputeToken.totalSupply()).to.equal(parameters.token.genesisSupply);
    });

    it("leaves no account but the timelock and the vesting wallets with the balance to reach quorum alone", async function () {
      const f = await loadFixture(deployWeftFixture);
      const { ComputeToken, ComputeGovernor } = f;
      const quorum = await ComputeGovernor.quorum((await time.latest()) - 1);
      expect(quorum).to.equal(ethers.parseEther("16000000"));
      // Every account that ever received WEFT, from the token's own log: nobody can be missed.
      const recipients = new Set(
        (await ComputeToken.queryFilter(ComputeToken.filters.Transfer())).map((e) => e.args.to),
      );
      const named = [f.deployer.address, f.launch.council, ...f.launch.allocations.map((a) => a.beneficiary)];
      // The vesting wallets cannot delegate (next test): their tokens vote only once released to their beneficiaries.
      const cannotVote = new Set([await f.TimelockController.getAddress(), ...Object.values(f.vestingWallets)]);
      for (const account of new Set([...recipients, ...named])) {
        if (cannotVote.has(account)) continue;
        expect(await ComputeToken.balanceOf(account), account).to.be.lessThan(quorum);
      }
    });

    it("gives the vesting wallets no way to vote: they cannot delegate", async function () {
      const f = await loadFixture(deployWeftFixture);
      const functions: string[] = [];
      CliffVestingWallet__factory.createInterface().forEachFunction((fn) => functions.push(fn.name));
      expect(functions).to.not.include("delegate");
      expect(functions).to.not.include("delegateBySig");
      // Nor can anyone sign a delegation for a contract, which has no key.
      for (const name of VESTED_ALLOCATIONS) {
        expect(await f.ComputeToken.delegates(f.vestingWallets[name]), name).to.equal(ZeroAddress);
        expect(await f.ComputeToken.getVotes(f.vestingWallets[name]), name).to.equal(0n);
      }
    });

    it("gives the deployer at most its named allocation of votes", async function () {
      const f = await loadFixture(deployWeftFixture);
      await f.ComputeToken.connect(f.deployer).delegate(f.deployer.address);
      const votes = await f.ComputeToken.getVotes(f.deployer.address);
      expect(votes).to.equal(f.parameters.launch.liquid.operations.amount - FIXTURE_HANDOUTS);
      expect(votes).to.be.lessThan(await f.ComputeGovernor.quorum((await time.latest()) - 1));
    });

    it("releases a vesting allocation on its schedule: nothing before the cliff, linearly after", async function () {
      const f = await loadFixture(deployWeftFixture);
      const wallet = vestingWallet(f, "ecosystem");
      const token = await f.ComputeToken.getAddress();
      const { amount, cliff, duration } = f.parameters.launch.vested.ecosystem;
      const beneficiary = await wallet.owner();
      const start = await wallet.start();

      await time.setNextBlockTimestamp(start + cliff - 1n);
      await expect(wallet["release(address)"](token)).to.changeTokenBalance(f.ComputeToken, beneficiary, 0n);
      await time.setNextBlockTimestamp(start + cliff);
      await expect(wallet["release(address)"](token))
        .to.emit(wallet, "ERC20Released")
        .withArgs(token, (amount * cliff) / duration);
      expect(await f.ComputeToken.balanceOf(beneficiary)).to.equal((amount * cliff) / duration);
      await time.setNextBlockTimestamp(start + duration);
      await wallet["release(address)"](token);
      expect(await f.ComputeToken.balanceOf(beneficiary)).to.equal(amount);
      expect(await f.ComputeToken.balanceOf(f.vestingWallets.ecosystem)).to.equal(0n);
    });
  });

  describe("security council", function () {
    it("holds the timelock's CANCELLER_ROLE, with the configured council and bootstrap end", async function () {
      const f = await loadFixture(votersFixture);
      const { SecurityCouncil, TimelockController } = f;
      const council = await SecurityCouncil.getAddress();
      expect(await TimelockController.hasRole(ethers.id("CANCELLER_ROLE"), council)).to.equal(true);
      expect(await TimelockController.hasRole(ethers.id("PROPOSER_ROLE"), council)).to.equal(false);
      expect(await SecurityCouncil.council()).to.equal(f.parameters.launch.council);
      expect(await SecurityCouncil.timelock()).to.equal(await TimelockController.getAddress());
      const [deployed] = await SecurityCouncil.queryFilter(SecurityCouncil.filters.BootstrapEndSet());
      const deployedAt = (await deployed.getBlock()).timestamp;
      expect(await SecurityCouncil.bootstrapEnd()).to.equal(BigInt(deployedAt) + f.parameters.launch.bootstrapDuration);
    });

    it("lets the council cancel a queued proposal before the bootstrap ends; the governor reads it Canceled", async function () {
      const f = await loadFixture(votersFixture);
      const { SecurityCouncil, TimelockController, ComputeGovernor: governor, JobEscrow } = f;
      const { proposal, operationId } = await queuedFeeProposal(f, "A fee the council vetoes");
      expect(await stateOf(governor, proposal.id)).to.equal("Queued");

      await expect(SecurityCouncil.connect(f.council).cancel(operationId))
        .to.emit(SecurityCouncil, "OperationCancelled")
        .withArgs(operationId)
        .and.to.emit(TimelockController, "Cancelled")
        .withArgs(operationId);
      expect(await stateOf(governor, proposal.id)).to.equal("Canceled");
      await advanceTo(hre, await governor.proposalEta(proposal.id));
      await expect(governor.execute(...proposalCalls(proposal))).to.be.revertedWithCustomError(
        governor,
        "GovernorUnexpectedProposalState",
      );
      expect(await JobEscrow.protocolFeeBps()).to.equal(300n);
    });

    it("refuses the council's cancel once the bootstrap has ended", async function () {
      const f = await loadFixture(votersFixture);
      const { SecurityCouncil, ComputeGovernor: governor } = f;
      const end = await SecurityCouncil.bootstrapEnd();
      await advanceTo(hre, end);
      expect(await SecurityCouncil.isBootstrapActive()).to.equal(false);
      const { proposal, operationId } = await queuedFeeProposal(f, "A fee after the bootstrap");
      const at = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(at);
      await expect(SecurityCouncil.connect(f.council).cancel(operationId))
        .to.be.revertedWithCustomError(SecurityCouncil, "BootstrapOver")
        .withArgs(end, at);
      await advanceTo(hre, await governor.proposalEta(proposal.id));
      await governor.execute(...proposalCalls(proposal));
      expect(await f.JobEscrow.protocolFeeBps()).to.equal(250n);
    });

    it("gives the council no way to propose or to execute early", async function () {
      const f = await loadFixture(votersFixture);
      const { SecurityCouncil, TimelockController, ComputeGovernor: governor, council } = f;
      const fragments: string[] = [];
      SecurityCouncil.interface.forEachFunction((fn) => fragments.push(fn.name));
      expect(fragments.sort()).to.deep.equal([
        "MAX_BOOTSTRAP_DURATION",
        "MIN_BOOTSTRAP_DURATION",
        "bootstrapEnd",
        "cancel",
        "council",
        "endBootstrap",
        "isBootstrapActive",
        "timelock",
      ]);
      const action = await parameterChange(f, "protocolFeeBps=0");
      await expect(governor.connect(council).propose([action.target], [0n], [action.calldata], "no fees"))
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(council.address, 0n, f.parameters.governor.proposalThreshold);
      await expect(
        TimelockController.connect(council).schedule(action.target, 0n, action.calldata, ZeroHash, ZeroHash, 300n),
      )
        .to.be.revertedWithCustomError(TimelockController, "AccessControlUnauthorizedAccount")
        .withArgs(council.address, ethers.id("PROPOSER_ROLE"));
      // A queued proposal executes only after the timelock's delay, for the council as for anyone.
      const { proposal } = await queuedFeeProposal(f, "Queued, not ready");
      await expect(governor.connect(council).execute(...proposalCalls(proposal))).to.be.revertedWithCustomError(
        TimelockController,
        "TimelockUnexpectedOperationState",
      );
    });

    it("ends the bootstrap early by a DAO vote, after which the council cannot cancel", async function () {
      const f = await loadFixture(votersFixture);
      const { SecurityCouncil, ComputeGovernor: governor } = f;
      const calldata = SecurityCouncil.interface.encodeFunctionData("endBootstrap");
      const ending = await queueProposal(
        f,
        f.voters,
        [{ target: await SecurityCouncil.getAddress(), value: 0n, calldata }],
        "End the security council's bootstrap",
      );
      const planned = await SecurityCouncil.bootstrapEnd();
      const eta = await governor.proposalEta(ending.proposal.id);
      await time.setNextBlockTimestamp(eta);
      await expect(governor.execute(...proposalCalls(ending.proposal)))
        .to.emit(SecurityCouncil, "BootstrapEndSet")
        .withArgs(planned, eta);
      expect(eta).to.be.lessThan(planned);
      expect(await SecurityCouncil.isBootstrapActive()).to.equal(false);

      const { operationId } = await queuedFeeProposal(f, "A fee after the early end");
      await expect(SecurityCouncil.connect(f.council).cancel(operationId)).to.be.revertedWithCustomError(
        SecurityCouncil,
        "BootstrapOver",
      );
    });
  });
});

/**
 * Attacks on the launch: the deployer tries to take the DAO with the tokens the launch left it. Before the launch was
 * split, the deployer kept 200M of the 400M genesis WEFT, delegated them to itself and could pass any proposal alone.
 * Each test writes out the attack, asserts how it fails, and asserts the exact WEFT of the deployer and the treasury
 * before and after.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { Roles } from "../../config/roles";
import { advanceTo } from "../../src/chain/clock";
import {
  castVote,
  findProposal,
  propose,
  proposalCalls,
  proposalStatus,
  stateOf,
  VOTE_SUPPORT,
} from "../../src/dao/governor";
import { CliffVestingWallet__factory } from "../../typechain-types";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { expectBalancesUnchanged, snapshotBalances } from "../helpers/balances";

const WEFT = (amount: string) => ethers.parseEther(amount);
const { launch, governor: governorParameters, token } = LOCAL_PARAMETERS;
const QUORUM = (token.genesisSupply * governorParameters.quorumPercent) / 100n;

/** The old attack's proposal: the whole treasury to the deployer, and MINTER for the deployer. */
async function takeoverProposal(f: WeftFixture) {
  const treasury = await f.ComputeToken.balanceOf(await f.TimelockController.getAddress());
  const drain = f.ComputeToken.interface.encodeFunctionData("transfer", [f.deployer.address, treasury]);
  const mint = f.AccessManager.interface.encodeFunctionData("grantRole", [Roles.MINTER, f.deployer.address, 0n]);
  return [
    { target: await f.ComputeToken.getAddress(), value: 0n, calldata: drain },
    { target: await f.AccessManager.getAddress(), value: 0n, calldata: mint },
  ];
}

/** The deployer delegates to itself, proposes the takeover, votes for it alone, and tries to queue it. */
async function attemptTakeover(f: WeftFixture, description: string) {
  await f.ComputeToken.connect(f.deployer).delegate(f.deployer.address);
  await mine();
  const { id } = await propose(f.ComputeGovernor, f.deployer, await takeoverProposal(f), description);
  const proposal = await findProposal(f.ComputeGovernor, id, 0);
  await advanceTo(hre, proposal.voteStart + 1n);
  await castVote(f.ComputeGovernor, f.deployer, id, VOTE_SUPPORT.for);
  await advanceTo(hre, (await f.ComputeGovernor.proposalDeadline(id)) + 1n);
  return proposal;
}

async function expectTakeoverFails(f: WeftFixture, proposal: Awaited<ReturnType<typeof attemptTakeover>>) {
  const governor = f.ComputeGovernor;
  expect(await stateOf(governor, proposal.id)).to.equal("Defeated");
  await expect(governor.queue(...proposalCalls(proposal))).to.be.revertedWithCustomError(
    governor,
    "GovernorUnexpectedProposalState",
  );
  expect((await f.AccessManager.hasRole(Roles.MINTER, f.deployer.address))[0]).to.equal(false);
}

describe("Launch attacks", function () {
  describe("the deployer takes the treasury and MINTER alone", function () {
    it("fails: its operations allocation is below quorum, so the proposal is Defeated", async function () {
      const f = await loadFixture(deployWeftFixture);
      const parties = { deployer: f.deployer, treasury: f.TimelockController };
      const before = await snapshotBalances({ weft: f.ComputeToken }, parties);
      // 10M operations WEFT less the 5 x 100,000 the fixture handed out; the treasury keeps 260M.
      expect(before.balances.weft).to.deep.equal({ deployer: WEFT("9500000"), treasury: WEFT("260000000") });

      const proposal = await attemptTakeover(f, "Move the treasury to the deployer and let it mint");
      const status = await proposalStatus(f.ComputeGovernor, proposal.id);
      expect(status.forVotes).to.equal(WEFT("9500000"));
      expect(status.quorum).to.equal(QUORUM);
      await expectTakeoverFails(f, proposal);
      await expectBalancesUnchanged(before);
    });
  });

  describe("the deployer adds its founders' vesting, released at the cliff", function () {
    it("fails: operations and the founders' cliff release together stay below quorum", async function () {
      const f = await loadFixture(deployWeftFixture);
      const { founders } = launch.vested;
      // At default parameters, even had it handed out nothing: 10M + 20M x 1/4 = 15M < 16M.
      const atCliff = (founders.amount * founders.cliff) / founders.duration;
      expect(launch.liquid.operations.amount + atCliff).to.equal(WEFT("15000000"));
      expect(launch.liquid.operations.amount + atCliff).to.be.lessThan(QUORUM);

      const wallet = CliffVestingWallet__factory.connect(f.vestingWallets.founders, f.deployer);
      expect(await wallet.owner()).to.equal(f.deployer.address);
      await time.setNextBlockTimestamp(await wallet.cliff());
      await wallet["release(address)"](await f.ComputeToken.getAddress());
      const parties = { deployer: f.deployer, treasury: f.TimelockController };
      const before = await snapshotBalances({ weft: f.ComputeToken }, parties);
      expect(before.balances.weft).to.deep.equal({
        deployer: WEFT("9500000") + atCliff,
        treasury: WEFT("260000000"),
      });

      const proposal = await attemptTakeover(f, "Founders and operations take the treasury");
      const status = await proposalStatus(f.ComputeGovernor, proposal.id);
      expect(status.forVotes).to.equal(WEFT("14500000"));
      expect(status.forVotes).to.be.lessThan(status.quorum);
      await expectTakeoverFails(f, proposal);
      await expectBalancesUnchanged(before);
    });
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// The tasks read deployments/<network>.json from DEPLOYMENTS_DIR, fixed when src/deploy/addressBook first loads.
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-rewards-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { advanceTo } from "../../src/chain/clock";
import { formatWeft } from "../../src/jobs/amounts";
import { formatBps, formatMoment, formatUtc } from "../../src/markdown";
import { castVote, execute, findProposal, propose, proposalStatus, queue, VOTE_SUPPORT } from "../../src/dao/governor";
import { createJob, jobTerms, registerAndStake, RESULT_ROOT, RESULT_URI } from "../fixtures/jobs";
import { fundVoters } from "../fixtures/voters";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { expectTaskError, preserveAddressBook, runTask, writeFixtureAddressBook } from "../helpers/tasks";
import "../../tasks/rewards/status";
import "../../tasks/rewards/claim";

const PROVIDER_ACCOUNT = "2";

/** A row of rewards:status's table: its name, then `value` alone in the next cell. */
function row(name: string, value: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`│ ${escape(name)}\\s+│ ${escape(value)}\\s+│`);
}

/** Jobs of `f.provider`, finalized now: each records its fee as reward weight. */
async function finalizeJobs(f: WeftFixture, count: number): Promise<void> {
  const ids: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const id = await createJob(f);
    await f.JobEscrow.connect(f.provider).acceptJob(id, await jobTerms(f, id));
    await f.JobEscrow.connect(f.provider).submitResult(id, await jobTerms(f, id), RESULT_ROOT, RESULT_URI);
    ids.push(id);
  }
  await time.increase(f.parameters.escrow.challengeWindow);
  for (const id of ids) await f.JobEscrow.finalize(id, await jobTerms(f, id));
}

async function rewardsFixture() {
  const f = await loadFixture(deployWeftFixture);
  await registerAndStake(f, f.provider);
  await writeFixtureAddressBook(f);
  return f;
}

describe("Rewards", function () {
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);

  it("lets the DAO change every reward parameter within its bounds through the timelock", async function () {
    const f = await loadFixture(rewardsFixture);
    const { ComputeGovernor: governor, RewardDistributor: rewards, ComputeToken, deployer } = f;
    // The deployer proposes; three holders granted 6M each by the treasury pass the votes (none has quorum alone).
    await ComputeToken.connect(deployer).delegate(deployer.address);
    const voters = [f.client, f.provider2, f.outsider];
    await fundVoters(f, voters);
    const target = await rewards.getAddress();
    const usd = await f.usd.getAddress();
    const calls = [
      rewards.interface.encodeFunctionData("setEpochLength", [2n * 3600n]),
      rewards.interface.encodeFunctionData("setEmissionSchedule", [ethers.parseEther("50000"), 500n]),
      rewards.interface.encodeFunctionData("setRewardCapBps", [6_000n]),
    ].map((calldata) => ({ target, value: 0n, calldata }));
    // What a job's fees weigh follows the payment token's value, which the escrow's allow-list holds: the same vote
    // values tUSD at 2 WEFT there.
    calls.push({
      target: await f.JobEscrow.getAddress(),
      value: 0n,
      calldata: f.JobEscrow.interface.encodeFunctionData("setPaymentToken", [usd, true, 1000n, ethers.parseEther("2")]),
    });
    const { id } = await propose(governor, deployer, calls, "Retune rewards");
    const proposal = await findProposal(governor, id, 0);
    await advanceTo(hre, proposal.voteStart + 1n);
    for (const voter of voters) await castVote(governor, voter, id, VOTE_SUPPORT.for);
    await advanceTo(hre, (await proposalStatus(governor, id)).deadline + 1n);
    await queue(governor, deployer, proposal);
    await advanceTo(hre, await governor.proposalEta(id));
    await execute(governor, deployer, proposal);

    const current = await rewards.currentEpoch();
    expect(await rewards.epochLength()).to.equal(2n * 3600n);
    expect(await rewards.decayBps()).to.equal(500n);
    expect(await rewards.emission(current)).to.equal(ethers.parseEther("50000"));
    expect(await rewards.emission(current + 1n)).to.equal((ethers.parseEther("50000") * 9_500n) / 10_000n);
    expect(await rewards.rewardCapBps()).to.equal(6_000n);
    expect((await f.JobEscrow.paymentTokenConfig(usd)).weftPerToken).to.equal(ethers.parseEther("2"));
    // A job paid in tUSD from now on weighs twice its fee: 100 tUSD pay 3 tUSD of fees, worth 6 WEFT.
    await finalizeJobs(f, 1);
    expect(await rewards.weightOf(f.provider.address, await rewards.currentEpoch())).to.equal(ethers.parseEther("6"));

    // Out of bounds, the vote passes but execution fails with the contract's error: nothing changes.
    const tooHigh = rewards.interface.encodeFunctionData("setRewardCapBps", [10_000n]);
    const { id: bad } = await propose(governor, deployer, [{ target, value: 0n, calldata: tooHigh }], "Cap at 100%");
    const badProposal = await findProposal(governor, bad, 0);
    await advanceTo(hre, badProposal.voteStart + 1n);
    for (const voter of voters) await castVote(governor, voter, bad, VOTE_SUPPORT.for);
    await advanceTo(hre, (await proposalStatus(governor, bad)).deadline + 1n);
    await queue(governor, deployer, badProposal);
    await advanceTo(hre, await governor.proposalEta(bad));
    await expect(execute(governor, deployer, badProposal)).to.be.revertedWithCustomError(
      rewards,
      "ParameterOutOfBounds",
    );
    expect(await rewards.rewardCapBps()).to.equal(6_000n);
  });

  it("shows an epoch's rewards and claims them from the command line once the epoch has ended", async function () {
    const f = await loadFixture(rewardsFixture);
    const rewards = f.RewardDistributor;
    await finalizeJobs(f, 3);
    const epoch = await rewards.currentEpoch();
    const weight = await rewards.weightOf(f.provider.address, epoch);
    expect(weight).to.be.greaterThan(0n);

    const totals = await rewards.epochTotals(epoch);
    // The provider settled every job of the epoch: all of its weight is the provider's.
    expect(totals.totalWeight).to.equal(weight);
    const end = await rewards.epochEnd(epoch);
    const running = await runTask("rewards:status", { provider: f.provider.address });
    expect(running.split("\n")[0]).to.equal(`Epoch ${epoch} (current)`);
    expect(running).to.match(row("ends", formatMoment(end, BigInt(await time.latest()))));
    expect(running).to.match(row("emission", `${formatWeft(totals.emission)} (fixed by its first recorded work)`));
    expect(running).to.match(row("epoch length", "1 h"));
    expect(running).to.match(row("reward cap", "80.00% of a provider's fee weight"));
    expect(running).to.match(row("weight", `${formatWeft(weight)} of fees, 100.00% of the epoch's`));
    expect(running).to.match(row("reward", "claimable once the epoch ends"));
    await expectTaskError(
      "rewards:claim",
      { epochs: `${epoch}`, account: PROVIDER_ACCOUNT },
      new RegExp(`^Epoch ${epoch} has not ended \\(the current epoch is ${epoch}\\)\\.$`),
    );

    await time.increaseTo(await rewards.epochEnd(epoch));
    const pending = await rewards.pendingReward(f.provider.address, epoch);
    expect(pending).to.equal((weight * 8_000n) / 10_000n); // the fees are small: the reward cap binds
    const ended = await runTask("rewards:status", { provider: f.provider.address, epoch: `${epoch}` });
    expect(ended.split("\n")[0]).to.equal(`Epoch ${epoch} (ended)`);
    expect(ended).to.match(row("reward", `claimable ${formatWeft(pending)}`));
    const json = JSON.parse(
      await runTask("rewards:status", { provider: f.provider.address, epoch: `${epoch}`, json: true }),
    );
    const start = end - (await rewards.epochLength());
    expect(json).to.deep.equal({
      epoch: epoch.toString(),
      currentEpoch: (epoch + 1n).toString(),
      phase: "ended",
      start: epoch === 0n ? null : { unix: start.toString(), utc: formatUtc(start) },
      end: { unix: end.toString(), utc: formatUtc(end) },
      emission: { wei: totals.emission.toString(), formatted: formatWeft(totals.emission) },
      emissionFixed: true,
      totalWeight: { wei: weight.toString(), formatted: formatWeft(weight) },
      epochLength: { seconds: "3600", formatted: "1 h" },
      decay: { bps: Number(await rewards.decayBps()), formatted: formatBps(await rewards.decayBps()) },
      rewardCap: { bps: 8_000, formatted: "80.00%" },
      provider: {
        address: f.provider.address,
        weight: { wei: weight.toString(), formatted: formatWeft(weight) },
        share: { bps: 10_000, formatted: "100.00%" },
        claimed: false,
        claimable: { wei: pending.toString(), formatted: formatWeft(pending) },
      },
    });

    const before = await f.ComputeToken.balanceOf(f.provider.address);
    const claimed = await runTask("rewards:claim", { account: PROVIDER_ACCOUNT });
    expect(claimed).to.match(new RegExp(`^Claimed ${formatWeft(pending)} for epochs ${epoch} \\(tx 0x`));
    expect((await f.ComputeToken.balanceOf(f.provider.address)) - before).to.equal(pending);
    await expectTaskError(
      "rewards:claim",
      { account: PROVIDER_ACCOUNT },
      new RegExp(`^${f.provider.address} has nothing to claim in the last 52 epochs\\.$`),
    );
    await expectTaskError(
      "rewards:claim",
      { epochs: "x", account: PROVIDER_ACCOUNT },
      /^--epochs must be epoch numbers/,
    );
  });
});

import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// The tasks read deployments/<network>.json from DEPLOYMENTS_DIR, fixed when src/deploy/addressBook first loads: set
// before anything below imports it (see test/helpers/tasks.ts).
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-client-tasks-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { readJob } from "../../src/chain/jobs";
import type { BalancesJson } from "../../src/tokens/tokens";
import { BPS, JOB_COLLATERAL, JOB_PAYMENT, JobStatus, createJob, jobTerms, registerAndStake } from "../fixtures/jobs";
import { STARTING_WEFT, deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { expectTaskError, preserveAddressBook, runTask, writeFixtureAddressBook } from "../helpers/tasks";
import "../../tasks/job/create";
import "../../tasks/job/cancel";
import "../../tasks/job/reclaim";
import "../../tasks/job/status";
import "../../tasks/token/balance";
import "../../tasks/token/transfer";

/** The fixture's accounts by index, as --account and --to take them. */
const CLIENT_ACCOUNT = "1";
const OUTSIDER_ACCOUNT = "4";
/** An account the fixture leaves without tokens, as a fresh deployment leaves every account but the deployer's. */
const FRESH_ACCOUNT = "7";
const STARTING_USD = ethers.parseEther("1000000");
const PENALTY = (JOB_COLLATERAL * LOCAL_PARAMETERS.escrow.livenessPenaltyBps) / BPS;

describe("Client tasks", function () {
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);

  async function clientFixture(): Promise<WeftFixture & { openJob: bigint; assignedJob: bigint }> {
    const f = await loadFixture(deployWeftFixture);
    await registerAndStake(f, f.provider);
    await writeFixtureAddressBook(f);
    const openJob = await createJob(f);
    const assignedJob = await createJob(f);
    await f.JobEscrow.connect(f.provider).acceptJob(assignedJob, await jobTerms(f, assignedJob));
    return { ...f, openJob, assignedJob };
  }

  describe("token:balance", function () {
    it("lists WEFT and every allow-listed token with the escrow's allowance", async function () {
      const f = await loadFixture(clientFixture);
      const usd = await f.usd.getAddress();
      await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), ethers.parseEther("7.5"));
      const table = await runTask("token:balance", { account: CLIENT_ACCOUNT });
      expect(table).to.include(`Balances of ${f.client.address}`);
      expect(table).to.match(/│ WEFT\s+│ 100,000 WEFT\s+│ 0 WEFT\s+│ 0x/);
      // Two jobs of 100 tUSD paid into escrow.
      expect(table).to.match(new RegExp(`│ tUSD\\s+│ 999,800 tUSD\\s+│ 7\\.5 tUSD\\s+│ ${usd}`));
      for (const line of table.split("\n")) expect(line.length).to.be.at.most(100);
    });

    it("prints one token of any address as JSON, in base units and formatted", async function () {
      const f = await loadFixture(clientFixture);
      const output = await runTask("token:balance", { token: "tusd", address: OUTSIDER_ACCOUNT, json: true });
      const json = JSON.parse(output) as BalancesJson;
      expect(json).to.deep.equal({
        holder: f.outsider.address,
        tokens: [
          {
            symbol: "tUSD",
            address: await f.usd.getAddress(),
            decimals: 18,
            balance: { wei: STARTING_USD.toString(), formatted: "1,000,000 tUSD" },
            escrowAllowance: { wei: "0", formatted: "0 tUSD" },
          },
        ],
      });
    });

    it("refuses a token that is not on the escrow's allow list", async function () {
      await loadFixture(clientFixture);
      await expectTaskError(
        "token:balance",
        { token: "DAI" },
        /--token must be WEFT or an allow-listed token: WEFT \(0x[0-9a-fA-F]{40}\), tUSD \(0x[0-9a-fA-F]{40}\); got "DAI"\./,
      );
    });
  });

  describe("token:transfer", function () {
    it("funds a fresh account so that the README's job:create runs as written", async function () {
      const f = await loadFixture(clientFixture);
      const fresh = (await ethers.getSigners())[Number(FRESH_ACCOUNT)].address;
      const deployerWeft = await f.ComputeToken.balanceOf(f.deployer.address);
      const sent = await runTask("token:transfer", { to: FRESH_ACCOUNT, amount: "100" });
      expect(sent).to.include(`Sent 100 WEFT from ${f.deployer.address} to ${fresh}`);
      expect(sent).to.include(`${fresh} now holds 100 WEFT`);
      expect(await f.ComputeToken.balanceOf(fresh)).to.equal(ethers.parseEther("100"));
      expect(await f.ComputeToken.balanceOf(f.deployer.address)).to.equal(deployerWeft - ethers.parseEther("100"));

      const store = fs.mkdtempSync(path.join(os.tmpdir(), "weft-client-store-"));
      try {
        await runTask("job:create", {
          workload: "matmul-i8",
          shape: "4,8,3",
          seed: "7",
          token: "WEFT",
          payment: "5",
          duration: "1h",
          store,
          account: FRESH_ACCOUNT,
        });
      } finally {
        fs.rmSync(store, { recursive: true, force: true });
      }
      expect(await f.ComputeToken.balanceOf(fresh)).to.equal(ethers.parseEther("95"));
    });

    it("moves an allow-listed token by symbol to an address", async function () {
      const f = await loadFixture(clientFixture);
      const before = await f.usd.balanceOf(f.client.address);
      const sent = await runTask("token:transfer", {
        to: f.outsider.address,
        amount: "12.5",
        token: "tUSD",
        account: CLIENT_ACCOUNT,
      });
      expect(sent).to.include(`Sent 12.5 tUSD from ${f.client.address} to ${f.outsider.address}`);
      expect(sent).to.include(`${f.outsider.address} now holds 1,000,012.5 tUSD`);
      expect(await f.usd.balanceOf(f.client.address)).to.equal(before - ethers.parseEther("12.5"));
      expect(await f.usd.balanceOf(f.outsider.address)).to.equal(STARTING_USD + ethers.parseEther("12.5"));
    });

    it("refuses a transfer larger than the balance, saying the balance, and moves nothing", async function () {
      const f = await loadFixture(clientFixture);
      await expectTaskError(
        "token:transfer",
        { to: OUTSIDER_ACCOUNT, amount: "100000.5", account: CLIENT_ACCOUNT },
        new RegExp(`^${f.client.address} holds 100,000 WEFT; the transfer needs 100,000\\.5 WEFT\\.$`),
      );
      expect(await f.ComputeToken.balanceOf(f.client.address)).to.equal(STARTING_WEFT);
    });

    it("refuses a recipient that is neither an address nor a configured account", async function () {
      await loadFixture(clientFixture);
      await expectTaskError("token:transfer", { to: "999", amount: "1" }, /--to 999: the network has \d+ configured/);
      await expectTaskError("token:transfer", { to: "0xabc", amount: "1" }, /--to must be an address/);
    });
  });

  describe("job:cancel", function () {
    it("cancels a job no provider accepted and refunds its payment to the client", async function () {
      const f = await loadFixture(clientFixture);
      const before = await f.usd.balanceOf(f.client.address);
      const output = await runTask("job:cancel", { id: String(f.openJob), account: CLIENT_ACCOUNT });
      expect(output).to.match(new RegExp(`^Cancelled job ${f.openJob} \\(tx 0x[0-9a-f]{64}\\)`));
      expect(output).to.include(`Refunded 100 tUSD to the client ${f.client.address}`);
      expect(await f.usd.balanceOf(f.client.address)).to.equal(before + JOB_PAYMENT);
      expect((await readJob(f.JobEscrow, f.openJob)).status).to.equal(Number(JobStatus.Cancelled));
      await expectTaskError(
        "job:cancel",
        { id: String(f.openJob), account: CLIENT_ACCOUNT },
        new RegExp(`Job ${f.openJob} is Cancelled: it is closed, there is nothing to cancel\\.`),
      );
    });

    it("refuses anyone but the client", async function () {
      const f = await loadFixture(clientFixture);
      await expectTaskError(
        "job:cancel",
        { id: String(f.openJob), account: OUTSIDER_ACCOUNT },
        new RegExp(`Only job ${f.openJob}'s client ${f.client.address} can cancel it`),
      );
    });

    it("refuses an accepted job and says when it can be reclaimed", async function () {
      const f = await loadFixture(clientFixture);
      const { deadline } = await readJob(f.JobEscrow, f.assignedJob);
      const wait = deadline + 1n - BigInt(await time.latest());
      const minutes = wait / 60n;
      await expectTaskError(
        "job:cancel",
        { id: String(f.assignedJob), account: CLIENT_ACCOUNT },
        new RegExp(
          `Job ${f.assignedJob} is Assigned: provider ${f.provider.address} accepted it, so it cannot be cancelled; ` +
            `it can be reclaimed from \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, in ${minutes} min ${wait % 60n} s ` +
            `\\(npx hardhat job:reclaim --id ${f.assignedJob}\\)\\.`,
        ),
      );
    });
  });

  describe("job:reclaim", function () {
    it("refunds an abandoned job past its deadline and pays the client the forfeited collateral", async function () {
      const f = await loadFixture(clientFixture);
      const { deadline } = await readJob(f.JobEscrow, f.assignedJob);
      const [usdBefore, weftBefore, stakeBefore] = await Promise.all([
        f.usd.balanceOf(f.client.address),
        f.ComputeToken.balanceOf(f.client.address),
        f.ProviderRegistry.providerState(f.provider.address),
      ]);
      await time.increaseTo(deadline);
      const status = await runTask("job:status", { id: String(f.assignedJob) });
      expect(status).to.include("the provider missed its deadline");
      expect(status).to.include(`reclaim it (npx hardhat job:reclaim --id ${f.assignedJob})`);
      const output = await runTask("job:reclaim", { id: String(f.assignedJob), account: CLIENT_ACCOUNT });
      expect(output).to.include(`Job ${f.assignedJob} timed out`);
      expect(output).to.include(`Refunded 100 tUSD to the client ${f.client.address}`);
      expect(output).to.include(
        `Provider ${f.provider.address} forfeited 100 WEFT of its 1,000 WEFT collateral to ${f.client.address}`,
      );
      expect(await f.usd.balanceOf(f.client.address)).to.equal(usdBefore + JOB_PAYMENT);
      expect(await f.ComputeToken.balanceOf(f.client.address)).to.equal(weftBefore + PENALTY);
      const stakeAfter = await f.ProviderRegistry.providerState(f.provider.address);
      expect(stakeAfter.staked).to.equal(stakeBefore.staked - PENALTY);
      expect(stakeAfter.locked).to.equal(stakeBefore.locked - JOB_COLLATERAL);
    });

    it("refuses before the deadline, saying when the job can be reclaimed", async function () {
      const f = await loadFixture(clientFixture);
      await expectTaskError(
        "job:reclaim",
        { id: String(f.assignedJob) },
        /provider has until .* UTC to submit; it can be reclaimed from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, in \d+ min \d+ s\./,
      );
      expect((await readJob(f.JobEscrow, f.assignedJob)).status).to.equal(Number(JobStatus.Assigned));
    });

    it("sends a client whose job nobody accepted to job:cancel", async function () {
      const f = await loadFixture(clientFixture);
      await expectTaskError(
        "job:reclaim",
        { id: String(f.openJob) },
        new RegExp(`Job ${f.openJob} is Open: no provider accepted it; cancel it instead \\(npx hardhat job:cancel`),
      );
    });
  });
});

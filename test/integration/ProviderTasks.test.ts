import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Set before anything loads src/deploy/addressBook, which fixes the directory the tasks read (test/helpers/tasks.ts).
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-provider-tasks-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { Roles } from "../../config/roles";
import { formatUtc } from "../../src/markdown";
import type { ProviderStatusJson } from "../../src/staking/status";
import { deployWeftFixture, STARTING_WEFT } from "../fixtures/weft";
import { expectTaskError, preserveAddressBook, runTask, writeFixtureAddressBook } from "../helpers/tasks";
import "../../tasks/provider/register";
import "../../tasks/provider/stake";
import "../../tasks/provider/run";
import "../../tasks/provider/status";
import "../../tasks/provider/unbond";
import "../../tasks/provider/withdraw";
import "../../tasks/provider/update";

/** Configured accounts (hardhat's signers) the tasks act as: see deployWeftFixture for 0..6. */
const PROVIDER = 2;
const SECOND_PROVIDER = 3;
/** Holds the ESCROW and DISPUTES roles, to lock collateral and slash as the escrow and dispute manager would. */
const HOOKS = 8;
/** Holds no WEFT. */
const PAUPER = 9;

const weft = (text: string) => ethers.parseEther(text);
const STAKE = weft("2000");

describe("Provider tasks", function () {
  let signers: HardhatEthersSigner[];
  let dir: string;
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);
  before(async function () {
    signers = await ethers.getSigners();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-provider-tasks-run-"));
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The deployment and its address book; PROVIDER registered (RTX 4090, 24 GB) with STAKE staked by the tasks. */
  async function providerTasksFixture() {
    const f = await loadFixture(deployWeftFixture);
    await writeFixtureAddressBook(f);
    const hooks = signers[HOOKS].address;
    await f.AccessManager.connect(f.timelock).grantRole(Roles.ESCROW, hooks, 0);
    await f.AccessManager.connect(f.timelock).grantRole(Roles.DISPUTES, hooks, 0);
    await run("provider:register", PROVIDER, { gpu: "RTX 4090", vram: "24", metadataUri: "" });
    await run("provider:stake", PROVIDER, { amount: "2000" });
    return { ...f, registry: f.ProviderRegistry, hooks: f.ProviderRegistry.connect(signers[HOOKS]) };
  }

  const address = (account: number) => signers[account].address;

  /** Runs a task as configured account `account`. */
  function run(name: string, account: number, args: Record<string, unknown> = {}): Promise<string> {
    return runTask(name, { ...args, account: `${account}` });
  }

  async function statusJson(account: number): Promise<ProviderStatusJson> {
    return JSON.parse(await run("provider:status", account, { json: true })) as ProviderStatusJson;
  }

  describe("provider:status", function () {
    it("shows a staked provider's profile, stake split and that it can accept jobs, in WEFT", async function () {
      await loadFixture(providerTasksFixture);
      const table = await run("provider:status", PROVIDER);
      expect(table).to.include(address(PROVIDER));
      expect(table).to.match(/profile\s+│ RTX 4090, 24 GB/);
      expect(table).to.match(/staked\s+│ 2,000 WEFT \(minimum to accept jobs 1,000 WEFT\)/);
      expect(table).to.match(/free\s+│ 2,000 WEFT/);
      expect(table).to.match(/can accept jobs\s+│ yes/);
      for (const line of table.split("\n")) expect(line.length).to.be.at.most(100);

      const json = await statusJson(PROVIDER);
      expect(json).to.deep.include({
        address: address(PROVIDER),
        registered: true,
        profile: { gpuModel: "RTX 4090", vramGb: 24, metadataURI: "" },
        staked: { wei: STAKE.toString(), formatted: "2,000 WEFT" },
        locked: { wei: "0", formatted: "0 WEFT" },
        free: { wei: STAKE.toString(), formatted: "2,000 WEFT" },
        unbonding: [],
        jailed: false,
        canAcceptJobs: true,
        blockers: [],
      });
    });

    it("says an unregistered account cannot accept jobs and how to register, for --address too", async function () {
      await loadFixture(providerTasksFixture);
      const json = JSON.parse(
        await run("provider:status", PROVIDER, { address: address(PAUPER), json: true }),
      ) as ProviderStatusJson;
      expect(json.registered).to.equal(false);
      expect(json.profile).to.equal(null);
      expect(json.canAcceptJobs).to.equal(false);
      expect(json.blockers).to.deep.equal([
        'not registered: npx hardhat provider:register --gpu "<model>" --vram <GB>',
      ]);
      await expectTaskError("provider:status", { address: "0x12", account: "0" }, /^--address must be an address/);
    });

    it("says a slashed provider is jailed until when and owes collateral debt", async function () {
      const f = await loadFixture(providerTasksFixture);
      await f.hooks.lockCollateral(address(PROVIDER), weft("1500"));
      // Half of 2000 = 1000: the 500 free, then 500 of the locked collateral, which becomes debt.
      await f.hooks.slash(address(PROVIDER), 1n, 0n, 5000n, [address(0)], [10_000]);
      const state = await f.registry.providerState(address(PROVIDER));
      expect(state.debt).to.equal(weft("500"));

      const json = await statusJson(PROVIDER);
      expect(json.canAcceptJobs).to.equal(false);
      expect(json.jailed).to.equal(true);
      expect(json.debt).to.deep.equal({ wei: weft("500").toString(), formatted: "500 WEFT" });
      expect(json.staked.formatted).to.equal("1,000 WEFT");
      // The status is read at the slash's block, so the jail has its whole duration (1 d locally) left.
      expect(await f.registry.jailDuration()).to.equal(86_400n);
      expect(json.blockers).to.deep.equal([
        `jailed until ${formatUtc(state.jailedUntil)} (in 1 d)`,
        "owes 500 WEFT of collateral debt, paid back as its running jobs settle",
      ]);
      const table = await run("provider:status", PROVIDER);
      expect(table).to.match(/can accept jobs\s+│ no:/);
      expect(table).to.include(`- jailed until ${formatUtc(state.jailedUntil)} (in 1 d)`);
      for (const line of table.split("\n")) expect(line.length).to.be.at.most(100);
    });

    it("says how much more a provider below the minimum stake must stake", async function () {
      const f = await loadFixture(providerTasksFixture);
      await run("provider:unbond", PROVIDER, { amount: "1500" });
      expect(await f.registry.canAcceptJobs(address(PROVIDER))).to.equal(false);
      expect((await statusJson(PROVIDER)).blockers).to.deep.equal([
        "stake 500 WEFT is below the minimum 1,000 WEFT: npx hardhat provider:stake --amount 500.0",
      ]);
    });
  });

  describe("provider:unbond and provider:withdraw", function () {
    it("unbonds free stake, says when it matures, and withdraws exactly that once matured", async function () {
      const f = await loadFixture(providerTasksFixture);
      const period = await f.registry.unbondingPeriod();
      const printed = await run("provider:unbond", PROVIDER, { amount: "500" });
      const { timestamp } = (await ethers.provider.getBlock("latest"))!;
      const maturesAt = BigInt(timestamp) + period;
      const [entry] = await f.registry.unbondingEntries(address(PROVIDER));
      expect(entry.amount).to.equal(weft("500"));
      expect(entry.maturesAt).to.equal(maturesAt);
      expect((await f.registry.providerState(address(PROVIDER))).staked).to.equal(weft("1500"));
      expect(printed).to.include(`It matures ${formatUtc(maturesAt)} (in 2 h)`);
      expect(printed).to.include("Free stake left: 1,500 WEFT");
      expect((await statusJson(PROVIDER)).unbonding).to.deep.equal([
        {
          amount: { wei: weft("500").toString(), formatted: "500 WEFT" },
          maturesAt: Number(maturesAt),
          maturesAtUtc: formatUtc(maturesAt),
          matured: false,
        },
      ]);
      expect(await run("provider:status", PROVIDER)).to.include(`500 WEFT matures ${formatUtc(maturesAt)} (in 2 h)`);

      await expectTaskError(
        "provider:withdraw",
        { account: `${PROVIDER}` },
        new RegExp(`^Nothing has matured yet: the next entry, 500 WEFT, matures ${formatUtc(maturesAt)} \\(in `),
      );

      const before = await f.ComputeToken.balanceOf(address(PROVIDER));
      await time.increaseTo(maturesAt);
      expect(await run("provider:withdraw", PROVIDER)).to.match(/^Withdrew 500 WEFT to 0x[0-9a-fA-F]{40} in tx /);
      expect(await f.ComputeToken.balanceOf(address(PROVIDER))).to.equal(before + weft("500"));
      expect(await f.registry.unbondingEntries(address(PROVIDER))).to.deep.equal([]);
      expect(before).to.equal(STARTING_WEFT - STAKE);
    });

    it("refuses to unbond more than the free stake, saying the free stake, and sends nothing", async function () {
      const f = await loadFixture(providerTasksFixture);
      await f.hooks.lockCollateral(address(PROVIDER), weft("1500"));
      await expectTaskError(
        "provider:unbond",
        { amount: "600", account: `${PROVIDER}` },
        new RegExp(
          `^Cannot unbond 600 WEFT: the free stake of ${address(PROVIDER)} is 500 WEFT ` +
            `\\(1,500 WEFT is locked as collateral of running jobs\\)\\.$`,
        ),
      );
      expect(await f.registry.unbondingEntries(address(PROVIDER))).to.deep.equal([]);
      expect(await f.registry.freeStake(address(PROVIDER))).to.equal(weft("500"));
    });

    it("refuses to withdraw with nothing unbonding, and to unbond for an unregistered account", async function () {
      await loadFixture(providerTasksFixture);
      await expectTaskError(
        "provider:withdraw",
        { account: `${PROVIDER}` },
        /has no unbonding stake; start with npx hardhat provider:unbond --amount <WEFT>\.$/,
      );
      await expectTaskError(
        "provider:unbond",
        { amount: "1", account: `${PAUPER}` },
        /is not a registered provider; it has no stake to unbond\.$/,
      );
    });
  });

  describe("provider:update", function () {
    it("replaces the fields given and keeps the others", async function () {
      const f = await loadFixture(providerTasksFixture);
      const printed = await run("provider:update", PROVIDER, { vram: "48", metadataUri: "https://gpu.example" });
      expect(printed).to.match(/RTX 4090, 24 GB -> RTX 4090, 48 GB, https:\/\/gpu\.example$/);
      const profile = await f.registry.profile(address(PROVIDER));
      expect([profile.gpuModel, profile.vramGb, profile.metadataURI]).to.deep.equal([
        "RTX 4090",
        48n,
        "https://gpu.example",
      ]);
    });

    it("refuses an unchanged profile, no field, a bad field and an unregistered account", async function () {
      await loadFixture(providerTasksFixture);
      const as = (account: number, args: Record<string, unknown>) => ({ ...args, account: `${account}` });
      await expectTaskError("provider:update", as(PROVIDER, { vram: "24" }), /already is RTX 4090, 24 GB; nothing/);
      await expectTaskError("provider:update", as(PROVIDER, {}), /^Give what to change: --gpu, --vram/);
      await expectTaskError("provider:update", as(PROVIDER, { vram: "0" }), /^--vram must be a whole number/);
      await expectTaskError("provider:update", as(PAUPER, { gpu: "A100" }), /is not a registered provider/);
    });
  });

  describe("a stake that cannot happen", function () {
    const missing = (account: number, amount: string) =>
      `nothing was sent. From a funded account: npx hardhat token:transfer --to ${address(account)} ` +
      `--amount ${amount} --network hardhat`;

    it("provider:run --gpu --stake refuses before registering an account without the WEFT", async function () {
      const f = await loadFixture(providerTasksFixture);
      await f.ComputeToken.connect(signers[1]).transfer(address(PAUPER), weft("400"));
      await expectTaskError(
        "provider:run",
        {
          account: `${PAUPER}`,
          gpu: "A100",
          vram: "80",
          stake: "1000",
          state: path.join(dir, "pauper.json"),
          store: path.join(dir, "store"),
          backend: "cpu",
        },
        new RegExp(
          `^${address(PAUPER)} holds 400 WEFT, 600 WEFT short of the 1,000 WEFT to stake; ` +
            missing(PAUPER, "600.0").replace(/\./g, "\\.") +
            "$",
        ),
      );
      expect((await f.registry.providerState(address(PAUPER))).registered).to.equal(false);
      expect(await f.ComputeToken.balanceOf(address(PAUPER))).to.equal(weft("400"));
    });

    it("provider:stake refuses with the WEFT missing and stakes nothing", async function () {
      const f = await loadFixture(providerTasksFixture);
      await run("provider:register", SECOND_PROVIDER, { gpu: "H100", vram: "80", metadataUri: "" });
      await expectTaskError(
        "provider:stake",
        { amount: "100500", account: `${SECOND_PROVIDER}` },
        new RegExp(`short of the 100,500 WEFT to stake; ${missing(SECOND_PROVIDER, "500.0").replace(/\./g, "\\.")}$`),
      );
      expect((await f.registry.providerState(address(SECOND_PROVIDER))).staked).to.equal(0n);
      expect(await f.ComputeToken.balanceOf(address(SECOND_PROVIDER))).to.equal(STARTING_WEFT);
    });
  });
});

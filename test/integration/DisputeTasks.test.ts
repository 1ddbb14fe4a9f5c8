import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Set before anything loads src/deploy/addressBook, which fixes the directory the tasks read (test/helpers/tasks.ts).
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-dispute-tasks-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { memoryLogger } from "../../src/agents/logger";
import { Roles } from "../../src/access/roles";
import { DisputeKind, DisputeStatus } from "../../src/chain/disputes";
import { JobStatus, readJob } from "../../src/chain/jobs";
import { createJobFromSpec } from "../../src/jobs/create";
import { parseJobRequest } from "../../src/jobs/request";
import { formatUtc } from "../../src/jobs/status";
import { ProviderAgent } from "../../src/provider/agent";
import { CpuBackend } from "../../src/provider/backends/cpu";
import type { CheatConfig } from "../../src/provider/cheat";
import { ensureProvider } from "../../src/provider/setup";
import { FileContentStore } from "../../src/store/fs-store";
import { CUSTOM_WORKLOAD, submitJob } from "../fixtures/disputes";
import { createJob, jobTerms } from "../fixtures/jobs";
import { deployWeftFixture } from "../fixtures/weft";
import { expectTaskError, preserveAddressBook, runTask, writeFixtureAddressBook } from "../helpers/tasks";
import "../../tasks/dispute/open";
import "../../tasks/dispute/reveal";
import "../../tasks/dispute/resolve";
import "../../tasks/dispute/arbitrate";
import "../../tasks/dispute/status";

const BPS = 10_000n;
const STAKE = ethers.parseEther("20000");
/** 12 x 20 = 240 output words in two result chunks; element (7, 5) is word 145, in the second (short) chunk. */
const SHAPE = { m: 12, k: 16, n: 20 };
const WORDS = SHAPE.m * SHAPE.n;
const ELEMENT = { row: 7, col: 5, word: 7 * SHAPE.n + 5, chunk: 1 };
/** The flip-one cheater draws 0.61 for each choice: it cheats, on word floor(0.61 * 240). */
const FLIP_DRAW = 0.61;
const FLIPPED_WORD = Math.floor(FLIP_DRAW * WORDS);

/** Configured accounts (hardhat's signers) the tasks act as: see deployWeftFixture for 0..6. */
const PROVIDER_ACCOUNT = "2";
const CHALLENGER_ACCOUNT = "4";
const WITHHOLDER_ACCOUNT = 7;
const ARBITER_ACCOUNT = 8;

const TX = "0x[0-9a-f]{64}";

describe("Dispute tasks", function () {
  let dir: string;
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-dispute-tasks-store-"));
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The deployment and its address book, an ARBITER, and four Submitted jobs inside their challenge windows: three
   * matmul-i8 jobs computed by real provider agents (honest, flip-one, withholding its output) and one of a
   * workload without a checker, submitted by contract calls.
   */
  async function disputeTasksFixture() {
    const f = await loadFixture(deployWeftFixture);
    const signers = await ethers.getSigners();
    const withholder = signers[WITHHOLDER_ACCOUNT];
    const arbiter = signers[ARBITER_ACCOUNT];
    await f.ComputeToken.transfer(withholder.address, STAKE);
    await f.AccessManager.connect(f.timelock).grantRole(Roles.ARBITER, arbiter.address, 0);
    await writeFixtureAddressBook(f);
    const store = path.join(dir, "store");

    async function providerAgent(signer: HardhatEthersSigner, name: string, cheat?: CheatConfig) {
      const logger = memoryLogger();
      const profile = { gpuModel: name, vramGb: 80, metadataURI: "" };
      await ensureProvider(f, signer, { profile, minStake: STAKE }, logger);
      return ProviderAgent.create({
        system: f,
        signer,
        backend: new CpuBackend({ workers: 1 }),
        store: new FileContentStore(store),
        cheat,
        stateFile: path.join(dir, `${name}.json`),
        startBlock: 0,
        logger,
      });
    }
    async function directedJob(provider: HardhatEthersSigner, seed: number): Promise<bigint> {
      const request = parseJobRequest({
        workload: "matmul-i8",
        shape: `${SHAPE.m},${SHAPE.k},${SHAPE.n}`,
        seed: `${seed}`,
      });
      const options = { token: await f.usd.getAddress(), payment: "5", provider: provider.address, store };
      return (await createJobFromSpec(f, f.client, request, options)).jobId;
    }

    const agents = [
      await providerAgent(f.provider, "honest"),
      await providerAgent(f.provider2, "flip-one", { mode: "flip-one", rate: 1, random: () => FLIP_DRAW }),
      await providerAgent(withholder, "withhold", { mode: "withhold", rate: 1 }),
    ];
    const honestJob = await directedJob(f.provider, 1);
    const flippedJob = await directedJob(f.provider2, 2);
    const withheldJob = await directedJob(withholder, 3);
    for (const agent of agents) await agent.tick();
    const customJob = await submitJob(f, CUSTOM_WORKLOAD, "0x1234", ethers.id("custom inputs"), ethers.id("result"));
    for (const id of [honestJob, flippedJob, withheldJob, customJob]) {
      expect((await readJob(f.JobEscrow, id)).status).to.equal(JobStatus.Submitted);
    }
    return { ...f, honestJob, flippedJob, withheldJob, customJob };
  }

  type Fixture = Awaited<ReturnType<typeof disputeTasksFixture>>;

  async function disputeOf(f: Fixture, id: bigint) {
    const d = await f.DisputeManager.dispute(id);
    return { kind: Number(d.kind), status: Number(d.status), deadline: d.deadline, openedAt: d.openedAt };
  }

  async function jobStatus(f: Fixture, id: bigint): Promise<number> {
    return Number((await readJob(f.JobEscrow, id)).status);
  }

  function opened(id: bigint, disputePath: string): RegExp {
    return new RegExp(`^Dispute on job ${id} \\(${disputePath}\\) in tx ${TX}$`);
  }

  describe("dispute:open --path proof", function () {
    it("slashes a flip-one result, proving the exact wrong word, and pays the challenger its share", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.flippedJob;
      const slash = await f.DisputeManager.slashAmount(id, await jobTerms(f, id));
      const { challengerBps } = await f.DisputeManager.slashSplit();
      const before = await f.ComputeToken.balanceOf(f.outsider.address);

      const output = await runTask("dispute:open", { id: `${id}`, path: "proof", account: CHALLENGER_ACCOUNT });

      expect(output).to.match(opened(id, "proof"));
      expect(await jobStatus(f, id)).to.equal(JobStatus.Slashed);
      expect(await disputeOf(f, id)).to.include({ kind: DisputeKind.Proof, status: DisputeStatus.ProviderAtFault });
      const [proven] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.FraudProven(id));
      expect(proven.args.wordIndex).to.equal(BigInt(FLIPPED_WORD));
      expect((await f.ComputeToken.balanceOf(f.outsider.address)) - before).to.equal((slash * challengerBps) / BPS);
    });

    it("refuses an honest result with one line saying it checks out, and nothing is disputed", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.honestJob;
      const before = await f.ComputeToken.balanceOf(f.outsider.address);
      await expectTaskError(
        "dispute:open",
        { id: `${id}`, path: "proof", account: CHALLENGER_ACCOUNT },
        new RegExp(`^Job ${id}'s result checks out: there is no fraud to prove\\.$`),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Submitted);
      expect((await disputeOf(f, id)).status).to.equal(DisputeStatus.None);
      expect(await f.ComputeToken.balanceOf(f.outsider.address)).to.equal(before);
    });

    it("sends a job whose output was withheld to --path withheld", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.withheldJob;
      await expectTaskError(
        "dispute:open",
        { id: `${id}`, path: "proof", account: CHALLENGER_ACCOUNT },
        new RegExp(`^Job ${id}'s output is unusable \\(output-unavailable\\): use --path withheld\\.$`),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Submitted);
      expect((await disputeOf(f, id)).status).to.equal(DisputeStatus.None);
    });
  });

  describe("dispute:open --path withheld, dispute:status, dispute:resolve", function () {
    it("slashes a provider that withheld its output and never reveals, once the response deadline has passed", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.withheldJob;
      const output = await runTask("dispute:open", {
        id: `${id}`,
        path: "withheld",
        row: `${ELEMENT.row}`,
        col: `${ELEMENT.col}`,
        account: CHALLENGER_ACCOUNT,
      });
      expect(output).to.match(opened(id, "withheld"));
      expect(await jobStatus(f, id)).to.equal(JobStatus.Disputed);
      const { deadline, openedAt } = await disputeOf(f, id);
      const responseWindow = await f.DisputeManager.responseWindow();
      expect(deadline - openedAt).to.equal(responseWindow);

      const left = deadline - BigInt(await time.latest());
      const status = await runTask("dispute:status", { id: `${id}` });
      expect(status.split("\n")).to.deep.equal([
        `Job ${id}: Withheld dispute, AwaitingReveal`,
        `  challenger  ${f.outsider.address}`,
        `  bond        ${await f.DisputeManager.bond()} (ComputeToken wei)`,
        `  opened      ${formatUtc(openedAt)} (now)`,
        `  reveal by   ${formatUtc(deadline)} (in ${left} s)`,
        `  element     word ${ELEMENT.word} of ${WORDS}`,
      ]);

      await expectTaskError(
        "dispute:resolve",
        { id: `${id}` },
        new RegExp(`^Job ${id}'s dispute deadline is ${formatUtc(deadline)} \\(in ${left} s\\); resolve after it\\.$`),
      );
      expect((await disputeOf(f, id)).status).to.equal(DisputeStatus.AwaitingReveal);

      await time.increase(responseWindow);
      expect(await runTask("dispute:resolve", { id: `${id}` })).to.match(
        new RegExp(`^Dispute on job ${id} resolved in tx ${TX}$`),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Slashed);
      expect((await disputeOf(f, id)).status).to.equal(DisputeStatus.ProviderAtFault);
      const settled = await runTask("dispute:status", { id: `${id}` });
      expect(settled).to.include(`Job ${id}: Withheld dispute, ProviderAtFault`);
      expect(settled).not.to.include("deadline");
    });
  });

  describe("dispute:reveal", function () {
    it("lets an honest provider reveal the named chunk from where it published its output", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.honestJob;
      await runTask("dispute:open", {
        id: `${id}`,
        path: "withheld",
        row: `${ELEMENT.row}`,
        col: `${ELEMENT.col}`,
        account: CHALLENGER_ACCOUNT,
      });
      expect((await disputeOf(f, id)).status).to.equal(DisputeStatus.AwaitingReveal);

      const output = await runTask("dispute:reveal", { id: `${id}`, account: PROVIDER_ACCOUNT });

      expect(output).to.match(
        new RegExp(`job ${id}: withheld-data dispute answered: revealed chunk ${ELEMENT.chunk} in tx ${TX}\n`),
      );
      expect(output).to.match(new RegExp(`Revealed the disputed chunk of job ${id}\n?$`));
      const { status, deadline } = await disputeOf(f, id);
      expect(status).to.equal(DisputeStatus.Revealed);
      const [revealed] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.ChunkRevealed(id));
      expect(revealed.args.chunkIndex).to.equal(BigInt(ELEMENT.chunk));
      expect(revealed.args.followUpDeadline).to.equal(deadline);
      const shown = await runTask("dispute:status", { id: `${id}` });
      expect(shown).to.include(`Job ${id}: Withheld dispute, Revealed`);
      expect(shown).to.include(`  follow-up by ${formatUtc(deadline)} (in `);

      await expectTaskError(
        "dispute:reveal",
        { id: `${id}`, account: PROVIDER_ACCOUNT },
        new RegExp(`^Job ${id}'s dispute is Revealed; there is nothing to reveal\\.$`),
      );
    });

    it("refuses when nothing awaits a reveal", async function () {
      const f = await loadFixture(disputeTasksFixture);
      await expectTaskError(
        "dispute:reveal",
        { id: `${f.honestJob}`, account: PROVIDER_ACCOUNT },
        new RegExp(`^Job ${f.honestJob}'s dispute is None; there is nothing to reveal\\.$`),
      );
    });
  });

  describe("dispute:open --path arbitration, dispute:arbitrate", function () {
    it("takes a job of a workload without a checker to the arbiter, whose ruling of fault slashes it", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.customJob;
      const evidence = "ipfs://bafy-evidence";
      const output = await runTask("dispute:open", {
        id: `${id}`,
        path: "arbitration",
        evidence,
        account: CHALLENGER_ACCOUNT,
      });
      expect(output).to.match(opened(id, "arbitration"));
      const [requested] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.ArbitrationRequested(id));
      expect(requested.args.evidenceURI).to.equal(evidence);
      const status = await runTask("dispute:status", { id: `${id}` });
      expect(status).to.include(`Job ${id}: Arbitration dispute, AwaitingRuling`);
      expect(status).to.include(`  ruling by   ${formatUtc((await disputeOf(f, id)).deadline)} (in `);

      await expectTaskError(
        "dispute:arbitrate",
        { id: `${id}`, fault: "maybe", account: `${ARBITER_ACCOUNT}` },
        /^--fault must be yes or no; got "maybe"\.$/,
      );
      // Only the ARBITER may rule: refused before any transaction, naming the role.
      await expectTaskError(
        "dispute:arbitrate",
        { id: `${id}`, fault: "yes", account: CHALLENGER_ACCOUNT },
        /does not hold the ARBITER role; the DAO grants it\.$/,
      );
      expect((await disputeOf(f, id)).status).to.equal(DisputeStatus.AwaitingRuling);

      const ruled = await runTask("dispute:arbitrate", { id: `${id}`, fault: "yes", account: `${ARBITER_ACCOUNT}` });
      expect(ruled).to.match(new RegExp(`^Ruled fault on job ${id} in tx ${TX}$`));
      expect(await jobStatus(f, id)).to.equal(JobStatus.Slashed);
      expect((await disputeOf(f, id)).status).to.equal(DisputeStatus.ProviderAtFault);
    });
  });

  describe("refuses bad input with one line and disputes nothing", function () {
    const cases: [string, string, (f: Fixture) => Promise<Record<string, unknown>>, (f: Fixture) => RegExp][] = [
      [
        "an unknown --path",
        "dispute:open",
        async (f) => ({ id: `${f.flippedJob}`, path: "fraud" }),
        () => /^--path must be one of proof, withheld, arbitration; got "fraud"\.$/,
      ],
      [
        "a malformed --id",
        "dispute:open",
        async () => ({ id: "abc", path: "proof" }),
        () => /^--id must be a job id \(1, 2, \.\.\.\); got "abc"\./,
      ],
      [
        "a job id that does not exist",
        "dispute:open",
        async () => ({ id: "99", path: "proof" }),
        () => /^Job 99 does not exist \(the escrow has 4 jobs\)\.$/,
      ],
      [
        "a job that is not Submitted",
        "dispute:open",
        async (f) => ({ id: `${await createJob(f)}`, path: "proof" }),
        () => /^Job \d+ is Open; only a Submitted job can be disputed\.$/,
      ],
      [
        "a job whose challenge window has closed",
        "dispute:open",
        async (f) => {
          await time.increaseTo((await readJob(f.JobEscrow, f.flippedJob)).deadline);
          return { id: `${f.flippedJob}`, path: "proof" };
        },
        (f) =>
          new RegExp(`^Job ${f.flippedJob}'s challenge window closed \\d{4}-\\d\\d-\\d\\d [\\d:]{8} UTC \\(now\\)\\.$`),
      ],
      [
        "--path withheld without --col",
        "dispute:open",
        async (f) => ({ id: `${f.withheldJob}`, path: "withheld", row: "1" }),
        () => /^--path withheld needs --row and --col: the element whose chunk the provider must reveal\.$/,
      ],
      [
        "a --row that is not a number",
        "dispute:open",
        async (f) => ({ id: `${f.withheldJob}`, path: "withheld", row: "x", col: "1" }),
        () => /^--row must be an integer from 0 to 4294967295; got "x"\.$/,
      ],
      [
        "--path arbitration without --evidence",
        "dispute:open",
        async (f) => ({ id: `${f.customJob}`, path: "arbitration" }),
        () => /^--path arbitration needs --evidence <uri>\.$/,
      ],
      [
        "--path proof on a workload without a checker",
        "dispute:open",
        async (f) => ({ id: `${f.customJob}`, path: "proof" }),
        (f) =>
          new RegExp(
            `^Job ${f.customJob}'s workload has no on-chain checker: use --path arbitration --evidence <uri>\\.$`,
          ),
      ],
      [
        "--path arbitration on a workload with a checker",
        "dispute:open",
        async (f) => ({ id: `${f.flippedJob}`, path: "arbitration", evidence: "ipfs://evidence" }),
        (f) =>
          new RegExp(
            `^Job ${f.flippedJob}'s workload has an on-chain checker: use --path proof or --path withheld\\.$`,
          ),
      ],
      [
        "an element outside the output",
        "dispute:open",
        async (f) => ({ id: `${f.withheldJob}`, path: "withheld", row: `${SHAPE.m}`, col: "0" }),
        () => new RegExp(`^\\(${SHAPE.m}, 0\\) is outside job \\d+'s ${SHAPE.m} x ${SHAPE.n} output\\.$`),
      ],
      [
        "a challenger who cannot pay the bond",
        "dispute:open",
        async (f) => ({ id: `${f.withheldJob}`, path: "withheld", row: "0", col: "0", account: "9" }),
        () => /^The bond is 100000000000000000000 WEFT wei and 0x[0-9a-fA-F]{40} holds 0\.$/,
      ],
      [
        "resolving a job that was never disputed",
        "dispute:resolve",
        async (f) => ({ id: `${f.withheldJob}` }),
        (f) => new RegExp(`^Job ${f.withheldJob}'s dispute is None: nothing to resolve\\.$`),
      ],
      [
        "a ruling on a job that awaits none",
        "dispute:arbitrate",
        async (f) => ({ id: `${f.customJob}`, fault: "no", account: `${ARBITER_ACCOUNT}` }),
        (f) => new RegExp(`^Job ${f.customJob}'s dispute is None, not awaiting a ruling\\.$`),
      ],
      [
        "a malformed --id for dispute:status",
        "dispute:status",
        async () => ({ id: "0" }),
        () => /^--id must be a job id \(1, 2, \.\.\.\); got "0"\./,
      ],
    ];
    for (const [what, name, args, pattern] of cases) {
      it(`refuses ${what}`, async function () {
        const f = await loadFixture(disputeTasksFixture);
        // dispute:status takes no --account; the others act as the challenger unless the case says otherwise.
        const account = name === "dispute:status" ? {} : { account: CHALLENGER_ACCOUNT };
        await expectTaskError(name, { ...account, ...(await args(f)) }, pattern(f));
        // A refused request sends nothing, not even the bond's approval.
        const challenger = (await ethers.getSigners())[Number(CHALLENGER_ACCOUNT)];
        expect(await f.ComputeToken.allowance(challenger.address, await f.DisputeManager.getAddress())).to.equal(0n);
        for (const id of [f.honestJob, f.flippedJob, f.withheldJob, f.customJob]) {
          expect((await disputeOf(f, id)).status, `job ${id}'s dispute`).to.equal(DisputeStatus.None);
          expect(await jobStatus(f, id)).to.equal(JobStatus.Submitted);
        }
      });
    }

    it("says when a job has never been disputed", async function () {
      const f = await loadFixture(disputeTasksFixture);
      expect(await runTask("dispute:status", { id: `${f.honestJob}` })).to.equal(
        `Job ${f.honestJob} has never been disputed.`,
      );
    });
  });
});

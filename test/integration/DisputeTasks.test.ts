import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Set before anything loads src/deploy/addressBook, which fixes the directory the tasks read (test/helpers/tasks.ts).
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-dispute-tasks-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { memoryLogger } from "../../src/agents/logger";
import { Roles } from "../../config/roles";
import { DisputeKind, DisputeStatus, readDispute } from "../../src/chain/disputes";
import { JobStatus, readJob, readJobRecord } from "../../src/chain/jobs";
import { openDispute } from "../../apps/roots/disputes";
import { UserError } from "../../src/errors";
import { createJobFromSpec } from "../../src/jobs/create";
import { parseJobRequest } from "../../src/jobs/request";
import { formatMoment, formatUtc, span } from "../../src/markdown";
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
import "../../tasks/dispute/step";
import "../../tasks/dispute/reveal";
import "../../tasks/dispute/resolve";
import "../../tasks/dispute/arbitrate";
import "../../tasks/dispute/status";

const BPS = 10_000n;
const STAKE = ethers.parseEther("20000");
/** 12 x 20 = 240 output words in two result chunks: the root (node 0) has leaves node 1 (chunk 1) and 2 (chunk 0). */
const SHAPE = { m: 12, k: 16, n: 20 };
const WORDS = SHAPE.m * SHAPE.n;
/** The flip-one cheater draws 0.61 for each choice: it cheats, on word floor(0.61 * 240) = 146, in chunk 1. */
const FLIP_DRAW = 0.61;
const FLIPPED_WORD = Math.floor(FLIP_DRAW * WORDS);

/** Configured accounts (hardhat's signers) the tasks act as: see deployWeftFixture for 0..6. */
const HONEST_PROVIDER = 2;
const FLIP_PROVIDER = 3;
const CHALLENGER = 4;
const SECOND_CHALLENGER = 5;
const WITHHOLDER = 7;
const ARBITER = 8;
/** Holds no WEFT. */
const PAUPER = 9;

const TX = "0x[0-9a-f]{64}";
const MOMENT =
  "\\d{4}-\\d\\d-\\d\\d [\\d:]{8} UTC \\((?:in [\\d,]+ \\w+(?: [\\d,]+ \\w+)?|now|[\\d,]+ \\w+(?: [\\d,]+ \\w+)? ago)\\)";
const HINT = " --network hardhat";

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A pattern from literal text in which MOMENT and TX stand for any moment and transaction hash. */
function line(text: string): RegExp {
  return new RegExp(
    "^" +
      escape(text)
        .replace(/<MOMENT>/g, MOMENT)
        .replace(/<TX>/g, TX) +
      "$",
  );
}

describe("Dispute tasks", function () {
  let dir: string;
  let signers: HardhatEthersSigner[];
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);
  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-dispute-tasks-store-"));
    signers = await ethers.getSigners();
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
    const withholder = signers[WITHHOLDER];
    await f.ComputeToken.transfer(withholder.address, STAKE);
    await f.AccessManager.connect(f.timelock).grantRole(Roles.ARBITER, signers[ARBITER].address, 0);
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

  const address = (account: number) => signers[account].address;
  const disputeOf = (f: Fixture, id: bigint) => readDispute(f.DisputeManager, id);
  const jobStatus = async (f: Fixture, id: bigint) => Number((await readJob(f.JobEscrow, id)).status);
  const weft = (f: Fixture, account: number) => f.ComputeToken.balanceOf(address(account));

  /** Runs a task as configured account `account`. */
  function run(name: string, account: number, args: Record<string, unknown>): Promise<string> {
    return runTask(name, { ...args, account: `${account}` });
  }

  /** Opens a withheld-data dispute by a contract call, as a griefer (or any tool but ours) would. */
  async function openWithheldDirectly(f: Fixture, account: number, jobId: bigint): Promise<bigint> {
    const signer = signers[account];
    await f.ComputeToken.connect(signer).approve(await f.DisputeManager.getAddress(), await f.DisputeManager.bond());
    const { created } = await readJobRecord(f.JobEscrow, jobId);
    await f.DisputeManager.connect(signer).disputeWithheld(jobId, await jobTerms(f, jobId), created.params);
    return f.DisputeManager.disputeCount();
  }

  /** Runs `body` while job `jobId`'s inputs are missing from the store (as if the client lost them). */
  async function withoutInputs(f: Fixture, jobId: bigint, body: (uri: string) => Promise<void>): Promise<void> {
    const { created } = await readJobRecord(f.JobEscrow, jobId);
    const file = fileURLToPath(created.inputURI);
    fs.renameSync(file, `${file}.away`);
    try {
      await body(created.inputURI);
    } finally {
      fs.renameSync(`${file}.away`, file);
    }
  }

  describe("dispute:open --path proof", function () {
    it("commits to the proof of the flipped word, reveals it a block later, and pays the challenger its share", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.flippedJob;
      const slash = await f.DisputeManager.slashAmount(id, await jobTerms(f, id));
      const { challengerBps } = await f.DisputeManager.slashSplit();
      const before = await weft(f, CHALLENGER);

      const output = await run("dispute:open", CHALLENGER, { job: `${id}`, path: "proof" });

      const [committed, revealed] = output.split("\n");
      expect(committed).to.match(line(`Dispute 1 on job ${id} (proof): proof committed in tx <TX>`));
      expect(revealed).to.match(
        line(`Dispute 1: proof revealed in tx <TX>; word ${FLIPPED_WORD} is wrong and the provider is slashed.`),
      );
      const [commitTx, revealTx] = output.match(new RegExp(TX, "g"))!;
      const [commitReceipt, revealReceipt] = await Promise.all(
        [commitTx, revealTx].map((hash) => ethers.provider.getTransactionReceipt(hash)),
      );
      expect(revealReceipt!.blockNumber).to.be.greaterThan(commitReceipt!.blockNumber);
      expect(await jobStatus(f, id)).to.equal(JobStatus.Slashed);
      expect(await disputeOf(f, 1n)).to.include({
        kind: DisputeKind.Proof,
        status: DisputeStatus.ProviderAtFault,
        jobId: id,
      });
      const [proven] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.FraudProven(1n));
      expect(proven.args.wordIndex).to.equal(BigInt(FLIPPED_WORD));
      expect((await weft(f, CHALLENGER)) - before).to.equal((slash * challengerBps) / BPS);
    });

    it("refuses an honest result with one line saying it checks out, and nothing is disputed", async function () {
      const f = await loadFixture(disputeTasksFixture);
      await expectTaskError(
        "dispute:open",
        { job: `${f.honestJob}`, path: "proof", account: `${CHALLENGER}` },
        line(`Job ${f.honestJob}'s result checks out: there is no fraud to prove.`),
      );
      expect(await f.DisputeManager.disputeCount()).to.equal(0n);
    });

    it("refuses a job whose inputs cannot be had: that is the client's fault", async function () {
      const f = await loadFixture(disputeTasksFixture);
      await withoutInputs(f, f.flippedJob, async () => {
        await expectTaskError(
          "dispute:open",
          { job: `${f.flippedJob}`, path: "proof", account: `${CHALLENGER}` },
          new RegExp(
            `^Job ${f.flippedJob} cannot be checked \\(.+\\); that is the client's fault, not the provider's\\.$`,
          ),
        );
      });
      expect(await f.DisputeManager.disputeCount()).to.equal(0n);
    });

    it("sends a job whose output was withheld to --path withheld", async function () {
      const f = await loadFixture(disputeTasksFixture);
      await expectTaskError(
        "dispute:open",
        { job: `${f.withheldJob}`, path: "proof", account: `${CHALLENGER}` },
        line(`Job ${f.withheldJob}'s output is unusable (output-unavailable): use --path withheld.`),
      );
      expect(await f.DisputeManager.disputeCount()).to.equal(0n);
    });
  });

  describe("dispute:step reveals a committed proof", function () {
    it("after a commit whose reveal never came (no new block), as its challenger only", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.flippedJob;
      const challenger = signers[CHALLENGER];
      // No miner and no block within 50 ms: the commit lands, the reveal waits in vain and says how to finish.
      const stuck = {
        system: f,
        signer: challenger,
        history: 0,
        network: "hardhat",
        pollMs: 10,
        blockTimeoutMs: 50,
      };
      let refused: unknown;
      try {
        await openDispute(stuck, { jobId: id, path: "proof" });
      } catch (error) {
        refused = error;
      }
      expect(refused).to.be.instanceOf(UserError);
      expect((refused as Error).message).to.match(
        line(
          `No block came after dispute 1's commit within 0.05 s; reveal its proof before <MOMENT> with npx hardhat dispute:step --dispute 1${HINT}.`,
        ),
      );
      expect(await disputeOf(f, 1n)).to.include({ kind: DisputeKind.Proof, status: DisputeStatus.AwaitingProof });
      const status = await runTask("dispute:status", { dispute: "1" });
      expect(status).to.include(
        `  turn              the challenger (${challenger.address}): reveal its committed proof`,
      );
      expect(status).to.match(new RegExp(`\n  committed         ${MOMENT}$`));
      const proof = await disputeOf(f, 1n);
      const committedAt = proof.deadline - proof.challengerTime;
      expect(JSON.parse(await runTask("dispute:status", { dispute: "1", json: true }))).to.deep.include({
        status: "AwaitingProof",
        committedAt: { unix: committedAt.toString(), utc: formatUtc(committedAt) },
        node: null,
        clocks: null,
      });

      // Opening again is refused: the account already has a dispute open on the job.
      await expectTaskError(
        "dispute:open",
        { job: `${id}`, path: "proof", account: `${CHALLENGER}` },
        line(
          `${challenger.address} already has dispute 1 open on job ${id} (Proof, AwaitingProof): play it with npx hardhat dispute:step --dispute 1${HINT}.`,
        ),
      );
      await expectTaskError(
        "dispute:step",
        { dispute: "1", account: `${SECOND_CHALLENGER}` },
        line(
          `Dispute 1 waits for the challenger (${challenger.address}) to reveal its committed proof, by <MOMENT>; ${address(SECOND_CHALLENGER)} has no move in it now.`,
        ),
      );

      const output = await run("dispute:step", CHALLENGER, { dispute: "1" });
      expect(output).to.match(
        line(
          `Dispute 1 on job ${id}: revealed the proof that word ${FLIPPED_WORD} is wrong in tx <TX>. The dispute ended: the provider was slashed and the bond went back to the challenger.`,
        ),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Slashed);
    });

    it("refuses to reveal a proof that is not the committed one", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.flippedJob;
      const signer = signers[SECOND_CHALLENGER];
      await f.ComputeToken.connect(signer).approve(await f.DisputeManager.getAddress(), await f.DisputeManager.bond());
      await f.DisputeManager.connect(signer).commitProof(id, await jobTerms(f, id), ethers.id("some other proof"));
      await expectTaskError(
        "dispute:step",
        { dispute: "1", account: `${SECOND_CHALLENGER}` },
        line(
          `The proof of word ${FLIPPED_WORD} found in job ${id} is not the one dispute 1 committed to, so it cannot be revealed there; at the deadline the bond goes to the provider.`,
        ),
      );
      expect((await disputeOf(f, 1n)).status).to.equal(DisputeStatus.AwaitingProof);
    });
  });

  describe("dispute:open --path withheld and dispute:step play the bisection", function () {
    it("down to the wrong chunk, which anyone then proves wrong: the provider is slashed", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.flippedJob;
      const provider = f.provider2.address;
      const challenger = address(CHALLENGER);
      const slash = await f.DisputeManager.slashAmount(id, await jobTerms(f, id));
      const { challengerBps } = await f.DisputeManager.slashSplit();
      const before = await weft(f, CHALLENGER);
      const window = await f.DisputeManager.responseWindow();

      const opened = await run("dispute:open", CHALLENGER, { job: `${id}`, path: "withheld" });
      expect(opened.split("\n")).to.have.length(2);
      expect(opened.split("\n")[0]).to.match(line(`Dispute 1 on job ${id} (withheld) opened in tx <TX>`));
      expect(opened.split("\n")[1]).to.match(
        line(
          `Next: the provider (${provider}) to reveal the children of node 0, by <MOMENT>. Play this account's moves with npx hardhat dispute:step --dispute 1${HINT} (a verifier:run with this account that finds the job wrong plays them too).`,
        ),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Disputed);
      const { deadline } = await disputeOf(f, 1n);
      expect(await runTask("dispute:status", { dispute: "1" })).to.equal(
        [
          `Dispute 1 on job ${id}: Withheld, AwaitingChildren`,
          `  challenger        ${challenger}`,
          `  bond              100 WEFT`,
          `  turn              the provider (${provider}): reveal the children of node 0, by ${formatMoment(deadline, deadline - window)}`,
          `  node              0, the root, of a ${WORDS}-word output in 2 chunks`,
          `  provider clock    ${span(window)} left (running)`,
          `  challenger clock  ${span(window)} left`,
        ].join("\n"),
      );
      const json = JSON.parse(await runTask("dispute:status", { dispute: "1", json: true }));
      const now = deadline - window;
      expect(json).to.deep.equal({
        asOf: { unix: now.toString(), utc: formatUtc(now) },
        id: "1",
        jobId: id.toString(),
        kind: "Withheld",
        status: "AwaitingChildren",
        open: true,
        challenger,
        bond: { wei: ethers.parseEther("100").toString(), formatted: "100 WEFT" },
        outcome: null,
        deadline: { unix: deadline.toString(), utc: formatUtc(deadline) },
        turn: {
          actor: "provider",
          address: provider,
          action: "reveal the children of node 0",
          deadlinePassed: false,
          outcomeAtDeadline: "the provider is slashed",
        },
        committedAt: null,
        node: { index: 0, position: "root", chunk: null, totalWords: WORDS, chunks: 2 },
        clocks: {
          provider: { secondsLeft: window.toString(), left: span(window), running: true },
          challenger: { secondsLeft: window.toString(), left: span(window), running: false },
        },
      });

      await expectTaskError(
        "dispute:step",
        { dispute: "1", account: `${CHALLENGER}` },
        line(
          `Dispute 1 waits for the provider (${provider}) to reveal the children of node 0, by <MOMENT>; ${challenger} has no move in it now.`,
        ),
      );
      expect(await run("dispute:step", FLIP_PROVIDER, { dispute: "1" })).to.match(
        line(
          `Dispute 1 on job ${id}: revealed the children of node 0 in tx <TX>. Next: the challenger (${challenger}) to name the child of node 0 it disputes, by <MOMENT>.`,
        ),
      );
      expect(await run("dispute:step", CHALLENGER, { dispute: "1" })).to.match(
        line(
          `Dispute 1 on job ${id}: disputed the left child of node 0 (node 1) in tx <TX>. Next: the provider (${provider}) to reveal chunk 1, by <MOMENT>.`,
        ),
      );
      const atLeaf = await runTask("dispute:status", { dispute: "1" });
      expect(atLeaf).to.include(`Dispute 1 on job ${id}: Withheld, AwaitingChunk`);
      expect(atLeaf).to.include(`  node              1, the leaf of chunk 1, of a ${WORDS}-word output in 2 chunks`);
      expect(atLeaf).to.match(
        /\n {2}provider clock {4}\d+ \w+(?: \d+ \w+)? left \(running\)\n {2}challenger clock {2}\d+ \w+(?: \d+ \w+)? left$/,
      );

      expect(await run("dispute:reveal", FLIP_PROVIDER, { dispute: "1" })).to.match(
        line(
          `Dispute 1 on job ${id}: revealed chunk 1 in tx <TX>. Next: anyone to prove a word of the revealed chunk 1 wrong, by <MOMENT>.`,
        ),
      );
      expect(await run("dispute:step", SECOND_CHALLENGER, { dispute: "1" })).to.match(
        line(
          `Dispute 1 on job ${id}: proved word ${FLIPPED_WORD} of the revealed chunk 1 wrong in tx <TX>. The dispute ended: the provider was slashed and the bond went back to the challenger.`,
        ),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Slashed);
      expect((await weft(f, CHALLENGER)) - before).to.equal((slash * challengerBps) / BPS);
      await expectTaskError(
        "dispute:step",
        { dispute: "1", account: `${CHALLENGER}` },
        line("Dispute 1 has ended (ProviderAtFault): there is no move to make."),
      );
      expect(await runTask("dispute:status", { dispute: "1" })).to.equal(
        [
          `Dispute 1 on job ${id}: Withheld, ProviderAtFault`,
          `  challenger        ${challenger}`,
          `  bond              100 WEFT`,
          `  outcome           the provider was slashed and the bond went back to the challenger`,
        ].join("\n"),
      );
    });

    it("refuses the challenger's move while the job's inputs, which the correct output is recomputed from, are missing", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.flippedJob;
      await run("dispute:open", CHALLENGER, { job: `${id}`, path: "withheld" });
      await run("dispute:step", FLIP_PROVIDER, { dispute: "1" });
      await withoutInputs(f, id, async (uri) => {
        await expectTaskError(
          "dispute:step",
          { dispute: "1", account: `${CHALLENGER}` },
          new RegExp(
            `^Cannot read job ${id}'s inputs: ${escape(uri)}: .+; the correct output is recomputed from them\\.$`,
          ),
        );
      });
      expect((await disputeOf(f, 1n)).status).to.equal(DisputeStatus.AwaitingChoice);
      expect(await run("dispute:step", CHALLENGER, { dispute: "1" })).to.include("disputed the left child of node 0");
    });

    it("against an honest provider: the challenger cannot win, a correct chunk has nothing to prove, the bond goes to the provider", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.honestJob;
      // Our tool refuses a bisection of a correct result; a griefer opens one by a contract call.
      await expectTaskError(
        "dispute:open",
        { job: `${id}`, path: "withheld", account: `${SECOND_CHALLENGER}` },
        line(
          `Job ${id}'s result checks out: a bisection would end at a correct chunk and the bond would go to the provider.`,
        ),
      );
      const disputeId = await openWithheldDirectly(f, SECOND_CHALLENGER, id);
      const providerBefore = await weft(f, HONEST_PROVIDER);

      expect(await run("dispute:reveal", HONEST_PROVIDER, { dispute: `${disputeId}` })).to.match(
        line(
          `Dispute ${disputeId} on job ${id}: revealed the children of node 0 in tx <TX>. Next: the challenger (${address(SECOND_CHALLENGER)}) to name the child of node 0 it disputes, by <MOMENT>.`,
        ),
      );
      await expectTaskError(
        "dispute:reveal",
        { dispute: `${disputeId}`, account: `${HONEST_PROVIDER}` },
        line(`Dispute ${disputeId} is AwaitingChoice; there is nothing to reveal.`),
      );
      await expectTaskError(
        "dispute:step",
        { dispute: `${disputeId}`, account: `${SECOND_CHALLENGER}` },
        line(
          `Both children the provider revealed at node 0 of dispute ${disputeId} are correct: this dispute cannot be won; at its deadline <MOMENT> the bond goes to the provider.`,
        ),
      );
      expect((await disputeOf(f, disputeId)).status).to.equal(DisputeStatus.AwaitingChoice);

      // The griefer goes on by hand to a leaf; the provider reveals its (correct) chunk with dispute:step.
      const [revealed] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.ChildrenRevealed(disputeId));
      await f.DisputeManager.connect(signers[SECOND_CHALLENGER]).chooseChild(
        disputeId,
        revealed.args.left,
        revealed.args.right,
        false,
      );
      expect(await run("dispute:step", HONEST_PROVIDER, { dispute: `${disputeId}` })).to.match(
        new RegExp(`^Dispute ${disputeId} on job ${id}: revealed chunk 1 in tx ${TX}\\. Next: anyone `),
      );
      await expectTaskError(
        "dispute:step",
        { dispute: `${disputeId}`, account: `${CHALLENGER}` },
        line(
          `Chunk 1 revealed in dispute ${disputeId} checks out: there is nothing to prove; after <MOMENT> the bond goes to the provider.`,
        ),
      );
      await expectTaskError(
        "dispute:resolve",
        { dispute: `${disputeId}`, account: `${HONEST_PROVIDER}` },
        line(`Dispute ${disputeId}'s deadline is <MOMENT>; resolve after it (then the bond goes to the provider).`),
      );
      await time.increase(await f.DisputeManager.followUpWindow());
      expect(await run("dispute:resolve", HONEST_PROVIDER, { dispute: `${disputeId}` })).to.match(
        line(
          `Dispute ${disputeId} on job ${id} resolved in tx <TX>: NoFault (no fault: the bond went to the provider).`,
        ),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Submitted);
      expect((await weft(f, HONEST_PROVIDER)) - providerBefore).to.equal(await f.DisputeManager.bond());
      await expectTaskError(
        "dispute:resolve",
        { dispute: `${disputeId}`, account: `${HONEST_PROVIDER}` },
        line(`Dispute ${disputeId} has ended (NoFault): nothing to resolve.`),
      );
    });

    it("against a provider that withheld its output: it cannot reveal, and is slashed once its clock runs out", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.withheldJob;
      const provider = address(WITHHOLDER);
      await run("dispute:open", CHALLENGER, { job: `${id}`, path: "withheld" });
      const { submitted } = await readJobRecord(f.JobEscrow, id);
      const { submitted: otherOutput } = await readJobRecord(f.JobEscrow, f.flippedJob);

      await expectTaskError(
        "dispute:reveal",
        { dispute: "1", account: `${WITHHOLDER}` },
        new RegExp(
          `^Cannot read the output to reveal: ${escape(submitted!.resultURI)}: .+; pass --result-uri where job ${id}'s output is\\.$`,
        ),
      );
      await expectTaskError(
        "dispute:reveal",
        { dispute: "1", account: `${WITHHOLDER}`, resultUri: otherOutput!.resultURI },
        line(
          `The output at ${otherOutput!.resultURI} is not the one job ${id} committed to (root ${submitted!.resultRoot}); pass --result-uri where that output is.`,
        ),
      );
      await expectTaskError(
        "dispute:reveal",
        { dispute: "1", account: `${CHALLENGER}` },
        line(
          `Dispute 1 waits for the provider (${provider}) to reveal the children of node 0, by <MOMENT>; ${address(CHALLENGER)} has no move in it now.`,
        ),
      );
      await expectTaskError(
        "dispute:resolve",
        { dispute: "1", account: `${CHALLENGER}` },
        line(`Dispute 1's deadline is <MOMENT>; resolve after it (then the provider is slashed).`),
      );
      expect((await disputeOf(f, 1n)).status).to.equal(DisputeStatus.AwaitingChildren);

      await time.increase(await f.DisputeManager.responseWindow());
      await expectTaskError(
        "dispute:step",
        { dispute: "1", account: `${WITHHOLDER}` },
        line(
          `Dispute 1's deadline passed <MOMENT>: no move is left; end it with npx hardhat dispute:resolve --dispute 1${HINT}.`,
        ),
      );
      expect(await runTask("dispute:status", { dispute: "1" })).to.match(
        new RegExp(
          `\n  turn {14}over: the deadline passed ${MOMENT}; dispute:resolve ends it \\(the provider is slashed\\)\n`,
        ),
      );
      expect(JSON.parse(await runTask("dispute:status", { dispute: "1", json: true })).turn).to.include({
        deadlinePassed: true,
        outcomeAtDeadline: "the provider is slashed",
      });
      expect(await run("dispute:resolve", CHALLENGER, { dispute: "1" })).to.match(
        line(
          `Dispute 1 on job ${id} resolved in tx <TX>: ProviderAtFault (the provider was slashed and the bond went back to the challenger).`,
        ),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Slashed);
    });
  });

  describe("several disputes on one job", function () {
    it("dispute:status --job lists them all; the one left open when another slashes the job ends Moot", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.flippedJob;
      const before = await weft(f, CHALLENGER);
      await run("dispute:open", CHALLENGER, { job: `${id}`, path: "withheld" });
      const listed = await runTask("dispute:status", { job: `${id}` });
      expect(listed.split("\n").slice(0, 3)).to.deep.equal([
        `Job ${id} (Disputed): 1 dispute, 1 open`,
        "",
        `Dispute 1 on job ${id}: Withheld, AwaitingChildren`,
      ]);

      await run("dispute:open", SECOND_CHALLENGER, { job: `${id}`, path: "proof" });
      expect(await jobStatus(f, id)).to.equal(JobStatus.Slashed);
      const withheld = await disputeOf(f, 1n);
      expect(await runTask("dispute:status", { job: `${id}` })).to.equal(
        [
          `Job ${id} (Slashed): 2 disputes, 1 open`,
          "",
          `Dispute 1 on job ${id}: Withheld, AwaitingChildren`,
          `  challenger        ${address(CHALLENGER)}`,
          `  bond              100 WEFT`,
          `  turn              the provider (${f.provider2.address}): reveal the children of node 0, by ${formatMoment(withheld.deadline, BigInt(await time.latest()))}`,
          `  node              0, the root, of a ${WORDS}-word output in 2 chunks`,
          `  provider clock    ${span(withheld.deadline - BigInt(await time.latest()))} left (running)`,
          `  challenger clock  ${span(withheld.challengerTime)} left`,
          "",
          `Dispute 2 on job ${id}: Proof, ProviderAtFault`,
          `  challenger        ${address(SECOND_CHALLENGER)}`,
          `  bond              100 WEFT`,
          `  outcome           the provider was slashed and the bond went back to the challenger`,
        ].join("\n"),
      );
      const json = JSON.parse(await runTask("dispute:status", { job: `${id}`, json: true }));
      expect(json).to.deep.include({ jobId: id.toString(), jobStatus: "Slashed", provider: f.provider2.address });
      expect(json.disputes.map((d: { id: string; status: string }) => [d.id, d.status])).to.deep.equal([
        ["1", "AwaitingChildren"],
        ["2", "ProviderAtFault"],
      ]);
      expect(json.disputes[1]).to.deep.include({
        kind: "Proof",
        open: false,
        challenger: address(SECOND_CHALLENGER),
        outcome: "the provider was slashed and the bond went back to the challenger",
        deadline: null,
        turn: null,
      });

      await expectTaskError(
        "dispute:step",
        { dispute: "1", account: `${FLIP_PROVIDER}` },
        line(
          `Job ${id} was slashed by another dispute: end dispute 1 as Moot (its bond goes back to its challenger) with npx hardhat dispute:resolve --dispute 1${HINT}.`,
        ),
      );
      expect(await run("dispute:resolve", CHALLENGER, { dispute: "1" })).to.match(
        line(
          `Dispute 1 on job ${id} resolved in tx <TX>: Moot (another dispute of the job proved the fault first: the bond went back to the challenger).`,
        ),
      );
      expect(await weft(f, CHALLENGER)).to.equal(before);
    });
  });

  describe("dispute:open --path arbitration, dispute:arbitrate", function () {
    it("takes a job of a workload without a checker to the arbiter, whose ruling of fault slashes it", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.customJob;
      const evidence = "ipfs://bafy-evidence";
      const output = await run("dispute:open", CHALLENGER, { job: `${id}`, path: "arbitration", evidence });
      expect(output).to.match(
        line(
          `Dispute 1 on job ${id} (arbitration) opened in tx <TX>\nNext: the arbiter (ARBITER role) to rule, by <MOMENT>. A silent arbiter rules for the provider.`,
        ),
      );
      const [requested] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.ArbitrationRequested(1n));
      expect(requested.args.evidenceURI).to.equal(evidence);
      const { deadline } = await disputeOf(f, 1n);
      const status = await runTask("dispute:status", { dispute: "1" });
      expect(status).to.include(`Dispute 1 on job ${id}: Arbitration, AwaitingRuling`);
      expect(status).to.include(`  turn              the arbiter (ARBITER role): rule, by ${formatUtc(deadline)} (in `);

      await expectTaskError(
        "dispute:step",
        { dispute: "1", account: `${CHALLENGER}` },
        line(
          `Dispute 1 waits for the arbiter's ruling, by <MOMENT>: an ARBITER runs npx hardhat dispute:arbitrate --dispute 1 --fault yes|no${HINT}.`,
        ),
      );
      await expectTaskError(
        "dispute:arbitrate",
        { dispute: "1", fault: "maybe", account: `${ARBITER}` },
        /^--fault must be yes or no; got "maybe"\.$/,
      );
      // Only the ARBITER may rule: refused before any transaction, naming the role.
      await expectTaskError(
        "dispute:arbitrate",
        { dispute: "1", fault: "yes", account: `${CHALLENGER}` },
        line(`${address(CHALLENGER)} does not hold the ARBITER role; the DAO grants it.`),
      );
      expect((await disputeOf(f, 1n)).status).to.equal(DisputeStatus.AwaitingRuling);

      // A second challenger backs the claim with its own dispute.
      await run("dispute:open", SECOND_CHALLENGER, { job: `${id}`, path: "arbitration", evidence });
      expect(await run("dispute:arbitrate", ARBITER, { dispute: "1", fault: "yes" })).to.match(
        line(
          `Dispute 1 on job ${id} ruled fault in tx <TX>: ProviderAtFault (the provider was slashed and the bond went back to the challenger).`,
        ),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Slashed);
      await expectTaskError(
        "dispute:arbitrate",
        { dispute: "1", fault: "no", account: `${ARBITER}` },
        line("Dispute 1 is ProviderAtFault, not awaiting a ruling."),
      );
      await expectTaskError(
        "dispute:arbitrate",
        { dispute: "2", fault: "yes", account: `${ARBITER}` },
        line(
          `Job ${id} was slashed by another dispute: end dispute 2 as Moot (its bond goes back to its challenger) with npx hardhat dispute:resolve --dispute 2${HINT}.`,
        ),
      );
      expect(await run("dispute:resolve", SECOND_CHALLENGER, { dispute: "2" })).to.match(
        line(
          `Dispute 2 on job ${id} resolved in tx <TX>: Moot (another dispute of the job proved the fault first: the bond went back to the challenger).`,
        ),
      );
    });

    it("a silent arbiter rules for the provider: a late ruling is refused and dispute:resolve pays the bond to the provider", async function () {
      const f = await loadFixture(disputeTasksFixture);
      const id = f.customJob;
      await run("dispute:open", CHALLENGER, { job: `${id}`, path: "arbitration", evidence: "ipfs://evidence" });
      await time.increase(await f.DisputeManager.arbitrationWindow());
      await expectTaskError(
        "dispute:arbitrate",
        { dispute: "1", fault: "yes", account: `${ARBITER}` },
        line(
          `Dispute 1's ruling was due <MOMENT>: a silent arbiter rules for the provider; end it with npx hardhat dispute:resolve --dispute 1${HINT}.`,
        ),
      );
      expect(await run("dispute:resolve", HONEST_PROVIDER, { dispute: "1" })).to.match(
        line(`Dispute 1 on job ${id} resolved in tx <TX>: NoFault (no fault: the bond went to the provider).`),
      );
      expect(await jobStatus(f, id)).to.equal(JobStatus.Submitted);
    });
  });

  describe("refuses bad input with one line and disputes nothing", function () {
    const cases: [string, string, (f: Fixture) => Promise<Record<string, unknown>>, (f: Fixture) => RegExp][] = [
      [
        "an unknown --path",
        "dispute:open",
        async (f) => ({ job: `${f.flippedJob}`, path: "fraud" }),
        () => line('--path must be one of proof, withheld, arbitration; got "fraud".'),
      ],
      [
        "a malformed --job",
        "dispute:open",
        async () => ({ job: "abc", path: "proof" }),
        () => line('--job must be a job id (1, 2, ...); got "abc". List jobs with npx hardhat job:status.'),
      ],
      [
        "a job id that does not exist",
        "dispute:open",
        async () => ({ job: "99", path: "proof" }),
        () => line("Job 99 does not exist (the escrow has 4 jobs)."),
      ],
      [
        "a job that is not Submitted",
        "dispute:open",
        async (f) => ({ job: `${await createJob(f)}`, path: "proof" }),
        () => /^Job \d+ is Open; only a Submitted or Disputed job can be disputed\.$/,
      ],
      [
        "a job whose challenge window has closed",
        "dispute:open",
        async (f) => {
          await time.increaseTo((await readJob(f.JobEscrow, f.flippedJob)).deadline);
          return { job: `${f.flippedJob}`, path: "proof" };
        },
        (f) => line(`Job ${f.flippedJob}'s challenge window closed <MOMENT>.`),
      ],
      [
        "--path arbitration without --evidence",
        "dispute:open",
        async (f) => ({ job: `${f.customJob}`, path: "arbitration" }),
        () => line("--path arbitration needs --evidence <uri>."),
      ],
      [
        "--path proof on a workload without a checker",
        "dispute:open",
        async (f) => ({ job: `${f.customJob}`, path: "proof" }),
        (f) => line(`Job ${f.customJob}'s workload has no on-chain checker: use --path arbitration --evidence <uri>.`),
      ],
      [
        "--path withheld on a workload without a checker",
        "dispute:open",
        async (f) => ({ job: `${f.customJob}`, path: "withheld" }),
        (f) => line(`Job ${f.customJob}'s workload has no on-chain checker: use --path arbitration --evidence <uri>.`),
      ],
      [
        "--path arbitration on a workload with a checker",
        "dispute:open",
        async (f) => ({ job: `${f.flippedJob}`, path: "arbitration", evidence: "ipfs://evidence" }),
        (f) => line(`Job ${f.flippedJob}'s workload has an on-chain checker: use --path proof or --path withheld.`),
      ],
      [
        "a challenger who cannot pay the bond",
        "dispute:open",
        async (f) => ({ job: `${f.withheldJob}`, path: "withheld", account: `${PAUPER}` }),
        () => line(`The bond is 100 WEFT and ${address(PAUPER)} holds 0 WEFT.`),
      ],
      [
        "a malformed --dispute",
        "dispute:step",
        async () => ({ dispute: "0" }),
        () =>
          line(
            '--dispute must be a dispute id (1, 2, ...); got "0". List disputes with npx hardhat dispute:list (--job <id> for one job).',
          ),
      ],
      [
        "a step in a dispute that does not exist",
        "dispute:step",
        async () => ({ dispute: "7" }),
        () =>
          line(
            `Dispute 7 does not exist (0 disputes have been opened). List the disputes with npx hardhat dispute:list${HINT}.`,
          ),
      ],
      [
        "a reveal in a dispute that does not exist",
        "dispute:reveal",
        async () => ({ dispute: "7" }),
        () => /^Dispute 7 does not exist \(0 disputes have been opened\)\./,
      ],
      [
        "resolving a dispute that does not exist",
        "dispute:resolve",
        async () => ({ dispute: "7" }),
        () => /^Dispute 7 does not exist \(0 disputes have been opened\)\./,
      ],
      [
        "a ruling on a dispute that does not exist",
        "dispute:arbitrate",
        async () => ({ dispute: "7", fault: "no", account: `${ARBITER}` }),
        () => /^Dispute 7 does not exist \(0 disputes have been opened\)\./,
      ],
      [
        "dispute:status without --job or --dispute",
        "dispute:status",
        async () => ({}),
        () => line("Pass either --job <id> (every dispute of a job) or --dispute <id> (one dispute)."),
      ],
      [
        "dispute:status with both --job and --dispute",
        "dispute:status",
        async (f) => ({ job: `${f.flippedJob}`, dispute: "1" }),
        () => line("Pass either --job <id> (every dispute of a job) or --dispute <id> (one dispute)."),
      ],
      [
        "a malformed --job for dispute:status",
        "dispute:status",
        async () => ({ job: "0" }),
        () => /^--job must be a job id \(1, 2, \.\.\.\); got "0"\./,
      ],
      [
        "dispute:status of a dispute that does not exist",
        "dispute:status",
        async () => ({ dispute: "3" }),
        () => /^Dispute 3 does not exist \(0 disputes have been opened\)\./,
      ],
    ];
    for (const [what, name, args, pattern] of cases) {
      it(`refuses ${what}`, async function () {
        const f = await loadFixture(disputeTasksFixture);
        // dispute:status takes no --account; the others act as the challenger unless the case says otherwise.
        const account = name === "dispute:status" ? {} : { account: `${CHALLENGER}` };
        await expectTaskError(name, { ...account, ...(await args(f)) }, pattern(f));
        // A refused request sends nothing, not even the bond's approval.
        expect(await f.ComputeToken.allowance(address(CHALLENGER), await f.DisputeManager.getAddress())).to.equal(0n);
        expect(await f.DisputeManager.disputeCount()).to.equal(0n);
        for (const id of [f.honestJob, f.flippedJob, f.withheldJob, f.customJob]) {
          expect(await jobStatus(f, id)).to.equal(JobStatus.Submitted);
        }
      });
    }

    it("says when a job has never been disputed", async function () {
      const f = await loadFixture(disputeTasksFixture);
      expect(await runTask("dispute:status", { job: `${f.honestJob}` })).to.equal(
        `Job ${f.honestJob} has never been disputed.`,
      );
    });
  });
});

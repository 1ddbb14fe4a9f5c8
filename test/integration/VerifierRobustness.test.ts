import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomInt } from "node:crypto";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";

import { memoryLogger } from "../../src/agents/logger";
import { chainTime } from "../../src/chain/clock";
import { disputeIdsOf, DisputeKind, type DisputeRecord, DisputeStatus, readDispute } from "../../src/chain/disputes";
import { readSubmittedResult } from "../../src/chain/jobs";
import { sleep } from "../../src/chain/retry";
import { ResultTree } from "../../src/commitments/result-tree";
import { seededRandom } from "../helpers/random";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { inputRootOf } from "../../src/commitments/job-inputs";
import type { RandomSource } from "../../src/provider/cheat";
import { DisputeResponder } from "../../src/provider/disputes";
import { OutputKeeper } from "../../src/provider/outputs";
import { FileContentStore } from "../../src/store/fs-store";
import { STATE_FILE_NAME, type VerifierStateData, VerifierState } from "../../src/verifier/state";
import { decodeJobParams, matmulI8 } from "../../src/workloads/registry";
import { AGENT_STAKE, openOnChainVerifier } from "../fixtures/agents";
import { MATMUL_SHAPE } from "../fixtures/disputes";
import { createJob, JobStatus, jobTerms, registerAndStake } from "../fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";
import { RpcProxy } from "../helpers/rpc-proxy";
import { type RpcServer, serveInProcessNetwork } from "../helpers/rpc-server";
import { underCoverage } from "../helpers/coverage";
import { expectUserError } from "../helpers/errors";
import { writeFixtureAddressBook } from "../helpers/tasks";
import { AgentProcess } from "../helpers/verifier-process";

const PARAMS = matmulI8.params.encode(MATMUL_SHAPE);
/** The challenger: account 4 of the configured accounts, funded with WEFT by the fixture. */
const CHALLENGER_ACCOUNT = 4;
const POLL_MS = "100";

/** A job the provider has accepted, with its inputs in the store and the output it should publish. */
interface AssignedJob {
  readonly id: bigint;
  readonly inputURI: string;
  readonly correct: Uint8Array;
}

async function robustnessFixture() {
  const f = await loadFixture(deployWeftFixture);
  await registerAndStake(f, f.provider, AGENT_STAKE);
  return f;
}

/** A copy of `output` with word `index` flipped in its lowest bit: a flip-one cheat. */
function withWrongWord(output: Uint8Array, index: number): Uint8Array {
  const wrong = Uint8Array.from(output);
  wrong[index * 4 + 3] ^= 1;
  return wrong;
}

function shuffled<T>(items: readonly T[], random: RandomSource): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

describe("Verifier robustness: kill -9, a flaky endpoint, reorgs, bad store data", function () {
  let f: WeftFixture;
  let dir: string;
  let store: FileContentStore;
  let stateDir: string;

  beforeEach(async function () {
    f = await loadFixture(robustnessFixture);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-robustness-"));
    store = new FileContentStore(path.join(dir, "store"));
    stateDir = path.join(dir, "verifier");
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A client creates a matmul-i8 job with seed `seed`'s inputs in the store, and the provider accepts it. */
  async function assignJob(seed: number): Promise<AssignedJob> {
    const decoded = decodeJobParams(matmulI8.id, PARAMS);
    const inputs = generateInputs(decoded, seed);
    const inputURI = await store.put(inputs);
    const id = await createJob(f, f.client, {
      workloadId: matmulI8.id,
      params: PARAMS,
      inputRoot: inputRootOf(decoded, inputs),
      inputURI,
    });
    await f.JobEscrow.connect(f.provider).acceptJob(id, await jobTerms(f, id));
    return { id, inputURI, correct: await referenceOutput(decoded, inputs) };
  }

  /** The provider publishes `published` and commits to the root of `committed`; returns the block it landed in. */
  async function submit(job: AssignedJob, published: Uint8Array, committed = published): Promise<number> {
    const uri = await store.put(published);
    const tx = await f.JobEscrow.connect(f.provider).submitResult(
      job.id,
      await jobTerms(f, job.id),
      new ResultTree(committed).root,
      uri,
    );
    return (await tx.wait())!.blockNumber;
  }

  /** DisputeOpened events so far, counted by job id. */
  async function disputesOpened(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const event of await f.DisputeManager.queryFilter(f.DisputeManager.filters.DisputeOpened())) {
      const id = event.args.jobId.toString();
      counts[id] = (counts[id] ?? 0) + 1;
    }
    return counts;
  }

  const once = (jobs: readonly AssignedJob[]) => Object.fromEntries(jobs.map((job) => [job.id.toString(), 1]));

  /** The one dispute opened on `job`. */
  async function onlyDispute(job: AssignedJob): Promise<DisputeRecord> {
    const ids = await disputeIdsOf(f.DisputeManager, job.id, 0);
    expect(ids, `disputes of job ${job.id}`).to.have.length(1);
    return readDispute(f.DisputeManager, ids[0]);
  }

  function readState(): VerifierStateData {
    const state = VerifierState.peek(stateDir);
    if (state === undefined) throw new Error(`no verifier state in ${stateDir}`);
    return state;
  }

  describe("as a separate process, over HTTP", function () {
    let server: RpcServer;
    let deploymentsDir: string;

    before(async function () {
      // Coverage instruments contracts inside this process; a verifier in a subprocess adds nothing to it.
      if (underCoverage) this.skip();
      server = await serveInProcessNetwork();
      deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-robustness-book-"));
    });

    after(async function () {
      await server?.close();
      if (deploymentsDir) fs.rmSync(deploymentsDir, { recursive: true, force: true });
    });

    /** deployments/localhost.json for the fixture's system, where the child reads it. */
    beforeEach(async function () {
      await writeFixtureAddressBook(f, { network: "localhost", dir: deploymentsDir });
    });

    const started: AgentProcess[] = [];

    // A test that fails midway leaves its verifier running; it must not outlive the test (or keep mocha alive).
    afterEach(async function () {
      await Promise.all(started.splice(0).map((verifier) => verifier.stop("SIGKILL")));
    });

    function startVerifier(rpcUrl = server.url, rpcTimeoutMs?: number): AgentProcess {
      const verifier = AgentProcess.start({
        rpcUrl,
        deploymentsDir,
        rpcTimeoutMs,
        args: { stateDir, pollInterval: POLL_MS, confirmations: "0", account: String(CHALLENGER_ACCOUNT) },
      });
      started.push(verifier);
      return verifier;
    }

    /** Polls until `done` holds; fails after `timeoutMs` with what the verifier logged. */
    async function until(done: () => Promise<boolean>, verifier: AgentProcess, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await done())) {
        if (!verifier.running || Date.now() > deadline) {
          expect.fail(
            `gave up waiting (verifier running: ${verifier.running}); its output:\n${verifier.lines.join("\n")}`,
          );
        }
        await sleep(100);
      }
    }

    /** Every job checked (the checkpoint is past `lastBlock`), and every cheat slashed and its finding filed. */
    const settled = (lastBlock: number, cheats: readonly AssignedJob[]) => async () => {
      if (!fs.existsSync(path.join(stateDir, STATE_FILE_NAME))) return false;
      const state = readState();
      if (state.nextBlock <= lastBlock) return false;
      for (const job of cheats) {
        // Filed, or already forgotten: a finding is dropped once its disputes are over.
        const finding = state.findings[job.id.toString()];
        if (finding !== undefined && finding.status !== "filed") return false;
        if ((await f.JobEscrow.jobStatus(job.id)) !== JobStatus.Slashed) return false;
      }
      return true;
    };

    it("disputes every cheat exactly once and no honest job while it is killed with SIGKILL at random moments", async function () {
      const seed = Number(process.env.WEFT_ROBUSTNESS_SEED ?? randomInt(2 ** 31));
      console.log(`      kill schedule seed ${seed} (WEFT_ROBUSTNESS_SEED=${seed} replays it)`);
      const random = seededRandom(seed);
      const kills = 3;
      const plan = shuffled([true, true, true, true, false, false, false, false], random);
      const jobs: AssignedJob[] = [];
      for (let i = 0; i < plan.length; i++) jobs.push(await assignJob(100 + i));
      const cheats = jobs.filter((_, i) => plan[i]);
      const honest = jobs.filter((_, i) => !plan[i]);

      let submitted = 0;
      let lastBlock = 0;
      const submitNext = async () => {
        const job = jobs[submitted];
        lastBlock = await submit(job, plan[submitted] ? withWrongWord(job.correct, 17 + submitted) : job.correct);
        submitted++;
      };

      const runs: AgentProcess[] = [];
      for (let run = 0; run < kills; run++) {
        const verifier = startVerifier();
        runs.push(verifier);
        await verifier.waitForLine(/watching from block/);
        const from = verifier.lines.length;
        const before = submitted;
        for (let batch = 1 + Math.floor(random() * 2); batch > 0 && submitted < jobs.length; batch--) {
          await submitNext();
          await sleep(random() * 150);
        }
        // Half the kills land just after a check was logged (its finding, if any, about to be filed); the rest anywhere.
        const afterCheck = random() < 0.5;
        if (afterCheck && submitted > before) {
          await verifier.waitForLine(/ matmul-i8 (valid|wrong-element) \d+ ms/, from);
          await sleep(random() * 30);
        } else {
          await sleep(random() * 500);
        }
        expect(await verifier.stop("SIGKILL")).to.deep.equal({ code: null, signal: "SIGKILL" });
        // Jobs keep coming while it is down.
        if (submitted < jobs.length && random() < 0.5) await submitNext();
      }

      const last = startVerifier();
      runs.push(last);
      // Its SIGTERM handler is installed before this line: a stop sent while it still starts would kill it instead.
      await last.waitForLine(/watching from block/);
      while (submitted < jobs.length) await submitNext();
      await until(settled(lastBlock, cheats), last);
      expect(await last.stop("SIGTERM")).to.deep.equal({ code: 0, signal: null });

      expect(await disputesOpened()).to.deep.equal(once(cheats));
      for (const job of cheats) {
        const dispute = await onlyDispute(job);
        expect([dispute.kind, dispute.status]).to.deep.equal([DisputeKind.Proof, DisputeStatus.ProviderAtFault]);
      }
      for (const job of honest) expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Submitted);

      // Each job counted once across the runs, and each finding filed.
      const state = readState();
      expect(state.totals).to.deep.equal({ valid: honest.length, "wrong-element": cheats.length });
      // Findings whose disputes are over are forgotten; any still kept is a cheat's, filed.
      const cheatIds = cheats.map((job) => job.id.toString());
      for (const [id, record] of Object.entries(state.findings)) {
        expect(cheatIds).to.include(id);
        expect(record.status).to.equal("filed");
      }
      // Nothing went wrong that a run had to log: no failed filing, no second dispute refused by the chain.
      const output = runs.flatMap((verifier) => verifier.lines);
      expect(output.filter((line) => / (warn |error) \[verifier\]/.test(line))).to.deep.equal([]);
    });

    it("rides out an endpoint that answers 5xx, JSON-RPC errors, drops connections and stalls, and disputes the cheat once", async function () {
      const proxy = await RpcProxy.start(server.url);
      try {
        const honest = await assignJob(201);
        const cheat = await assignJob(202);
        const verifier = startVerifier(proxy.url, 1_000);
        await verifier.waitForLine(/watching from block/);

        // Each call meets two faults at most, so that it succeeds on a retry within one tick, quickly.
        proxy.schedule([
          { method: "eth_blockNumber", fault: { kind: "http-error", status: 502 } },
          { method: "eth_blockNumber", fault: { kind: "close" } },
          { method: "eth_getLogs", fault: { kind: "rpc-error" } },
          { method: "eth_getLogs", fault: { kind: "stall" } },
          // The dispute sink's first read fails: its finding waits for the next tick.
          { method: "eth_call", fault: { kind: "http-error", status: 503 } },
          // The bond approval, then the dispute itself, reach the chain but their answers are lost.
          { method: "eth_sendTransaction", fault: { kind: "lose-answer" } },
          { method: "eth_sendTransaction", fault: { kind: "lose-answer" } },
        ]);
        await submit(honest, honest.correct);
        const lastBlock = await submit(cheat, withWrongWord(cheat.correct, 3));
        await until(async () => proxy.pending === 0 && (await settled(lastBlock, [cheat])()), verifier);
        expect(verifier.running).to.equal(true);
        expect(await verifier.stop("SIGTERM")).to.deep.equal({ code: 0, signal: null });

        expect(proxy.served.map(({ method, fault }) => `${method} ${fault}`).sort()).to.deep.equal([
          "eth_blockNumber close",
          "eth_blockNumber http-error",
          "eth_call http-error",
          "eth_getLogs rpc-error",
          "eth_getLogs stall",
          "eth_sendTransaction lose-answer",
          "eth_sendTransaction lose-answer",
        ]);
        expect(await disputesOpened()).to.deep.equal(once([cheat]));
        expect(await f.JobEscrow.jobStatus(honest.id)).to.equal(JobStatus.Submitted);
        // The lost answer to the commitment left the finding pending; filing it again found the commitment on-chain
        // (the dispute it opened) and sent nothing, and the follower revealed the proof.
        const record = readState().findings[cheat.id.toString()];
        const challenger = (await ethers.getSigners())[CHALLENGER_ACCOUNT].address;
        const dispute = await onlyDispute(cheat);
        expect(record.status === "filed" && record.receipt).to.deep.include({
          reference: `already disputed by ${challenger}`,
          disputeId: dispute.id.toString(),
        });
        expect([dispute.kind, dispute.status]).to.deep.equal([DisputeKind.Proof, DisputeStatus.ProviderAtFault]);
        expect(verifier.lines.some((line) => /failed \(attempt \d\), retrying/.test(line))).to.equal(true);
      } finally {
        await proxy.close();
      }
    });

    it("outlasts an endpoint that fails while it starts, and disputes the cheat once it answers", async function () {
      const proxy = await RpcProxy.start(server.url);
      try {
        const cheat = await assignJob(501);
        const lastBlock = await submit(cheat, withWrongWord(cheat.correct, 5));
        // A node behind a load balancer that is still starting: its first answers are 502s.
        proxy.schedule([
          { fault: { kind: "http-error", status: 502 } },
          { fault: { kind: "http-error", status: 502 } },
        ]);
        const verifier = startVerifier(proxy.url, 1_000);
        await until(settled(lastBlock, [cheat]), verifier);
        expect(await verifier.stop("SIGTERM")).to.deep.equal({ code: 0, signal: null });
        expect(proxy.pending).to.equal(0);
        expect(await disputesOpened()).to.deep.equal(once([cheat]));
      } finally {
        await proxy.close();
      }
    });

    it("follows its withheld-data dispute to the slash even when the answer to the dispute transaction was lost", async function () {
      const proxy = await RpcProxy.start(server.url);
      try {
        const withheld = await assignJob(601);
        // The provider commits to its output but never publishes it.
        const tx = await f.JobEscrow.connect(f.provider).submitResult(
          withheld.id,
          await jobTerms(f, withheld.id),
          new ResultTree(withheld.correct).root,
          store.uriFor(ethers.sha256(withheld.correct).slice(2)),
        );
        const lastBlock = (await tx.wait())!.blockNumber;
        // The bond approval, then the dispute, reach the chain but their answers are lost.
        proxy.schedule([
          { method: "eth_sendTransaction", fault: { kind: "lose-answer" } },
          { method: "eth_sendTransaction", fault: { kind: "lose-answer" } },
        ]);
        const verifier = startVerifier(proxy.url);
        await until(async () => {
          const state = fs.existsSync(path.join(stateDir, STATE_FILE_NAME)) ? readState() : undefined;
          return (
            state !== undefined &&
            state.nextBlock > lastBlock &&
            state.findings[withheld.id.toString()]?.status === "filed"
          );
        }, verifier);
        const opened = await onlyDispute(withheld);
        expect([opened.kind, opened.status]).to.deep.equal([DisputeKind.Withheld, DisputeStatus.AwaitingChildren]);

        // Nobody answers: once the provider's clock runs out its follower must have the provider slashed.
        await time.increaseTo(opened.deadline);
        await until(async () => (await f.JobEscrow.jobStatus(withheld.id)) === JobStatus.Slashed, verifier, 10_000);
        expect(await verifier.stop("SIGTERM")).to.deep.equal({ code: 0, signal: null });
        expect(await disputesOpened()).to.deep.equal(once([withheld]));
      } finally {
        await proxy.close();
      }
    });

    it("carries its bisection on across a SIGKILL at each of its turns, never opening a second dispute", async function () {
      const seed = Number(process.env.WEFT_ROBUSTNESS_SEED ?? randomInt(2 ** 31));
      console.log(`      kill timing seed ${seed} (WEFT_ROBUSTNESS_SEED=${seed} replays it)`);
      const random = seededRandom(seed);
      // The provider withholds an output with word 150 wrong (in chunk 1 of 2), and answers the bisection from the
      // copy it kept, as its agent's DisputeResponder does.
      const job = await assignJob(701);
      const wrong = withWrongWord(job.correct, 150);
      const resultURI = store.uriFor(ethers.sha256(wrong).slice(2));
      await f.JobEscrow.connect(f.provider).submitResult(
        job.id,
        await jobTerms(f, job.id),
        new ResultTree(wrong).root,
        resultURI,
      );
      const outputs = new OutputKeeper(path.join(dir, "provider-outputs"));
      outputs.keep(job.id, wrong);
      const responder = new DisputeResponder({
        system: f,
        signer: f.provider,
        logger: memoryLogger(),
        outputs,
      });
      const answer = async () => responder.respond(job.id, resultURI, await chainTime(ethers.provider), 0);
      const challenger = (await ethers.getSigners())[CHALLENGER_ACCOUNT].address;
      const challengerBefore = await f.ComputeToken.balanceOf(challenger);
      const status = async () => {
        const [id] = await disputeIdsOf(f.DisputeManager, job.id, 0);
        return id === undefined ? DisputeStatus.None : (await readDispute(f.DisputeManager, id)).status;
      };

      // At each of the provider's turns (the root's children, then the chunk) the provider answers while the verifier
      // runs, and the verifier is killed at a random moment up to 300 ms later: before, during or after its move.
      const runs: AgentProcess[] = [];
      for (const turn of [DisputeStatus.AwaitingChildren, DisputeStatus.AwaitingChunk]) {
        const verifier = startVerifier();
        runs.push(verifier);
        await until(async () => (await status()) === turn, verifier);
        await answer();
        await sleep(random() * 300);
        expect(await verifier.stop("SIGKILL")).to.deep.equal({ code: null, signal: "SIGKILL" });
      }
      const last = startVerifier();
      runs.push(last);
      // (The last kill may have come after the proof: then this run finds nothing left to do.)
      await last.waitForLine(/watching from block/);
      await until(async () => (await f.JobEscrow.jobStatus(job.id)) === JobStatus.Slashed, last);
      expect(await last.stop("SIGTERM")).to.deep.equal({ code: 0, signal: null });

      expect(await disputesOpened()).to.deep.equal(once([job]));
      const dispute = await onlyDispute(job);
      expect([dispute.kind, dispute.status]).to.deep.equal([DisputeKind.Withheld, DisputeStatus.ProviderAtFault]);
      const [proven] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.FraudProven(dispute.id));
      expect(proven.args.wordIndex).to.equal(150n);
      // The bond came back and the challenger's share of the slash was paid, once.
      const [settled] = await f.DisputeManager.queryFilter(f.DisputeManager.filters.DisputeSettled(dispute.id));
      const split = await f.DisputeManager.slashSplit();
      expect((await f.ComputeToken.balanceOf(challenger)) - challengerBefore).to.equal(
        (settled.args.slashed * split.challengerBps) / 10_000n,
      );
      const output = runs.flatMap((verifier) => verifier.lines);
      expect(output.filter((line) => / (warn |error) \[verifier\]/.test(line))).to.deep.equal([]);
    });

    it("refuses a state file that is not JSON with one line saying what to do, and leaves it as it was", async function () {
      const file = path.join(stateDir, STATE_FILE_NAME);
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(file, '{"version": 1, "nextBl');
      const verifier = startVerifier();
      expect(await verifier.exited).to.deep.equal({ code: 1, signal: null });
      expect(verifier.lines).to.have.length(1);
      expect(verifier.lines[0]).to.match(/state\.json is not valid JSON .*; move it away to start afresh\.$/);
      expect(fs.readFileSync(file, "utf8")).to.equal('{"version": 1, "nextBl');
    });
  });

  describe("in this process", function () {
    const openVerifier = (confirmations: number) => openOnChainVerifier(f, f.outsider, { stateDir, confirmations });

    it("refuses a state file that is JSON but not a verifier state with a message naming the file", async function () {
      // What an older layout, another tool or a hand edit leaves: a version, no identity, no checked jobs.
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(path.join(stateDir, STATE_FILE_NAME), JSON.stringify({ version: 1, nextBlock: 12 }));
      await expectUserError(openVerifier(0), /state\.json/);
    });

    it("never disputes a result in blocks that a reorg within the confirmation depth dropped, and checks their replacement", async function () {
      const dropped = await assignJob(301);
      const replaced = await assignJob(302);
      const { verifier } = await openVerifier(3);
      await verifier.tick();
      const fork = await ethers.provider.getBlockNumber();
      const snapshot = await takeSnapshot();

      // The history that will be dropped: a cheat on one job, an honest result on the other, never 3 blocks deep.
      const first = await submit(dropped, withWrongWord(dropped.correct, 11));
      await submit(replaced, replaced.correct);
      await mine(1);
      await verifier.tick();
      expect(verifier.state.nextBlock).to.be.at.most(first);

      // The replacement: the first job's result is honest now, the second one's a cheat.
      await snapshot.restore();
      expect(await ethers.provider.getBlockNumber()).to.equal(fork);
      await submit(dropped, dropped.correct);
      const cheatBlock = await submit(replaced, withWrongWord(replaced.correct, 29));
      await mine(3);
      const summary = await verifier.tick();

      expect(summary).to.deep.include({ checked: 2, filed: 1 });
      expect(verifier.state.nextBlock).to.be.greaterThan(cheatBlock);
      expect(verifier.state.totals).to.deep.equal({ valid: 1, "wrong-element": 1 });
      expect(await disputesOpened()).to.deep.equal(once([replaced]));
      expect(await f.JobEscrow.jobStatus(replaced.id)).to.equal(JobStatus.Slashed);
      const kept = await readSubmittedResult(f.JobEscrow, dropped.id, 0);
      expect(kept?.resultRoot).to.equal(new ResultTree(dropped.correct).root);
      expect(await f.JobEscrow.jobStatus(dropped.id)).to.equal(JobStatus.Submitted);
    });

    it("disputes by the withheld-data path output that hashes to another root, has the wrong size, or is corrupt in the store, and leaves a job with unverifiable inputs alone", async function () {
      const mismatch = await assignJob(401);
      const malformed = await assignJob(402);
      const corrupt = await assignJob(403);
      const badInputs = await assignJob(404);
      await submit(mismatch, withWrongWord(mismatch.correct, 0), mismatch.correct);
      const short = malformed.correct.subarray(0, malformed.correct.length - 4);
      await submit(malformed, short);
      await submit(corrupt, corrupt.correct);
      await submit(badInputs, badInputs.correct);
      // Bytes on disk that no longer hash to the address they are stored under.
      const corruptFile = fileURLToPath(store.uriFor(ethers.sha256(corrupt.correct).slice(2)));
      fs.writeFileSync(corruptFile, withWrongWord(corrupt.correct, 1));
      fs.writeFileSync(fileURLToPath(badInputs.inputURI), new Uint8Array([1, 2, 3]));

      const { verifier } = await openVerifier(0);
      expect(await verifier.tick()).to.deep.include({ checked: 4, filed: 3 });
      expect(verifier.state.totals).to.deep.equal({
        "result-root-mismatch": 1,
        "output-malformed": 1,
        "output-unavailable": 1,
        "inputs-unverifiable": 1,
      });
      const faulty = [mismatch, malformed, corrupt];
      expect(await disputesOpened()).to.deep.equal(once(faulty));
      for (const job of faulty) {
        const dispute = await onlyDispute(job);
        expect([dispute.kind, dispute.status]).to.deep.equal([DisputeKind.Withheld, DisputeStatus.AwaitingChildren]);
      }

      // Nobody answers: once the providers' clocks run out the verifier's follower has each of them slashed.
      await time.increase(f.parameters.disputes.responseWindow);
      await verifier.tick();
      for (const job of faulty) {
        expect((await onlyDispute(job)).status).to.equal(DisputeStatus.ProviderAtFault);
        expect(await f.JobEscrow.jobStatus(job.id)).to.equal(JobStatus.Slashed);
      }
      expect(await f.JobEscrow.jobStatus(badInputs.id)).to.equal(JobStatus.Submitted);
      expect(await disputesOpened()).to.deep.equal(once(faulty));
    });
  });
});

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { memoryLogger } from "../../src/agents/logger";
import { ResultTree } from "../../src/commitments/result-tree";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { checkResult } from "../../src/findings/checks/check-result";
import { fileFinding, filePendingFindings } from "../../src/verifier/filing";
import type { DisputeReceipt, DisputeSink } from "../../src/findings/sink";
import { EvidenceFileSink, evidenceFilePath } from "../../src/verifier/sinks";
import { type CheckedJob, STATE_FILE_NAME, VerifierState } from "../../src/verifier/state";
import type { Finding } from "../../src/findings/verdict";
import { decodeJobParams, matmulI8 } from "../../src/workloads/registry";
import { ethersErrors, expectUserError } from "../helpers/errors";

const IDENTITY = { chainId: 31337, escrow: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const REPO_ROOT = path.resolve(__dirname, "..", "..");

function checked(block: number, label = "valid"): CheckedJob {
  return {
    verdict: label === "valid" ? "valid" : "finding",
    label,
    block,
    checkedAt: new Date().toISOString(),
    ms: 1,
  };
}

/** A real wrong-element finding for job `jobId`: a 4x3x5 product with one word flipped. */
async function flipOneFinding(jobId: bigint): Promise<Finding> {
  const job = decodeJobParams(matmulI8.id, matmulI8.params.encode({ m: 4, k: 3, n: 5 }));
  const inputs = generateInputs(job, 3);
  const output = await referenceOutput(job, inputs);
  output[6] ^= 0x01;
  const verdict = checkResult({
    jobId,
    job,
    inputRoot: inputRootOf(job, inputs),
    resultRoot: new ResultTree(output).root,
    inputs: { ok: true, bytes: inputs },
    output: { ok: true, bytes: output },
  });
  if (verdict.verdict !== "finding") throw new Error("the flipped word was not found");
  return verdict.finding;
}

/** Counts what it is given; `failures` calls throw first, as a sink whose network is down would. */
class CountingSink implements DisputeSink {
  readonly name = "counting";
  readonly filesOnChain = false;
  readonly filed: Finding[] = [];
  constructor(private failures = 0) {}

  async fileDispute(finding: Finding): Promise<DisputeReceipt> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("sink unreachable");
    }
    this.filed.push(finding);
    const filedAt = new Date().toISOString();
    return { jobId: finding.jobId, kind: finding.kind, sink: this.name, reference: `#${this.filed.length}`, filedAt };
  }
}

describe("verifier state", function () {
  let dir: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-verifier-state-"));
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("starts at the given block and resumes from the saved checkpoint after a restart", function () {
    const first = VerifierState.load(dir, IDENTITY, 42);
    expect(first.nextBlock).to.equal(42);
    first.recordCheck(1n, checked(50));
    first.recordCheck(2n, checked(55, "wrong-element"));

    const resumed = VerifierState.load(dir, IDENTITY, 0);
    expect(resumed.nextBlock).to.equal(42);
    expect(resumed.isChecked(1n)).to.equal(true);
    expect(resumed.isChecked(2n)).to.equal(true);
    expect(resumed.isChecked(3n)).to.equal(false);
    expect(resumed.totals).to.deep.equal({ valid: 1, "wrong-element": 1 });

    resumed.advance(60);
    const advanced = VerifierState.load(dir, IDENTITY, 0);
    expect(advanced.nextBlock).to.equal(61);
    // Jobs before the checkpoint are never read again; the totals keep counting them.
    expect(advanced.isChecked(1n)).to.equal(false);
    expect(advanced.totals).to.deep.equal({ valid: 1, "wrong-element": 1 });
  });

  it("keeps only whole state files: no temporary file is left and a stale one from a crash is ignored", function () {
    const state = VerifierState.load(dir, IDENTITY, 0);
    state.recordCheck(1n, checked(3));
    expect(fs.readdirSync(dir)).to.deep.equal([STATE_FILE_NAME]);
    fs.writeFileSync(path.join(dir, `${STATE_FILE_NAME}.999.tmp`), '{"version": 1, "nextBl');
    expect(VerifierState.load(dir, IDENTITY, 0).isChecked(1n)).to.equal(true);
  });

  it("loses no recorded check when the process is killed with SIGKILL in the middle of writing", async function () {
    const script = `
      const { VerifierState } = require("./src/verifier/state");
      const state = VerifierState.load(${JSON.stringify(dir)}, ${JSON.stringify(IDENTITY)}, 0);
      for (let id = 1; id <= 100000; id++) {
        state.recordCheck(BigInt(id), { verdict: "valid", label: "valid", block: 1, checkedAt: "t", ms: 0 });
        process.stdout.write(id + "\\n");
      }`;
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let reported = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (data: Buffer) => {
        const lines = data.toString().trim().split("\n");
        reported = Math.max(reported, Number(lines.at(-1)));
        if (reported >= 200 && child.exitCode === null && !child.killed) child.kill("SIGKILL");
      });
      child.on("exit", () => resolve());
      child.on("error", reject);
    });
    expect(child.signalCode).to.equal("SIGKILL");

    const state = VerifierState.load(dir, IDENTITY, 0);
    const total = state.totals.valid;
    // Every check the child reported done is there, and the file holds whole changes only: jobs 1..total exactly.
    expect(total).to.be.at.least(reported);
    for (const id of [1, Math.ceil(total / 2), total]) expect(state.isChecked(BigInt(id))).to.equal(true);
    expect(state.isChecked(BigInt(total + 1))).to.equal(false);
  });

  it("refuses a state directory of another chain or escrow, and a corrupt state file", async function () {
    VerifierState.load(dir, IDENTITY, 0).recordCheck(1n, checked(1));
    await expectUserError(
      () => VerifierState.load(dir, { ...IDENTITY, chainId: 1 }, 0),
      /belongs to escrow .* on chain 31337/,
    );
    await expectUserError(
      () => VerifierState.load(dir, { ...IDENTITY, escrow: "0x" + "11".repeat(20) }, 0),
      /use another --state-dir/,
    );
    fs.writeFileSync(path.join(dir, STATE_FILE_NAME), "{ not json");
    await expectUserError(() => VerifierState.load(dir, IDENTITY, 0), /is not valid JSON/);
  });

  describe("following", function () {
    /** A state with job `id`'s finding filed, its check recorded in block `block`. */
    async function filed(id: bigint, block: number): Promise<{ state: VerifierState; finding: Finding }> {
      const finding = await flipOneFinding(id);
      const state = VerifierState.load(dir, IDENTITY, 0);
      state.recordCheck(id, checked(block, finding.kind), finding);
      await fileFinding(state, new CountingSink(), finding, memoryLogger());
      return { state, finding };
    }

    it("leaves a finished job out of filedFindings across restarts, and drops it once the checkpoint passed it", async function () {
      const { state, finding } = await filed(5n, 9);
      expect(state.filedFindings().map(({ receipt }) => receipt.jobId)).to.deep.equal(["5"]);
      expect(state.isFollowingFinished("5")).to.equal(false);

      state.finishFollowing("5");
      const restarted = VerifierState.load(dir, IDENTITY, 0);
      expect(restarted.filedFindings()).to.deep.equal([]);
      expect(restarted.isFollowingFinished("5")).to.equal(true);
      // Kept while a re-read of its block could still offer the job: it stays filed, never offered again.
      restarted.advance(8);
      expect(restarted.findingRecord("5")).to.deep.include({ status: "filed" });
      expect(await fileFinding(restarted, new CountingSink(), finding, memoryLogger())).to.equal(undefined);

      restarted.advance(9);
      const pruned = VerifierState.load(dir, IDENTITY, 0);
      expect([pruned.findingRecord("5"), pruned.isChecked(5n), pruned.isFollowingFinished("5")]).to.deep.equal([
        undefined,
        false,
        true,
      ]);
      expect(VerifierState.peek(dir)).to.deep.include({ findings: {}, followingFinished: {}, checked: {} });
      expect(pruned.totals).to.deep.equal({ "wrong-element": 1 });
    });

    it("drops a finding at once when its following finishes after the checkpoint passed it", async function () {
      const { state } = await filed(6n, 4);
      state.advance(10);
      expect(state.filedFindings()).to.have.length(1);
      state.finishFollowing("6");
      expect(VerifierState.peek(dir)).to.deep.include({ findings: {}, followingFinished: {} });
      expect(VerifierState.load(dir, IDENTITY, 0).isFollowingFinished("6")).to.equal(true);
    });

    it("does not finish a finding that is still pending", async function () {
      const finding = await flipOneFinding(7n);
      const state = VerifierState.load(dir, IDENTITY, 0);
      state.recordCheck(7n, checked(3, finding.kind), finding);
      state.finishFollowing("7");
      expect(state.isFollowingFinished("7")).to.equal(false);
      expect(VerifierState.load(dir, IDENTITY, 0).pendingFindings()).to.deep.equal([finding]);
    });
  });

  describe("filing", function () {
    it("re-files a finding left pending by a crash, once, and never files a filed one again", async function () {
      const finding = await flipOneFinding(5n);
      const logger = memoryLogger();
      // The process recorded the finding, then died before the sink was called.
      VerifierState.load(dir, IDENTITY, 0).recordCheck(5n, checked(9, finding.kind), finding);

      const restarted = VerifierState.load(dir, IDENTITY, 0);
      expect(restarted.pendingFindings()).to.deep.equal([finding]);
      const sink = new CountingSink();
      const receipts = await filePendingFindings(restarted, sink, logger);
      expect(receipts.map((r) => r.jobId)).to.deep.equal(["5"]);
      expect(sink.filed).to.deep.equal([finding]);

      const again = VerifierState.load(dir, IDENTITY, 0);
      expect(again.pendingFindings()).to.deep.equal([]);
      expect(again.findingRecord("5")).to.deep.include({ status: "filed" });
      expect(await filePendingFindings(again, sink, logger)).to.deep.equal([]);
      expect(await fileFinding(again, sink, finding, logger)).to.equal(undefined);
      // Recording the same job again (a re-read range) does not turn its filed finding back to pending.
      again.recordCheck(5n, checked(9, finding.kind), finding);
      expect(VerifierState.load(dir, IDENTITY, 0).pendingFindings()).to.deep.equal([]);
      expect(sink.filed).to.have.length(1);
    });

    it("keeps a finding pending while the sink fails, and files it once the sink works", async function () {
      const finding = await flipOneFinding(8n);
      const logger = memoryLogger();
      const state = VerifierState.load(dir, IDENTITY, 0);
      state.recordCheck(8n, checked(2, finding.kind), finding);
      const sink = new CountingSink(1);

      expect(await fileFinding(state, sink, finding, logger)).to.equal(undefined);
      expect(logger.lines.join("\n")).to.match(/job 8 failed; it stays pending.*sink unreachable/);
      expect(VerifierState.load(dir, IDENTITY, 0).pendingFindings()).to.have.length(1);

      expect(await filePendingFindings(state, sink, logger)).to.have.length(1);
      expect(sink.filed).to.have.length(1);
      expect(VerifierState.load(dir, IDENTITY, 0).pendingFindings()).to.deep.equal([]);
    });

    it("logs a sink's failure in one short line, not the receipt of the reverted transaction", async function () {
      const { mined, hash } = await ethersErrors();
      const finding = await flipOneFinding(8n);
      const logger = memoryLogger();
      const state = VerifierState.load(dir, IDENTITY, 0);
      state.recordCheck(8n, checked(2, finding.kind), finding);
      const sink: DisputeSink = {
        name: "dispute-manager",
        filesOnChain: true,
        fileDispute: () => Promise.reject(mined),
      };
      expect(await fileFinding(state, sink, finding, logger)).to.equal(undefined);
      expect(logger.lines).to.deep.equal([
        "error filing the wrong-element finding of job 8 failed; it stays pending and is retried on the next tick: " +
          `transaction execution reverted (tx ${hash})`,
      ]);
      expect(state.pendingFindings()).to.deep.equal([finding]);
    });

    it("says a finding the sink had nothing left to dispute for was not filed, and why, and marks it done", async function () {
      const finding = await flipOneFinding(9n);
      const logger = memoryLogger();
      const state = VerifierState.load(dir, IDENTITY, 0);
      state.recordCheck(9n, checked(2, finding.kind), finding);
      let calls = 0;
      const sink: DisputeSink = {
        name: "dispute-manager",
        filesOnChain: true,
        fileDispute: async () => {
          calls++;
          const because = "the job is already Slashed";
          const filedAt = new Date().toISOString();
          return {
            jobId: "9",
            kind: finding.kind,
            sink: "dispute-manager",
            reference: "",
            notFiledBecause: because,
            filedAt,
          };
        },
      };
      expect(await fileFinding(state, sink, finding, logger)).to.equal(undefined);
      expect(logger.lines).to.deep.equal([
        "info job 9: wrong-element not filed to dispute-manager: the job is already Slashed",
      ]);
      expect(await filePendingFindings(VerifierState.load(dir, IDENTITY, 0), sink, logger)).to.deep.equal([]);
      expect(calls).to.equal(1);
    });

    it("writes each finding's evidence to findings/job-<id>.json atomically, idempotently", async function () {
      const finding = await flipOneFinding(12n);
      const sink = EvidenceFileSink.inStateDir(dir);
      const receipt = await sink.fileDispute(finding);
      const file = path.join(dir, "findings", "job-12.json");
      expect(receipt).to.include({ jobId: "12", kind: "wrong-element", sink: "evidence-file", reference: file });
      expect(evidenceFilePath(sink.directory, "12")).to.equal(file);
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal(finding);

      await sink.fileDispute(finding);
      expect(fs.readdirSync(path.join(dir, "findings"))).to.deep.equal(["job-12.json"]);
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal(finding);
    });
  });
});

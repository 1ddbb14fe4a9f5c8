/**
 * Drives an agent's state (VerifierState or ProviderState) through a simulated history of jobs, resuming from its state
 * file, and prints one line per step once the step has returned (acknowledged): a test kills it with SIGKILL at random
 * moments and checks that the file kept every acknowledged step and that no step was done twice.
 *
 *   node -r test/programs/register-ts-cached.js test/programs/state-child.ts <verifier|provider> <dir> <jobs> <run>
 *
 * The history: job j is submitted in block j; a verifier finds every job with j % CHEAT_EVERY === CHEAT_AT wrong and
 * files it to a sink that keeps a ledger (<dir>/ledger.jsonl, the chain's part: each call, flushed before it returns).
 */
import fs from "node:fs";
import path from "node:path";

import { memoryLogger } from "../../src/agents/logger";
import type { DisputeReceipt, DisputeSink } from "../../src/findings/sink";
import type { Finding } from "../../src/findings/verdict";
import { ProviderState, type TrackedJob } from "../../src/provider/state";
import { appendLine } from "../../src/state/journal";
import { fileFinding, filePendingFindings } from "../../src/verifier/filing";
import { VerifierState } from "../../src/verifier/state";

export const IDENTITY = { chainId: 31337, escrow: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };
export const PROVIDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
export const CHEAT_EVERY = 7;
export const CHEAT_AT = 3;
/** Blocks per range the verifier reads, and the provider's range of new jobs per tick. */
export const RANGE = 5;
/** The provider keeps a submitted job this many blocks (its challenge window) before it forgets it. */
export const WINDOW = 8;
export const LEDGER = "ledger.jsonl";

/** A provider job's phases in order; `gone` is a forgotten job. */
export const PHASES = ["waiting", "assigned", "submitted", "gone"] as const;

export const isCheat = (job: number) => job % CHEAT_EVERY === CHEAT_AT;

const TERMS = {
  workloadId: "0x" + "01".repeat(32),
  params: "0x",
  inputRoot: "0x" + "02".repeat(32),
  inputURI: "file:///inputs",
  paymentToken: "0x" + "03".repeat(20),
  payment: "1000",
  submitDeadline: "1900000000",
};

const ack = (line: string) => process.stdout.write(line + "\n");

/** A sink that files each job once, like the chain that refuses a second dispute, and records every call. */
class LedgerSink implements DisputeSink {
  readonly name = "ledger";
  readonly filesOnChain = false;
  private readonly disputed = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly run: number,
  ) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    for (const line of text.split("\n").filter((entry) => entry.endsWith("}"))) {
      this.disputed.add((JSON.parse(line) as { job: string }).job);
    }
  }

  async fileDispute(finding: Finding): Promise<DisputeReceipt> {
    const already = this.disputed.has(finding.jobId);
    appendLine(this.file, { job: finding.jobId, run: this.run, already });
    this.disputed.add(finding.jobId);
    const reference = already ? "already disputed" : `dispute of job ${finding.jobId}`;
    return { jobId: finding.jobId, kind: finding.kind, sink: this.name, reference, filedAt: "t" };
  }
}

function findingOf(job: number): Finding {
  const root = "0x" + "04".repeat(32);
  return {
    kind: "output-unavailable",
    jobId: String(job),
    workload: "matmul-i8",
    params: "0x",
    inputRoot: root,
    resultRoot: root,
    chunkCount: 2,
    error: "withheld",
  };
}

/** The verifier's loop: files what is pending, checks each range once, advances, finishes following what it filed. */
async function runVerifier(dir: string, jobs: number, run: number): Promise<void> {
  const state = VerifierState.load(dir, IDENTITY, 1);
  const sink = new LedgerSink(path.join(dir, LEDGER), run);
  const logger = memoryLogger();
  for (const receipt of await filePendingFindings(state, sink, logger)) ack(`filed ${receipt.jobId}`);
  while (state.nextBlock <= jobs) {
    const to = Math.min(state.nextBlock + RANGE - 1, jobs);
    for (let job = state.nextBlock; job <= to; job++) {
      if (state.isChecked(BigInt(job))) continue;
      const finding = isCheat(job) ? findingOf(job) : undefined;
      const label = finding === undefined ? "valid" : finding.kind;
      state.recordCheck(
        BigInt(job),
        { verdict: finding ? "finding" : "valid", label, block: job, checkedAt: "t", ms: 0 },
        finding,
      );
      ack(`checked ${job}`);
      if (finding !== undefined && (await fileFinding(state, sink, finding, logger)) !== undefined) ack(`filed ${job}`);
    }
    // The follower finds each filed dispute settled on its first look.
    for (const { receipt } of state.filedFindings()) {
      state.finishFollowing(receipt.jobId);
      ack(`finished ${receipt.jobId}`);
    }
    state.advance(to);
    ack(`advanced ${to}`);
  }
  ack("done");
}

/** The provider's loop: sees new jobs in ranges, moves each one phase a tick, forgets it after its window. */
function runProvider(dir: string, jobs: number): void {
  const state = ProviderState.load(path.join(dir, "provider.json"), { provider: PROVIDER, ...IDENTITY }, 1);
  const step = (id: number, job: TrackedJob | undefined) => {
    if (job === undefined) state.forget(BigInt(id));
    else state.set(BigInt(id), job);
    ack(`${job?.phase ?? "gone"} ${id}`);
  };
  const tracking = () => PHASES.some((phase) => phase !== "gone" && state.jobsIn(phase).length > 0);
  while (state.nextBlock <= jobs || tracking()) {
    const seen = state.nextBlock - 1;
    for (const [id] of state.jobsIn("submitted"))
      if (id + BigInt(WINDOW) <= seen || seen >= jobs) step(Number(id), undefined);
    for (const [id] of state.jobsIn("assigned")) {
      step(Number(id), { phase: "submitted", terms: TERMS, resultRoot: "0x", challengeEndsAt: "0" });
    }
    for (const [id] of state.jobsIn("waiting")) step(Number(id), { phase: "assigned", terms: TERMS });
    const to = Math.min(state.nextBlock + RANGE - 1, jobs);
    for (let id = state.nextBlock; id <= to; id++) {
      if (state.job(BigInt(id)) === undefined) step(id, { phase: "waiting", terms: TERMS, reason: "collateral" });
    }
    if (to >= state.nextBlock) {
      state.nextBlock = to + 1;
      state.save();
      ack(`block ${to + 1}`);
    }
  }
  ack("done");
}

async function main(): Promise<void> {
  const [agent, dir, jobs, run] = process.argv.slice(2);
  if (agent === "verifier") await runVerifier(dir, Number(jobs), Number(run));
  else if (agent === "provider") runProvider(dir, Number(jobs));
  else throw new Error(`state-child drives verifier or provider, not ${agent}`);
}

// Mocha loads every .ts file under test/: run only as a program.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

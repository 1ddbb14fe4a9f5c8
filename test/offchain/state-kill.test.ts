/**
 * kill -9 against the agents' journals: a child process (test/programs/state-child.ts) drives a VerifierState or a
 * ProviderState through a history of jobs and is killed with SIGKILL at random moments, then restarted from its
 * file, until it finishes. After every kill the file must hold every step the child acknowledged; over all the runs
 * no step may be done twice (a check counted twice, a filed finding offered to the sink again, a job phase repeated).
 */
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

import { expect } from "chai";

import { ProviderState } from "../../src/provider/state";
import { VerifierState } from "../../src/verifier/state";
import { seededRandom } from "../helpers/random";
import { isCheat, LEDGER, PHASES } from "../programs/state-child";

const ROOT = path.resolve(__dirname, "..", "..");
const LOADER = path.join(ROOT, "test", "programs", "register-ts-cached.js");
const CHILD = path.join(ROOT, "test", "programs", "state-child.ts");

/**
 * Runs the child once; kills it with SIGKILL `delayMs` after its `killAfter`-th acknowledgement (never, if it
 * finishes first).
 */
function runChild(args: readonly string[], killAfter: number, delayMs: number): Promise<{ acks: string[] }> {
  const child = spawn(process.execPath, ["-r", LOADER, CHILD, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const acks: string[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    acks.push(line);
    if (acks.length === killAfter) setTimeout(() => child.kill("SIGKILL"), delayMs);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (signal !== "SIGKILL" && code !== 0) reject(new Error(`the child exited with ${code}`));
      else resolve({ acks });
    });
  });
}

/** `[verb, number]` of each acknowledgement. */
const parsed = (acks: readonly string[]) =>
  acks.filter((ack) => ack !== "done").map((ack): [string, number] => [ack.split(" ")[0], Number(ack.split(" ")[1])]);

/**
 * Runs the child, killing it at random moments up to `kills` times, then lets it finish; checks the state file against
 * everything acknowledged so far after each run. Returns each run's acknowledgements.
 */
async function killRepeatedly(
  agent: "verifier" | "provider",
  dir: string,
  jobs: number,
  kills: number,
  check: (acks: readonly string[]) => void,
): Promise<string[][]> {
  const seed = Number(process.env.WEFT_STATE_KILL_SEED ?? randomInt(2 ** 31));
  console.log(`      kill schedule seed ${seed} (WEFT_STATE_KILL_SEED=${seed} replays it)`);
  const random = seededRandom(seed);
  const runs: string[][] = [];
  for (let run = 0; runs.at(-1)?.at(-1) !== "done"; run++) {
    // Spread the kills over the history (a few acknowledgements a job), then one run to the end.
    const killAfter = run < kills ? 1 + Math.floor(random() * ((jobs * 3) / kills)) : Infinity;
    const result = await runChild([agent, dir, String(jobs), String(run)], killAfter, Math.floor(random() * 3));
    runs.push(result.acks);
    check(runs.flat());
  }
  console.log(`      ${runs.length} runs, ${runs.length - 1} of them killed, ${runs.flat().length} steps acknowledged`);
  return runs;
}

describe("agent state under kill -9", function () {
  let dir: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-state-kill-"));
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a verifier at 1,000 jobs loses no acknowledged check or filing, and counts and files each job once", async function () {
    this.timeout(240_000);
    const jobs = 1_000;
    const cheats = Array.from({ length: jobs }, (_, i) => i + 1).filter(isCheat);

    const runs = await killRepeatedly("verifier", dir, jobs, 8, (acks) => {
      const state = VerifierState.peek(dir);
      if (state === undefined) return expect(acks, "acknowledged with no state file").to.deep.equal([]);
      for (const [verb, id] of parsed(acks)) {
        const key = String(id);
        if (verb === "checked")
          expect(state.checked[key] !== undefined || state.nextBlock > id, `check ${id}`).to.be.true;
        if (verb === "advanced") expect(state.nextBlock, `checkpoint past ${id}`).to.be.greaterThan(id);
        // A filed finding stays filed until its following is finished and the checkpoint passed it: then it goes.
        const record = state.findings[key];
        if (verb === "filed") expect(record?.status ?? "dropped", `finding ${id}`).to.be.oneOf(["filed", "dropped"]);
        if (verb === "finished") expect(state.followingFinished[key] === true || record === undefined).to.be.true;
      }
    });

    // No step twice: each job checked once and each finding filed and finished once across the runs.
    const steps = parsed(runs.flat())
      .filter(([verb]) => verb !== "advanced")
      .map(([verb, id]) => `${verb} ${id}`);
    expect(steps.length - new Set(steps).size, "steps acknowledged twice").to.equal(0);

    const state = VerifierState.peek(dir)!;
    expect(state.nextBlock).to.equal(jobs + 1);
    expect(state.totals).to.deep.equal({ valid: jobs - cheats.length, "output-unavailable": cheats.length });
    // Pruned: nothing is left to re-read, file or follow.
    expect([state.checked, state.findings, state.followingFinished]).to.deep.equal([{}, {}, {}]);

    // The sink (the chain's ledger) was offered each cheat; a second offer only ever follows a kill that came before
    // the first one was recorded as filed, never after.
    const calls = fs
      .readFileSync(path.join(dir, LEDGER), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { job: string; run: number; already: boolean });
    expect(calls.filter((call) => !call.already).map((call) => Number(call.job))).to.deep.equal(cheats);
    const filedIn = new Map<string, number>();
    runs.forEach((acks, run) => {
      for (const [verb, id] of parsed(acks)) if (verb === "filed") filedIn.set(String(id), run);
    });
    for (const call of calls.filter((entry) => entry.already)) {
      const acknowledged = filedIn.get(call.job);
      expect(acknowledged === undefined || call.run <= acknowledged, `job ${call.job} offered again`).to.be.true;
    }
    expect(fs.statSync(path.join(dir, "state.json")).size).to.be.below(80 * 1024);
  });

  it("a provider loses no acknowledged job phase and never repeats one", async function () {
    this.timeout(120_000);
    const jobs = 300;
    const file = path.join(dir, "provider.json");
    /** How far job `id` has come in `state`: an index of PHASES, -1 while unseen. */
    const progress = (state: NonNullable<ReturnType<typeof ProviderState.peek>>, id: number) => {
      const job = state.jobs[String(id)];
      if (job !== undefined) return PHASES.indexOf(job.phase);
      return id < state.nextBlock ? PHASES.indexOf("gone") : -1;
    };
    const runs = await killRepeatedly("provider", dir, jobs, 6, (acks) => {
      const state = ProviderState.peek(file);
      if (state === undefined) return expect(acks, "acknowledged with no state file").to.deep.equal([]);
      for (const [verb, id] of parsed(acks)) {
        if (verb === "block") expect(state.nextBlock, `checkpoint ${id}`).to.be.at.least(id);
        else expect(progress(state, id), `job ${id} ${verb}`).to.be.at.least(PHASES.indexOf(verb as "gone"));
      }
    });

    const steps = parsed(runs.flat()).map(([verb, id]) => `${verb} ${id}`);
    expect(steps.length - new Set(steps).size, "steps acknowledged twice").to.equal(0);
    const state = ProviderState.peek(file)!;
    expect([state.nextBlock, state.jobs]).to.deep.equal([jobs + 1, {}]);
  });
});

/**
 * The long run of the public-network simulator (npm run soak). Weft is deployed behind an endpoint with a free tier's
 * limits (test/helpers/public-rpc-proxy.ts), SOAK_HISTORY_BLOCKS blocks are mined on top, then a block comes every
 * 2 s and a provider agent and a verifier, each through an endpoint (and rate limit) of its own, take SOAK_JOBS jobs.
 * It reports what each agent cost in RPC calls: per idle tick before any job, per job, per idle tick while every job
 * waits out its challenge window, per job to finalize, and per idle tick once all are settled.
 *
 * Sizes come from the environment: SOAK_JOBS (default 10), SOAK_HISTORY_BLOCKS (default 100000) and
 * SOAK_IDLE_SECONDS (default 30, each idle phase); SOAK_5XX_PER_MILLE sets the agents' endpoints' share of 5xx pages
 * (default 10, the free tier's 1%) and SOAK_SEED which requests get them. Exits with 1 if a job does not settle in
 * time or an agent stops.
 * Run: npm run soak (or SOAK_JOBS=100 npm run soak)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { JsonRpcProvider, parseEther } from "ethers";

import { ComputeToken__factory, type JobEscrow, JobEscrow__factory } from "../typechain-types";
import { JobStatus, jobStatusName } from "../src/chain/jobs";
import { sleep } from "../src/chain/retry";
import { formatReport, type Measurement, readsPerUnit } from "./soak/report";
import { HISTORY_BLOCKS, SimulatedPublicNetwork } from "../test/helpers/public-network";
import { totalCalls } from "../test/helpers/endpoint-calls";
import type { PublicRpcProxy } from "../test/helpers/public-rpc-proxy";
import { type TaskOutcome, TaskSession } from "../test/helpers/task-session";
import { AgentProcess } from "../test/helpers/verifier-process";

const ROOT = path.resolve(__dirname, "..");
/** Both agents poll every 2 s, the local default, so that an idle tick is a known length of time. */
const POLL_SECONDS = 2;
/** Accounts of the node: the deployer (also the client), the provider, the verifier. */
const ACCOUNT = { provider: 2, verifier: 4 } as const;
/** The provider's stake in WEFT: collateral for thousands of 1-WEFT jobs at 10x. */
const STAKE = 20_000n;

function integerFromEnv(name: string, fallback: number, min = 1): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new Error(`${name} must be an integer >= ${min}, got "${text}"`);
  return Number(text);
}

const JOBS = integerFromEnv("SOAK_JOBS", 10);
const HISTORY = integerFromEnv("SOAK_HISTORY_BLOCKS", HISTORY_BLOCKS);
const IDLE_SECONDS = integerFromEnv("SOAK_IDLE_SECONDS", 30);
const SERVER_ERROR_RATE = integerFromEnv("SOAK_5XX_PER_MILLE", 10, 0) / 1_000;
const SEED = integerFromEnv("SOAK_SEED", 1, 0);

const started = Date.now();
const say = (line: string) => console.log(`[${Math.round((Date.now() - started) / 1_000)} s] ${line}`);

function succeeded(task: string, outcome: TaskOutcome): TaskOutcome {
  if (outcome.error !== undefined) throw new Error(`${task} failed through the simulator: ${outcome.error}`);
  return outcome;
}

/** Waits until every job in `ids` has `status`, reading the node directly (not counted against an agent). */
async function waitForJobs(escrow: JobEscrow, ids: readonly bigint[], status: JobStatus, agents: AgentProcess[]) {
  const deadline = Date.now() + 120_000 + ids.length * 30_000;
  for (;;) {
    const statuses = await Promise.all(ids.map(async (id) => Number(await escrow.jobStatus(id))));
    if (statuses.every((s) => s === status)) return;
    if (agents.some((agent) => !agent.running)) throw new Error("an agent stopped");
    if (Date.now() > deadline) {
      const left = ids.flatMap((id, i) => (statuses[i] === status ? [] : [`${id} ${jobStatusName(statuses[i])}`]));
      throw new Error(`jobs not ${jobStatusName(status)} in time: ${left.join(", ")}`);
    }
    await sleep(1_000);
  }
}

/**
 * Waits until an agent reads no more than about one log range per poll: it has followed the history up to the head
 * (a catching-up agent reads many ranges a poll) and what it costs from then on is its steady cost.
 */
async function caughtUp(endpoint: PublicRpcProxy): Promise<void> {
  const windowPolls = 3;
  const deadline = Date.now() + 600_000;
  for (;;) {
    endpoint.calls.reset();
    await sleep(windowPolls * POLL_SECONDS * 1_000);
    if (totalCalls(endpoint.calls.snapshot(), "eth_getLogs") <= windowPolls + 1) return;
    if (Date.now() > deadline) throw new Error("an agent has not caught up with the head in 10 minutes");
  }
}

interface Watched {
  readonly name: string;
  readonly endpoint: PublicRpcProxy;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-soak-"));
  const deploymentId = `soak-${process.pid}`;
  // The tasks get the free tier's limits without its 5xx: a task is one command, and a user runs it again. The deploy
  // sees the node's own methods, so that Ignition takes automine's one confirmation a batch instead of five blocks.
  const network = await SimulatedPublicNetwork.start({ serverErrorRate: 0, nodeMethods: "forward" });
  const tasks = TaskSession.start({ rpcUrl: network.url, deploymentsDir: dir });
  const agents: AgentProcess[] = [];
  try {
    say(`deploying through an endpoint at ${network.proxy.limits.requestsPerSecond} calls/s`);
    succeeded("deploy", await tasks.run("deploy", { deploymentId }));
    const book = JSON.parse(fs.readFileSync(path.join(dir, "localhost.json"), "utf8"));
    const node = new JsonRpcProvider(network.node.url, undefined, { staticNetwork: true });
    const deployer = await node.getSigner(0);
    const provider = await node.getSigner(ACCOUNT.provider);
    const token = ComputeToken__factory.connect(book.contracts.ComputeToken, deployer);
    await (await token.transfer(provider.address, parseEther(String(STAKE)))).wait();
    const escrow = JobEscrow__factory.connect(book.contracts.JobEscrow, node);

    network.proxy.configure({ nodeMethods: "refuse" });
    say(`mining ${HISTORY} blocks of history, then a block every 2 s`);
    await network.mineHistory(HISTORY);
    await network.mineEvery();

    // Each agent on an endpoint of its own: its own rate limit, and its calls counted apart.
    const endpoint = (seed: number) => network.endpoint({ serverErrorRate: SERVER_ERROR_RATE, seed });
    const watched: Watched[] = [
      { name: "provider", endpoint: await endpoint(SEED) },
      { name: "verifier", endpoint: await endpoint(SEED + 1) },
    ];
    const start = (watch: Watched, task: "provider:run" | "verifier:run", args: Record<string, string>) => {
      const agent = AgentProcess.start({ rpcUrl: watch.endpoint.url, deploymentsDir: dir, task, args });
      agents.push(agent);
      return agent;
    };
    const providerAgent = start(watched[0], "provider:run", {
      account: String(ACCOUNT.provider),
      state: path.join(dir, "provider", "state.json"),
      store: path.join(dir, "store"),
      stake: String(STAKE),
      gpu: "soak",
      vram: "80",
      workers: "1",
      pollInterval: `${POLL_SECONDS}s`,
    });
    const verifierAgent = start(watched[1], "verifier:run", {
      account: String(ACCOUNT.verifier),
      stateDir: path.join(dir, "verifier"),
      pollInterval: `${POLL_SECONDS}s`,
    });
    say("starting the provider agent and the verifier");
    await providerAgent.waitForLine(/provider 0x[0-9a-fA-F]{40} on localhost/, 0, 300_000);
    await verifierAgent.waitForLine(/verifier on localhost/, 0, 300_000);
    say("waiting for both agents to read their way through the history to the head");
    await Promise.all(watched.map(({ endpoint }) => caughtUp(endpoint)));

    const measurements: Measurement[] = [];
    const resetAll = () => watched.forEach(({ endpoint }) => endpoint.calls.reset());
    const idle = async (phase: string) => {
      say(phase);
      resetAll();
      await sleep(IDLE_SECONDS * 1_000);
      for (const { name, endpoint } of watched) {
        const counts = endpoint.calls.reset();
        measurements.push({ phase, agent: name, counts, unit: "idle tick", units: IDLE_SECONDS / POLL_SECONDS });
      }
    };
    /** Reads per second each agent makes idle: taken away from a phase of work to leave the cost of the work. */
    const idleRate = (agent: string) =>
      readsPerUnit(measurements.find((m) => m.agent === agent && m.unit === "idle tick")!) / POLL_SECONDS;
    const work = async (phase: string, run: () => Promise<void>) => {
      say(phase);
      resetAll();
      const phaseStarted = Date.now();
      await run();
      // The verifier checks what was submitted at its next poll.
      await sleep(3 * POLL_SECONDS * 1_000);
      const seconds = (Date.now() - phaseStarted) / 1_000;
      for (const { name, endpoint } of watched) {
        const counts = endpoint.calls.reset();
        const baselineReads = idleRate(name) * seconds;
        measurements.push({ phase, agent: name, counts, unit: "job", units: JOBS, baselineReads });
      }
    };

    await idle("idle, no job yet");
    const ids: bigint[] = [];
    await work(`${JOBS} jobs created, accepted, computed, submitted and checked`, async () => {
      for (let i = 0; i < JOBS; i++) {
        const job = { workload: "matmul-i8", shape: "4,8,4", seed: String(i + 1), payment: "1" };
        const created = succeeded(
          "job:create",
          await tasks.run("job:create", { ...job, store: path.join(dir, "store") }),
        );
        ids.push(BigInt(/Created job (\d+)/.exec(created.lines.join("\n"))![1]));
      }
      await waitForJobs(escrow, ids, JobStatus.Submitted, agents);
    });
    await idle(`idle, ${JOBS} jobs in their challenge window`);
    await work(`${JOBS} jobs finalized after the challenge window`, async () => {
      await node.send("evm_increaseTime", [Number(await escrow.challengeWindow()) + 1]);
      await waitForJobs(escrow, ids, JobStatus.Finalized, agents);
    });
    await idle(`idle, ${JOBS} jobs settled`);

    console.log(formatReport(measurements));
    node.destroy();
  } catch (error) {
    for (const agent of agents) console.error(agent.lines.slice(-20).join("\n"));
    throw error;
  } finally {
    await Promise.all(agents.map((agent) => agent.stop("SIGTERM")));
    await tasks.close();
    await network.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

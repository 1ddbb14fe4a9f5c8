import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { type EndpointCallCounts, refusedCalls, totalCalls } from "../helpers/endpoint-calls";
import { underCoverage } from "../helpers/coverage";
import { HISTORY_BLOCKS, SimulatedPublicNetwork } from "../helpers/public-network";
import type { PublicEndpointOptions } from "../helpers/public-rpc-proxy";
import { type TaskOutcome, TaskSession } from "../helpers/task-session";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The free tier's getLogs caps in Alchemy's words, and a rate limit four times the free tier's so that the test stays
 * short while a task that scans the history still meets HTTP 429. No 5xx unless a test asks for them.
 */
const ENDPOINT: PublicEndpointOptions = {
  maxBlockRange: 1_000,
  maxLogs: 10_000,
  requestsPerSecond: 100,
  serverErrorRate: 0,
  seed: 19,
  dialect: "alchemy",
  nodeMethods: "refuse",
};

/**
 * Weft's commands against a chain that looks like a public testnet to them: they reach it only through the simulator
 * (public-rpc-proxy.ts), and 100,000 blocks separate the deployment from every query after it, so a query from the
 * deployment block to the head is refused as it would be by Alchemy or Infura.
 */
describe("Weft through a simulated public endpoint (getLogs capped at 1,000 blocks, 100,000 blocks of history)", function () {
  let network: SimulatedPublicNetwork;
  let tasks: TaskSession;
  let deploymentsDir: string;
  let deploymentBlock: number;
  let deployCalls: EndpointCallCounts;
  const deploymentId = `public-network-test-${process.pid}`;

  /** Runs a task and returns what it printed and the calls it made; a failed task fails the test with its error. */
  async function run(
    task: string,
    args: Record<string, string> = {},
  ): Promise<TaskOutcome & { calls: EndpointCallCounts }> {
    network.proxy.calls.reset();
    const outcome = await tasks.run(task, args);
    const calls = network.proxy.calls.reset();
    if (outcome.error !== undefined) expect.fail(`${task} failed through the simulator: ${outcome.error}`);
    return { ...outcome, calls };
  }

  const printed = (outcome: TaskOutcome) => outcome.lines.join("\n");
  const createJob = () =>
    run("job:create", {
      workload: "matmul-i8",
      shape: "4,8,4",
      seed: "5",
      payment: "2",
      store: path.join(deploymentsDir, "store"),
    });

  before(async function () {
    // Coverage instruments contracts inside this process; tasks in a subprocess add nothing to it.
    if (underCoverage) this.skip();
    // Ignition's ~860 calls at the free tier's rate would take half a minute (the soak, npm run soak, deploys under
    // it), and it would wait for five confirmations of each batch were the node's own methods refused: it takes one
    // on a node that answers hardhat_getAutomine.
    network = await SimulatedPublicNetwork.start({ ...ENDPOINT, requestsPerSecond: Infinity, nodeMethods: "forward" });
    deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-public-network-"));
    tasks = TaskSession.start({ rpcUrl: network.url, deploymentsDir });
    const deploy = await tasks.run("deploy", { deploymentId });
    if (deploy.error !== undefined) throw new Error(`deploy failed through the simulator: ${deploy.error}`);
    deployCalls = network.proxy.calls.reset();
    deploymentBlock = JSON.parse(fs.readFileSync(path.join(deploymentsDir, "localhost.json"), "utf8")).deploymentBlock;
    // Job 1, created right after the deployment: its events lie 100,000 blocks behind every query.
    await createJob();
    await network.mineHistory(HISTORY_BLOCKS);
    await network.mineEvery();
    network.proxy.configure(ENDPOINT);
  });

  after(async function () {
    await tasks?.close();
    await network?.close();
    if (deploymentsDir) fs.rmSync(deploymentsDir, { recursive: true, force: true });
    fs.rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  afterEach(function () {
    network?.proxy.configure(ENDPOINT);
  });

  it("deploys through the endpoint: every contract in the address book, no call refused", function () {
    const book = JSON.parse(fs.readFileSync(path.join(deploymentsDir, "localhost.json"), "utf8"));
    expect(Object.keys(book.contracts)).to.include.members(["JobEscrow", "DisputeManager", "ComputeGovernor"]);
    expect(totalCalls(deployCalls, "eth_sendTransaction")).to.be.greaterThan(10);
    expect(refusedCalls(deployCalls)).to.equal(0);
  });

  it("job:create pays for a job in a block of the 2-second clock, 100,000 blocks after the deployment", async function () {
    const head = await network.head();
    const created = await createJob();
    expect(printed(created)).to.match(/Created job 2 \(tx 0x[0-9a-f]{64}, gas \d+, paid by permit\)/);
    expect(head - deploymentBlock).to.be.at.least(HISTORY_BLOCKS);
    expect(await network.head()).to.be.greaterThan(head);
  });

  it("job:status shows a job created 100,000 blocks ago, reading the history in ranges the endpoint accepts", async function () {
    const status = await run("job:status", { id: "1" });
    expect(printed(status)).to.match(/status\s+│ Open/);
    const createdIn = Number(/created\s+│ block (\d+),/.exec(printed(status))?.[1]);
    expect(createdIn).to.be.within(deploymentBlock, deploymentBlock + 100);
    expect(refusedCalls(status.calls, "eth_getLogs", "too-many-blocks")).to.be.at.most(1);
  });

  it("job:status finds a job created a moment ago in a few calls, not one per 1,000 blocks of history", async function () {
    const status = await run("job:status", { id: "2" });
    expect(printed(status)).to.match(/job\s+│ 2\s/);
    expect(totalCalls(status.calls, "eth_getLogs")).to.be.at.most(3);
  });

  it("job:status lists the jobs", async function () {
    const list = await run("job:status");
    expect(printed(list)).to.match(/│ 1\s+│/);
    expect(printed(list)).to.match(/│ 2\s+│/);
  });

  it("dispute:status reads a job's disputes since the deployment and says there are none", async function () {
    const status = await run("dispute:status", { job: "1" });
    expect(printed(status)).to.match(/^Job 1 has never been disputed\.$/m);
  });

  it("rewards:status shows the current epoch, and rewards:claim says there is nothing to claim", async function () {
    const status = await run("rewards:status");
    expect(printed(status)).to.match(/epoch \d+/i);
    const claim = await tasks.run("rewards:claim", {});
    expect(claim.error).to.match(/has nothing to claim in the last 52 epochs\.$/);
  });

  it("dao:status shows parameters, roles and the voting power read from 100,000 blocks of token history", async function () {
    const status = await run("dao:status");
    expect(printed(status)).to.match(/protocolFeeBps\W+3\.00%/);
    expect(printed(status)).to.match(/top holders by votes/);
  });

  it("a task that scans the whole history over the rate limit is slowed by HTTP 429 and Retry-After, not failed", async function () {
    network.proxy.configure({ requestsPerSecond: 100, burst: 50 });
    const status = await run("dispute:status", { job: "1" });
    expect(printed(status)).to.match(/^Job 1 has never been disputed\.$/m);
    expect(refusedCalls(status.calls, undefined, "rate-limited")).to.be.greaterThan(0);
  });

  it("job:status and dispute:status work when the endpoint refuses in Infura's words", async function () {
    network.proxy.configure({ dialect: "infura" });
    expect(printed(await run("job:status", { id: "1" }))).to.match(/status\s+│ Open/);
    expect(printed(await run("dispute:status", { job: "2" }))).to.match(/^Job 2 has never been disputed\.$/m);
  });

  it("read-only tasks outlast the gateway's occasional 5xx", async function () {
    // One run of each task at a rate that serves several 5xx pages in it (each run is a process of its own: seconds).
    network.proxy.configure({ serverErrorRate: 0.08 });
    const disputes = await run("dispute:status", { job: "1" });
    expect(printed(disputes)).to.match(/^Job 1 has never been disputed\.$/m);
    const job = await run("job:status", { id: "1" });
    expect(printed(job)).to.match(/status\s+│ Open/);
    const gatewayErrors =
      refusedCalls(disputes.calls, undefined, "server-error") + refusedCalls(job.calls, undefined, "server-error");
    expect(gatewayErrors, "no 5xx was served: the test proves nothing").to.be.greaterThan(0);
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { type Filter, type Log, type Provider, zeroPadValue } from "ethers";

import { EventIndex } from "../../src/agents/event-index";
import { type ChainLog, LogScanner, matchesFilter } from "../../src/chain/logs";
import { UserError } from "../../src/errors";

const ESCROW = "0x00000000000000000000000000000000000000aa";
const CREATED = zeroPadValue("0x01", 32);
const job = (id: number) => zeroPadValue(`0x${id.toString(16).padStart(2, "0")}`, 32);

/** A chain whose only logs are `logs`, counting eth_getLogs requests. */
function chain(logs: ChainLog[], head: () => number) {
  const requests: { fromBlock: number; toBlock: number }[] = [];
  const provider = {
    getBlockNumber: async () => head(),
    getNetwork: async () => ({ chainId: 31337n }),
    getLogs: async (filter: Filter) => {
      const fromBlock = Number(filter.fromBlock);
      const toBlock = Number(filter.toBlock);
      requests.push({ fromBlock, toBlock });
      const query = { address: filter.address as string | string[], topics: filter.topics ?? [] };
      return logs
        .filter((log) => log.blockNumber >= fromBlock && log.blockNumber <= toBlock && matchesFilter(log, query))
        .map((log) => ({ ...log }) as unknown as Log);
    },
  };
  return { provider: provider as unknown as Provider, requests };
}

function log(block: number, jobId: number, index = 0): ChainLog {
  return {
    address: ESCROW,
    topics: [CREATED, job(jobId)],
    data: "0x",
    blockNumber: block,
    index,
    transactionHash: "0x",
  };
}

describe("EventIndex", function () {
  let dir: string;
  let file: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-index-"));
    file = path.join(dir, "events.jsonl");
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function open(provider: Provider, startBlock: number, deploymentBlock = 0): EventIndex {
    const scanner = new LogScanner(provider, { maxBlockRange: 100 });
    return EventIndex.open({ file, chainId: 31337, addresses: [ESCROW], startBlock, deploymentBlock, scanner });
  }

  it("answers a job's lookup from memory once synced, without a request", async function () {
    const { provider, requests } = chain([log(10, 1), log(150, 2), log(160, 1, 1)], () => 199);
    const index = open(provider, 0);
    expect(await index.sync(199)).to.have.length(3);
    expect(requests).to.have.length(2);
    const found = await index.logs({ address: ESCROW, topics: [null, job(1)] }, (logs) => logs.length > 0);
    expect(found.map((l) => l.blockNumber)).to.deep.equal([10, 160]);
    expect(requests).to.have.length(2);
  });

  it("comes back from its file with every synced log and its checkpoint", async function () {
    const { provider, requests } = chain([log(10, 1), log(150, 2)], () => 199);
    await open(provider, 0).sync(199);
    const reopened = open(provider, 0);
    expect(reopened.nextBlock).to.equal(200);
    expect(reopened.logsSince(100).map((l) => l.blockNumber)).to.deep.equal([150]);
    expect(requests).to.have.length(2);
  });

  it("drops the logs of an append torn by a kill and reads their blocks again", async function () {
    const { provider } = chain([log(10, 1), log(150, 2)], () => 199);
    await open(provider, 0).sync(99);
    // A kill in the middle of the next append: a log line, no checkpoint, half a line.
    fs.appendFileSync(
      file,
      `${JSON.stringify({ b: 150, i: 0, a: ESCROW, t: [CREATED, job(2)], d: "0x", h: "0x" })}\n{"b":1`,
    );
    const reopened = open(provider, 0);
    expect(reopened.nextBlock).to.equal(100);
    expect(reopened.logsSince(0)).to.have.length(1);
    await reopened.sync(199);
    expect(
      open(provider, 0)
        .logsSince(0)
        .map((l) => l.blockNumber),
    ).to.deep.equal([10, 150]);
  });

  it("refuses a damaged line that is not the last, saying to delete the file", function () {
    const { provider } = chain([], () => 0);
    open(provider, 0);
    fs.appendFileSync(file, 'not json\n{"next":5}\n');
    expect(() => open(provider, 0))
      .to.throw(UserError)
      .with.property("message")
      .that.matches(/is not valid JSON at line 2 .*move it away to start afresh/);
  });

  it("refuses the index of another chain or contract", function () {
    const { provider } = chain([], () => 0);
    open(provider, 0);
    const scanner = new LogScanner(provider);
    expect(() =>
      EventIndex.open({ file, chainId: 1, addresses: [ESCROW], startBlock: 0, deploymentBlock: 0, scanner }),
    ).to.throw(UserError, /indexes chain 31337/);
  });

  it("walks back from its first block for a job created before it, and stops at the creation", async function () {
    const { provider, requests } = chain([log(5_050, 7), log(9_950, 7, 1)], () => 10_099);
    const index = open(provider, 10_000, 0);
    await index.sync(10_099);
    requests.length = 0;
    const found = await index.logs({ address: ESCROW, topics: [null, job(7)] }, (logs) =>
      logs.some((l) => l.blockNumber === 5_050),
    );
    expect(found.map((l) => l.blockNumber)).to.deep.equal([5_050, 9_950]);
    expect(requests).to.have.length(50); // blocks 9,999 down to 5,000, 100 at a time
  });

  it("shows the logs of the agent's own transactions until a sync reaches their block", async function () {
    let head = 99;
    const { provider } = chain([log(120, 3)], () => head);
    const index = open(provider, 0);
    await index.sync(99);
    index.recordOwn([log(120, 3)]);
    expect(await index.logs({ address: ESCROW, topics: [null, job(3)] })).to.have.length(1);
    head = 199;
    await index.sync(199);
    expect(await index.logs({ address: ESCROW, topics: [null, job(3)] })).to.have.length(1);
  });

  it("reads the blocks past its checkpoint when asked for the history up to the head", async function () {
    let head = 99;
    const { provider } = chain([log(50, 4), log(130, 4, 1)], () => head);
    const index = open(provider, 0);
    await index.sync(99);
    head = 140;
    const filter = { address: ESCROW, topics: [null, job(4)] };
    expect(await index.logs(filter)).to.have.length(1);
    expect(await index.toHead().logs(filter)).to.have.length(2);
  });
});

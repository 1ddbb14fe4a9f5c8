import { expect } from "chai";
import { type Filter, type Log, type Provider, zeroPadValue } from "ethers";

import { isRangeRefusal, LogScanner, matchesFilter, RangeRefusedError } from "../../src/chain/logs";

const ADDRESS = "0x00000000000000000000000000000000000000aa";
const TOPIC = zeroPadValue("0x01", 32);

/** A chain of `blocks` blocks with one log in each block listed in `logBlocks`; refuses ranges over `cap` blocks. */
function endpoint(blocks: number, logBlocks: number[], cap: number) {
  const requests: { fromBlock: number; toBlock: number }[] = [];
  const provider = {
    getBlockNumber: async () => blocks - 1,
    getLogs: async (filter: Filter) => {
      const fromBlock = Number(filter.fromBlock);
      const toBlock = Number(filter.toBlock);
      requests.push({ fromBlock, toBlock });
      if (toBlock - fromBlock + 1 > cap) {
        // Alchemy's words; ethers wraps a JSON-RPC error into an Error whose message embeds them.
        throw Object.assign(new Error("could not coalesce error"), {
          error: { code: -32602, message: `Log response size exceeded. Use a ${cap} block range.` },
        });
      }
      return logBlocks
        .filter((block) => block >= fromBlock && block <= toBlock)
        .map((block) => ({ address: ADDRESS, topics: [TOPIC], blockNumber: block }) as unknown as Log);
    },
  };
  return { provider: provider as unknown as Provider, requests };
}

describe("LogScanner", function () {
  it("splits a scan into ranges no larger than maxBlockRange and returns the logs in chain order", async function () {
    const { provider, requests } = endpoint(10_000, [5, 2_500, 9_999], 10_000);
    const logs = await new LogScanner(provider, { maxBlockRange: 1_000 }).scan({ address: ADDRESS }, 0, 9_999);
    expect(logs.map((log) => log.blockNumber)).to.deep.equal([5, 2_500, 9_999]);
    expect(requests).to.have.length(10);
    expect(requests.every((r) => r.toBlock - r.fromBlock + 1 <= 1_000)).to.equal(true);
  });

  it("halves its range when the endpoint refuses one, and keeps the smaller range", async function () {
    const { provider, requests } = endpoint(4_000, [3_999], 500);
    const scanner = new LogScanner(provider, { maxBlockRange: 2_000 });
    const logs = await scanner.scan({ address: ADDRESS }, 0, 3_999);
    expect(logs).to.have.length(1);
    expect(scanner.maxBlockRange).to.equal(500);
    // 2,000 and 1,000 refused once each, then eight ranges of 500.
    expect(requests).to.have.length(10);
  });

  it("walks back from the head and stops as soon as the logs found are enough", async function () {
    const { provider, requests } = endpoint(100_000, [98_500, 99_900], 1_000);
    const logs = await new LogScanner(provider, { maxBlockRange: 1_000 }).scanBack(
      { address: ADDRESS },
      0,
      99_999,
      (found) => found.some((log) => log.blockNumber === 98_500),
    );
    expect(logs.map((log) => log.blockNumber)).to.deep.equal([98_500, 99_900]);
    expect(requests).to.have.length(2);
  });

  it("reports progress on a scan of more than one range", async function () {
    const { provider } = endpoint(3_000, [], 1_000);
    const seen: number[] = [];
    await new LogScanner(provider, {
      maxBlockRange: 1_000,
      onProgress: ({ scannedBlocks }) => seen.push(scannedBlocks),
    }).scan({ address: ADDRESS }, 0, 2_999);
    expect(seen).to.deep.equal([1_000, 2_000, 3_000]);
  });

  it("fails with the endpoint's words when it refuses even a single block", async function () {
    const { provider } = endpoint(10, [], 0);
    const failure = await new LogScanner(provider, { maxBlockRange: 4 }).scan({ address: ADDRESS }, 0, 9).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(RangeRefusedError);
    expect((failure as Error).message).to.match(/single block 0: .*Log response size exceeded/);
  });
});

describe("isRangeRefusal", function () {
  it("recognizes the range and result caps of public endpoints", function () {
    for (const message of [
      "query returned more than 10000 results",
      "block range is too wide",
      "eth_getLogs is limited to a 10,000 block range",
      "exceed maximum block range: 5000",
      "range 2000 exceeds limit of 1000",
    ]) {
      expect(isRangeRefusal(new Error(message)), message).to.equal(true);
    }
  });

  it("does not take a rate limit or a server error for a range refusal", function () {
    expect(isRangeRefusal(new Error("Too Many Requests"))).to.equal(false);
    expect(isRangeRefusal(new Error("bad gateway"))).to.equal(false);
  });
});

describe("matchesFilter", function () {
  it("matches addresses case-insensitively and topics by position, null matching anything", function () {
    const log = { address: ADDRESS.toUpperCase().replace("0X", "0x"), topics: [TOPIC, zeroPadValue("0x07", 32)] };
    expect(matchesFilter(log, { address: [ADDRESS], topics: [TOPIC, null] })).to.equal(true);
    expect(matchesFilter(log, { address: ADDRESS, topics: [[TOPIC], zeroPadValue("0x07", 32)] })).to.equal(true);
    expect(matchesFilter(log, { address: ADDRESS, topics: [null, zeroPadValue("0x08", 32)] })).to.equal(false);
    expect(matchesFilter(log, { address: "0x00000000000000000000000000000000000000bb" })).to.equal(false);
  });
});

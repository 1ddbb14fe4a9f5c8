import { expect } from "chai";
import { HttpProvider } from "hardhat/internal/core/providers/http";

import { refusedCalls, totalCalls, forwardedCalls } from "../helpers/endpoint-calls";
import { type JsonRpcError, type JsonRpcRequest, parseBody, readBody } from "../helpers/json-rpc";
import { type LocalHttpServer, postJson, serveLocally } from "../helpers/local-http";
import { blockSpan } from "../helpers/log-range";
import { type PublicEndpointOptions, PublicRpcProxy } from "../helpers/public-rpc-proxy";
import { TokenBucket } from "../helpers/token-bucket";

const hex = (value: number) => `0x${value.toString(16)}`;

/** A node at block `head` with `logsPerBlock` logs in every block; it answers eth_blockNumber and eth_getLogs. */
async function stubNode(head: number, logsPerBlock = 0): Promise<LocalHttpServer> {
  const bound = (value: unknown) =>
    value === undefined || value === "latest" ? head : value === "earliest" ? 0 : Number(value);
  const answer = (request: JsonRpcRequest) => {
    if (request.method === "eth_blockNumber") return hex(head);
    if (request.method !== "eth_getLogs") return null;
    const [filter] = request.params as [{ fromBlock?: string; toBlock?: string }];
    const logs = [];
    for (let block = bound(filter.fromBlock); block <= bound(filter.toBlock); block++) {
      for (let i = 0; i < logsPerBlock; i++) logs.push({ blockNumber: hex(block), logIndex: hex(i) });
    }
    return logs;
  };
  return serveLocally(async (request, response) => {
    const { requests, batch } = parseBody(await readBody(request));
    const answers = requests.map((r) => ({ jsonrpc: "2.0", id: r.id, result: answer(r) }));
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(batch ? answers : answers[0]));
  });
}

/** No rate limit and no 5xx unless a test asks: each test looks at one behaviour. */
const QUIET: Partial<PublicEndpointOptions> = { requestsPerSecond: Infinity, serverErrorRate: 0 };

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly result?: unknown;
  readonly error?: JsonRpcError;
}

async function call(url: string, method: string, params: unknown[] = []): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }),
  });
  const text = await response.text();
  const body = text.startsWith("{") ? (JSON.parse(text) as { result?: unknown; error?: JsonRpcError }) : {};
  return { status: response.status, retryAfter: response.headers.get("retry-after"), ...body };
}

const getLogs = (url: string, filter: Record<string, string>) => call(url, "eth_getLogs", [filter]);

describe("Public-endpoint simulator", function () {
  let node: LocalHttpServer;
  let proxy: PublicRpcProxy;

  /** A proxy with `options` in front of a node at block `head` with `logsPerBlock` logs a block. */
  async function endpoint(head: number, options: Partial<PublicEndpointOptions> = {}, logsPerBlock = 0) {
    node = await stubNode(head, logsPerBlock);
    proxy = await PublicRpcProxy.start(node.url, { ...QUIET, ...options });
    return proxy;
  }

  afterEach(async function () {
    await proxy?.close();
    await node?.close();
  });

  describe("eth_getLogs block-range cap", function () {
    it("forwards a range of exactly the cap and refuses one block more with Alchemy's -32602 and a range that fits", async function () {
      const { url, calls } = await endpoint(50_000);
      const fits = await getLogs(url, { fromBlock: hex(1_000), toBlock: hex(1_999) });
      expect(fits.result).to.deep.equal([]);
      const over = await getLogs(url, { fromBlock: hex(1_000), toBlock: hex(2_000) });
      expect(over.status).to.equal(200);
      expect(over.error!.code).to.equal(-32602);
      expect(over.error!.message).to.match(/^Log response size exceeded\. .* up to a 1K block range/);
      expect(over.error!.message).to.match(/this block range should work: \[0x3e8, 0x7cf\]$/);
      expect(forwardedCalls(calls.snapshot(), "eth_getLogs")).to.equal(1);
      expect(refusedCalls(calls.snapshot(), "eth_getLogs", "too-many-blocks")).to.equal(1);
    });

    it("refuses with Infura's words when told to speak as Infura", async function () {
      const { url } = await endpoint(50_000, { dialect: "infura" });
      const over = await getLogs(url, { fromBlock: hex(0), toBlock: hex(4_999) });
      expect(over.error).to.deep.equal({ code: -32602, message: "range 5000 exceeds limit of 1000" });
    });

    it("reads an absent fromBlock and toBlock as latest: one block, forwarded", async function () {
      const { url, calls } = await endpoint(250_000);
      expect((await getLogs(url, {})).result).to.deep.equal([]);
      expect((await getLogs(url, { fromBlock: hex(249_500) })).result).to.deep.equal([]);
      expect(forwardedCalls(calls.snapshot(), "eth_getLogs")).to.equal(2);
    });

    it("refuses earliest..latest once the chain is longer than the cap, and forwards it while it is not", async function () {
      const long = await endpoint(1_000);
      expect((await getLogs(long.url, { fromBlock: "earliest", toBlock: "latest" })).error!.code).to.equal(-32602);
      expect((await getLogs(long.url, { fromBlock: "0x0" })).error!.code).to.equal(-32602);
      await proxy.close();
      await node.close();
      const short = await endpoint(999);
      expect((await getLogs(short.url, { fromBlock: "earliest" })).result).to.deep.equal([]);
    });

    it("forwards a query by block hash, which names one block", async function () {
      const { url, calls } = await endpoint(50_000);
      await getLogs(url, { blockHash: `0x${"ab".repeat(32)}` });
      expect(forwardedCalls(calls.snapshot(), "eth_getLogs")).to.equal(1);
    });
  });

  describe("eth_getLogs result cap", function () {
    it("refuses more than the cap's logs with Infura's -32005 and the range that stays under it", async function () {
      // 20 logs a block: blocks 100..599 hold 10,000, block 600 one too many.
      const { url, calls } = await endpoint(5_000, { dialect: "infura" }, 20);
      const fits = await getLogs(url, { fromBlock: hex(100), toBlock: hex(599) });
      expect(fits.result).to.have.length(10_000);
      const over = await getLogs(url, { fromBlock: hex(100), toBlock: hex(600) });
      expect(over.error).to.deep.equal({
        code: -32005,
        message: "query returned more than 10000 results. Try with this block range [0x64, 0x257].",
        data: { from: "0x64", to: "0x257", limit: 10_000 },
      });
      expect(refusedCalls(calls.snapshot(), "eth_getLogs", "too-many-logs")).to.equal(1);
    });

    it("refuses it with Alchemy's one message for both caps", async function () {
      const { url } = await endpoint(5_000, { maxLogs: 100 }, 20);
      const over = await getLogs(url, { fromBlock: hex(0), toBlock: hex(9) });
      expect(over.error!.code).to.equal(-32602);
      expect(over.error!.message).to.match(/cap of 100 logs .* should work: \[0x0, 0x4\]$/);
    });
  });

  describe("rate limit", function () {
    it("answers calls over the bucket with HTTP 429 and Retry-After, then lets them through once it refills", async function () {
      const { url, calls } = await endpoint(10, { requestsPerSecond: 4, burst: 2 });
      expect((await call(url, "eth_blockNumber")).status).to.equal(200);
      expect((await call(url, "eth_blockNumber")).status).to.equal(200);
      const limited = await call(url, "eth_blockNumber");
      expect(limited.status).to.equal(429);
      expect(limited.retryAfter).to.equal("1");
      expect(limited.error!.code).to.equal(429);
      expect(limited.error!.message).to.match(/exceeded its compute units per second capacity/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await call(url, "eth_blockNumber")).status).to.equal(200);
      expect(calls.snapshot().refused["rate-limited"]).to.deep.equal({ eth_blockNumber: 1 });
    });

    it("is outlasted by Hardhat's HTTP client, which every task and agent reads through: it waits Retry-After seconds", async function () {
      const { url, calls } = await endpoint(10, { requestsPerSecond: 2, burst: 1 });
      const client = new HttpProvider(url, "localhost");
      const started = Date.now();
      for (let i = 0; i < 2; i++) expect(await client.request({ method: "eth_blockNumber" })).to.equal("0xa");
      expect(refusedCalls(calls.snapshot(), "eth_blockNumber", "rate-limited")).to.be.at.least(1);
      expect(Date.now() - started).to.be.at.least(1_000);
    });

    it("sends Infura's 429 body with the allowed rate and the back-off", async function () {
      const { url } = await endpoint(10, { requestsPerSecond: 1, dialect: "infura" });
      await call(url, "eth_chainId");
      const limited = await call(url, "eth_chainId");
      expect(limited.status).to.equal(429);
      expect(limited.error).to.deep.include({ code: -32005, message: "project ID request rate exceeded" });
      expect(limited.error!.data).to.deep.include({ rate: { allowed_rps: 1, backoff_seconds: 1 } });
    });

    it("charges a batch one token per call", async function () {
      const { url, calls } = await endpoint(10, { requestsPerSecond: 1, burst: 3 });
      const batch = [1, 2, 3].map((id) => ({ jsonrpc: "2.0", id, method: "eth_blockNumber" }));
      expect((await postJson(url, JSON.stringify(batch))).status).to.equal(200);
      expect((await call(url, "eth_blockNumber")).status).to.equal(429);
      expect(totalCalls(calls.snapshot(), "eth_blockNumber")).to.equal(4);
    });
  });

  describe("node methods", function () {
    it("answers hardhat_*, evm_* and anvil_* as methods it does not serve, in each provider's words", async function () {
      const { url, calls } = await endpoint(10);
      expect((await call(url, "hardhat_metadata")).error).to.deep.equal({
        code: -32600,
        message:
          "Unsupported method: hardhat_metadata. See available methods at https://docs.alchemy.com/alchemy/documentation/apis",
      });
      proxy.configure({ dialect: "infura" });
      expect((await call(url, "evm_increaseTime", [60])).error).to.deep.equal({
        code: -32601,
        message: "The method evm_increaseTime does not exist/is not available",
      });
      expect(calls.snapshot().refused["unsupported-method"]).to.deep.equal({
        hardhat_metadata: 1,
        evm_increaseTime: 1,
      });
      expect(forwardedCalls(calls.snapshot())).to.equal(0);
    });

    it("forwards them when told to, as a local node serves them", async function () {
      const { url, calls } = await endpoint(10, { nodeMethods: "forward" });
      expect((await call(url, "hardhat_metadata")).error).to.equal(undefined);
      expect(forwardedCalls(calls.snapshot(), "hardhat_metadata")).to.equal(1);
    });
  });

  describe("gateway errors", function () {
    it("answers the seeded share of requests with a 502, 503 or 504 HTML page, the same ones for the same seed", async function () {
      const statuses = async (seed: number) => {
        const { url } = await endpoint(10, { serverErrorRate: 0.2, seed });
        const seen: number[] = [];
        for (let i = 0; i < 60; i++) seen.push((await call(url, "eth_chainId")).status);
        await proxy.close();
        await node.close();
        return seen;
      };
      const first = await statuses(7);
      expect(await statuses(7)).to.deep.equal(first);
      const failed = first.filter((status) => status !== 200);
      expect(failed.length).to.be.within(5, 20);
      expect(new Set(failed)).to.satisfy((set: Set<number>) => [...set].every((s) => [502, 503, 504].includes(s)));
      expect(await statuses(8)).not.to.deep.equal(first);
    });

    it("serves an HTML page, not JSON, as nginx does in front of a failed node", async function () {
      const { url, calls } = await endpoint(10, { serverErrorRate: 1 });
      const response = await fetch(url, { method: "POST", body: JSON.stringify({ id: 1, method: "eth_chainId" }) });
      expect(response.headers.get("content-type")).to.equal("text/html");
      expect(await response.text()).to.match(/<h1>50[234] /);
      expect(refusedCalls(calls.snapshot(), "eth_chainId", "server-error")).to.equal(1);
    });
  });

  describe("call counts", function () {
    it("counts each call of a batch by method, forwarded and refused apart, and answers the batch in order", async function () {
      const { url, calls } = await endpoint(5_000);
      const batch = [
        { jsonrpc: "2.0", id: 1, method: "eth_blockNumber" },
        { jsonrpc: "2.0", id: 2, method: "eth_getLogs", params: [{ fromBlock: "earliest" }] },
        { jsonrpc: "2.0", id: 3, method: "eth_getLogs", params: [{ fromBlock: hex(4_500) }] },
      ];
      const answers = JSON.parse((await postJson(url, JSON.stringify(batch))).body) as Answer[];
      expect(answers.map((a) => [a.result !== undefined, a.error?.code])).to.deep.equal([
        [true, undefined],
        [false, -32602],
        [true, undefined],
      ]);
      expect(calls.snapshot()).to.deep.equal({
        forwarded: { eth_blockNumber: 1, eth_getLogs: 1 },
        refused: {
          "rate-limited": {},
          "server-error": {},
          "too-many-blocks": { eth_getLogs: 1 },
          "too-many-logs": {},
          "unsupported-method": {},
        },
      });
    });

    it("hands back the counts on reset and starts again from zero; a snapshot stays as it was taken", async function () {
      const { url, calls } = await endpoint(10);
      await call(url, "eth_chainId");
      const before = calls.snapshot();
      await call(url, "eth_chainId");
      expect(forwardedCalls(before)).to.equal(1);
      expect(forwardedCalls(calls.reset(), "eth_chainId")).to.equal(2);
      expect(totalCalls(calls.snapshot())).to.equal(0);
    });
  });
});

describe("blockSpan (which blocks an eth_getLogs filter spans)", function () {
  const head = async () => 500;

  it("reads hex bounds, earliest as 0, and latest, pending, safe, finalized or nothing as the head", async function () {
    expect(await blockSpan({ fromBlock: "0x10", toBlock: "0x1f" }, head)).to.deep.equal({ from: 16, to: 31 });
    expect(await blockSpan({ fromBlock: "earliest" }, head)).to.deep.equal({ from: 0, to: 500 });
    for (const tag of ["latest", "pending", "safe", "finalized"]) {
      expect(await blockSpan({ fromBlock: "0x0", toBlock: tag }, head)).to.deep.equal({ from: 0, to: 500 });
    }
    expect(await blockSpan({}, head)).to.deep.equal({ from: 500, to: 500 });
  });

  it("reads the head only when a bound needs it", async function () {
    const never = () => Promise.reject(new Error("read the head"));
    expect(await blockSpan({ fromBlock: "0x1", toBlock: "0x2" }, never)).to.deep.equal({ from: 1, to: 2 });
  });

  it("leaves a block-hash filter and a malformed one to the node", async function () {
    expect(await blockSpan({ blockHash: "0x01" }, head)).to.equal(undefined);
    expect(await blockSpan({ fromBlock: 12 }, head)).to.equal(undefined);
    expect(await blockSpan("latest", head)).to.equal(undefined);
  });
});

describe("TokenBucket", function () {
  it("admits a burst of its capacity, then one call per 1/rate seconds, and says how long until the next", function () {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    for (let i = 0; i < 3; i++) expect(bucket.take(1).admitted).to.equal(true);
    expect(bucket.take(1)).to.deep.equal({ admitted: false, retryAfterMs: 100 });
    now = 100;
    expect(bucket.take(1).admitted).to.equal(true);
    expect(bucket.take(1).admitted).to.equal(false);
  });

  it("lets a batch larger than the bucket through once, then holds later calls until the debt is paid", function () {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    expect(bucket.take(25).admitted).to.equal(true);
    expect(bucket.take(1)).to.deep.equal({ admitted: false, retryAfterMs: 2_100 });
    now = 2_100;
    expect(bucket.take(1).admitted).to.equal(true);
  });
});

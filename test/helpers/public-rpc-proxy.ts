/**
 * A JSON-RPC proxy that makes a local node answer like a public endpoint (Alchemy, Infura): eth_getLogs refused over
 * too many blocks or with too many logs, a rate limit answered with HTTP 429 and Retry-After, now and then a 5xx
 * page from the gateway; and every call counted by method, forwarded or refused, so that tests can hold clients to
 * a budget of calls. Everything else reaches the node untouched.
 */
import type http from "node:http";

import { EndpointCallCounter, type Refusal } from "./endpoint-calls";
import { type EndpointDialect, ENDPOINT_ERRORS, type EndpointErrors } from "./endpoint-errors";
import { errorResponse, type JsonRpcRequest, type JsonRpcResponse, methodOf, parseBody, readBody } from "./json-rpc";
import { type HttpAnswer, type LocalHttpServer, postJson, serveLocally } from "./local-http";
import { blockSpan, blocksIn, type BlockSpan } from "./log-range";
import { seededRandom } from "./random";
import { TokenBucket } from "./token-bucket";

export interface PublicEndpointOptions {
  /** Most blocks one eth_getLogs may span. */
  readonly maxBlockRange: number;
  /** Most logs one eth_getLogs may return. */
  readonly maxLogs: number;
  /** Calls per second the rate limit lets through on average; Infinity for none. */
  readonly requestsPerSecond: number;
  /** Calls the rate limit lets through at once after a quiet spell (undefined: one second's worth). */
  readonly burst?: number;
  /** The share of HTTP requests answered with a 502, 503 or 504 page instead of reaching the node. */
  readonly serverErrorRate: number;
  /** Seeds the draws of which requests get a 5xx page: one seed, one sequence. */
  readonly seed: number;
  /** Whose words the refusals use. */
  readonly dialect: EndpointDialect;
  /**
   * Whether the node's own methods (hardhat_*, evm_*, anvil_*) reach it. A public endpoint does not serve them, and
   * clients behave differently on a node that does: hardhat-ethers polls receipts every 50 ms instead of 500, and
   * Ignition takes one confirmation instead of five.
   */
  readonly nodeMethods: "refuse" | "forward";
}

/**
 * A free-tier endpoint: the 1,000-block getLogs range and 10,000-log answer of the strictest common providers, about
 * 25 calls a second (Alchemy's free 330 compute units a second at its typical 10-26 units a call), and one request in
 * a hundred lost at the gateway.
 */
export const PUBLIC_ENDPOINT: PublicEndpointOptions = {
  maxBlockRange: 1_000,
  maxLogs: 10_000,
  requestsPerSecond: 25,
  serverErrorRate: 0.01,
  seed: 1,
  dialect: "alchemy",
  nodeMethods: "refuse",
};

const NODE_METHOD = /^(hardhat|evm|anvil)_/;

const GATEWAY_ERRORS = [
  [502, "Bad Gateway"],
  [503, "Service Temporarily Unavailable"],
  [504, "Gateway Time-out"],
] as const;

/** The page nginx serves in front of a node that failed: HTML, not JSON. */
const gatewayPage = (status: number, text: string) =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n` +
  `<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

interface LogResult {
  readonly blockNumber: string;
}

/** One call of a request on its way through the proxy. */
interface Call {
  readonly request: JsonRpcRequest;
  readonly method: string;
  /** The blocks an eth_getLogs spans; undefined for other methods and for a getLogs by block hash. */
  readonly span: BlockSpan | undefined;
  /** The endpoint's own answer, when it refuses the call before the node sees it. */
  refusal?: JsonRpcResponse;
  answer?: JsonRpcResponse;
}

export class PublicRpcProxy {
  /** Every call the proxy saw since it started or was last reset. */
  readonly calls = new EndpointCallCounter();
  private options: PublicEndpointOptions;
  private errors: EndpointErrors;
  private bucket: TokenBucket | undefined;
  private random: () => number;

  private constructor(
    private readonly server: LocalHttpServer,
    private readonly target: string,
    options: PublicEndpointOptions,
  ) {
    this.options = options;
    this.errors = ENDPOINT_ERRORS[options.dialect];
    this.bucket = bucketFor(options);
    this.random = seededRandom(options.seed);
  }

  /** Starts a proxy to the JSON-RPC endpoint `target` on a free local port, with the free tier's limits but `options`. */
  static async start(target: string, options: Partial<PublicEndpointOptions> = {}): Promise<PublicRpcProxy> {
    // Requests arrive only once the proxy is returned: by then it is set.
    let proxy: PublicRpcProxy | undefined;
    const server = await serveLocally((request, response) => proxy!.handle(request, response));
    proxy = new PublicRpcProxy(server, target, { ...PUBLIC_ENDPOINT, ...options });
    return proxy;
  }

  get url(): string {
    return this.server.url;
  }

  get limits(): PublicEndpointOptions {
    return this.options;
  }

  /** Changes limits from the next request on; a new rate or seed starts a full bucket and a fresh sequence. */
  configure(changes: Partial<PublicEndpointOptions>): void {
    this.options = { ...this.options, ...changes };
    this.errors = ENDPOINT_ERRORS[this.options.dialect];
    if ("requestsPerSecond" in changes || "burst" in changes) this.bucket = bucketFor(this.options);
    if ("seed" in changes) this.random = seededRandom(this.options.seed);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request);
    const { requests, batch } = parseBody(body);
    if (requests.length === 0) return send(response, await postJson(this.target, body));
    const methods = requests.map(methodOf);

    const admission = this.bucket?.take(requests.length) ?? { admitted: true };
    if (!admission.admitted) {
      const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1_000));
      this.refuseAll(methods, "rate-limited");
      const error = this.errors.rateLimited(seconds, this.options);
      const answers = requests.map((r) => errorResponse(r, error));
      return send(response, { status: 429, body: JSON.stringify(batch ? answers : answers[0]) }, seconds);
    }
    if (this.random() < this.options.serverErrorRate) {
      const [status, text] = GATEWAY_ERRORS[Math.floor(this.random() * GATEWAY_ERRORS.length)];
      this.refuseAll(methods, "server-error");
      return send(response, { status, body: gatewayPage(status, text) });
    }

    const calls = await this.screen(requests);
    const forwarded = calls.filter((call) => call.refusal === undefined);
    if (forwarded.length > 0) {
      const upstream = await postJson(this.target, batch ? JSON.stringify(forwarded.map((c) => c.request)) : body);
      const answers = parseAnswers(upstream);
      if (answers === undefined) {
        // Not JSON-RPC (the node failed): the client sees what the node said.
        for (const call of forwarded) this.calls.record(call.method, "forwarded");
        return send(response, upstream);
      }
      forwarded.forEach((call, i) => (call.answer = this.capLogs(call, answers[i])));
    }
    const answers = calls.map((call) => call.refusal ?? call.answer!);
    send(response, { status: 200, body: JSON.stringify(batch ? answers : answers[0]) });
  }

  /**
   * Each call with the blocks it spans if it is an eth_getLogs; refused if they are too many, or if it is a node's own
   * method and those are refused.
   */
  private async screen(requests: readonly JsonRpcRequest[]): Promise<Call[]> {
    let head: Promise<number> | undefined;
    const readHead = () => (head ??= this.headBlock());
    const calls: Call[] = [];
    for (const request of requests) {
      const method = methodOf(request);
      const span = method === "eth_getLogs" ? await blockSpan(firstParam(request), readHead) : undefined;
      const call: Call = { request, method, span };
      if (this.options.nodeMethods === "refuse" && NODE_METHOD.test(method)) {
        this.calls.record(method, "unsupported-method");
        call.refusal = errorResponse(request, this.errors.unsupportedMethod(method));
      } else if (span !== undefined && blocksIn(span) > this.options.maxBlockRange) {
        this.calls.record(method, "too-many-blocks");
        call.refusal = errorResponse(request, this.errors.tooManyBlocks(span, this.options));
      }
      calls.push(call);
    }
    return calls;
  }

  /** The node's answer to `call`, or the refusal a public endpoint sends instead when it holds too many logs. */
  private capLogs(call: Call, answer: JsonRpcResponse): JsonRpcResponse {
    const logs = call.span !== undefined && "result" in answer ? (answer.result as LogResult[]) : [];
    if (logs.length <= this.options.maxLogs) {
      this.calls.record(call.method, "forwarded");
      return answer;
    }
    this.calls.record(call.method, "too-many-logs");
    const fits = rangeThatFits(call.span!.from, logs, this.options.maxLogs);
    return errorResponse(call.request, this.errors.tooManyLogs(fits, this.options));
  }

  private refuseAll(methods: readonly string[], reason: Refusal): void {
    for (const method of methods) this.calls.record(method, reason);
  }

  /** The node's head, read for a filter bounded by a tag; not a client's call, so not counted. */
  private async headBlock(): Promise<number> {
    const answer = await postJson(this.target, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber" }));
    return Number((JSON.parse(answer.body) as { result: string }).result);
  }
}

function bucketFor(options: PublicEndpointOptions): TokenBucket | undefined {
  const rate = options.requestsPerSecond;
  return Number.isFinite(rate) ? new TokenBucket(rate, options.burst ?? Math.max(1, rate)) : undefined;
}

function firstParam(call: JsonRpcRequest): unknown {
  return Array.isArray(call.params) ? call.params[0] : undefined;
}

/** The node's answers in request order (the node keeps a batch's order), or undefined if it sent no JSON-RPC. */
function parseAnswers(answer: HttpAnswer): JsonRpcResponse[] | undefined {
  if (answer.status !== 200) return undefined;
  try {
    const parsed = JSON.parse(answer.body) as JsonRpcResponse | JsonRpcResponse[];
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return undefined;
  }
}

/** The longest range from the query's first block whose logs stay within `maxLogs`, as providers suggest it. */
function rangeThatFits(from: number, logs: readonly LogResult[], maxLogs: number): BlockSpan {
  const firstOver = Number(logs[maxLogs].blockNumber);
  return { from, to: Math.max(from, firstOver - 1) };
}

function send(response: http.ServerResponse, answer: HttpAnswer, retryAfterSeconds?: number): void {
  const json = answer.body.startsWith("{") || answer.body.startsWith("[");
  const headers: http.OutgoingHttpHeaders = { "content-type": json ? "application/json" : "text/html" };
  if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}

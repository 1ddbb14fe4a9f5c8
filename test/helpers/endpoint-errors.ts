/**
 * What public endpoints answer when they refuse a call, word for word, so that a client is tested against the
 * answers it will meet rather than against ones written for the test. Two providers, because they disagree on
 * codes and wording and a client must recognise both:
 *
 * - Alchemy answers a getLogs over too many blocks or with too many logs with one message, code -32602, naming a
 *   range that would work (as quoted in ethers-io/ethers.js#4703); a rate-limited call gets HTTP 429 with code 429
 *   (as quoted in conduitxyz/node#36 and gitcoinco/grants-stack-indexer#156); a method it does not serve, code -32600
 *   "Unsupported method: ..." (safe-global/safe-core-sdk#502).
 * - Infura refuses a range over its block limit with code -32602 "range N exceeds limit of M" (its live API, as
 *   reported in INFURA/infura#237), too many logs with code -32005 and a range to try with its bounds in `data`
 *   (ethers-io/ethers.js#4703), and a rate-limited call with HTTP 429 and code -32005 "project ID request rate
 *   exceeded" with the allowed rate and a back-off in `data` (INFURA/infura#201), and a method it does not serve with
 *   code -32601 "The method ... does not exist/is not available" (nucypher/nucypher#2323).
 */
import type { JsonRpcError } from "./json-rpc";
import type { BlockSpan } from "./log-range";

export type EndpointDialect = "alchemy" | "infura";

export interface EndpointLimits {
  readonly maxBlockRange: number;
  readonly maxLogs: number;
  readonly requestsPerSecond: number;
}

export interface EndpointErrors {
  /** A getLogs spanning `requested`, more blocks than `limits.maxBlockRange`. */
  tooManyBlocks(requested: BlockSpan, limits: EndpointLimits): JsonRpcError;
  /** A getLogs matching more than `limits.maxLogs` logs; `fits` is the longest range from its start that does not. */
  tooManyLogs(fits: BlockSpan, limits: EndpointLimits): JsonRpcError;
  /** The body of an HTTP 429; `backoffSeconds` is what the Retry-After header says too. */
  rateLimited(backoffSeconds: number, limits: EndpointLimits): JsonRpcError;
  /** A method the endpoint does not serve, such as a node's own hardhat_* and evm_* methods. */
  unsupportedMethod(method: string): JsonRpcError;
}

const hex = (block: number) => `0x${block.toString(16)}`;

/** Alchemy writes its limits as "2K block range" and "10K logs". */
const thousands = (count: number) => (count % 1_000 === 0 ? `${count / 1_000}K` : String(count));

function alchemyLogLimit(suggested: BlockSpan, limits: EndpointLimits): JsonRpcError {
  return {
    code: -32602,
    message:
      `Log response size exceeded. You can make eth_getLogs requests with up to a ${thousands(limits.maxBlockRange)} ` +
      `block range and no limit on the response size, or you can request any block range with a cap of ` +
      `${thousands(limits.maxLogs)} logs in the response. Based on your parameters and the response size limit, this ` +
      `block range should work: [${hex(suggested.from)}, ${hex(suggested.to)}]`,
  };
}

const ALCHEMY: EndpointErrors = {
  tooManyBlocks: (requested, limits) =>
    alchemyLogLimit({ from: requested.from, to: requested.from + limits.maxBlockRange - 1 }, limits),
  tooManyLogs: alchemyLogLimit,
  rateLimited: () => ({
    code: 429,
    message:
      "Your app has exceeded its compute units per second capacity. If you have retries enabled, you can safely " +
      "ignore this message. If not, check out https://docs.alchemy.com/reference/throughput",
  }),
  unsupportedMethod: (method) => ({
    code: -32600,
    message: `Unsupported method: ${method}. See available methods at https://docs.alchemy.com/alchemy/documentation/apis`,
  }),
};

const INFURA: EndpointErrors = {
  tooManyBlocks: (requested, limits) => ({
    code: -32602,
    message: `range ${requested.to - requested.from + 1} exceeds limit of ${limits.maxBlockRange}`,
  }),
  tooManyLogs: (fits, limits) => ({
    code: -32005,
    message: `query returned more than ${limits.maxLogs} results. Try with this block range [${hex(fits.from)}, ${hex(fits.to)}].`,
    data: { from: hex(fits.from), to: hex(fits.to), limit: limits.maxLogs },
  }),
  rateLimited: (backoffSeconds, limits) => ({
    code: -32005,
    message: "project ID request rate exceeded",
    data: {
      see: "https://infura.io/docs/ethereum/jsonrpc/ratelimits",
      rate: { allowed_rps: limits.requestsPerSecond, backoff_seconds: backoffSeconds },
    },
  }),
  unsupportedMethod: (method) => ({ code: -32601, message: `The method ${method} does not exist/is not available` }),
};

export const ENDPOINT_ERRORS: Readonly<Record<EndpointDialect, EndpointErrors>> = { alchemy: ALCHEMY, infura: INFURA };

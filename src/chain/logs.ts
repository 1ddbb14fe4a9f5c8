/**
 * Bounded eth_getLogs. Public endpoints refuse a query over too many blocks (often 1,000-10,000) or with too many
 * results, so no query here ever spans a whole history: each is split into ranges of at most `maxBlockRange` blocks,
 * a range the endpoint refuses is halved until it passes (and the scanner keeps the smaller range), and a transient
 * failure is retried with back-off. HTTP 429 is first retried by the HTTP provider underneath (Hardhat's and ethers'
 * both wait out Retry-After); one that outlasts those retries is retried here like any transient failure.
 */
import type { Log, Provider } from "ethers";

import { errorMessage } from "../errors";
import { type RetryOptions, withRetry } from "./retry";

/** Blocks per eth_getLogs request unless told otherwise: most public endpoints accept 2,000. */
export const DEFAULT_MAX_BLOCK_RANGE = 2_000;

/** What the off-chain code reads of a log: an indexed log and one fresh from the endpoint look the same. */
export type ChainLog = Pick<Log, "address" | "topics" | "data" | "blockNumber" | "index" | "transactionHash">;

/** Which logs to read: one contract or several, and topic filters as eth_getLogs takes them. */
export interface LogFilter {
  readonly address: string | readonly string[];
  readonly topics?: readonly (string | readonly string[] | null)[];
}

export interface ScanProgress {
  readonly scannedBlocks: number;
  readonly totalBlocks: number;
}

export interface LogScanOptions {
  /** Most blocks per request; halved for the scanner's life whenever the endpoint refuses a range. */
  readonly maxBlockRange?: number;
  readonly retry?: RetryOptions;
  /** Called after each range of a scan that needs more than one. */
  readonly onProgress?: (progress: ScanProgress) => void;
}

/** What public endpoints answer when a getLogs range spans too many blocks or would return too many logs. */
const RANGE_REFUSALS = [
  /block range/i,
  /range (is )?too (large|wide|big)/i,
  /query returned more than/i,
  /log response size exceeded/i,
  /too many (blocks|results|logs)/i,
  /exceeds? (the )?max(imum)? (block )?range/i,
  /response size (is )?(too large|exceeded)/i,
  /range \d+ exceeds limit/i,
];

/** Whether `error` is an endpoint refusing a getLogs range as too large (a smaller range would pass). */
export function isRangeRefusal(error: unknown): boolean {
  const text = endpointWords(error);
  return RANGE_REFUSALS.some((pattern) => pattern.test(text));
}

/** The error's message with the JSON-RPC error's own message, which ethers nests when it cannot classify it. */
function endpointWords(error: unknown): string {
  const nested = (error as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof nested === "string" ? `${errorMessage(error)}: ${nested}` : errorMessage(error);
}

export class RangeRefusedError extends Error {
  constructor(fromBlock: number, cause: unknown) {
    super(`the endpoint refuses eth_getLogs even for the single block ${fromBlock}: ${endpointWords(cause)}`);
    this.name = "RangeRefusedError";
  }
}

/** Reads logs in bounded ranges, forwards or backwards, adapting its range to what the endpoint accepts. */
export class LogScanner {
  private range: number;

  constructor(
    readonly provider: Provider,
    private readonly options: LogScanOptions = {},
  ) {
    const range = options.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE;
    if (!Number.isInteger(range) || range < 1) throw new RangeError(`maxBlockRange must be >= 1, got ${range}`);
    this.range = range;
  }

  /** The range the next request will span at most. */
  get maxBlockRange(): number {
    return this.range;
  }

  /** The logs matching `filter` in blocks `fromBlock`..`toBlock`, in chain order. */
  async scan(filter: LogFilter, fromBlock: number, toBlock: number): Promise<Log[]> {
    const logs: Log[] = [];
    for (let from = fromBlock; from <= toBlock;) {
      const to = Math.min(toBlock, from + this.range - 1);
      const found = await this.readRange(filter, from, to);
      if (found === undefined) continue;
      logs.push(...found);
      from = to + 1;
      this.report(from - fromBlock, toBlock - fromBlock + 1);
    }
    return logs;
  }

  /**
   * Walks back from `toBlock` towards `fromBlock` a range at a time and stops as soon as `enough` holds for the logs
   * found so far (a job's creation, say: everything about a job comes after it). Returns them in chain order.
   */
  async scanBack(
    filter: LogFilter,
    fromBlock: number,
    toBlock: number,
    enough: (logs: readonly Log[]) => boolean,
  ): Promise<Log[]> {
    let logs: Log[] = [];
    for (let to = toBlock; to >= fromBlock;) {
      const from = Math.max(fromBlock, to - this.range + 1);
      const found = await this.readRange(filter, from, to);
      if (found === undefined) continue;
      logs = [...found, ...logs];
      if (enough(logs)) break;
      to = from - 1;
      this.report(toBlock - to, toBlock - fromBlock + 1);
    }
    return logs;
  }

  /** One request; undefined when the endpoint refused the range (it is halved for the next attempt). */
  private async readRange(filter: LogFilter, fromBlock: number, toBlock: number): Promise<Log[] | undefined> {
    const outcome = await withRetry(
      `eth_getLogs over blocks ${fromBlock}..${toBlock}`,
      async () => {
        try {
          return { logs: await this.provider.getLogs({ ...copy(filter), fromBlock, toBlock }) };
        } catch (error) {
          if (isRangeRefusal(error)) return { refused: error };
          throw error;
        }
      },
      this.options.retry,
    );
    if ("logs" in outcome) return outcome.logs;
    if (toBlock === fromBlock) throw new RangeRefusedError(fromBlock, outcome.refused);
    this.range = Math.max(1, Math.floor((toBlock - fromBlock + 1) / 2));
    return undefined;
  }

  private report(scannedBlocks: number, totalBlocks: number): void {
    if (totalBlocks > this.range) this.options.onProgress?.({ scannedBlocks, totalBlocks });
  }
}

/** ethers wants mutable arrays. */
function copy(filter: LogFilter): { address: string | string[]; topics?: (string | string[] | null)[] } {
  return {
    address: typeof filter.address === "string" ? filter.address : [...filter.address],
    topics: filter.topics?.map((topic) => (topic === null || typeof topic === "string" ? topic : [...topic])),
  };
}

/** Whether `log` matches `filter`'s address and topics (the same rule eth_getLogs applies). */
export function matchesFilter(log: Pick<Log, "address" | "topics">, filter: LogFilter): boolean {
  const addresses = typeof filter.address === "string" ? [filter.address] : filter.address;
  if (!addresses.some((address) => address.toLowerCase() === log.address.toLowerCase())) return false;
  return (filter.topics ?? []).every((wanted, position) => {
    if (wanted === null) return true;
    const topic = log.topics[position]?.toLowerCase();
    return typeof wanted === "string" ? topic === wanted.toLowerCase() : wanted.some((w) => w.toLowerCase() === topic);
  });
}

/**
 * Where the events of a deployment are read from: an index the agent keeps (no RPC call at all) or a bounded scan
 * of the chain from the deployment block.
 */
export interface EventHistory {
  /**
   * The logs matching `filter`, in chain order. With `complete`, a scan may walk back from the head and stop as soon
   * as the logs found so far hold everything asked for.
   */
  logs(filter: LogFilter, complete?: (logs: readonly ChainLog[]) => boolean): Promise<ChainLog[]>;
  /**
   * The same history up to the chain's head, for a history that lags it (an index of confirmed blocks): what a read
   * falls back to when the chain says the history is out of date.
   */
  toHead?(): EventHistory;
}

/** History read from the chain in bounded ranges, from `fromBlock` (the deployment block) to the head. */
export class ScannedHistory implements EventHistory {
  constructor(
    private readonly scanner: LogScanner,
    private readonly fromBlock: number,
  ) {}

  async logs(filter: LogFilter, complete?: (logs: readonly ChainLog[]) => boolean): Promise<ChainLog[]> {
    const head = await withRetry("eth_blockNumber", () => this.scanner.provider.getBlockNumber());
    return complete === undefined
      ? this.scanner.scan(filter, this.fromBlock, head)
      : this.scanner.scanBack(filter, this.fromBlock, head, complete);
  }
}

/** Where to read past events: an EventHistory, or a block number to scan from in bounded ranges. */
export type HistorySource = EventHistory | number;

/** The EventHistory of `source`; a block number is scanned from with the default range, through `provider`. */
export function historyOf(source: HistorySource, provider: Provider): EventHistory {
  return typeof source === "number" ? new ScannedHistory(new LogScanner(provider), source) : source;
}

/**
 * An index of a deployment's events (the escrow's and the dispute manager's), fed from the block ranges an agent
 * follows anyway, so that looking up a job or a dispute costs no RPC call and no query ever spans the history.
 *
 * It lives in an append-only file of JSON lines: a header naming the chain and contracts, then each synced range's
 * logs followed by a checkpoint line, written in one append and fsync'd. A kill -9 can tear only the last append;
 * logs after the last checkpoint are not trusted and are read again. Events before the index's first block (a job
 * created before the agent first started) are found by a bounded walk back towards the deployment block.
 *
 * An embedded database would do this too, but none that works on Node 20 installs without a native build here
 * (node:sqlite needs Node 22), and an index that is only ever appended to needs no more than a file.
 */
import fs from "node:fs";
import path from "node:path";

import type { Provider } from "ethers";

import { type ChainLog, type EventHistory, type LogFilter, LogScanner, matchesFilter } from "../chain/logs";
import { type RetryOptions, withRetry } from "../chain/retry";
import { UserError } from "../errors";
import { appendLines, parseLines, readIfExists, truncateTo } from "../state/journal";

const INDEX_VERSION = 1;

/** An idle agent checkpoints at most this often; a restart re-reads at most this much of the chain. */
const IDLE_CHECKPOINT_MS = 60_000;

export interface EventIndexIdentity {
  readonly chainId: number;
  /** The contracts whose events are indexed. */
  readonly addresses: readonly string[];
}

export interface EventIndexOptions extends EventIndexIdentity {
  readonly file: string;
  /** The first block a new index reads. */
  readonly startBlock: number;
  /** The deployment block: the floor of a walk back for events older than the index. */
  readonly deploymentBlock: number;
  readonly scanner: LogScanner;
}

interface Header {
  readonly version: number;
  readonly chainId: number;
  readonly addresses: string[];
  readonly startBlock: number;
}

/** One log as a line: short keys, because the file holds every event of the deployment. */
interface LogLine {
  readonly b: number;
  readonly i: number;
  readonly a: string;
  readonly t: string[];
  readonly d: string;
  readonly h: string;
}

interface CheckpointLine {
  readonly next: number;
}

const keyOf = (log: ChainLog) => `${log.blockNumber}:${log.index}`;

export class EventIndex implements EventHistory {
  private readonly logsInOrder: ChainLog[] = [];
  private readonly seen = new Set<string>();
  /** Logs by address, topic position (1-3) and topic, for lookups of one job or one dispute. */
  private readonly byTopic = new Map<string, ChainLog[]>();
  /** Logs of the agent's own transactions, known from their receipts before a sync reaches their blocks. */
  private ownLogs: ChainLog[] = [];
  private next: number;
  private lastCheckpointAt = 0;

  private constructor(
    private readonly options: EventIndexOptions,
    readonly startBlock: number,
    next: number,
  ) {
    this.next = next;
  }

  /**
   * Opens (or starts) the index of a deployment's escrow and dispute manager at `file`, reading through `provider` in
   * ranges of at most `maxBlockRange` blocks.
   */
  static async forDeployment(options: {
    readonly file: string;
    readonly provider: Provider;
    readonly escrow: string;
    /** Left out by a reader that follows no disputes. */
    readonly disputeManager?: string;
    readonly startBlock: number;
    readonly deploymentBlock: number;
    readonly maxBlockRange: number;
    readonly retry?: RetryOptions;
  }): Promise<EventIndex> {
    const { chainId } = await withRetry("eth_chainId", () => options.provider.getNetwork(), options.retry);
    return EventIndex.open({
      file: options.file,
      chainId: Number(chainId),
      addresses: options.disputeManager === undefined ? [options.escrow] : [options.escrow, options.disputeManager],
      startBlock: options.startBlock,
      deploymentBlock: options.deploymentBlock,
      scanner: new LogScanner(options.provider, { maxBlockRange: options.maxBlockRange, retry: options.retry }),
    });
  }

  /** Opens the index in `options.file`, or starts one at `options.startBlock`. */
  static open(options: EventIndexOptions): EventIndex {
    const addresses = options.addresses.map((address) => address.toLowerCase());
    const bytes = readIfExists(options.file);
    if (bytes === undefined || bytes.length === 0) {
      fs.mkdirSync(path.dirname(options.file), { recursive: true });
      const header: Header = {
        version: INDEX_VERSION,
        chainId: options.chainId,
        addresses,
        startBlock: options.startBlock,
      };
      appendLines(options.file, [header]);
      return new EventIndex(options, options.startBlock, options.startBlock);
    }
    const lines = parseLines(options.file, bytes);
    // A kill tore the last append: cut its partial line off, or the next append would continue it.
    if (lines.torn) truncateTo(options.file, lines.length);
    const [first, ...rest] = lines.records;
    const header = parseHeader(options.file, first);
    const foreign =
      header.chainId !== options.chainId || header.addresses.join() !== addresses.join()
        ? `indexes chain ${header.chainId} contracts ${header.addresses.join(", ")}, not chain ${options.chainId} contracts ${addresses.join(", ")}`
        : undefined;
    if (foreign !== undefined) {
      throw new UserError(`${options.file} ${foreign}; delete it or pass another state location.`);
    }
    const index = new EventIndex(options, header.startBlock, header.startBlock);
    index.replay(rest as readonly (LogLine | CheckpointLine)[]);
    return index;
  }

  /** The first block not indexed yet. */
  get nextBlock(): number {
    return this.next;
  }

  get file(): string {
    return this.options.file;
  }

  /** Every indexed log from block `fromBlock` on, in chain order. */
  logsSince(fromBlock: number): ChainLog[] {
    let low = 0;
    let high = this.logsInOrder.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.logsInOrder[middle].blockNumber < fromBlock) low = middle + 1;
      else high = middle;
    }
    return this.logsInOrder.slice(low);
  }

  /**
   * Reads blocks from `nextBlock` to `toBlock` (confirmed ones: the caller chose `toBlock`) in bounded ranges, records
   * their logs and returns them in chain order.
   */
  async sync(toBlock: number): Promise<ChainLog[]> {
    if (toBlock < this.next) return [];
    const found = await this.options.scanner.scan({ address: this.options.addresses }, this.next, toBlock);
    const fresh = found.map(plainLog).filter((log) => !this.seen.has(keyOf(log)));
    const idle = fresh.length === 0 && Date.now() - this.lastCheckpointAt < IDLE_CHECKPOINT_MS;
    if (!idle) this.append(fresh, toBlock + 1);
    for (const log of fresh) this.add(log);
    this.next = toBlock + 1;
    this.ownLogs = this.ownLogs.filter((log) => log.blockNumber >= this.next);
    return fresh;
  }

  /**
   * Makes the logs of a transaction the agent just sent visible to lookups at once (its next steps read the job they
   * changed), until a sync indexes their block for good.
   */
  recordOwn(logs: readonly ChainLog[]): void {
    const known = new Set(this.ownLogs.map(keyOf));
    for (const log of logs.map(plainLog)) {
      if (log.blockNumber >= this.next && !known.has(keyOf(log))) this.ownLogs.push(log);
    }
  }

  async logs(filter: LogFilter, complete?: (logs: readonly ChainLog[]) => boolean): Promise<ChainLog[]> {
    const own = this.ownLogs.filter((log) => matchesFilter(log, filter));
    const indexed = [...this.candidates(filter).filter((log) => matchesFilter(log, filter)), ...own];
    if (complete === undefined || complete(indexed) || this.startBlock <= this.options.deploymentBlock) return indexed;
    // Older than the index: walk back from its first block.
    const older = await this.options.scanner.scanBack(
      filter,
      this.options.deploymentBlock,
      this.startBlock - 1,
      (found) => complete([...found, ...indexed]),
    );
    return [...older.map(plainLog), ...indexed];
  }

  toHead(): EventHistory {
    return {
      logs: async (filter, complete) => {
        const head = await withRetry("eth_blockNumber", () => this.options.scanner.provider.getBlockNumber());
        const indexed = await this.logs(filter, complete);
        const seen = new Set(indexed.map(keyOf));
        const recent = await this.options.scanner.scan(filter, this.next, head);
        return [...indexed, ...recent.map(plainLog).filter((log) => !seen.has(keyOf(log)))];
      },
    };
  }

  private candidates(filter: LogFilter): readonly ChainLog[] {
    const addresses = typeof filter.address === "string" ? [filter.address] : filter.address;
    let best: readonly ChainLog[] | undefined;
    (filter.topics ?? []).forEach((topic, position) => {
      if (position === 0 || typeof topic !== "string") return;
      const logs = addresses.flatMap((address) => this.byTopic.get(topicKey(address, position, topic)) ?? []);
      if (best === undefined || logs.length < best.length) best = logs;
    });
    const found = best ?? this.logsInOrder;
    // Each list is in chain order already; only lists merged across contracts need sorting.
    return addresses.length > 1 ? found.slice().sort(chainOrder) : found;
  }

  private add(log: ChainLog): void {
    this.seen.add(keyOf(log));
    this.logsInOrder.push(log);
    log.topics.forEach((topic, position) => {
      if (position === 0) return;
      const key = topicKey(log.address, position, topic);
      const list = this.byTopic.get(key);
      if (list === undefined) this.byTopic.set(key, [log]);
      else list.push(log);
    });
  }

  private append(logs: readonly ChainLog[], next: number): void {
    appendLines(this.options.file, [...logs.map(lineOf), { next } satisfies CheckpointLine]);
    this.lastCheckpointAt = Date.now();
  }

  /** Rebuilds the index from the file's lines; logs after the last checkpoint (a torn append) are dropped. */
  private replay(records: readonly (LogLine | CheckpointLine)[]): void {
    let pending: ChainLog[] = [];
    for (const parsed of records) {
      if ("next" in parsed) {
        for (const log of pending) if (!this.seen.has(keyOf(log))) this.add(log);
        pending = [];
        this.next = Math.max(this.next, parsed.next);
      } else {
        pending.push({
          blockNumber: parsed.b,
          index: parsed.i,
          address: parsed.a,
          topics: parsed.t,
          data: parsed.d,
          transactionHash: parsed.h,
        });
      }
    }
  }
}

function parseHeader(file: string, record: unknown): Header {
  const header = record as Partial<Header> | null;
  if (header?.version === INDEX_VERSION && Array.isArray(header.addresses)) return header as Header;
  throw new UserError(`${file} is not an event index of this version; delete it and the agent rebuilds it.`);
}

function topicKey(address: string, position: number, topic: string): string {
  return `${address.toLowerCase()}:${position}:${topic.toLowerCase()}`;
}

function chainOrder(a: ChainLog, b: ChainLog): number {
  return a.blockNumber - b.blockNumber || a.index - b.index;
}

/** A log without its provider and accessors, as the index keeps it. */
function plainLog(log: ChainLog): ChainLog {
  return {
    blockNumber: log.blockNumber,
    index: log.index,
    address: log.address.toLowerCase(),
    topics: [...log.topics],
    data: log.data,
    transactionHash: log.transactionHash,
  };
}

function lineOf(log: ChainLog): LogLine {
  return { b: log.blockNumber, i: log.index, a: log.address, t: [...log.topics], d: log.data, h: log.transactionHash };
}

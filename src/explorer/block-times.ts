/**
 * The times of the blocks the explorer shows events from. Logs carry no timestamp, so each block with an event costs
 * one eth_getBlockByNumber, once: the answers are kept in an append-only file beside the event index, and a restart
 * asks the node only for blocks it has not seen.
 */
import fs from "node:fs";
import path from "node:path";

import type { Provider } from "ethers";

import { type RetryOptions, withRetry } from "../chain/retry";
import { appendLines, parseLines, readIfExists, truncateTo } from "../state/journal";

/** Blocks asked for at once: a rate-limited endpoint answers a few requests in flight, not hundreds. */
const CONCURRENT_REQUESTS = 4;

interface TimeLine {
  readonly b: number;
  readonly t: number;
}

export class BlockTimes {
  private readonly times = new Map<number, number>();

  constructor(
    private readonly provider: Provider,
    private readonly file: string,
    private readonly retry?: RetryOptions,
  ) {
    const bytes = readIfExists(file);
    if (bytes === undefined) return;
    const lines = parseLines(file, bytes);
    if (lines.torn) truncateTo(file, lines.length);
    for (const { b, t } of lines.records as TimeLine[]) this.times.set(b, t);
  }

  /** Block `block`'s timestamp in unix seconds; it must have been fetched. */
  of(block: number): number {
    const time = this.times.get(block);
    if (time === undefined) throw new Error(`Block ${block}'s time was not fetched: call fetch first.`);
    return time;
  }

  /** Fetches the times of `blocks` not known yet, a few requests at a time, and records them. */
  async fetch(blocks: Iterable<number>): Promise<void> {
    const missing = [...new Set(blocks)].filter((block) => !this.times.has(block));
    for (let start = 0; start < missing.length; start += CONCURRENT_REQUESTS) {
      const batch = missing.slice(start, start + CONCURRENT_REQUESTS);
      const found = await Promise.all(
        batch.map(async (b): Promise<TimeLine> => {
          const block = await withRetry(`block ${b}`, () => this.provider.getBlock(b), this.retry);
          if (block === null) throw new Error(`The node does not have block ${b}; is it still syncing?`);
          return { b, t: block.timestamp };
        }),
      );
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      appendLines(this.file, found);
      for (const { b, t } of found) this.times.set(b, t);
    }
  }
}

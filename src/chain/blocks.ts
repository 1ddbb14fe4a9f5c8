/** Which blocks a log follower may read next: only confirmed ones, a bounded range at a time. */
import type { Provider } from "ethers";

export interface BlockRange {
  readonly fromBlock: number;
  readonly toBlock: number;
}

export interface ConfirmedRangeOptions {
  /** Blocks that must be mined on top of a block before its logs are read (0: read the head). */
  readonly confirmations: number;
  /** Most blocks per eth_getLogs request; public endpoints refuse large ranges. */
  readonly maxBlockRange: number;
}

export function validateConfirmedRangeOptions(options: ConfirmedRangeOptions): void {
  if (!Number.isInteger(options.confirmations) || options.confirmations < 0) {
    throw new RangeError(`confirmations must be a non-negative integer, got ${options.confirmations}`);
  }
  if (!Number.isInteger(options.maxBlockRange) || options.maxBlockRange < 1) {
    throw new RangeError(`maxBlockRange must be a positive integer, got ${options.maxBlockRange}`);
  }
}

/** The next confirmed range starting at `nextBlock`, given the chain head; undefined if none is confirmed yet. */
export function confirmedRange(
  nextBlock: number,
  head: number,
  options: ConfirmedRangeOptions,
): BlockRange | undefined {
  const lastConfirmed = head - options.confirmations;
  if (lastConfirmed < nextBlock) return undefined;
  return { fromBlock: nextBlock, toBlock: Math.min(lastConfirmed, nextBlock + options.maxBlockRange - 1) };
}

/** Reads the head from `provider` and returns the next confirmed range. */
export async function nextConfirmedRange(
  provider: Provider,
  nextBlock: number,
  options: ConfirmedRangeOptions,
): Promise<BlockRange | undefined> {
  return confirmedRange(nextBlock, await provider.getBlockNumber(), options);
}

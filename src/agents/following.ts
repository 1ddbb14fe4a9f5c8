/**
 * How an agent follows the chain: how many confirmations a block needs before its logs are read, how many blocks
 * one eth_getLogs request may span, and how long to wait between polls. One set of defaults per kind of network,
 * for every agent; each is overridden by its command-line flag.
 */
import { isLocalNetwork } from "../../config/parameters";
import { type DurationUnit, parseDuration, parseInteger } from "../cli/flags";

export interface ChainFollowing {
  /** Blocks on top of a block before its logs are read: a reorg shallower than this cannot drop a log. */
  readonly confirmations: number;
  /** Most blocks per eth_getLogs request. */
  readonly maxBlockRange: number;
  readonly pollIntervalMs: number;
}

/** Local nodes mine on demand and never reorg. */
export const LOCAL_FOLLOWING: ChainFollowing = { confirmations: 0, maxBlockRange: 2_000, pollIntervalMs: 2_000 };

/**
 * Public networks: reorgs deeper than 3 blocks are rare on the networks Weft targets, most public RPC endpoints
 * accept eth_getLogs over 2,000 blocks, and their rate limits favour a slower poll.
 */
export const PUBLIC_FOLLOWING: ChainFollowing = { confirmations: 3, maxBlockRange: 2_000, pollIntervalMs: 5_000 };

export function followingDefaults(network: string): ChainFollowing {
  return isLocalNetwork(network) ? LOCAL_FOLLOWING : PUBLIC_FOLLOWING;
}

/** The chain-following flags as Hardhat hands them over. */
export interface ChainFollowingArgs {
  readonly confirmations?: string;
  readonly maxBlockRange?: string;
  readonly pollInterval?: string;
}

/** The network's defaults with the flags given applied; a --poll-interval without a unit counts `pollUnit`s. */
export function parseChainFollowing(args: ChainFollowingArgs, network: string, pollUnit: DurationUnit): ChainFollowing {
  const defaults = followingDefaults(network);
  return {
    confirmations:
      args.confirmations === undefined ? defaults.confirmations : parseInteger("--confirmations", args.confirmations),
    maxBlockRange:
      args.maxBlockRange === undefined
        ? defaults.maxBlockRange
        : parseInteger("--max-block-range", args.maxBlockRange, { min: 1 }),
    pollIntervalMs:
      args.pollInterval === undefined
        ? defaults.pollIntervalMs
        : parseDuration("--poll-interval", args.pollInterval, pollUnit),
  };
}

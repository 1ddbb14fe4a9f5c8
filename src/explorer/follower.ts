/**
 * The explorer's view of the chain, kept current: an event index of every contract the pages show (the same bounded,
 * incremental, checkpointed index the agents keep), folded into a ledger, with the times of the blocks it shows.
 * Each tick reads only the blocks confirmed since the last one.
 */
import path from "node:path";

import type { BaseContract, Provider } from "ethers";

import { EventIndex } from "../agents/event-index";
import { LogScanner, type ScanProgress } from "../chain/logs";
import { type RetryOptions, withRetry } from "../chain/retry";
import type { WeftSystem } from "../deploy/system";
import type { ChainHead } from "./api";
import { BlockTimes } from "./block-times";
import { Ledger } from "./ledger";
import { ExplorerReader } from "./reader";
import { formatUtc } from "../markdown";

export interface ExplorerFollowerOptions {
  readonly system: WeftSystem;
  readonly provider: Provider;
  readonly network: string;
  readonly deploymentBlock: number;
  /** Where the index and the block times are kept. */
  readonly stateDir: string;
  readonly confirmations: number;
  readonly maxBlockRange: number;
  readonly retry?: RetryOptions;
  /** Told after each range of a scan of many ranges: the first start reads the whole history. */
  readonly onProgress?: (progress: ScanProgress) => void;
}

export class ExplorerFollower {
  readonly reader: ExplorerReader;
  private chainHead: ChainHead;

  private constructor(
    private readonly options: ExplorerFollowerOptions,
    private readonly index: EventIndex,
    private readonly ledger: Ledger,
    private readonly times: BlockTimes,
    chainId: number,
  ) {
    const start = index.nextBlock - 1;
    this.chainHead = {
      network: options.network,
      chainId,
      head: start,
      indexed: start,
      now: { unix: 0, utc: formatUtc(0n) },
      deploymentBlock: options.deploymentBlock,
    };
    this.reader = new ExplorerReader(options.system, ledger, times, () => this.chainHead);
  }

  /** Opens the index in `stateDir` (or starts one at the deployment block) and folds what it holds already. */
  static async open(options: ExplorerFollowerOptions): Promise<ExplorerFollower> {
    const { system, provider, stateDir } = options;
    const { chainId } = await withRetry("eth_chainId", () => provider.getNetwork(), options.retry);
    const source = async (contract: BaseContract) => ({
      address: await contract.getAddress(),
      abi: contract.interface,
    });
    const ledger = new Ledger({
      escrow: await source(system.JobEscrow),
      disputes: await source(system.DisputeManager),
      registry: await source(system.ProviderRegistry),
      rewards: await source(system.RewardDistributor),
      governor: await source(system.ComputeGovernor),
    });
    const index = EventIndex.open({
      file: path.join(stateDir, "events.jsonl"),
      chainId: Number(chainId),
      addresses: ledger.addresses,
      startBlock: options.deploymentBlock,
      deploymentBlock: options.deploymentBlock,
      scanner: new LogScanner(provider, {
        maxBlockRange: options.maxBlockRange,
        retry: options.retry,
        onProgress: options.onProgress,
      }),
    });
    ledger.fold(index.logsSince(options.deploymentBlock));
    const times = new BlockTimes(provider, path.join(stateDir, "block-times.jsonl"), options.retry);
    return new ExplorerFollower(options, index, ledger, times, Number(chainId));
  }

  get head(): ChainHead {
    return this.chainHead;
  }

  /**
   * Reads the blocks confirmed since the last tick into the ledger and fetches the times of those with events;
   * true when the indexed block moved (the pages have something new to show).
   */
  async tick(): Promise<boolean> {
    const { provider, confirmations, retry } = this.options;
    const head = await withRetry("eth_blockNumber", () => provider.getBlockNumber(), retry);
    const target = Math.max(head - confirmations, this.index.nextBlock - 1);
    const fresh = await this.index.sync(target);
    this.ledger.fold(fresh);
    const indexed = this.index.nextBlock - 1;
    await this.times.fetch(this.ledger.eventBlocks);
    const moved = indexed !== this.chainHead.indexed || this.chainHead.now.unix === 0;
    if (moved) {
      // The indexed block's time is the pages' clock; it is read when the block moves rather than kept, most blocks
      // having no event.
      const block = await withRetry(`block ${indexed}`, () => provider.getBlock(indexed), retry);
      if (block === null) throw new Error(`The node does not have block ${indexed}; is it still syncing?`);
      this.chainHead = {
        ...this.chainHead,
        indexed,
        now: { unix: block.timestamp, utc: formatUtc(BigInt(block.timestamp)) },
      };
    }
    this.chainHead = { ...this.chainHead, head };
    return moved;
  }
}

/**
 * A public testnet in miniature: a fresh Hardhat node with a long history and a block every 2 seconds, reached only
 * through a proxy that answers like a public endpoint (see public-rpc-proxy.ts). A history longer than the
 * endpoint's getLogs range is what makes a query "from the deployment block to the head" fail there.
 */
import { type PublicEndpointOptions, PublicRpcProxy } from "./public-rpc-proxy";
import { type NodeServer, startHardhatNode } from "./rpc-server";

/** Blocks of history: 100 times the default getLogs cap, about 2.3 days of 2-second blocks. */
export const HISTORY_BLOCKS = 100_000;
/** Base, Optimism and Arbitrum Sepolia mine about every 2 seconds or faster. */
export const BLOCK_TIME_MS = 2_000;

const hexQuantity = (value: number) => `0x${value.toString(16)}`;

export class SimulatedPublicNetwork {
  private readonly endpoints: PublicRpcProxy[] = [];

  private constructor(
    /** The node, for the test's own setup; clients go through `proxy`. */
    readonly node: NodeServer,
    readonly proxy: PublicRpcProxy,
  ) {
    this.endpoints.push(proxy);
  }

  /** A new chain (automine, as `hardhat node` starts) behind an endpoint with the free tier's limits but `endpoint`. */
  static async start(endpoint: Partial<PublicEndpointOptions> = {}): Promise<SimulatedPublicNetwork> {
    const node = await startHardhatNode();
    return new SimulatedPublicNetwork(node, await PublicRpcProxy.start(node.url, endpoint));
  }

  /**
   * Another endpoint to the same node, with limits and counts of its own: what a second operator with an API key of
   * its own sees, and how a test tells one client's calls from another's.
   */
  async endpoint(options: Partial<PublicEndpointOptions> = {}): Promise<PublicRpcProxy> {
    const proxy = await PublicRpcProxy.start(this.node.url, options);
    this.endpoints.push(proxy);
    return proxy;
  }

  /** The endpoint's URL: what clients are given. */
  get url(): string {
    return this.proxy.url;
  }

  /** The head block, read from the node (not counted as a client's call). */
  async head(): Promise<number> {
    return Number(await this.node.provider.request({ method: "eth_blockNumber" }));
  }

  /**
   * Mines `blocks` empty blocks in one hardhat_mine, `blockTimeMs` apart, so the chain's clock moves on with them as
   * it would have.
   */
  async mineHistory(blocks = HISTORY_BLOCKS, blockTimeMs = BLOCK_TIME_MS): Promise<void> {
    const interval = Math.max(1, Math.round(blockTimeMs / 1_000));
    await this.node.provider.request({ method: "hardhat_mine", params: [hexQuantity(blocks), hexQuantity(interval)] });
  }

  /** From now on a block every `blockTimeMs` with what was sent meanwhile, and no block on demand. */
  async mineEvery(blockTimeMs = BLOCK_TIME_MS): Promise<void> {
    await this.node.provider.request({ method: "evm_setAutomine", params: [false] });
    await this.node.provider.request({ method: "evm_setIntervalMining", params: [blockTimeMs] });
  }

  async close(): Promise<void> {
    // The node's mining timer would otherwise keep the process alive.
    await this.node.provider.request({ method: "evm_setIntervalMining", params: [0] });
    await Promise.all(this.endpoints.map((endpoint) => endpoint.close()));
    await this.node.close();
  }
}

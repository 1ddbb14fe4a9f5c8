/**
 * Counts the JSON-RPC calls that reach the network provider, by method: what an agent costs an RPC endpoint. It
 * wraps the EIP-1193 provider under hardhat-ethers, the layer that goes out over HTTP to a remote node, so every call
 * the agent would send to a public endpoint is counted once.
 */
import hre from "hardhat";

/** The methods that send a transaction and wait for it: the same few for every transaction, whatever the agent. */
export const TRANSACTION_METHODS: ReadonlySet<string> = new Set([
  "eth_sendTransaction",
  "eth_sendRawTransaction",
  "eth_estimateGas",
  "eth_getTransactionCount",
  "eth_getTransactionReceipt",
  "eth_getTransactionByHash",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_feeHistory",
]);

export interface CallCounts {
  readonly byMethod: Readonly<Record<string, number>>;
  /** Calls that read the chain. */
  readonly reads: number;
  /** Calls that send or confirm a transaction. */
  readonly transactions: number;
}

type Request = (args: { method: string; params?: unknown[] }) => Promise<unknown>;
type Send = (method: string, params?: unknown[]) => Promise<unknown>;

export class CallCounter {
  private counts = new Map<string, number>();
  private counting = false;
  private readonly restore: () => void;

  constructor() {
    const provider = hre.network.provider as unknown as { request: Request; send: Send };
    const request = provider.request.bind(provider);
    const send = provider.send.bind(provider);
    provider.request = (args) => {
      this.count(args.method);
      return request(args);
    };
    provider.send = (method, params) => {
      this.count(method);
      return send(method, params);
    };
    this.restore = () => {
      provider.request = request;
      provider.send = send;
    };
  }

  /** Counts the calls made while `work` runs (and nothing else runs). */
  async during(work: () => Promise<unknown>): Promise<CallCounts> {
    this.counts = new Map();
    this.counting = true;
    try {
      await work();
    } finally {
      this.counting = false;
    }
    const byMethod = Object.fromEntries(this.counts);
    const total = (pick: (method: string) => boolean) =>
      [...this.counts].filter(([method]) => pick(method)).reduce((sum, [, n]) => sum + n, 0);
    return {
      byMethod,
      reads: total((method) => !TRANSACTION_METHODS.has(method)),
      transactions: total((method) => TRANSACTION_METHODS.has(method)),
    };
  }

  uninstall(): void {
    this.restore();
  }

  private count(method: string): void {
    if (this.counting) this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
  }
}

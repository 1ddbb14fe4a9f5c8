/**
 * Hardhat networks served over HTTP, the way `hardhat node` serves them, so that an agent or a task started as a
 * separate process (and killed like one) works on a chain the test can also reach directly.
 */
import hre from "hardhat";
import { createProvider } from "hardhat/internal/core/providers/construction";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import type { EIP1193Provider } from "hardhat/types";

export interface RpcServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
}

export interface NodeServer extends RpcServer {
  /** The node itself, for the test's own setup calls (mining, clock): they go around anything put in front of it. */
  readonly provider: EIP1193Provider;
}

async function serve(provider: EIP1193Provider): Promise<RpcServer> {
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider });
  const { address, port } = await server.listen();
  return { url: `http://${address}:${port}`, close: () => server.close() };
}

/** Serves `hre.network.provider` (the chain of the test's fixtures) on a free local port. */
export function serveInProcessNetwork(): Promise<RpcServer> {
  return serve(hre.network.provider);
}

/**
 * Starts a new chain, as `hardhat node` starts one (the `hardhat` network's config and accounts, automine), in this
 * process and on a free local port. Nothing it does touches the test's in-process network, so a test may mine or
 * switch its mining mode freely.
 */
export async function startHardhatNode(): Promise<NodeServer> {
  const provider = await createProvider(hre.config, "hardhat", hre.artifacts);
  return { ...(await serve(provider)), provider };
}

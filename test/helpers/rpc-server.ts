/**
 * The in-process Hardhat network served over HTTP, the way `hardhat node` serves it, so that an agent started as a
 * separate process (and killed like one) works on the same chain as the test's fixtures and assertions.
 */
import hre from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";

export interface RpcServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `hre.network.provider` on a free local port. */
export async function serveInProcessNetwork(): Promise<RpcServer> {
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const { address, port } = await server.listen();
  return { url: `http://${address}:${port}`, close: () => server.close() };
}

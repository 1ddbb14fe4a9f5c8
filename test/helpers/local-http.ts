/**
 * The HTTP plumbing of the endpoints that tests put between a client and a node: a server on a free port of
 * 127.0.0.1, and forwarding a JSON-RPC body to the node behind it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalHttpServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Drops open connections (a stalled request among them) and stops listening; once closed, does nothing. */
  close(): Promise<void>;
}

export type RequestHandler = (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>;

/** Serves `handle` on a free local port. */
export async function serveLocally(handle: RequestHandler): Promise<LocalHttpServer> {
  const server = http.createServer((request, response) => {
    // The node went away under a forwarded request (the test is closing): the client sees a dropped connection.
    handle(request, response).catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: async () => {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** POSTs a JSON-RPC body to `url` and returns the answer as it came. */
export async function postJson(url: string, body: string): Promise<HttpAnswer> {
  const answer = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: answer.status, body: await answer.text() };
}

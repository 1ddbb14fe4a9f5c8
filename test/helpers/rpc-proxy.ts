/**
 * A JSON-RPC endpoint that misbehaves on schedule: it stands between an agent and a node and, for the requests a
 * test names, answers what a flaky public endpoint answers (a 5xx page, a JSON-RPC error, a dropped connection,
 * silence) while forwarding everything else untouched.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RpcFault =
  /** An HTTP error status with an HTML page, as a load balancer in front of a dead node answers. */
  | { readonly kind: "http-error"; readonly status: number }
  /** The connection is closed without an answer. */
  | { readonly kind: "close" }
  /** HTTP 200 with a JSON-RPC error object for each request. */
  | { readonly kind: "rpc-error" }
  /** No answer at all until the client gives up and closes the connection. */
  | { readonly kind: "stall" }
  /** The request reaches the node (a transaction is sent), then the connection is closed before the answer. */
  | { readonly kind: "lose-answer" };

export interface ScheduledFault {
  readonly fault: RpcFault;
  /** Only a request for this method gets the fault; any request if absent. */
  readonly method?: string;
}

interface JsonRpcRequest {
  readonly id?: unknown;
  readonly method?: unknown;
}

function requestsIn(body: string): JsonRpcRequest[] {
  try {
    const parsed = JSON.parse(body) as JsonRpcRequest | JsonRpcRequest[];
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return [];
  }
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export class RpcProxy {
  private readonly faults: ScheduledFault[] = [];
  /** The faults served so far, in order, with the method each one hit. */
  readonly served: { readonly method: string; readonly fault: RpcFault["kind"] }[] = [];

  private constructor(
    private readonly server: http.Server,
    private readonly target: string,
  ) {
    server.on("request", (request, response) => {
      // The node went away under a forwarded request (the test is closing): the client sees a dropped connection.
      this.handle(request, response).catch(() => request.socket.destroy());
    });
  }

  /** Starts a proxy to the JSON-RPC endpoint `target` on a free local port; it forwards everything until scheduled. */
  static async start(target: string): Promise<RpcProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new RpcProxy(server, target);
  }

  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  /** Appends faults; each one is served once, to the first request that matches it. */
  schedule(faults: readonly ScheduledFault[]): void {
    this.faults.push(...faults);
  }

  /** Faults scheduled but not served yet. */
  get pending(): number {
    return this.faults.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private takeFault(method: string): RpcFault | undefined {
    const index = this.faults.findIndex((scheduled) => scheduled.method === undefined || scheduled.method === method);
    if (index < 0) return undefined;
    const [{ fault }] = this.faults.splice(index, 1);
    this.served.push({ method, fault: fault.kind });
    return fault;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request);
    const requests = requestsIn(body);
    const fault = this.takeFault(String(requests[0]?.method ?? ""));
    switch (fault?.kind) {
      case "http-error":
        response.writeHead(fault.status, { "content-type": "text/html" });
        response.end(`<html><body><h1>${fault.status}</h1>upstream unavailable</body></html>`);
        return;
      case "close":
        request.socket.destroy();
        return;
      case "rpc-error": {
        const error = (id: unknown) => ({ jsonrpc: "2.0", id, error: { code: -32603, message: "injected fault" } });
        const answer = requests.length === 1 ? error(requests[0].id) : requests.map((r) => error(r.id));
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(answer));
        return;
      }
      case "stall":
        // Left open: the client's timeout ends it, or close() does.
        return;
      case "lose-answer":
        await this.forward(body);
        request.socket.destroy();
        return;
      case undefined: {
        const answer = await this.forward(body);
        response.writeHead(answer.status, { "content-type": "application/json" });
        response.end(answer.body);
        return;
      }
    }
  }

  private async forward(body: string): Promise<{ status: number; body: string }> {
    const answer = await fetch(this.target, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { status: answer.status, body: await answer.text() };
  }
}

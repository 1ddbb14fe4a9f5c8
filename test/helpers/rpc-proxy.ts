/**
 * A JSON-RPC endpoint that misbehaves on schedule: it stands between an agent and a node and, for the requests a
 * test names, answers what a flaky public endpoint answers (a 5xx page, a JSON-RPC error, a dropped connection,
 * silence) while forwarding everything else untouched.
 */
import type http from "node:http";

import { errorResponse, methodOf, parseBody, readBody } from "./json-rpc";
import { type HttpAnswer, type LocalHttpServer, postJson, serveLocally } from "./local-http";

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

export class RpcProxy {
  private readonly faults: ScheduledFault[] = [];
  /** The faults served so far, in order, with the method each one hit. */
  readonly served: { readonly method: string; readonly fault: RpcFault["kind"] }[] = [];

  private constructor(
    private readonly server: LocalHttpServer,
    private readonly target: string,
  ) {}

  /** Starts a proxy to the JSON-RPC endpoint `target` on a free local port; it forwards everything until scheduled. */
  static async start(target: string): Promise<RpcProxy> {
    // Requests arrive only once the proxy is returned: by then it is set.
    let proxy: RpcProxy | undefined;
    const server = await serveLocally((request, response) => proxy!.handle(request, response));
    proxy = new RpcProxy(server, target);
    return proxy;
  }

  get url(): string {
    return this.server.url;
  }

  /** Appends faults; each one is served once, to the first request that matches it. */
  schedule(faults: readonly ScheduledFault[]): void {
    this.faults.push(...faults);
  }

  /** Faults scheduled but not served yet. */
  get pending(): number {
    return this.faults.length;
  }

  close(): Promise<void> {
    return this.server.close();
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
    const { requests } = parseBody(body);
    const fault = this.takeFault(requests.length > 0 ? methodOf(requests[0]) : "");
    switch (fault?.kind) {
      case "http-error":
        response.writeHead(fault.status, { "content-type": "text/html" });
        response.end(`<html><body><h1>${fault.status}</h1>upstream unavailable</body></html>`);
        return;
      case "close":
        request.socket.destroy();
        return;
      case "rpc-error": {
        const answers = requests.map((r) => errorResponse(r, { code: -32603, message: "injected fault" }));
        const answer = answers.length === 1 ? answers[0] : answers;
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

  private forward(body: string): Promise<HttpAnswer> {
    return postJson(this.target, body);
  }
}

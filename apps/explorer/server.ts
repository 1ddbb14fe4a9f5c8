/**
 * The explorer's HTTP server (node:http: three static files and JSON routes need no framework): the bundled page, one
 * JSON route per page, and a server-sent-events stream that tells open pages when new blocks were indexed. Answers
 * are kept per indexed block, so a page open in many tabs costs the node one set of view calls per block.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import { EVENTS_ROUTE, type ChainHead, JOB_ROUTE, PROVIDER_ROUTE, UPDATE_EVENT } from "../../src/explorer/api";
import { type ExplorerReader, NotFoundError } from "../../src/explorer/reader";
import { errorMessage } from "../../src/errors";
import type { Asset } from "./assets";

/** A comment line on the event stream this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

export interface RunningExplorer {
  /** e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  /** Tells every open page that `head` was indexed, and drops the answers of older blocks. */
  indexed(head: ChainHead): void;
  close(): Promise<void>;
}

type Route = (reader: ExplorerReader, rest: string) => Promise<unknown>;

const ROUTES: Readonly<Record<string, Route>> = {
  "/api/overview": (reader) => reader.overview(),
  "/api/jobs": (reader) => reader.jobs(),
  "/api/receipts": (reader) => reader.receipts(),
  "/api/providers": (reader) => reader.providers(),
  "/api/disputes": (reader) => reader.disputes(),
  "/api/proposals": (reader) => reader.proposals(),
  "/api/parameters": (reader) => reader.parameters(),
};

function routeOf(path: string): { route: Route; rest: string } | undefined {
  if (ROUTES[path] !== undefined) return { route: ROUTES[path], rest: "" };
  if (path.startsWith(JOB_ROUTE)) {
    return {
      rest: path.slice(JOB_ROUTE.length),
      route: (reader, id) => {
        if (!/^\d+$/.test(id)) throw new NotFoundError(`"${id}" is not a job id (a whole number).`);
        return reader.job(BigInt(id));
      },
    };
  }
  if (path.startsWith(PROVIDER_ROUTE)) {
    return { rest: path.slice(PROVIDER_ROUTE.length), route: (reader, address) => reader.provider(address) };
  }
  return undefined;
}

export function startExplorerServer(
  reader: ExplorerReader,
  assets: ReadonlyMap<string, Asset>,
  options: { readonly port: number; readonly host: string; readonly head: () => ChainHead },
): Promise<RunningExplorer> {
  const streams = new Set<http.ServerResponse>();
  // Answers of the block indexed last, by path: every tab polling the same page shares one read.
  let answers = new Map<string, Promise<string>>();

  const answer = (path: string, route: Route, rest: string): Promise<string> => {
    let body = answers.get(path);
    if (body === undefined) {
      body = route(reader, decodeURIComponent(rest)).then((value) => JSON.stringify(value));
      // A failed read is not kept: the next request tries again.
      body.catch(() => answers.delete(path));
      answers.set(path, body);
    }
    return body;
  };

  const server = http.createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET") {
      response.writeHead(405, { allow: "GET", "content-type": "text/plain" }).end("the explorer is read-only\n");
      return;
    }
    const asset = assets.get(path);
    if (asset !== undefined) {
      response.writeHead(200, { "content-type": asset.contentType, "cache-control": "no-cache" }).end(asset.body);
      return;
    }
    if (path === EVENTS_ROUTE) {
      response.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      response.write(eventOf(options.head()));
      streams.add(response);
      request.on("close", () => streams.delete(response));
      return;
    }
    const found = routeOf(path);
    if (found === undefined) {
      sendJson(response, 404, { error: `No page at ${path}: the explorer's pages are under /#/.` });
      return;
    }
    answer(path, found.route, found.rest).then(
      (body) => response.writeHead(200, { "content-type": "application/json" }).end(body),
      (error: unknown) => {
        const notFound = error instanceof NotFoundError;
        sendJson(response, notFound ? 404 : 500, { error: errorMessage(error) });
      },
    );
  });
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(": keep-alive\n\n");
  }, KEEP_ALIVE_MS);
  keepAlive.unref();

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${options.host}:${port}/`,
        indexed: (head) => {
          answers = new Map();
          for (const stream of streams) stream.write(eventOf(head));
        },
        close: () =>
          new Promise((done, fail) => {
            clearInterval(keepAlive);
            for (const stream of streams) stream.end();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
  });
}

function eventOf(head: ChainHead): string {
  return `event: ${UPDATE_EVENT}\ndata: ${JSON.stringify(head)}\n\n`;
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

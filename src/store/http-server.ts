/**
 * A small HTTP server over a FileContentStore, for providers and verifiers on different machines.
 *   GET /blobs/<sha256 hex>  -> 200 with the bytes | 404 not stored | 400 malformed hash
 *   PUT /blobs/<sha256 hex>  -> 201 stored | 422 body does not hash to the path | 413 too large | 400 malformed
 *   anything else            -> 404, or 405 for another method on /blobs/
 * Error bodies are one line of plain text saying what went wrong.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { ContentNotFoundError, isSha256Hex, sha256Hex } from "./content-store";
import type { FileContentStore } from "./fs-store";

export const BLOB_PATH_PREFIX = "/blobs/";
/** Largest accepted PUT body: a 2^26-element int32 result (MATMUL_MAX_MATRIX_ELEMENTS) is 256 MiB. */
export const MAX_BLOB_BYTES = 256 * 1024 * 1024;

export interface ContentServerOptions {
  readonly store: FileContentStore;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

export interface RunningContentServer {
  /** Base URL, e.g. http://127.0.0.1:8080; blob URIs are <url>/blobs/<hash>. */
  readonly url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    request.on("data", (part: Buffer) => {
      size += part.length;
      if (size > MAX_BLOB_BYTES) {
        reject(new HttpError(413, `body exceeds ${MAX_BLOB_BYTES} bytes`));
        request.destroy();
        return;
      }
      parts.push(part);
    });
    request.on("end", () => resolve(Buffer.concat(parts)));
    request.on("error", reject);
  });
}

async function handle(store: FileContentStore, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (!path.startsWith(BLOB_PATH_PREFIX)) throw new HttpError(404, `no route ${path}; use ${BLOB_PATH_PREFIX}<sha256>`);
  const hash = path.slice(BLOB_PATH_PREFIX.length);
  if (!isSha256Hex(hash)) throw new HttpError(400, `${hash} is not a lowercase hex SHA-256`);
  if (request.method === "GET") {
    const bytes = await store.getByHash(hash);
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    response.end(bytes);
    return;
  }
  if (request.method === "PUT") {
    const body = await readBody(request);
    const actual = sha256Hex(body);
    if (actual !== hash) throw new HttpError(422, `body hashes to ${actual}, not ${hash}`);
    await store.putVerified(hash, body);
    response.writeHead(201, { "content-type": "text/plain" });
    response.end("stored\n");
    return;
  }
  throw new HttpError(405, `method ${request.method} not allowed; use GET or PUT`);
}

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof ContentNotFoundError) return 404;
  // Anything else, including stored bytes that fail their own hash (a corrupt disk), is the server's fault.
  return 500;
}

/** Starts serving `store`; resolves once listening. */
export function startContentServer(options: ContentServerOptions): Promise<RunningContentServer> {
  const server: Server = createServer((request, response) => {
    handle(options.store, request, response).catch((error: unknown) => {
      const status = statusOf(error);
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) response.writeHead(status, { "content-type": "text/plain", connection: "close" });
      response.end(`${message}\n`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      const address = server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
  });
}

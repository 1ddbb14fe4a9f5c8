/**
 * JSON-RPC 2.0 over HTTP, as the test endpoints in front of a node read requests and write answers: a body holds
 * one request or a batch of them, and each request is answered by a result or an error with the request's id.
 */
import type http from "node:http";

export interface JsonRpcRequest {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
}

export interface JsonRpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export type JsonRpcResponse =
  | { readonly jsonrpc: "2.0"; readonly id: unknown; readonly result: unknown }
  | { readonly jsonrpc: "2.0"; readonly id: unknown; readonly error: JsonRpcError };

export interface JsonRpcBody {
  readonly requests: readonly JsonRpcRequest[];
  /** A batch is answered with an array even when it holds one request. */
  readonly batch: boolean;
}

/** The requests in an HTTP body; none if it is not JSON (the node answers such a body itself). */
export function parseBody(body: string): JsonRpcBody {
  try {
    const parsed = JSON.parse(body) as JsonRpcRequest | JsonRpcRequest[];
    return Array.isArray(parsed) ? { requests: parsed, batch: true } : { requests: [parsed], batch: false };
  } catch {
    return { requests: [], batch: false };
  }
}

/** The method a request names, or "" for a request without one. */
export function methodOf(request: JsonRpcRequest): string {
  return typeof request.method === "string" ? request.method : "";
}

export function errorResponse(request: JsonRpcRequest, error: JsonRpcError): JsonRpcResponse {
  return { jsonrpc: "2.0", id: request.id ?? null, error };
}

export function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

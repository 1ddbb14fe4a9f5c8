/**
 * HTTP content store client for src/store/http-server.ts (or any server with the same two routes).
 * URI: <base URL>/blobs/<sha256 hex>.
 */
import {
  type ContentStore,
  ContentNotFoundError,
  ContentStoreError,
  isSha256Hex,
  requireContentHash,
  sha256Hex,
} from "./content-store";
import { BLOB_PATH_PREFIX } from "./http-server";

async function request(uri: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(uri, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
    throw new ContentStoreError(`${uri}: cannot reach the content server (${cause}); is it running?`, uri);
  }
}

async function failure(uri: string, action: string, response: Response): Promise<ContentStoreError> {
  const detail = (await response.text()).trim();
  return new ContentStoreError(`${uri}: ${action} failed with HTTP ${response.status}: ${detail}`, uri);
}

/** The SHA-256 an http(s) blob URI names; throws for any other URI. */
export function parseHttpBlobUri(uri: string): string {
  const path = URL.canParse(uri) ? new URL(uri).pathname : "";
  const at = path.lastIndexOf(BLOB_PATH_PREFIX);
  const hash = at < 0 ? "" : path.slice(at + BLOB_PATH_PREFIX.length);
  if (!isSha256Hex(hash)) {
    throw new ContentStoreError(`${uri}: expected http(s)://<server>${BLOB_PATH_PREFIX}<sha256 hex>`, uri);
  }
  return hash;
}

export class HttpContentStore implements ContentStore {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:8080. */
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  async put(bytes: Uint8Array): Promise<string> {
    const uri = `${this.baseUrl}${BLOB_PATH_PREFIX}${sha256Hex(bytes)}`;
    const response = await request(uri, { method: "PUT", body: bytes });
    if (!response.ok) throw await failure(uri, "PUT", response);
    await response.body?.cancel();
    return uri;
  }

  async get(uri: string): Promise<Uint8Array> {
    const hash = parseHttpBlobUri(uri);
    const response = await request(uri, { method: "GET" });
    if (response.status === 404) {
      await response.body?.cancel();
      throw new ContentNotFoundError(uri, new URL(uri).origin);
    }
    if (!response.ok) throw await failure(uri, "GET", response);
    return requireContentHash(uri, hash, new Uint8Array(await response.arrayBuffer()));
  }
}

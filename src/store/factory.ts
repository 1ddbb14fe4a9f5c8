/** Picks a content store backend from a URI (to read) or a location (to publish to). */
import { fileURLToPath } from "node:url";

import { type RetryOptions, withRetry } from "../chain/retry";
import { errorMessage } from "../errors";
import type { Fetched } from "../findings/verdict";

import { ContentStoreError, type ContentStore, isSha256Hex } from "./content-store";
import { FileContentStore, parseFileUri } from "./fs-store";
import { HttpContentStore, parseHttpBlobUri } from "./http-store";
import { IpfsGatewayStore, rawSha256CidOfHash } from "./ipfs-gateway-store";
import { BLOB_PATH_PREFIX } from "./http-server";

/** Where tasks publish and read content unless --store says otherwise (git-ignored). */
export const DEFAULT_STORE_DIR = ".weft/store";

/** The IPFS gateway used for ipfs:// URIs when a task is given none. */
export function ipfsGatewayFromEnv(): string | undefined {
  return process.env.WEFT_IPFS_GATEWAY || undefined;
}

export interface ContentStoreConfig {
  /** Gateway for ipfs:// URIs, e.g. http://127.0.0.1:8080. Without it ipfs:// URIs are refused. */
  readonly ipfsGateway?: string;
}

/** The store that can read `uri`: file://, http(s):// (a blob server) or ipfs:// (via the configured gateway). */
export function storeFromUri(uri: string, config: ContentStoreConfig = {}): ContentStore {
  const scheme = URL.canParse(uri) ? new URL(uri).protocol : "";
  switch (scheme) {
    case "file:":
      return new FileContentStore(parseFileUri(uri).directory);
    case "http:":
    case "https:":
      parseHttpBlobUri(uri);
      return new HttpContentStore(uri.slice(0, uri.lastIndexOf(BLOB_PATH_PREFIX)));
    case "ipfs:":
      if (config.ipfsGateway === undefined) {
        throw new ContentStoreError(`${uri}: configure an IPFS gateway (ipfsGateway) to read ipfs:// URIs`, uri);
      }
      return new IpfsGatewayStore(config.ipfsGateway);
    default:
      throw new ContentStoreError(`${uri}: unsupported URI; expected file://, http(s):// or ipfs://`, uri);
  }
}

/**
 * The URI of the content with SHA-256 `hashHex` in the store that serves `uri`: what a stored reference to other
 * content (an mlp-i8 job's model) resolves to, wherever the referring content was read from.
 */
export function contentUriBeside(uri: string, hashHex: string): string {
  if (!isSha256Hex(hashHex)) throw new ContentStoreError(`${hashHex}: not a SHA-256 in hex`, uri);
  const store = storeFromUri(uri, { ipfsGateway: "unused" });
  if (store instanceof FileContentStore) return store.uriFor(hashHex);
  if (store instanceof HttpContentStore) return `${store.baseUrl}${BLOB_PATH_PREFIX}${hashHex}`;
  return `ipfs://${rawSha256CidOfHash(hashHex)}`;
}

/** Reads and verifies the content named by `uri`. */
export function fetchContent(uri: string, config: ContentStoreConfig = {}): Promise<Uint8Array> {
  return storeFromUri(uri, config).get(uri);
}

/**
 * Reads `uri` as a check takes it: the bytes, or why they could not be read (a missing or corrupt blob is evidence
 * against whoever committed to it, not an error of the reader). Retried with `retry` when given.
 */
export async function fetchOutcome(
  uri: string,
  config: ContentStoreConfig = {},
  retry?: RetryOptions,
): Promise<Fetched> {
  try {
    const read = () => fetchContent(uri, config);
    return { ok: true, bytes: await (retry === undefined ? read() : withRetry(`fetching ${uri}`, read, retry)) };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

/**
 * The store to publish to: an http(s) URL is a blob server's base URL; anything else (a path or a
 * file:// URL) is a directory for the filesystem store, the default.
 */
export function storeForPublishing(location: string): ContentStore {
  if (/^https?:\/\//.test(location)) return new HttpContentStore(location);
  const directory = location.startsWith("file://") ? fileURLToPath(location) : location;
  return new FileContentStore(directory);
}

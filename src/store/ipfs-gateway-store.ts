/**
 * Read-only ipfs:// content through an HTTP gateway (GET <gateway>/ipfs/<cid>).
 *
 * Integrity: only CIDv1 with the raw codec and a sha2-256 multihash (in base32, "bafkrei...", or base58btc) names
 * the bytes themselves, so only those are accepted and checked. Other CIDs (CIDv0 "Qm...", dag-pb/UnixFS) hash
 * a DAG that a gateway's flattened file cannot be checked against without an IPFS implementation, and are
 * rejected rather than trusted. Publish with `ipfs add --cid-version 1 --raw-leaves` for content that fits
 * one block (the default chunker makes larger files dag-pb); use the filesystem or HTTP store otherwise.
 *
 * CIDs are read and written by multiformats, the reference implementation IPFS's JavaScript stack uses. It is
 * published as ES modules only: this CommonJS build loads it with require(), which Node supports from 20.19.
 */
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { create as createDigest } from "multiformats/hashes/digest";
import { sha256 } from "multiformats/hashes/sha2";

import {
  type ContentStore,
  ContentNotFoundError,
  ContentStoreError,
  requireContentHash,
  sha256Bytes,
} from "./content-store";

const SHA2_256_LENGTH = 32;

/** The CIDv1 (raw, sha2-256, base32) of `bytes`, as `ipfs add --cid-version 1 --raw-leaves` gives for one block. */
export function rawSha256Cid(bytes: Uint8Array): string {
  // node:crypto's digest, wrapped: multiformats' own hasher is typed as possibly asynchronous.
  return CID.createV1(raw.code, createDigest(sha256.code, sha256Bytes(bytes))).toString();
}

/** The CIDv1 (raw, sha2-256, base32) of the content whose SHA-256 is `hashHex`. */
export function rawSha256CidOfHash(hashHex: string): string {
  return CID.createV1(raw.code, createDigest(sha256.code, Uint8Array.from(Buffer.from(hashHex, "hex")))).toString();
}

/** The CID `text` names, or undefined when it is not one (multiformats reads base32 and base58btc). */
function parseCid(text: string): CID | undefined {
  try {
    return CID.parse(text);
  } catch {
    return undefined;
  }
}

/** The sha2-256 digest a raw CIDv1 names; throws for any CID this store cannot verify. */
function digestOfRawCid(uri: string, text: string): Uint8Array {
  const cid = parseCid(text);
  if (
    cid === undefined ||
    cid.version !== 1 ||
    cid.code !== raw.code ||
    cid.multihash.code !== sha256.code ||
    cid.multihash.size !== SHA2_256_LENGTH
  ) {
    throw new ContentStoreError(
      `${uri}: only CIDv1 raw sha2-256 CIDs (bafkrei...) can be verified; publish with ` +
        "`ipfs add --cid-version 1 --raw-leaves` or use a file:// or http(s):// store",
      uri,
    );
  }
  return cid.multihash.digest;
}

export class IpfsGatewayStore implements ContentStore {
  readonly gatewayUrl: string;

  /** `gatewayUrl`, e.g. https://ipfs.io or http://127.0.0.1:8080; content is read from <gateway>/ipfs/<cid>. */
  constructor(gatewayUrl: string) {
    this.gatewayUrl = gatewayUrl.replace(/\/+$/, "");
  }

  async put(): Promise<string> {
    throw new ContentStoreError("ipfs:// is read-only here: add content with an IPFS node and use its CID", "ipfs://");
  }

  async get(uri: string): Promise<Uint8Array> {
    const match = /^ipfs:\/\/([^/?#]+)$/.exec(uri);
    if (match === null) throw new ContentStoreError(`${uri}: expected ipfs://<cid>`, uri);
    const expected = digestOfRawCid(uri, match[1]);
    const url = `${this.gatewayUrl}/ipfs/${match[1]}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: "application/vnd.ipld.raw" } });
    } catch (error) {
      throw new ContentStoreError(`${uri}: cannot reach the IPFS gateway ${this.gatewayUrl} (${String(error)})`, uri);
    }
    if (response.status === 404) throw new ContentNotFoundError(uri, this.gatewayUrl);
    if (!response.ok) throw new ContentStoreError(`${uri}: gateway ${url} answered HTTP ${response.status}`, uri);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return requireContentHash(uri, Buffer.from(expected).toString("hex"), bytes);
  }
}

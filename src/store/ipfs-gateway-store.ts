/**
 * Read-only ipfs:// content through an HTTP gateway (GET <gateway>/ipfs/<cid>).
 *
 * Integrity: only CIDv1 with the raw codec and a sha2-256 multihash (base32, "bafkrei...") names the
 * bytes themselves, so only those are accepted and checked. Other CIDs (CIDv0 "Qm...", dag-pb/UnixFS) hash
 * a DAG that a gateway's flattened file cannot be checked against without an IPFS implementation, and are
 * rejected rather than trusted. Publish with `ipfs add --cid-version 1 --raw-leaves` for content that fits
 * one block (the default chunker makes larger files dag-pb); use the filesystem or HTTP store otherwise.
 */
import {
  type ContentStore,
  ContentNotFoundError,
  ContentStoreError,
  requireContentHash,
  sha256Bytes,
} from "./content-store";

const CID_VERSION_1 = 0x01;
const RAW_CODEC = 0x55;
const SHA2_256 = 0x12;
const SHA2_256_LENGTH = 32;
/** version, codec, hash function, digest length: all single-byte varints for these values. */
const CID_PREFIX = Uint8Array.from([CID_VERSION_1, RAW_CODEC, SHA2_256, SHA2_256_LENGTH]);
/** Multibase prefix of lowercase RFC 4648 base32 without padding. */
const BASE32_MULTIBASE = "b";
const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = BASE32_ALPHABET.indexOf(char);
    if (value < 0) return undefined;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** The CIDv1 (raw, sha2-256, base32) of `bytes`, as `ipfs add --cid-version 1 --raw-leaves` gives for one block. */
export function rawSha256Cid(bytes: Uint8Array): string {
  const cid = new Uint8Array(CID_PREFIX.length + SHA2_256_LENGTH);
  cid.set(CID_PREFIX);
  cid.set(sha256Bytes(bytes), CID_PREFIX.length);
  return BASE32_MULTIBASE + base32Encode(cid);
}

/** The sha2-256 digest a raw CIDv1 names; throws for any CID this store cannot verify. */
function digestOfRawCid(uri: string, cid: string): Uint8Array {
  const decoded = cid.startsWith(BASE32_MULTIBASE) ? base32Decode(cid.slice(1)) : undefined;
  const valid =
    decoded !== undefined &&
    decoded.length === CID_PREFIX.length + SHA2_256_LENGTH &&
    CID_PREFIX.every((byte, i) => decoded[i] === byte);
  if (!valid) {
    throw new ContentStoreError(
      `${uri}: only CIDv1 raw sha2-256 CIDs (bafkrei...) can be verified; publish with ` +
        "`ipfs add --cid-version 1 --raw-leaves` or use a file:// or http(s):// store",
      uri,
    );
  }
  return decoded.subarray(CID_PREFIX.length);
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

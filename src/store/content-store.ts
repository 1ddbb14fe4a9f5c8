/**
 * Content store for job inputs and outputs. Every URI names the SHA-256 of its content, and every get
 * checks it: a store never returns bytes that do not match their URI.
 */
import { createHash } from "node:crypto";

export interface ContentStore {
  /** Stores `bytes` and returns the URI that names them. Idempotent: equal bytes give the same URI. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes named by `uri`; throws ContentIntegrityError if they do not hash to what the URI says. */
  get(uri: string): Promise<Uint8Array>;
}

export class ContentStoreError extends Error {
  constructor(
    message: string,
    readonly uri: string,
  ) {
    super(message);
    this.name = "ContentStoreError";
  }
}

export class ContentNotFoundError extends ContentStoreError {
  constructor(uri: string, where: string) {
    super(`${uri}: not found in ${where}; was it published to this store?`, uri);
    this.name = "ContentNotFoundError";
  }
}

export class ContentIntegrityError extends ContentStoreError {
  constructor(uri: string, expected: string, actual: string) {
    super(`${uri}: content hashes to ${actual}, not ${expected}; the store or its transport altered it`, uri);
    this.name = "ContentIntegrityError";
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function sha256Bytes(bytes: Uint8Array): Uint8Array {
  return createHash("sha256").update(bytes).digest();
}

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/** Returns `bytes` if their SHA-256 is `expectedHex`, else throws ContentIntegrityError naming `uri`. */
export function requireContentHash(uri: string, expectedHex: string, bytes: Uint8Array): Uint8Array {
  const actual = sha256Hex(bytes);
  if (actual !== expectedHex) throw new ContentIntegrityError(uri, expectedHex, actual);
  return bytes;
}

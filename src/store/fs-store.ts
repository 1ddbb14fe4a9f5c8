/**
 * Filesystem content store: one file per content, named by its SHA-256 in a directory given per
 * instance. URI: file://<absolute directory>/<sha256 hex>.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import {
  type ContentStore,
  ContentNotFoundError,
  ContentStoreError,
  isSha256Hex,
  requireContentHash,
  sha256Hex,
} from "./content-store";

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

export class FileContentStore implements ContentStore {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = resolve(directory);
  }

  uriFor(hash: string): string {
    return pathToFileURL(join(this.directory, hash)).href;
  }

  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256Hex(bytes);
    await this.putVerified(hash, bytes);
    return this.uriFor(hash);
  }

  /**
   * Writes bytes already known to hash to `hash`. Atomic: a temporary file in the same directory is
   * renamed into place, so a reader never sees a partial file and concurrent writers of the same
   * content both succeed.
   */
  async putVerified(hash: string, bytes: Uint8Array): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const temporary = join(this.directory, `.${hash}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, join(this.directory, hash));
    } finally {
      await rm(temporary, { force: true });
    }
  }

  /** The content with this hash, checked; throws ContentNotFoundError if it is absent. */
  async getByHash(hash: string, uri = this.uriFor(hash)): Promise<Uint8Array> {
    try {
      return requireContentHash(uri, hash, await readFile(join(this.directory, hash)));
    } catch (error) {
      if (isMissingFile(error)) throw new ContentNotFoundError(uri, this.directory);
      throw error;
    }
  }

  /** Reads any file:// URI whose file name is a SHA-256, in this directory or another. */
  async get(uri: string): Promise<Uint8Array> {
    const { directory, hash } = parseFileUri(uri);
    return directory === this.directory
      ? this.getByHash(hash, uri)
      : new FileContentStore(directory).getByHash(hash, uri);
  }
}

/** Splits file://<directory>/<sha256 hex>; throws a ContentStoreError for anything else. */
export function parseFileUri(uri: string): { directory: string; hash: string } {
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    throw new ContentStoreError(`${uri}: not a file:// URI`, uri);
  }
  const hash = basename(path);
  if (!isSha256Hex(hash)) {
    throw new ContentStoreError(`${uri}: the file name must be the content's SHA-256 in lowercase hex`, uri);
  }
  return { directory: dirname(path), hash };
}

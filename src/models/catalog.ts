/**
 * Published mlp-i8 models, named by their Merkle root (src/commitments/mlp-inputs.ts mlpModelRoot).
 *
 * A model's file is content like any other: the store names it by its SHA-256. People and jobs name a model by its
 * root, so publishing also records root -> SHA-256 in a model index, a small JSON file:
 *
 *   {
 *     "format": "weft-models/1",
 *     "models": {
 *       "0x<root>": { "sha256": "<hex>", "shape": "144-32-10", "bytes": 8710 }
 *     }
 *   }
 *
 * Where the index lives: for a directory store, `models.json` in the store's directory, beside the content (the
 * store names content by hash only, so the file never collides with a blob, and `store:serve` does not serve it);
 * for an HTTP store, which holds content only, `.weft/models.json` in the working directory. One index serves every
 * store: a model's file is fixed by its root (the .wmlp format has one encoding per model), so root -> SHA-256 is the
 * same mapping wherever the model is stored; the store to read from is the one `--store` names. Whoever reads a
 * model by its root checks the root of what the store returns, so a wrong or stale index entry is an error, never a
 * different model. Writes are atomic (a temporary file renamed into place); two publishers writing the same index at
 * once may lose one entry, which publishing again restores.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { UserError } from "../errors";
import { ContentStoreError, isSha256Hex } from "../store/content-store";
import { FileContentStore } from "../store/fs-store";
import { HttpContentStore } from "../store/http-store";
import { BLOB_PATH_PREFIX } from "../store/http-server";
import { storeForPublishing } from "../store/factory";
import { InvalidWorkloadError } from "../workloads/errors";
import { describeMlpParams } from "../workloads/mlp-i8/network";
import { mlpParamsOf } from "../workloads/mlp-i8/model";
import { type LoadedModel, loadedModelOf } from "./source";

export const MODEL_INDEX_FORMAT = "weft-models/1";
/** The index's file name in a directory store. */
export const MODEL_INDEX_FILE = "models.json";
/** The index used with an HTTP store. */
export const LOCAL_MODEL_INDEX = join(".weft", MODEL_INDEX_FILE);

export interface ModelIndexEntry {
  readonly sha256: string;
  /** describeMlpParams without the batch, e.g. "144-32-10": for people reading the file. */
  readonly shape: string;
  readonly bytes: number;
}

export interface ModelIndex {
  readonly format: typeof MODEL_INDEX_FORMAT;
  readonly models: Readonly<Record<string, ModelIndexEntry>>;
}

const ROOT_PATTERN = /^0x[0-9a-fA-F]{64}$/;

/** Whether `text` is a model root (0x and 64 hex digits) rather than a file's path. */
export function isModelRoot(text: string): boolean {
  return ROOT_PATTERN.test(text);
}

function isHttpLocation(location: string): boolean {
  return /^https?:\/\//.test(location);
}

/** The model index of a store location (a directory, a file:// URL or an http(s) URL): see the header. */
export function modelIndexPath(location: string): string {
  if (isHttpLocation(location)) return LOCAL_MODEL_INDEX;
  const directory = location.startsWith("file://") ? fileURLToPath(location) : location;
  return join(directory, MODEL_INDEX_FILE);
}

/** The index at `path`; an empty one if there is no file. */
export async function readModelIndex(path: string): Promise<ModelIndex> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { format: MODEL_INDEX_FORMAT, models: {} };
    throw error;
  }
  let index: unknown;
  try {
    index = JSON.parse(text);
  } catch (error) {
    throw new UserError(`The model index ${path} is not JSON (${(error as Error).message}); fix or delete it.`);
  }
  const value = index as Partial<ModelIndex> | null;
  if (value?.format !== MODEL_INDEX_FORMAT || typeof value.models !== "object" || value.models === null) {
    throw new UserError(`The model index ${path} is not a "${MODEL_INDEX_FORMAT}" file; fix or delete it.`);
  }
  return value as ModelIndex;
}

async function writeModelIndex(path: string, index: ModelIndex): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(index, null, 2)}\n`);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The shape of a model without a batch: "144-32-10". */
export function modelShape(loaded: LoadedModel): string {
  return describeMlpParams(mlpParamsOf(loaded.model, 1)).replace(/ x 1$/, "");
}

export interface PublishedModel {
  readonly loaded: LoadedModel;
  /** The model file's URI in the store. */
  readonly uri: string;
  /** The index the root was recorded in. */
  readonly indexPath: string;
}

export interface ModelStoreOptions {
  /** The model index to use instead of the store location's (see modelIndexPath). */
  readonly indexPath?: string;
}

/** Stores the model's file at `location` and records its root in the model index. */
export async function publishModel(
  loaded: LoadedModel,
  location: string,
  options: ModelStoreOptions = {},
): Promise<PublishedModel> {
  let uri: string;
  try {
    uri = await storeForPublishing(location).put(loaded.bytes);
  } catch (error) {
    if (error instanceof ContentStoreError) throw new UserError(`Publishing the model failed: ${error.message}`);
    throw error;
  }
  const indexPath = options.indexPath ?? modelIndexPath(location);
  const index = await readModelIndex(indexPath);
  const entry: ModelIndexEntry = { sha256: loaded.sha256, shape: modelShape(loaded), bytes: loaded.bytes.length };
  await writeModelIndex(indexPath, {
    format: MODEL_INDEX_FORMAT,
    models: { ...index.models, [loaded.root.toLowerCase()]: entry },
  });
  return { loaded, uri, indexPath };
}

/** The URI the store at `location` gives content with this SHA-256. */
function uriIn(location: string, sha256: string): string {
  const store = storeForPublishing(location);
  if (store instanceof FileContentStore) return store.uriFor(sha256);
  if (store instanceof HttpContentStore) return `${store.baseUrl}${BLOB_PATH_PREFIX}${sha256}`;
  throw new ContentStoreError(`${location}: not a directory or an HTTP store`, location);
}

/**
 * The published model named `root`, read from the store at `location` through its model index and checked: its
 * bytes hash to the index's SHA-256 (the store checks) and its root is `root`. UserErrors say what is missing.
 */
export async function findModel(root: string, location: string, options: ModelStoreOptions = {}): Promise<LoadedModel> {
  if (!isModelRoot(root)) throw new UserError(`A model root is 0x and 64 hex digits; got "${root}".`);
  const indexPath = options.indexPath ?? modelIndexPath(location);
  const entry = (await readModelIndex(indexPath)).models[root.toLowerCase()];
  if (entry === undefined) {
    throw new UserError(
      `No model with root ${root} in the model index ${indexPath}; publish it first (npx hardhat model:publish ` +
        `--file <model> --store ${location}) or give --model the model's file.`,
    );
  }
  if (!isSha256Hex(entry.sha256)) throw new UserError(`The model index ${indexPath} has a bad SHA-256 for ${root}.`);
  const uri = uriIn(location, entry.sha256);
  let loaded: LoadedModel;
  try {
    loaded = loadedModelOf(await storeForPublishing(location).get(uri));
  } catch (error) {
    if (error instanceof ContentStoreError) {
      throw new UserError(`The model ${root} could not be read from ${uri}: ${error.message}`);
    }
    if (error instanceof InvalidWorkloadError) throw new UserError(`${uri} is not a model file: ${error.message}`);
    throw error;
  }
  if (loaded.root.toLowerCase() !== root.toLowerCase()) {
    throw new UserError(
      `The model index ${indexPath} names ${uri} for root ${root}, but that model's root is ${loaded.root}; ` +
        "publish the model again.",
    );
  }
  return loaded;
}

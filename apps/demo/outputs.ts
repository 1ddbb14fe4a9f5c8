/**
 * The files the demo leaves behind: each settled job's receipt image, exactly as ComputeReceipt.tokenURI renders it
 * on-chain, and the picture assembled from the providers' published tiles. A tile is used only if its job settled
 * (Finalized, after the verifier's full check and the challenge window) and its published bytes hash to the result
 * root the provider committed to on-chain.
 */
import fs from "node:fs";
import path from "node:path";

import type { WeftSystem } from "../../src/deploy/system";
import { UserError } from "../../src/errors";
import { decodeMandelbrotOutput } from "../../src/workloads/mandelbrot-q/codec";
import { assembleTiles, type PlacedTile, renderIterationsPng } from "../../src/workloads/mandelbrot-q/image";
import { MANDELBROT_Q_NAME } from "../../src/workloads/mandelbrot-q/tile";
import type { PictureSize, PlannedJob } from "./plan";
import { settledOutput } from "./settled";

export interface Receipt {
  readonly jobId: bigint;
  readonly owner: string;
  readonly name: string;
  readonly file: string;
}

/** Marks a directory as the demo's, so that recreating it never deletes anything else. */
const MARKER = ".weft-demo";

/** Empties `dir` (made by an earlier run) or creates it; refuses a directory that holds anything else. */
export function prepareOutDir(dir: string): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    if (!fs.existsSync(path.join(dir, MARKER))) {
      throw new UserError(`--out ${dir} is not empty and was not made by the demo; give a new or empty directory.`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, MARKER), "Written by npm run demo, which empties this directory on every run.\n");
}

const JSON_PREFIX = "data:application/json;base64,";
const SVG_PREFIX = "data:image/svg+xml;base64,";

function decodeDataUri(uri: string, prefix: string, what: string): string {
  if (!uri.startsWith(prefix)) throw new Error(`${what} is not a ${prefix} URI: ${uri.slice(0, 40)}...`);
  return Buffer.from(uri.slice(prefix.length), "base64").toString("utf8");
}

/** Writes `<dir>/receipt-<id>.svg` for the receipt NFT of job `jobId`, from its on-chain tokenURI. */
export async function saveReceipt(
  system: Pick<WeftSystem, "ComputeReceipt">,
  jobId: bigint,
  dir: string,
): Promise<Receipt> {
  const metadata = JSON.parse(
    decodeDataUri(await system.ComputeReceipt.tokenURI(jobId), JSON_PREFIX, `tokenURI(${jobId})`),
  ) as { name: string; image: string };
  const file = path.join(dir, `receipt-${jobId}.svg`);
  fs.writeFileSync(file, decodeDataUri(metadata.image, SVG_PREFIX, `the image of receipt ${jobId}`));
  return { jobId, owner: await system.ComputeReceipt.ownerOf(jobId), name: metadata.name, file };
}

/** Assembles the picture from the tiles of `tiles` (job id to plan), writes it as a PNG to `file`; returns the tiles used. */
export async function savePicture(
  system: Pick<WeftSystem, "JobEscrow">,
  fromBlock: number,
  picture: PictureSize,
  tiles: ReadonlyMap<bigint, PlannedJob>,
  file: string,
): Promise<number> {
  const placed: PlacedTile[] = [];
  for (const [id, plan] of tiles) {
    const { job } = plan.spec;
    if (job.name !== MANDELBROT_Q_NAME || plan.placement === undefined) throw new Error(`job ${id} is not a tile`);
    const bytes = await settledOutput(system, fromBlock, id, "tile");
    const { width, height } = job.params;
    placed.push({ ...plan.placement, width, height, pixels: decodeMandelbrotOutput(job.params, bytes) });
  }
  const { width, height, maxIter } = picture;
  fs.writeFileSync(file, renderIterationsPng(assembleTiles(width, height, placed), width, height, maxIter));
  return placed.length;
}

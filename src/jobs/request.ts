/**
 * What a client types to describe a job, parsed into a validated job: its workload and params, and where its input
 * bytes come from. Only cheap checks happen here (an input file's size, not its bytes): reading, generating and
 * hashing inputs is create.ts's work, with progress. Every bad value is a UserError naming the flag and the form
 * it accepts.
 *
 * mandelbrot-q's --tile takes x0, y0 and step as real numbers ("-2,-1.25,0.03125,96,80,256"), converted to the
 * workload's Q.23 fixed point with toFixedPoint (rounded to the nearest 2^-23): people think of the complex plane
 * in reals, and the conversion is exact for every dyadic value such as 1/32.
 */
import fs from "node:fs";

import { ethers } from "ethers";

import { parseInteger } from "../cli/flags";
import { UserError } from "../errors";
import { InvalidWorkloadError } from "../workloads/errors";
import { MANDELBROT_FRACTION_BITS, MANDELBROT_Q_NAME, toFixedPoint } from "../workloads/mandelbrot-q/tile";
import { MATMUL_I8_NAME } from "../workloads/matmul-i8/shape";
import { WORKLOADS, mandelbrotQ, matmulI8, type DecodedJob } from "../workloads/registry";
import { inputByteLength } from "../commitments/job-inputs";

/** The flags that describe a job, as typed. */
export interface JobRequestArgs {
  readonly workload: string;
  readonly shape?: string;
  readonly tile?: string;
  readonly seed?: string;
  readonly inputs?: string;
}

/** Where a job's input bytes come from. */
export type InputSource =
  | { readonly kind: "seed"; readonly seed: number }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "none" };

export interface JobSpec {
  readonly job: DecodedJob;
  readonly source: InputSource;
}

export const SHAPE_FORM = '"m,k,n": three positive integers, A is m x k and B is k x n (e.g. "64,128,32")';
export const TILE_FORM =
  '"x0,y0,step,width,height,maxIter": x0, y0 and step real numbers, the rest positive integers ' +
  '(e.g. "-2,-1.25,0.03125,96,80,256")';
const SEED_FORM = "an integer from 0 to 4294967295";
const MAX_SEED = 0xffffffff;

/** A job id given on the command line. */
export function parseJobId(text: string): bigint {
  if (!/^\d+$/.test(text) || BigInt(text) === 0n) {
    throw new UserError(`--id must be a job id (1, 2, ...); got "${text}". List jobs with npx hardhat job:status.`);
  }
  return BigInt(text);
}

/** A provider's address for a directed job. */
export function parseProviderAddress(text: string): string {
  if (!ethers.isAddress(text) || BigInt(text) === 0n) {
    throw new UserError(`--provider must be a provider's address (0x and 40 hex digits); got "${text}".`);
  }
  return ethers.getAddress(text);
}

/** Splits "a,b,c" into exactly `count` trimmed fields, or says what `flag` accepts. */
function fields(flag: string, text: string, count: number, form: string): string[] {
  const parts = text.split(",").map((part) => part.trim());
  if (parts.length !== count || parts.some((part) => part === "")) {
    throw new UserError(`${flag} must be ${form}; got "${text}".`);
  }
  return parts;
}

function positiveInteger(flag: string, text: string, form: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value === 0) {
    throw new UserError(`${flag} must be ${form}; "${text}" is not a positive integer.`);
  }
  return value;
}

function realNumber(flag: string, text: string, form: string): number {
  const value = Number(text);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) || !Number.isFinite(value)) {
    throw new UserError(`${flag} must be ${form}; "${text}" is not a number.`);
  }
  return value;
}

/** Runs the workload's own validation, turning its message into one about `flag`. */
function validated<T>(flag: string, text: string, form: string, validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof InvalidWorkloadError)) throw error;
    throw new UserError(`${flag} "${text}" is out of range: ${error.message}. Expected ${form}.`);
  }
}

type MatmulJob = Extract<DecodedJob, { name: typeof MATMUL_I8_NAME }>;

function parseShape(text: string): MatmulJob {
  const [m, k, n] = fields("--shape", text, 3, SHAPE_FORM).map((part) => positiveInteger("--shape", part, SHAPE_FORM));
  const params = { m, k, n };
  validated("--shape", text, SHAPE_FORM, () => matmulI8.validateParams(params));
  return { name: MATMUL_I8_NAME, workload: matmulI8, params };
}

function parseTile(text: string): DecodedJob {
  const parts = fields("--tile", text, 6, TILE_FORM);
  const [x0, y0, step] = parts.slice(0, 3).map((part) => toFixedPoint(realNumber("--tile", part, TILE_FORM)));
  const [width, height, maxIter] = parts.slice(3).map((part) => positiveInteger("--tile", part, TILE_FORM));
  const params = { x0, y0, step, width, height, maxIter };
  const form = `${TILE_FORM}; x0, y0 and step are taken to Q.${MANDELBROT_FRACTION_BITS} fixed point (x 2^${MANDELBROT_FRACTION_BITS}, rounded)`;
  validated("--tile", text, form, () => mandelbrotQ.validateParams(params));
  return { name: MANDELBROT_Q_NAME, workload: mandelbrotQ, params };
}

function matmulInputSource(job: MatmulJob, args: JobRequestArgs): InputSource {
  if (args.seed !== undefined && args.inputs !== undefined) {
    throw new UserError("Give either --seed (generated inputs) or --inputs <file>, not both.");
  }
  if (args.seed !== undefined)
    return { kind: "seed", seed: parseInteger("--seed", args.seed, { min: 0, max: MAX_SEED }) };
  if (args.inputs === undefined) {
    throw new UserError(`${MATMUL_I8_NAME} needs its inputs: --seed <${SEED_FORM}> or --inputs <file>.`);
  }
  const expected = inputByteLength(job);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(args.inputs);
  } catch {
    throw new UserError(`--inputs ${args.inputs} does not exist or cannot be read.`);
  }
  if (!stat.isFile() || stat.size !== expected) {
    const { m, k, n } = job.params;
    throw new UserError(
      `--inputs ${args.inputs} has ${stat.size} bytes; shape ${m},${k},${n} needs exactly ${expected}: ` +
        `A (${m}x${k}) then B (${k}x${n}), row-major, one int8 per byte.`,
    );
  }
  return { kind: "file", path: args.inputs };
}

/** Parses and validates the job a client described. */
export function parseJobRequest(args: JobRequestArgs): JobSpec {
  const names = WORKLOADS.map((workload) => workload.name);
  if (args.workload === MATMUL_I8_NAME) {
    if (args.tile !== undefined)
      throw new UserError(`--tile is for ${MANDELBROT_Q_NAME}; ${MATMUL_I8_NAME} takes --shape.`);
    if (args.shape === undefined) throw new UserError(`${MATMUL_I8_NAME} needs --shape ${SHAPE_FORM}.`);
    const job = parseShape(args.shape);
    return { job, source: matmulInputSource(job, args) };
  }
  if (args.workload === MANDELBROT_Q_NAME) {
    const extra = (["shape", "seed", "inputs"] as const).filter((flag) => args[flag] !== undefined);
    if (extra.length > 0) {
      throw new UserError(
        `${MANDELBROT_Q_NAME} takes no ${extra.map((flag) => `--${flag}`).join(" or ")}: its --tile is its whole input.`,
      );
    }
    if (args.tile === undefined) throw new UserError(`${MANDELBROT_Q_NAME} needs --tile ${TILE_FORM}.`);
    return { job: parseTile(args.tile), source: { kind: "none" } };
  }
  throw new UserError(`--workload must be one of ${names.join(", ")}; got "${args.workload}".`);
}

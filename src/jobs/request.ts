/**
 * What a client types to describe a job, parsed into a validated job: its workload and params, and where its input
 * bytes come from. Only cheap checks happen here (an input file's size, not its bytes): reading, generating and
 * hashing inputs is create.ts's work, with progress. Every bad value is a UserError naming the flag and the form
 * it accepts.
 *
 * mandelbrot-q's --tile takes x0, y0 and step as real numbers ("-2,-1.25,0.03125,96,80,256"), converted to the
 * workload's Q.23 fixed point with toFixedPoint (rounded to the nearest 2^-23): people think of the complex plane
 * in reals, and the conversion is exact for every dyadic value such as 1/32.
 *
 * mlp-i8 takes a model and a batch. With --model (a published model's root, or a .wmlp / float .json file), its
 * shapes and constants are the model's and the batch is --inputs <file> (src/models/source.ts: a .json array of int8
 * rows or raw int8 bytes) or generated: --seed with --batch. Reading a model takes the content store, so a request with
 * --model is resolved by resolveJobRequest (async). Without --model, the whole job is generated from --seed, as
 * matmul-i8's is: --layers "inputs-width-...-outputs" and --batch, with default constants (defaultMlpLayers).
 */
import fs from "node:fs";

import { ethers } from "ethers";

import { parseInteger } from "../cli/flags";
import { UserError } from "../errors";
import { InvalidWorkloadError } from "../workloads/errors";
import { MANDELBROT_FRACTION_BITS, MANDELBROT_Q_NAME, toFixedPoint } from "../workloads/mandelbrot-q/tile";
import { MATMUL_I8_NAME } from "../workloads/matmul-i8/shape";
import { WORKLOADS, mandelbrotQ, matmulI8, mlpI8, type DecodedJob } from "../workloads/registry";
import { inputByteLength } from "../commitments/job-inputs";
import { findModel, isModelRoot } from "../models/catalog";
import { type LoadedModel, readBatchFile, readModelFile } from "../models/source";
import { encodeMlpInputs, generateMlpBatch } from "../workloads/mlp-i8/codec";
import { mlpParamsOf } from "../workloads/mlp-i8/model";
import { Activation, MLP_I8_NAME, MLP_MAX_SHIFT, type MlpLayer, type MlpParams } from "../workloads/mlp-i8/network";
import { DEFAULT_STORE_DIR } from "../store/factory";

/** The flags that describe a job, as typed. */
export interface JobRequestArgs {
  readonly workload: string;
  readonly shape?: string;
  readonly tile?: string;
  readonly seed?: string;
  readonly inputs?: string;
  /** mlp-i8: a published model's root, or a model file. */
  readonly model?: string;
  /** mlp-i8 without --model: the widths, "inputs-...-outputs". */
  readonly layers?: string;
  /** mlp-i8: items in a generated batch. */
  readonly batch?: string;
}

/** Where a job's input bytes come from. */
export type InputSource =
  | { readonly kind: "seed"; readonly seed: number }
  | { readonly kind: "file"; readonly path: string }
  /** Already read (an mlp-i8 model and its batch); `description` says from where, for progress lines. */
  | { readonly kind: "bytes"; readonly bytes: Uint8Array; readonly description: string }
  | { readonly kind: "none" };

export interface JobSpec {
  readonly job: DecodedJob;
  readonly source: InputSource;
}

export const SHAPE_FORM = '"m,k,n": three positive integers, A is m x k and B is k x n (e.g. "64,128,32")';
export const TILE_FORM =
  '"x0,y0,step,width,height,maxIter": x0, y0 and step real numbers, the rest positive integers ' +
  '(e.g. "-2,-1.25,0.03125,96,80,256")';
export const LAYERS_FORM =
  '"inputs-width-...-outputs": two to nine positive integers joined by "-", the input width then each layer\'s ' +
  'units (e.g. "64-32-10")';
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
  if (args.seed !== undefined) return { kind: "seed", seed: parseSeed(args.seed) };
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

/** Refuses flags of other workloads. */
function refuseFlags(workload: string, args: JobRequestArgs, flags: readonly (keyof JobRequestArgs)[], why: string) {
  const given = flags.filter((flag) => args[flag] !== undefined);
  if (given.length > 0) {
    throw new UserError(`${workload} takes no ${given.map((flag) => `--${flag}`).join(" or ")}: ${why}.`);
  }
}

/**
 * The constants of a generated network's layers: ReLU on every hidden layer and identity on the last, and a scale of
 * about 1 / (128 sqrt(fan-in)) (multiplier round(2^24 / sqrt(fan-in)), shift 31), which keeps the activations of
 * uniform int8 inputs and weights mostly unsaturated.
 */
export function defaultMlpLayers(widths: readonly number[]): MlpLayer[] {
  return widths.slice(1).map((outputs, l) => ({
    outputs,
    multiplier: Math.max(1, Math.round(2 ** 24 / Math.sqrt(widths[l]))),
    shift: MLP_MAX_SHIFT,
    activation: l === widths.length - 2 ? Activation.IDENTITY : Activation.RELU,
  }));
}

function parseSeed(text: string): number {
  return parseInteger("--seed", text, { min: 0, max: MAX_SEED });
}

const BATCH_FORM = "the number of items, a positive integer";

type MlpJob = Extract<DecodedJob, { name: typeof MLP_I8_NAME }>;

function mlpJobOf(params: MlpParams, flag: string, text: string, form: string): MlpJob {
  validated(flag, text, form, () => mlpI8.validateParams(params));
  return { name: MLP_I8_NAME, workload: mlpI8, params };
}

/** mlp-i8 without --model: a generated network and batch. */
function parseGeneratedMlp(args: JobRequestArgs): JobSpec {
  refuseFlags(MLP_I8_NAME, args, ["shape", "tile"], "it takes --model, or --layers to generate a network");
  if (args.inputs !== undefined) {
    throw new UserError(`--inputs is the batch of a model: give --model <root|file> with it.`);
  }
  if (args.layers === undefined || args.batch === undefined || args.seed === undefined) {
    throw new UserError(
      `${MLP_I8_NAME} needs --model <root|file> with --inputs <batch file> (or --seed and --batch), ` +
        `or a generated network: --layers ${LAYERS_FORM}, --batch <n> and --seed <${SEED_FORM}>.`,
    );
  }
  const parts = args.layers.split("-").map((part) => part.trim());
  if (parts.length < 2 || parts.some((part) => part === "")) {
    throw new UserError(`--layers must be ${LAYERS_FORM}; got "${args.layers}".`);
  }
  const widths = parts.map((part) => positiveInteger("--layers", part, LAYERS_FORM));
  const batch = positiveInteger("--batch", args.batch, BATCH_FORM);
  const params = { batch, inputs: widths[0], layers: defaultMlpLayers(widths) };
  const job = mlpJobOf(params, "--layers", args.layers, `${LAYERS_FORM}, with at most 4096 in each and --batch`);
  return { job, source: { kind: "seed", seed: parseSeed(args.seed) } };
}

export interface ResolveOptions {
  /** The content store a --model root is read from (default DEFAULT_STORE_DIR): job:create's --store. */
  readonly store?: string;
  /** The model index, instead of the store's (src/models/catalog.ts). */
  readonly modelIndex?: string;
}

/** The model --model names: a root published to the store, else a file. */
async function modelOf(text: string, options: ResolveOptions): Promise<LoadedModel> {
  if (isModelRoot(text)) {
    return findModel(text, options.store ?? DEFAULT_STORE_DIR, { indexPath: options.modelIndex });
  }
  return readModelFile(text, { flag: "--model" });
}

/** mlp-i8 with --model: the model's params, and its batch from --inputs or generated from --seed. */
async function resolveModelJob(args: JobRequestArgs & { model: string }, options: ResolveOptions): Promise<JobSpec> {
  refuseFlags(MLP_I8_NAME, args, ["shape", "tile", "layers"], "the model's shapes are its params");
  if ((args.inputs === undefined) === (args.seed === undefined)) {
    throw new UserError(
      `${MLP_I8_NAME} with --model needs its batch: --inputs <file> (a .json array of int8 rows, or raw int8 bytes) ` +
        `or --seed <${SEED_FORM}> with --batch <n>; give exactly one of --inputs and --seed.`,
    );
  }
  if (args.inputs !== undefined && args.batch !== undefined) {
    throw new UserError("--batch is for a generated batch (--seed); with --inputs the batch is the file's rows.");
  }
  if (args.seed !== undefined && args.batch === undefined)
    throw new UserError("--seed with --model needs --batch <n>.");
  const seed = args.seed === undefined ? undefined : parseSeed(args.seed);
  const loaded = await modelOf(args.model, options);
  let batch: Int8Array;
  let description: string;
  if (args.inputs !== undefined) {
    batch = await readBatchFile("--inputs", args.inputs, loaded.model.inputs);
    description = `model ${loaded.root} and the batch in ${args.inputs}`;
  } else {
    const items = positiveInteger("--batch", args.batch!, BATCH_FORM);
    batch = generateMlpBatch(mlpParamsOf(loaded.model, items), seed!);
    description = `model ${loaded.root} and a batch generated from seed ${seed}`;
  }
  const params = mlpParamsOf(loaded.model, batch.length / loaded.model.inputs);
  const job =
    args.inputs === undefined
      ? mlpJobOf(params, "--batch", args.batch!, BATCH_FORM)
      : mlpJobOf(params, "--inputs", args.inputs, "a batch file of the model's input width");
  return { job, source: { kind: "bytes", bytes: encodeMlpInputs(loaded.bytes, batch), description } };
}

/**
 * Parses, validates and, where it takes reading files or the content store (mlp-i8's --model), loads the job a client
 * described. What job:create calls; parseJobRequest is its synchronous part.
 */
export async function resolveJobRequest(args: JobRequestArgs, options: ResolveOptions = {}): Promise<JobSpec> {
  if (args.workload === MLP_I8_NAME && args.model !== undefined) {
    return resolveModelJob({ ...args, model: args.model }, options);
  }
  return parseJobRequest(args);
}

/**
 * Parses and validates the job a client described, without reading anything: every workload but mlp-i8 with --model,
 * which needs resolveJobRequest.
 */
export function parseJobRequest(args: JobRequestArgs): JobSpec {
  const names = WORKLOADS.map((workload) => workload.name);
  if (args.workload === MATMUL_I8_NAME) {
    refuseFlags(MATMUL_I8_NAME, args, ["model", "layers", "batch"], "those are for mlp-i8");
    if (args.tile !== undefined)
      throw new UserError(`--tile is for ${MANDELBROT_Q_NAME}; ${MATMUL_I8_NAME} takes --shape.`);
    if (args.shape === undefined) throw new UserError(`${MATMUL_I8_NAME} needs --shape ${SHAPE_FORM}.`);
    const job = parseShape(args.shape);
    return { job, source: matmulInputSource(job, args) };
  }
  if (args.workload === MANDELBROT_Q_NAME) {
    const extra = (["shape", "seed", "inputs", "model", "layers", "batch"] as const).filter(
      (flag) => args[flag] !== undefined,
    );
    if (extra.length > 0) {
      throw new UserError(
        `${MANDELBROT_Q_NAME} takes no ${extra.map((flag) => `--${flag}`).join(" or ")}: its --tile is its whole input.`,
      );
    }
    if (args.tile === undefined) throw new UserError(`${MANDELBROT_Q_NAME} needs --tile ${TILE_FORM}.`);
    return { job: parseTile(args.tile), source: { kind: "none" } };
  }
  if (args.workload === MLP_I8_NAME) {
    if (args.model !== undefined) {
      throw new Error("an mlp-i8 request with --model reads the model: resolve it with resolveJobRequest");
    }
    return parseGeneratedMlp(args);
  }
  throw new UserError(`--workload must be one of ${names.join(", ")}; got "${args.workload}".`);
}

/**
 * Fault injection, for tests and the demo: a provider that cheats on purpose, so that verifiers and disputes have
 * something to catch. Never enable it with real stake.
 *  - flip-one: one output word is wrong (its lowest bit flipped); the wrong output is published and committed to
 *  - flip-hidden: for an mlp-i8 job of two or more layers, one activation of a hidden layer (any layer but the last)
 *              is wrong (its lowest bit flipped), published and committed to; the later layers are left as computed
 *              from the correct value, so they disagree with it too, but the verifier proves the first wrong value,
 *              the flipped one. A one-layer network has no hidden layer and any other workload no layers: both get
 *              flip-one, and the detail says so
 *  - garbage:  the output is replaced by random bytes of the right size, published and committed to
 *  - withhold: the root of the real output is submitted, but nothing is published: the result URI names content
 *              that is not in the store
 * Each job is cheated on with probability `rate`; the random source is injectable so tests are deterministic.
 */
import { ContentStoreError, type ContentStore, sha256Hex } from "../store/content-store";
import { FileContentStore } from "../store/fs-store";
import { BLOB_PATH_PREFIX } from "../store/http-server";
import { HttpContentStore } from "../store/http-store";
import { activationByte, mlpOutputLayout } from "../workloads/mlp-i8/layout";
import { MLP_I8_NAME } from "../workloads/mlp-i8/network";
import type { DecodedJob } from "../workloads/registry";
import { WORD_BYTES } from "../workloads/words";

export const CHEAT_MODES = ["flip-one", "flip-hidden", "garbage", "withhold"] as const;
export type CheatMode = (typeof CHEAT_MODES)[number];

/** Uniform in [0, 1), like Math.random. */
export type RandomSource = () => number;

export interface CheatConfig {
  readonly mode: CheatMode;
  /** Probability in [0, 1] that a job is cheated on. */
  readonly rate: number;
  readonly random?: RandomSource;
}

/** What the provider commits to and publishes for one job. */
export interface Submission {
  /** The bytes the result root is built from. */
  readonly output: Uint8Array;
  /** Whether `output` is published to the store (false: withheld). */
  readonly publish: boolean;
  /** "honest", or the cheat applied. */
  readonly kind: CheatMode | "honest";
  /** What was done, for the log; empty when honest. */
  readonly detail: string;
}

export function isCheatMode(value: string): value is CheatMode {
  return (CHEAT_MODES as readonly string[]).includes(value);
}

export function honest(output: Uint8Array): Submission {
  return { output, publish: true, kind: "honest", detail: "" };
}

/** `output` with exactly one word changed, at a position drawn from `random`. */
export function flipOneWord(output: Uint8Array, random: RandomSource): { output: Uint8Array; wordIndex: number } {
  const words = output.length / WORD_BYTES;
  const wordIndex = Math.min(words - 1, Math.floor(random() * words));
  const flipped = Uint8Array.from(output);
  flipped[wordIndex * WORD_BYTES + WORD_BYTES - 1] ^= 1;
  return { output: flipped, wordIndex };
}

/** Where flipHiddenActivation changed an mlp-i8 output. */
export interface FlippedActivation {
  readonly output: Uint8Array;
  /** The hidden layer, 0 to layers - 2. */
  readonly layer: number;
  /** The value's index in the layer's activations: item * outputs + unit. */
  readonly element: number;
  /** The byte of the output that was changed. */
  readonly byteIndex: number;
}

/**
 * `output` (an mlp-i8 job's, with `params`) with one hidden activation's lowest bit flipped, drawn uniformly from every
 * hidden layer's batch x outputs activations with one draw of `random`; undefined for a network of one layer.
 */
export function flipHiddenActivation(
  output: Uint8Array,
  params: Extract<DecodedJob, { name: typeof MLP_I8_NAME }>["params"],
  random: RandomSource,
): FlippedActivation | undefined {
  const hidden = params.layers.slice(0, -1).map((layer) => params.batch * layer.outputs);
  const count = hidden.reduce((sum, values) => sum + values, 0);
  if (count === 0) return undefined;
  let element = Math.min(count - 1, Math.floor(random() * count));
  let layer = 0;
  while (element >= hidden[layer]) element -= hidden[layer++];
  const outputs = params.layers[layer].outputs;
  const byteIndex = activationByte(mlpOutputLayout(params), layer, Math.floor(element / outputs), element % outputs);
  const flipped = Uint8Array.from(output);
  flipped[byteIndex] ^= 1;
  return { output: flipped, layer, element, byteIndex };
}

/** `length` random bytes drawn from `random`, 32 bits per draw. */
export function randomBytesFrom(length: number, random: RandomSource): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += WORD_BYTES) {
    let word = Math.floor(random() * 2 ** 32);
    for (let b = 0; b < WORD_BYTES && i + b < length; b++, word >>>= 8) bytes[i + b] = word & 0xff;
  }
  return bytes;
}

export class Cheater {
  private readonly random: RandomSource;

  constructor(readonly config: CheatConfig) {
    if (!(config.rate >= 0 && config.rate <= 1))
      throw new RangeError(`cheat rate must be in [0, 1], got ${config.rate}`);
    this.random = config.random ?? Math.random;
  }

  /**
   * The submission for a job whose correct output is `output`: cheated on with probability `rate`. `job` is needed by
   * flip-hidden only (without it, flip-hidden is flip-one).
   */
  submission(output: Uint8Array, job?: DecodedJob): Submission {
    if (!(this.random() < this.config.rate)) return honest(output);
    switch (this.config.mode) {
      case "flip-one":
        return this.flipOne(output, "flip-one", "");
      case "flip-hidden": {
        if (job?.name !== MLP_I8_NAME) {
          return this.flipOne(
            output,
            "flip-hidden",
            `${job === undefined ? "a job of unknown workload" : `a ${job.name} job`} has no hidden layer, so flip-one: `,
          );
        }
        const flipped = flipHiddenActivation(output, job.params, this.random);
        if (flipped === undefined) {
          return this.flipOne(output, "flip-hidden", "a one-layer network has no hidden layer, so flip-one: ");
        }
        return {
          output: flipped.output,
          publish: true,
          kind: "flip-hidden",
          detail: `hidden layer ${flipped.layer} activation ${flipped.element} flipped (output byte ${flipped.byteIndex})`,
        };
      }
      case "garbage":
        return {
          output: randomBytesFrom(output.length, this.random),
          publish: true,
          kind: "garbage",
          detail: `output replaced by ${output.length} random bytes`,
        };
      case "withhold":
        return { output, publish: false, kind: "withhold", detail: "the real root is committed, nothing is published" };
    }
  }

  private flipOne(output: Uint8Array, kind: CheatMode, prefix: string): Submission {
    const flipped = flipOneWord(output, this.random);
    return { output: flipped.output, publish: true, kind, detail: `${prefix}output word ${flipped.wordIndex} flipped` };
  }
}

/** The URI `store` would give `bytes`, without storing them (what a withholding provider hands out). */
export function unpublishedUri(store: ContentStore, bytes: Uint8Array): string {
  const hash = sha256Hex(bytes);
  if (store instanceof FileContentStore) return store.uriFor(hash);
  if (store instanceof HttpContentStore) return `${store.baseUrl}${BLOB_PATH_PREFIX}${hash}`;
  throw new ContentStoreError("withhold needs a filesystem or HTTP store to name unpublished content", "");
}

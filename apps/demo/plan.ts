/**
 * What the demo does, decided before anything runs: the three providers, every job (its workload, who it is
 * directed to, what it pays, how it must end), the picture the mandelbrot tiles make and the batch of digits the
 * neural network reads. The size is a parameter so that the integration test runs the same plan small; the seed
 * picks the matmul inputs and the digits.
 *
 * Every job is directed to one provider, so which provider does which job (and which jobs are cheated on) never
 * depends on which agent happens to look first.
 */
import type { JobSpec } from "../../src/jobs/request";
import type { CheatMode } from "../../src/provider/cheat";
import { MANDELBROT_Q_NAME, type MandelbrotTile, subTile, toFixedPoint } from "../../src/workloads/mandelbrot-q/tile";
import { MATMUL_I8_NAME, type MatmulShape } from "../../src/workloads/matmul-i8/shape";
import { describeMlpParams, MLP_I8_NAME } from "../../src/workloads/mlp-i8/network";
import { mandelbrotQ, matmulI8 } from "../../src/workloads/registry";
import { type BatchPart, batchPartSpec, type DigitsDemo } from "./inference";

export type ProviderName = "H100" | "RTX 4090" | "A100";
/** The faults the demo shows: one caught by a fraud proof (on a hidden layer), one by the withheld-data path. */
export type DemoCheat = Extract<CheatMode, "flip-hidden" | "withhold">;

export interface DemoProvider {
  readonly name: ProviderName;
  readonly vramGb: number;
  /** The fault it injects in the cheating phase (provider:run --cheat), after doing honest work first. */
  readonly cheat?: DemoCheat;
}

export const DEMO_PROVIDERS: readonly DemoProvider[] = [
  { name: "H100", vramGb: 80 },
  { name: "RTX 4090", vramGb: 24, cheat: "flip-hidden" },
  { name: "A100", vramGb: 80, cheat: "withhold" },
];

/** honest: everyone works honestly; cheating: two providers restart with --cheat; new-fee: after the DAO's vote. */
export type Phase = "honest" | "cheating" | "new-fee";
export type Expected = "finalized" | "slashed by proof" | "slashed, data withheld";

export interface PlannedJob {
  readonly phase: Phase;
  readonly provider: ProviderName;
  readonly spec: JobSpec;
  /** In WEFT. */
  readonly payment: string;
  readonly expected: Expected;
  /** For a tile of the picture: where it goes. */
  readonly placement?: { readonly offsetX: number; readonly offsetY: number };
  /** For an inference job: the glyphs of the batch it reads. */
  readonly batchPart?: BatchPart;
}

export interface PictureSize {
  readonly width: number;
  readonly height: number;
  readonly tilesX: number;
  readonly tilesY: number;
  readonly maxIter: number;
}

export interface DemoSize {
  /** The H100's matmuls in the honest phase; the first is the large one. */
  readonly honestMatmuls: readonly MatmulShape[];
  /** The job the withholder cheats on. */
  readonly withheldMatmul: MatmulShape;
  /** Glyphs each provider's inference job reads in the honest phase, then the glyphs of the cheater's job. */
  readonly digits: { readonly honestPart: number; readonly cheatedPart: number };
  /** The job that shows the new fee in force. */
  readonly newFeeMatmul: MatmulShape;
  readonly picture: PictureSize;
}

/**
 * `npm run demo`: shapes of quantized inference layers (a 1024-wide projection among them) and a 512 x 384 picture
 * in four tiles; a few seconds of compute on two cores.
 */
export const FULL_SIZE: DemoSize = {
  honestMatmuls: [
    { m: 256, k: 1024, n: 256 },
    { m: 128, k: 768, n: 384 },
  ],
  withheldMatmul: { m: 128, k: 512, n: 128 },
  digits: { honestPart: 40, cheatedPart: 24 },
  newFeeMatmul: { m: 64, k: 1024, n: 128 },
  picture: { width: 512, height: 384, tilesX: 2, tilesY: 2, maxIter: 256 },
};

/** The integration test's size: the same plan, small enough to run in seconds. */
export const SMALL_SIZE: DemoSize = {
  honestMatmuls: [
    { m: 16, k: 64, n: 8 },
    { m: 8, k: 32, n: 8 },
  ],
  withheldMatmul: { m: 8, k: 32, n: 16 },
  digits: { honestPart: 4, cheatedPart: 3 },
  newFeeMatmul: { m: 8, k: 16, n: 8 },
  picture: { width: 48, height: 16, tilesX: 3, tilesY: 1, maxIter: 64 },
};

const PAYMENT = { largeMatmul: "100", matmul: "40", tile: "10", inference: "20" } as const;

/** Glyphs the plan reads: every provider's honest part, then the cheater's. */
export const digitsCount = (size: DemoSize): number =>
  DEMO_PROVIDERS.length * size.digits.honestPart + size.digits.cheatedPart;

/** The whole picture: the Mandelbrot set from x = -2 across 3 units, centred on the real axis. */
export function pictureTile(picture: PictureSize): MandelbrotTile {
  const step = 3 / picture.width;
  return {
    x0: toFixedPoint(-2),
    y0: toFixedPoint((-picture.height / 2) * step),
    step: toFixedPoint(step),
    width: picture.width,
    height: picture.height,
    maxIter: picture.maxIter,
  };
}

function matmulSpec(params: MatmulShape, seed: number): JobSpec {
  matmulI8.validateParams(params);
  return { job: { name: MATMUL_I8_NAME, workload: matmulI8, params }, source: { kind: "seed", seed } };
}

function tileSpec(params: MandelbrotTile): JobSpec {
  mandelbrotQ.validateParams(params);
  return { job: { name: MANDELBROT_Q_NAME, workload: mandelbrotQ, params }, source: { kind: "none" } };
}

/** The tiles of the picture, row by row, dealt to the providers in turn. */
function tileJobs(picture: PictureSize): PlannedJob[] {
  const { width, height, tilesX, tilesY } = picture;
  if (width % tilesX !== 0 || height % tilesY !== 0) {
    throw new RangeError(`a ${width}x${height} picture does not split into ${tilesX}x${tilesY} equal tiles`);
  }
  const whole = pictureTile(picture);
  const [tileWidth, tileHeight] = [width / tilesX, height / tilesY];
  const jobs: PlannedJob[] = [];
  for (let row = 0; row < tilesY; row++) {
    for (let col = 0; col < tilesX; col++) {
      const placement = { offsetX: col * tileWidth, offsetY: row * tileHeight };
      jobs.push({
        phase: "honest",
        provider: DEMO_PROVIDERS[jobs.length % DEMO_PROVIDERS.length].name,
        spec: tileSpec(subTile(whole, placement.offsetX, placement.offsetY, tileWidth, tileHeight)),
        payment: PAYMENT.tile,
        expected: "finalized",
        placement,
      });
    }
  }
  return jobs;
}

/** Each provider's share of the batch of digits, one inference job each. */
function inferenceJobs(size: DemoSize, digits: DigitsDemo): PlannedJob[] {
  return DEMO_PROVIDERS.map((provider, i): PlannedJob => {
    const batchPart = { start: i * size.digits.honestPart, count: size.digits.honestPart };
    return {
      phase: "honest",
      provider: provider.name,
      spec: batchPartSpec(digits, batchPart),
      payment: PAYMENT.inference,
      expected: "finalized",
      batchPart,
    };
  });
}

/**
 * Every job of the demo, in the order the client creates them; matmul inputs come from `seed`, the digits' network
 * and glyphs from `digits`.
 */
export function demoPlan(size: DemoSize, seed: number, digits: DigitsDemo): PlannedJob[] {
  let inputSeed = seed >>> 0;
  const nextSeed = () => (inputSeed = (inputSeed + 1) >>> 0);
  const honestMatmuls = size.honestMatmuls.map((shape, i): PlannedJob => ({
    phase: "honest",
    provider: "H100",
    spec: matmulSpec(shape, nextSeed()),
    payment: i === 0 ? PAYMENT.largeMatmul : PAYMENT.matmul,
    expected: "finalized",
  }));
  const cheatedPart = { start: DEMO_PROVIDERS.length * size.digits.honestPart, count: size.digits.cheatedPart };
  const cheated = DEMO_PROVIDERS.flatMap(({ name, cheat }): PlannedJob[] => {
    if (cheat === undefined) return [];
    return cheat === "withhold"
      ? [
          {
            phase: "cheating",
            provider: name,
            spec: matmulSpec(size.withheldMatmul, nextSeed()),
            payment: PAYMENT.matmul,
            expected: "slashed, data withheld",
          },
        ]
      : [
          {
            phase: "cheating",
            provider: name,
            spec: batchPartSpec(digits, cheatedPart),
            payment: PAYMENT.inference,
            expected: "slashed by proof",
            batchPart: cheatedPart,
          },
        ];
  });
  const newFee: PlannedJob = {
    phase: "new-fee",
    provider: "H100",
    spec: matmulSpec(size.newFeeMatmul, nextSeed()),
    payment: PAYMENT.matmul,
    expected: "finalized",
  };
  return [...honestMatmuls, ...tileJobs(size.picture), ...inferenceJobs(size, digits), ...cheated, newFee];
}

/** A job's shape or tile in a few characters, for tables and progress lines. */
export function describeSpec(spec: JobSpec): string {
  const { job } = spec;
  switch (job.name) {
    case MATMUL_I8_NAME:
      return `${job.params.m}x${job.params.k}x${job.params.n}`;
    case MLP_I8_NAME:
      return `mlp ${describeMlpParams(job.params)}`;
    case MANDELBROT_Q_NAME:
      return `tile ${job.params.width}x${job.params.height}`;
  }
}

/** The operations of the conservation property and their fast-check generators. */
import fc from "fast-check";

import { TERM_FIELDS } from "../../fixtures/terms";
import { CLIENT_COUNT, PROVIDER_COUNT, RATES, Status } from "./fixture";

export type Op =
  | {
      kind: "create";
      client: number;
      token: number;
      payment: number; // -1: below the minimum
      deadline: number; // seconds after the block; 0 and MAX_JOB_DURATION + 1 are invalid
      directed: number | null; // provider index (PROVIDER_COUNT: unregistered)
    }
  | { kind: "accept"; job: JobPick; provider: number; followDirected: boolean }
  | { kind: "submit"; job: JobPick; stranger: boolean; emptyRoot: boolean }
  | { kind: "finalize"; job: JobPick }
  | { kind: "cancel"; job: JobPick; stranger: boolean }
  | { kind: "timeout"; job: JobPick }
  | { kind: "dispute"; job: JobPick; unauthorized: boolean }
  | { kind: "resolve"; job: JobPick; atFault: boolean }
  | { kind: "slash"; job: JobPick; withJob: boolean; provider: number; share: number } // stake share, bps
  | { kind: "rate"; rate: number } // the DAO revalues tUSD: an index into RATES
  | { kind: "unbond"; provider: number; share: number } // share of free stake in 1/1000; -1: zero, 1001: free + 1
  | { kind: "withdraw"; provider: number; wait: boolean } // wait: first let the oldest entry mature
  | { kind: "stake"; provider: number; amount: number }
  | { kind: "wait"; seconds: number }
  | { kind: "toDeadline"; job: JobPick; delta: number }
  | { kind: "advance"; n: number; choice: number } // the natural next step of a running job
  | { kind: "forge"; job: JobPick; term: number; choice: number }; // a step of the job with one of its terms changed
export type JobPick = { any: boolean; n: number };
export type OpKind = Op["kind"];

export const registeredProvider = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 0, max: PROVIDER_COUNT - 1 }) },
  {
    weight: 1,
    arbitrary: fc.constant(PROVIDER_COUNT),
  },
);
/** Chooses a job: mostly among those in the status the operation needs (skipped if none), sometimes any job. */
export const pick = fc.record({ any: fc.integer({ min: 0, max: 9 }).map((x) => x === 0), n: fc.nat() });

export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant("advance" as const), n: fc.nat(), choice: fc.nat({ max: 99 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      client: fc.integer({ min: 0, max: CLIENT_COUNT - 1 }),
      token: fc.integer({ min: 0, max: 1 }),
      payment: fc.oneof(
        { weight: 1, arbitrary: fc.constant(-1) },
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 100 }) },
        // Mostly jobs a provider can take several of at once (up to 300 tokens: 3,000 WEFT of collateral at 1:1), so
        // that slashes find other jobs' locks to reach and releases find debt to repay; sometimes more than it can back.
        { weight: 10, arbitrary: fc.integer({ min: 0, max: 300_000 }) },
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 2_000_000 }) },
      ),
      deadline: fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(0, 90 * 86400 + 1) },
        { weight: 1, arbitrary: fc.constant(90 * 86400) },
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 120 }) },
        { weight: 15, arbitrary: fc.integer({ min: 600, max: 4 * 3600 }) },
      ),
      directed: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: registeredProvider }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("accept" as const),
      job: pick,
      provider: registeredProvider,
      followDirected: fc.integer({ min: 0, max: 4 }).map((x) => x !== 0),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("submit" as const),
      job: pick,
      stranger: fc.integer({ min: 0, max: 14 }).map((x) => x === 0),
      emptyRoot: fc.integer({ min: 0, max: 14 }).map((x) => x === 0),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("finalize" as const), job: pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("cancel" as const),
      job: pick,
      stranger: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("timeout" as const), job: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("dispute" as const),
      job: pick,
      unauthorized: fc.integer({ min: 0, max: 14 }).map((x) => x === 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("resolve" as const), job: pick, atFault: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("slash" as const),
      job: pick,
      withJob: fc.integer({ min: 0, max: 3 }).map((x) => x !== 0),
      provider: registeredProvider,
      // Mostly high shares, which reach the stake other jobs lock (as debt) whenever the provider has any.
      share: fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(0, 10_000) },
        { weight: 3, arbitrary: fc.integer({ min: 8_000, max: 10_000 }) },
        { weight: 5, arbitrary: fc.integer({ min: 1, max: 9_999 }) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("rate" as const), rate: fc.nat({ max: RATES.length - 1 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("unbond" as const),
      provider: registeredProvider,
      share: fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(-1, 1001) },
        { weight: 9, arbitrary: fc.integer({ min: 0, max: 1000 }) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("withdraw" as const), provider: registeredProvider, wait: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("stake" as const),
      provider: registeredProvider,
      amount: fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 9, arbitrary: fc.integer({ min: 1, max: 5000 }) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      seconds: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 120 }) },
        { weight: 6, arbitrary: fc.constantFrom(599, 600, 601, 1800, 3600) },
        { weight: 2, arbitrary: fc.constantFrom(7199, 7200, 7201, 86400) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 * 86400 }) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("toDeadline" as const),
      job: anyJobPickOf(),
      delta: fc.integer({ min: -1, max: 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("forge" as const),
      job: anyJobPickOf(),
      term: fc.nat({ max: TERM_FIELDS.length - 1 }),
      choice: fc.nat({ max: 99 }),
    }),
  },
);

export function anyJobPickOf() {
  return fc.record({ any: fc.constant(true), n: fc.nat() });
}

/** Which status an operation needs, for choosing a job it applies to. */
export const NEEDS: Partial<Record<OpKind, Status>> = {
  accept: Status.Open,
  submit: Status.Assigned,
  finalize: Status.Submitted,
  cancel: Status.Open,
  timeout: Status.Assigned,
  dispute: Status.Submitted,
  resolve: Status.Disputed,
  slash: Status.Slashed,
};

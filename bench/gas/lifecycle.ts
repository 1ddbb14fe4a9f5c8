/** A job's whole happy path, create + accept + submit + finalize, against the sum of its floors. */

export const LIFECYCLE_OPS = ["createJob", "acceptJob", "submitResult", "finalize"] as const;

/** Gas against the floor of any implementation and against the floor of Weft's architecture (see ./floor). */
export interface Measurement {
  readonly gas: number;
  readonly floor: number;
  readonly ratio: number;
  readonly weftFloor: number;
  readonly weftRatio: number;
}

export const ratioOf = (gas: number, floor: number): number => Number((gas / floor).toFixed(3));

export function measurement(gas: number, floor: number, weftFloor: number): Measurement {
  return { gas, floor, ratio: ratioOf(gas, floor), weftFloor, weftRatio: ratioOf(gas, weftFloor) };
}

/** Sums the four steps' gas and floors, in LIFECYCLE_OPS order. */
export function lifecycleOf(steps: readonly Measurement[]): Measurement {
  if (steps.length !== LIFECYCLE_OPS.length) throw new Error(`a lifecycle has ${LIFECYCLE_OPS.length} steps`);
  const sum = (pick: (m: Measurement) => number) => steps.reduce((total, m) => total + pick(m), 0);
  return measurement(
    sum((m) => m.gas),
    sum((m) => m.floor),
    sum((m) => m.weftFloor),
  );
}

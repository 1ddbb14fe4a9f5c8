import { describeMachine, type Machine } from "../src/machine";

/** What every result file says about the run that wrote it. */
export interface RunInfo {
  readonly command: string;
  readonly date: string;
  readonly quick: boolean;
  readonly wallSeconds: number;
  readonly machine: Machine;
}

export function runInfo(quick: boolean, wallSeconds: number): RunInfo {
  return {
    command: `npm run bench${quick ? " -- --quick" : ""}`,
    date: new Date().toISOString(),
    quick,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    machine: describeMachine(),
  };
}

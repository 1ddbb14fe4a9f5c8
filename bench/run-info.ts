import os from "node:os";

/** What every result file says about the run that wrote it. */
export interface RunInfo {
  readonly command: string;
  readonly date: string;
  readonly quick: boolean;
  readonly wallSeconds: number;
  readonly machine: { readonly cpus: number; readonly model: string; readonly node: string; readonly os: string };
}

export function runInfo(quick: boolean, wallSeconds: number): RunInfo {
  return {
    command: `npm run bench${quick ? " -- --quick" : ""}`,
    date: new Date().toISOString(),
    quick,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model.trim() ?? "unknown",
      node: process.version,
      os: `${os.type()} ${os.release()}`,
    },
  };
}

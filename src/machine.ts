/** The machine a measurement or a report was made on, as the benchmarks and AUDIT.md print it. */
import os from "node:os";

export interface Machine {
  readonly cpus: number;
  readonly model: string;
  readonly node: string;
  readonly os: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? "unknown",
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

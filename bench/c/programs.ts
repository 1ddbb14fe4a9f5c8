/**
 * The C baselines of bench/verifier.ts and bench/mlp.ts: compiled with -O3 -march=native into a temporary directory at run time, then
 * each started once per set of operands and asked for one timed run at a time (one request line on stdin, one JSON
 * line back; bench/c/common.h), so that the bench can alternate TypeScript and C runs on the same operands.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";

export const C_PROGRAMS = ["matmul", "freivalds", "mlp"] as const;
export type CProgramName = (typeof C_PROGRAMS)[number];

const C_FLAGS = ["-O3", "-march=native"];

/** The compiled programs, or why there are none. */
export type CPrograms = { readonly dir: string; readonly compiler: string } | { readonly skipped: string };

/**
 * Compiles `names` (by default every served program) of bench/c into `dir`. No compiler skips the C side with a
 * message; a compiler that refuses our own source is a bug in it, so that throws.
 */
export function compileC(dir: string, names: readonly string[] = C_PROGRAMS): CPrograms {
  const compiler = process.env.CC ?? "cc";
  for (const name of names) {
    const source = path.join(__dirname, `${name}.c`);
    const result = spawnSync(compiler, [...C_FLAGS, "-o", path.join(dir, name), source], { encoding: "utf8" });
    if (result.error !== undefined) {
      return { skipped: `no C compiler (${compiler}: ${result.error.message}); install gcc or clang, or set CC` };
    }
    if (result.status !== 0) throw new Error(`${compiler} failed on bench/c/${name}.c: ${result.stderr.trim()}`);
  }
  return { dir, compiler: `${compiler} ${C_FLAGS.join(" ")}` };
}

/** What a program says once its operands are loaded: the kernels this CPU runs, slowest first, and the fastest. */
export interface CKernels {
  readonly kernels: readonly string[];
  readonly best: string;
}

/** One timed run of one kernel; the rest of the answer (a checksum, the flagged rows) depends on the program. */
export interface CRun {
  readonly kernel: string;
  readonly ms: number;
}

/** A running C program, its operands loaded, that times one run of a kernel per request. */
export class CProgram {
  private readonly lines: AsyncIterator<string>;
  private readonly errors: string[] = [];

  private constructor(
    private readonly name: CProgramName,
    private readonly child: ChildProcessWithoutNullStreams,
    reader: Interface,
  ) {
    this.lines = reader[Symbol.asyncIterator]();
    child.stderr.on("data", (chunk: Buffer) => this.errors.push(chunk.toString()));
  }

  /** Starts bench/c/<name> on `args` and waits for its list of kernels. */
  static async start(
    programs: { readonly dir: string },
    name: CProgramName,
    args: readonly (string | number)[],
  ): Promise<{ program: CProgram; kernels: CKernels }> {
    const child = spawn(path.join(programs.dir, name), args.map(String));
    const program = new CProgram(name, child, createInterface({ input: child.stdout }));
    return { program, kernels: await program.next<CKernels>() };
  }

  /** Times one run of `kernel`. */
  async run<T extends CRun>(kernel: string): Promise<T> {
    this.child.stdin.write(`${kernel}\n`);
    const answer = await this.next<T | { error: string }>();
    if ("error" in answer) throw new Error(`bench/c/${this.name}: ${answer.error}`);
    return answer;
  }

  /** Closes its stdin, which ends it. */
  stop(): void {
    this.child.stdin.end();
  }

  private async next<T>(): Promise<T> {
    const line = await this.lines.next();
    if (line.done === true) throw new Error(`bench/c/${this.name} ended: ${this.errors.join("").trim()}`);
    return JSON.parse(line.value) as T;
  }
}

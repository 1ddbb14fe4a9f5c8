/**
 * The attack catalogue: every describe and it of test/security/*.test.ts, as Mocha itself sees them. The files are
 * loaded and run in Mocha's dry-run mode (no test or hook executes) inside the Hardhat runtime, so their imports
 * resolve as they do under `npx hardhat test`.
 */
import fs from "node:fs";
import path from "node:path";

import Mocha from "mocha";

export const SECURITY_DIR = path.join("test", "security");

export interface AttackTest {
  readonly title: string;
  /** Skipped tests (it.skip, or left out by an .only) are listed as pending. */
  readonly pending: boolean;
}

export interface Attack {
  readonly file: string;
  /** The describe titles from the file's outermost to the attack's own. */
  readonly path: readonly string[];
  readonly tests: readonly AttackTest[];
}

/** Mocha's interface functions, which loading a file through another Mocha instance replaces on the global object. */
const MOCHA_GLOBALS = [
  "describe",
  "context",
  "it",
  "specify",
  "before",
  "after",
  "beforeEach",
  "afterEach",
  "xdescribe",
  "xcontext",
  "xit",
  "xspecify",
  "run",
] as const;

/** The security test files under `root` (every .test.ts file below test/security), as project-relative paths. */
export function securityFiles(root: string): string[] {
  const dir = path.join(root, SECURITY_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".test.ts"))
    .sort()
    .map((name) => path.join(SECURITY_DIR, name));
}

/** Lists every test of `files` (project-relative) with Mocha's dry run, grouped by their enclosing describe. */
export async function attackCatalogue(root: string, files: readonly string[]): Promise<Attack[]> {
  const found: { file: string; path: string[]; title: string; pending: boolean }[] = [];
  const record = (test: Mocha.Test, pending: boolean) => {
    const titles = test.titlePath();
    found.push({
      file: path.relative(root, test.file ?? ""),
      path: titles.slice(0, -1),
      title: titles.at(-1)!,
      pending,
    });
  };
  class Collector extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test: Mocha.Test) => record(test, false));
      runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test: Mocha.Test) => record(test, true));
    }
  }

  const globals = globalThis as unknown as Record<string, unknown>;
  const saved = MOCHA_GLOBALS.map((name) => [name, globals[name]] as const);
  const mocha = new Mocha({ dryRun: true, reporter: Collector });
  for (const file of files) {
    const absolute = path.resolve(root, file);
    // A file already required (by this process's own test run) would not register its tests again.
    delete require.cache[require.resolve(absolute)];
    mocha.addFile(absolute);
  }
  try {
    const failures = await new Promise<number>((resolve) => mocha.run(resolve));
    if (failures > 0) throw new Error(`Mocha's dry run of ${files.join(", ")} reported ${failures} failures.`);
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete globals[name];
      else globals[name] = value;
    }
    mocha.dispose();
  }

  const attacks = new Map<string, Attack & { tests: AttackTest[] }>();
  for (const { file, path: titles, title, pending } of found) {
    const key = JSON.stringify([file, titles]);
    if (!attacks.has(key)) attacks.set(key, { file, path: titles, tests: [] });
    attacks.get(key)!.tests.push({ title, pending });
  }
  return [...attacks.values()];
}

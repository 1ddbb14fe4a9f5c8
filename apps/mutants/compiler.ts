/**
 * Compiles a mutant in memory with the npm solc the project builds with, and only what the mutant changes: the
 * mutated file's contracts and every contract whose source imports it (a library's internal functions are inlined
 * into them). A Hardhat compile would generate code for every dependency of the job and rewrite artifacts and types:
 * about 5x the time, and files another worker may be reading.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { parse, visit } from "@solidity-parser/parser";
import type { ImportDirective } from "@solidity-parser/parser/dist/src/ast-types";

/** The solc standard-JSON compiler of the `solc` npm package. */
interface Solc {
  compile(input: string): string;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { evm: { bytecode: { object: string; linkReferences: object } } }>>;
}

/** Creation bytecode (0x-prefixed hex) by fully qualified name, `contracts/x.sol:Name`. */
export type CreationCode = Map<string, string>;

export type MutantBuild =
  { readonly compiled: true; readonly code: CreationCode } | { readonly compiled: false; readonly error: string };

export class MutantCompiler {
  private readonly imports = new Map<string, readonly string[]>();
  private readonly importers = new Map<string, Set<string>>();
  private readonly baselines = new Map<string, CreationCode>();

  /**
   * @param root The project root; sources are read from it and from its node_modules.
   * @param settings The project's solc settings (optimizer, EVM version): the mutant must compile as the tests' code does.
   * @param projectSources Every source name of the project (`contracts/...`), so that importers are known.
   * @param cacheDirectory Where builds are kept by the hash of their compiler input, so that a rerun after a change
   * of tests only compiles nothing; none when undefined.
   */
  constructor(
    private readonly root: string,
    private readonly settings: object,
    projectSources: readonly string[],
    private readonly cacheDirectory?: string,
    private readonly solc: Solc = loadSolc(),
  ) {
    for (const source of projectSources) {
      for (const dependency of this.importsOf(source)) {
        if (!this.importers.has(dependency)) this.importers.set(dependency, new Set());
        this.importers.get(dependency)?.add(source);
      }
    }
  }

  /** `file` and every project source that imports it, directly or not. */
  affectedSources(file: string): string[] {
    const found = new Set([file]);
    const pending = [file];
    while (pending.length > 0) {
      const next = pending.pop() as string;
      for (const importer of this.importers.get(next) ?? []) {
        if (!found.has(importer)) {
          found.add(importer);
          pending.push(importer);
        }
      }
    }
    return [...found].sort();
  }

  /**
   * The creation code of every contract `file`'s change reaches, built from `mutatedSource`, or the compiler's error.
   * Metadata is left out of the code, so that an unchanged program is recognized as such.
   */
  build(file: string, mutatedSource: string): MutantBuild {
    return this.compile(this.affectedSources(file), new Map([[file, mutatedSource]]));
  }

  /** The same contracts built from the sources as they are (cached per file). */
  baseline(file: string): CreationCode {
    let code = this.baselines.get(file);
    if (code === undefined) {
      const build = this.compile(this.affectedSources(file), new Map());
      if (!build.compiled) throw new Error(`The unmutated sources do not compile:\n${build.error}`);
      code = build.code;
      this.baselines.set(file, code);
    }
    return code;
  }

  private compile(targets: readonly string[], overrides: ReadonlyMap<string, string>): MutantBuild {
    const sources: Record<string, { content: string }> = {};
    const pending = [...targets];
    while (pending.length > 0) {
      const source = pending.pop() as string;
      if (sources[source] !== undefined) continue;
      sources[source] = { content: overrides.get(source) ?? this.read(source) };
      pending.push(...this.importsOf(source, overrides.get(source)));
    }
    const outputSelection = Object.fromEntries(
      targets.map((target) => [target, { "*": ["evm.bytecode.object", "evm.bytecode.linkReferences"] }]),
    );
    const input = JSON.stringify({
      language: "Solidity",
      sources,
      settings: { ...this.settings, outputSelection, metadata: { appendCBOR: false } },
    });
    const output = JSON.parse(this.cached(input)) as SolcOutput;
    const errors = (output.errors ?? []).filter((error) => error.severity === "error");
    if (errors.length > 0) return { compiled: false, error: errors.map((error) => error.formattedMessage).join("\n") };
    const code: CreationCode = new Map();
    for (const [source, contracts] of Object.entries(output.contracts ?? {})) {
      for (const [name, contract] of Object.entries(contracts)) {
        if (Object.keys(contract.evm.bytecode.linkReferences).length > 0) {
          throw new Error(`${source}:${name} links an external library, which mutant deployment does not handle.`);
        }
        if (contract.evm.bytecode.object.length > 0) code.set(`${source}:${name}`, `0x${contract.evm.bytecode.object}`);
      }
    }
    return { compiled: true, code };
  }

  /** solc's output for `input`, from the cache when this input was compiled before. */
  private cached(input: string): string {
    if (this.cacheDirectory === undefined) return this.solc.compile(input);
    const file = path.join(this.cacheDirectory, `${createHash("sha256").update(input).digest("hex")}.json`);
    if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
    const output = this.solc.compile(input);
    fs.mkdirSync(this.cacheDirectory, { recursive: true });
    // Written whole under a temporary name first: another worker may read the same entry.
    fs.writeFileSync(`${file}.${process.pid}`, output);
    fs.renameSync(`${file}.${process.pid}`, file);
    return output;
  }

  /** The source names `source` imports, resolved as Hardhat does (relative, else a package under node_modules). */
  private importsOf(source: string, content?: string): readonly string[] {
    if (content === undefined) {
      const cached = this.imports.get(source);
      if (cached !== undefined) return cached;
    }
    const found: string[] = [];
    visit(parse(content ?? this.read(source)), {
      ImportDirective(node: ImportDirective) {
        const target = node.path;
        found.push(target.startsWith(".") ? path.posix.join(path.posix.dirname(source), target) : target);
      },
    });
    if (content === undefined) this.imports.set(source, found);
    return found;
  }

  private read(source: string): string {
    const local = path.join(this.root, source);
    return fs.readFileSync(fs.existsSync(local) ? local : path.join(this.root, "node_modules", source), "utf8");
  }
}

function loadSolc(): Solc {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- solc ships no types
  return require("solc") as Solc;
}

/**
 * The contracts an auditor reads: every production contract and library under contracts/ (mocks under
 * contracts/test/ and interfaces left out), their source size, and their deployed bytecode against EIP-170.
 */
import fs from "node:fs";
import path from "node:path";

import type { Artifact, Artifacts, BuildInfo } from "hardhat/types";

import type { BuildInfos } from "./build-info";

/** EIP-170: the most runtime bytecode a contract may have, in bytes. */
export const EIP170_LIMIT = 24_576;

export interface SourceLines {
  readonly nonBlank: number;
  readonly total: number;
}

export interface ContractEntry {
  readonly name: string;
  readonly source: string;
  /** Lines of the whole source file. */
  readonly lines: SourceLines;
  /** Runtime bytecode from the artifact, in bytes. */
  readonly deployedBytes: number;
  /** EIP170_LIMIT minus deployedBytes (negative: too large to deploy). */
  readonly margin: number;
}

export interface LibraryEntry extends ContractEntry {
  /** Contracts that link it (so it is deployed on its own); empty when all its functions are internal, inlined. */
  readonly linkedBy: readonly string[];
}

export interface ContractInventory {
  readonly contracts: readonly ContractEntry[];
  readonly libraries: readonly LibraryEntry[];
  /** Contracts from dependencies (OpenZeppelin) that the system deploys unchanged. */
  readonly dependencies: readonly ContractEntry[];
  /** Production source files that define no contract or library of their own. */
  readonly otherSources: readonly { readonly source: string; readonly lines: SourceLines }[];
}

interface ContractDefinition {
  nodeType: "ContractDefinition";
  name: string;
  contractKind: "contract" | "library" | "interface";
  abstract: boolean;
}

const CONTRACTS_DIR = "contracts";
const NOT_PRODUCTION = new Set(["test", "interfaces"]);

export function countLines(text: string): SourceLines {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return { nonBlank: lines.filter((line) => line.trim() !== "").length, total: lines.length };
}

/** Runtime bytecode size of an artifact, in bytes. */
export function deployedSize(artifact: Pick<Artifact, "deployedBytecode">): number {
  return (artifact.deployedBytecode.length - 2) / 2;
}

/** Every .sol file under contracts/ outside test/ and interfaces/, as project-relative paths. */
function productionSources(root: string): string[] {
  return fs
    .readdirSync(path.join(root, CONTRACTS_DIR), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".sol") && !NOT_PRODUCTION.has(file.split(path.sep)[0]))
    .map((file) => `${CONTRACTS_DIR}/${file.split(path.sep).join("/")}`)
    .sort();
}

/** What the compiler says each contract in `source` is, from the build's AST. */
function definitions(buildInfo: BuildInfo, source: string): ContractDefinition[] {
  const ast = buildInfo.output.sources[source]?.ast as { nodes: { nodeType: string }[] } | undefined;
  if (ast === undefined) throw new Error(`The build info has no AST for ${source}; run npx hardhat compile --force.`);
  return ast.nodes.filter((node): node is ContractDefinition => node.nodeType === "ContractDefinition");
}

function entry(name: string, source: string, lines: SourceLines, artifact: Artifact): ContractEntry {
  const deployedBytes = deployedSize(artifact);
  return { name, source, lines, deployedBytes, margin: EIP170_LIMIT - deployedBytes };
}

/**
 * The inventory from the compiled artifacts (compile first) and the sources under `root`. `deployedNames` are the
 * contracts the system deploys: those compiled from dependencies are listed with their bytecode.
 */
export async function contractInventory(
  artifacts: Artifacts,
  builds: BuildInfos,
  root: string,
  deployedNames: readonly string[],
): Promise<ContractInventory> {
  const compiled = await artifacts.getAllFullyQualifiedNames();
  const contracts: ContractEntry[] = [];
  const libraries: Omit<LibraryEntry, "linkedBy">[] = [];
  const otherSources: ContractInventory["otherSources"][number][] = [];
  const links = new Map<string, string[]>();
  for (const source of productionSources(root)) {
    const lines = countLines(fs.readFileSync(path.join(root, source), "utf8"));
    const someName = compiled.find((fqn) => fqn.startsWith(`${source}:`));
    const buildInfo = someName === undefined ? undefined : await builds.of(someName);
    const defined = buildInfo === undefined ? [] : definitions(buildInfo, source);
    const concrete = defined.filter((d) => d.contractKind !== "interface" && !d.abstract);
    if (concrete.length === 0) otherSources.push({ source, lines });
    for (const { name, contractKind } of concrete) {
      const artifact = await artifacts.readArtifact(`${source}:${name}`);
      for (const [file, linked] of Object.entries(artifact.linkReferences)) {
        for (const library of Object.keys(linked))
          links.set(`${file}:${library}`, [...(links.get(`${file}:${library}`) ?? []), name]);
      }
      (contractKind === "library" ? libraries : contracts).push(entry(name, source, lines, artifact));
    }
  }
  const dependencies: ContractEntry[] = [];
  for (const name of deployedNames) {
    const artifact = await artifacts.readArtifact(name);
    if (artifact.sourceName.startsWith(`${CONTRACTS_DIR}/`)) continue;
    const buildInfo = await builds.of(`${artifact.sourceName}:${artifact.contractName}`);
    const text = buildInfo.input.sources[artifact.sourceName]?.content;
    if (text === undefined) throw new Error(`No compiled source for ${name}; run npx hardhat compile --force.`);
    dependencies.push(entry(name, artifact.sourceName, countLines(text), artifact));
  }
  return {
    contracts,
    libraries: libraries.map((library) => ({
      ...library,
      linkedBy: links.get(`${library.source}:${library.name}`) ?? [],
    })),
    dependencies,
    otherSources,
  };
}

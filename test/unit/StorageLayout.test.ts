/**
 * Holds the storage layout of every production contract to a committed snapshot (StorageLayout.snapshot.json, beside
 * this file): each state variable's slot, offset, type and name, and the members of every struct kept in storage. The
 * contracts pack governed parameters, counters and job records into shared slots next to the state they inherit from
 * OpenZeppelin (AccessManaged, Pausable, ERC721, ...), so a reordered field, a widened type or a new base contract can
 * move state without any test noticing; here it fails with a diff of the slots that moved.
 *
 * After a deliberate layout change, regenerate the snapshot and commit it with the change:
 *   npm run storage-layout:update
 * (that is: UPDATE_STORAGE_LAYOUT=1 npx hardhat test test/unit/StorageLayout.test.ts).
 *
 * The layouts come from Hardhat's build info (hardhat.config.ts asks solc for `storageLayout`). Types are compared by
 * their readable label ("mapping(address => struct ProviderRegistry.Provider)"), never by solc's type keys, which embed
 * AST ids that change with any edit anywhere.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import type { BuildInfo } from "hardhat/types";

const SNAPSHOT = path.join(__dirname, "StorageLayout.snapshot.json");
const UPDATE = process.env.UPDATE_STORAGE_LAYOUT === "1";
const REGENERATE = "npm run storage-layout:update";

/** Production contracts: every deployable contract under contracts/, except the test mocks (contracts/test/). */
const isProductionSource = (source: string): boolean =>
  source.startsWith("contracts/") && !source.startsWith("contracts/test/");

/** One state variable, or one member of a struct (its slot is then relative to the struct's first slot). */
interface Entry {
  readonly slot: string;
  readonly offset: number;
  readonly type: string;
  readonly label: string;
}

/** A contract's layout: its state variables in slot order, and every struct type they reach, by label. */
interface Layout {
  readonly storage: Entry[];
  readonly structs: Record<string, Entry[]>;
}

type Snapshot = Record<string, Layout>;

/** solc's `storageLayout` output. */
interface SolcStorageLayout {
  storage: { slot: string; offset: number; type: string; label: string }[];
  types: Record<string, { label: string; members?: SolcStorageLayout["storage"] }> | null;
}

interface ContractDefinition {
  nodeType: string;
  name?: string;
  contractKind?: string;
  abstract?: boolean;
}

/** Code-point order: the same on every machine, whatever its locale. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function layoutOf(solc: SolcStorageLayout): Layout {
  const types = solc.types ?? {};
  const entries = (items: SolcStorageLayout["storage"]): Entry[] =>
    items.map(({ slot, offset, type, label }) => ({ slot, offset, type: types[type]?.label ?? type, label }));
  const structs: Record<string, Entry[]> = {};
  for (const type of Object.values(types).sort((a, b) => byText(a.label, b.label))) {
    if (type.members !== undefined) structs[type.label] = entries(type.members);
  }
  return { storage: entries(solc.storage), structs };
}

/** Every production contract's layout, by fully qualified name. Interfaces, libraries and abstract bases are left out
 * (an abstract base's state is part of each contract that inherits it). */
async function currentLayouts(): Promise<Snapshot> {
  const layouts: Snapshot = {};
  // One build info (tens of megabytes) usually holds every contract: each file is read once, found through the
  // debug file Hardhat writes beside each artifact.
  const buildInfos = new Map<string, BuildInfo>();
  const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;
  for (const artifactPath of (await hre.artifacts.getArtifactPaths()).sort()) {
    const { sourceName: source, contractName: contract } = readJson<{ sourceName: string; contractName: string }>(
      artifactPath,
    );
    if (!isProductionSource(source)) continue;
    const name = `${source}:${contract}`;
    const debugFile = artifactPath.replace(/\.json$/, ".dbg.json");
    const buildInfoPath = path.resolve(path.dirname(debugFile), readJson<{ buildInfo: string }>(debugFile).buildInfo);
    if (!buildInfos.has(buildInfoPath)) buildInfos.set(buildInfoPath, readJson<BuildInfo>(buildInfoPath));
    const buildInfo = buildInfos.get(buildInfoPath)!;
    const ast = buildInfo.output.sources[source].ast as { nodes: ContractDefinition[] };
    const definition = ast.nodes.find((node) => node.nodeType === "ContractDefinition" && node.name === contract);
    if (definition?.contractKind !== "contract" || definition.abstract === true) continue;
    const output = buildInfo.output.contracts[source][contract] as { storageLayout?: SolcStorageLayout };
    if (output.storageLayout === undefined) {
      throw new Error(`the build info of ${name} has no storageLayout: run npx hardhat compile --force`);
    }
    layouts[name] = layoutOf(output.storageLayout);
  }
  return layouts;
}

const describeEntry = (e: Entry): string => `slot ${e.slot}, offset ${e.offset}: ${e.type} ${e.label}`;

/** A contract's layout as lines, for the diff. */
function linesOf(layout: Layout | undefined): string[] {
  if (layout === undefined) return [];
  return [
    ...layout.storage.map(describeEntry),
    ...Object.entries(layout.structs).flatMap(([struct, members]) =>
      members.map((member) => `${struct} / ${describeEntry(member)}`),
    ),
  ];
}

/** A line diff (longest common subsequence): `-` for snapshot lines that went, `+` for new ones, `  ` for the rest. */
function diffLines(before: string[], after: string[]): string[] {
  const lcs: number[][] = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      lcs[i][j] = before[i] === after[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let [i, j] = [0, 0];
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      out.push(`    ${before[i++]}`);
      j++;
    } else if (i < before.length && (j === after.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push(`  - ${before[i++]}`);
    } else {
      out.push(`  + ${after[j++]}`);
    }
  }
  return out;
}

/** The report of every contract whose layout differs from the snapshot; empty when none does. */
function differences(snapshot: Snapshot, current: Snapshot): string {
  const names = [...new Set([...Object.keys(snapshot), ...Object.keys(current)])].sort();
  return names
    .flatMap((name) => {
      const [before, after] = [linesOf(snapshot[name]), linesOf(current[name])];
      if (JSON.stringify(snapshot[name]) === JSON.stringify(current[name])) return [];
      const status =
        snapshot[name] === undefined ? " (not in the snapshot)" : current[name] === undefined ? " (gone)" : "";
      return [`${name}${status}`, ...diffLines(before, after)];
    })
    .join("\n");
}

/** JSON with one entry per line, so that a layout change is a readable diff in review too. */
function render(snapshot: Snapshot): string {
  const entry = (e: Entry) =>
    `{ "slot": ${JSON.stringify(e.slot)}, "offset": ${e.offset}, "type": ${JSON.stringify(e.type)}, "label": ${JSON.stringify(e.label)} }`;
  const list = (entries: Entry[], indent: string) =>
    entries.length === 0 ? "[]" : `[\n${entries.map((e) => `${indent}  ${entry(e)}`).join(",\n")}\n${indent}]`;
  const contracts = Object.entries(snapshot)
    .sort(([a], [b]) => byText(a, b))
    .map(([name, layout]) => {
      const structs = Object.entries(layout.structs).map(
        ([struct, members]) => `      ${JSON.stringify(struct)}: ${list(members, "      ")}`,
      );
      const structsText = structs.length === 0 ? "{}" : `{\n${structs.join(",\n")}\n    }`;
      return `  ${JSON.stringify(name)}: {\n    "storage": ${list(layout.storage, "    ")},\n    "structs": ${structsText}\n  }`;
    });
  return `{\n${contracts.join(",\n")}\n}\n`;
}

describe("Storage layout", function () {
  it("of every production contract matches the committed snapshot", async function () {
    const current = await currentLayouts();
    expect(Object.keys(current), "no production contract found in the artifacts").to.not.be.empty;
    if (UPDATE) {
      fs.writeFileSync(SNAPSHOT, render(current));
      console.log(`      wrote ${path.relative(process.cwd(), SNAPSHOT)}: ${Object.keys(current).length} contracts`);
      return;
    }
    if (!fs.existsSync(SNAPSHOT)) throw new Error(`${SNAPSHOT} is missing: run ${REGENERATE}`);
    const snapshot = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as Snapshot;
    const diff = differences(snapshot, current);
    if (diff !== "") {
      expect.fail(
        `storage layout differs from the snapshot (- snapshot, + now):\n${diff}\n\n` +
          `A deliberate change? Regenerate the snapshot with ${REGENERATE} and commit it with the change.`,
      );
    }
  });
});

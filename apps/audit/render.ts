/**
 * AUDIT.md from the collected facts. Pure: it formats what was read from the artifacts, the chain and the report
 * files, and adds no figure of its own.
 */
import { formatEther } from "ethers";

import type { Attack } from "./attacks";
import { EIP170_LIMIT, type ContractEntry, type ContractInventory, type SourceLines } from "./contracts";
import { COVERAGE_GATE, METRICS, type CoverageSection } from "./coverage";
import type { ReportHeader } from "./header";
import type { InvariantsSection } from "./invariants";
import type { MutantsSection } from "./mutants";
import { MUTATION_OPERATORS } from "../mutants/operators";
import { code, duration, int, table } from "../../src/markdown";
import type { PassingRule } from "../../src/dao/distribution";
import type { AllocationRow, LaunchReport } from "./launch";
import type { Bound, ParametersReport } from "./parameters";
import type { Holder, RolesReport } from "./roles";

export interface AuditFacts {
  readonly header: ReportHeader;
  readonly inventory: ContractInventory;
  /** Runtime code size on chain of each deployed contract, by name. */
  readonly codeSizes: ReadonlyMap<string, number>;
  readonly roles: RolesReport;
  readonly launch: LaunchReport;
  readonly parameters: ParametersReport;
  readonly invariants: InvariantsSection;
  readonly coverage: CoverageSection;
  readonly mutants: MutantsSection;
  readonly attackFiles: readonly string[];
  readonly attacks: readonly Attack[];
  readonly limitationsFile: string;
  readonly limitations: string;
}

const lines = (l: SourceLines) => `${int(l.nonBlank)} / ${int(l.total)}`;
const pct = (x: number) => `${x.toFixed(2)}%`;
const yesNo = (ok: boolean) => (ok ? "yes" : "**no**");

const DURATION_KEY = /(Window|Period|Duration|Length|Delay|Extension)$/i;
/** A parameter value with its unit, judged from its config key (a duration, bps) or size (an 18-decimal amount). */
export function formatValue(key: string, value: bigint): string {
  if (DURATION_KEY.test(key)) return `${int(value)} s (${duration(value)})`;
  if (/Bps$/.test(key)) return `${int(value)} bps (${(Number(value) / 100).toString()}%)`;
  if (value >= 10n ** 15n && value % 10n ** 15n === 0n) return `${int(Number(formatEther(value)))} WEFT`;
  return int(value);
}

function bound(key: string, b: Bound | undefined): string {
  if (b === undefined) return "none";
  const value = formatValue(key, b.value);
  if (b.constants.length > 0) return `${value}: ${b.constants.map(code).join(" = ")}`;
  return b.value === 0n ? value : `${value} (no public constant)`;
}

const holders = (list: readonly Holder[]) =>
  list.length === 0
    ? "nobody"
    : list.map((h) => (h.executionDelay > 0n ? `${h.name} (delay ${h.executionDelay} s)` : h.name)).join(", ");

function header(h: ReportHeader): string {
  const { compiler: c, machine: m } = h;
  return [
    "# Weft audit report",
    "",
    "Every figure below is computed by the command from the compiled artifacts, a fresh production deployment on",
    "the in-process network, and the last test reports; nothing is typed by hand except the known limitations.",
    "",
    `- Command: ${code(h.command)}`,
    `- Date: ${h.date}`,
    `- Commit: ${code(h.commit)}${h.dirty ? " (dirty: the working tree has uncommitted changes)" : ""}`,
    `- Compiler: solc ${c.longVersion}, evm ${c.evmVersion}, optimizer ${c.optimizerRuns === null ? "off" : `${int(c.optimizerRuns)} runs`}`,
    `- Machine: ${m.cpus} x ${m.model}, ${m.os}, Node ${m.node}`,
  ].join("\n");
}

function contractRows(entries: readonly ContractEntry[], sizes: ReadonlyMap<string, number>) {
  return entries.map((e) => [
    e.name,
    code(e.source),
    lines(e.lines),
    int(e.deployedBytes),
    int(e.margin),
    pct((100 * e.deployedBytes) / EIP170_LIMIT),
    sizes.has(e.name) ? int(sizes.get(e.name)!) : "not deployed",
  ]);
}

function contracts(f: AuditFacts): string {
  const { inventory: inv, codeSizes } = f;
  const heads = [
    "contract",
    "source",
    "lines (non-blank / total)",
    "bytecode (bytes)",
    "EIP-170 margin (bytes)",
    "of limit",
    "on chain (bytes)",
  ];
  const sources = new Map([...inv.contracts, ...inv.libraries].map((e) => [e.source, e.lines]));
  for (const other of inv.otherSources) sources.set(other.source, other.lines);
  const total = [...sources.values()].reduce(
    (s, l) => ({ nonBlank: s.nonBlank + l.nonBlank, total: s.total + l.total }),
    { nonBlank: 0, total: 0 },
  );
  const over = inv.contracts.filter((c) => c.margin < 0).map((c) => c.name);
  return [
    "## 1. Contracts",
    "",
    `Production contracts under ${code("contracts/")} (mocks in ${code("contracts/test/")} and interfaces excluded). ` +
      `Bytecode is the artifact's runtime code; the EIP-170 limit is ${int(EIP170_LIMIT)} bytes; "on chain" is the ` +
      "code at the deployed address (immutables filled in). Lines are those of the contract's source file.",
    "",
    table(heads, contractRows(inv.contracts, codeSizes)),
    "",
    over.length === 0
      ? `Every contract is within EIP-170; the smallest margin is ${int(Math.min(...inv.contracts.map((c) => c.margin)))} bytes.`
      : `**Over EIP-170: ${over.join(", ")}.**`,
    "",
    "Libraries:",
    "",
    table(
      ["library", "source", "lines (non-blank / total)", "deployed"],
      inv.libraries.map((l) => [
        l.name,
        code(l.source),
        lines(l.lines),
        l.linkedBy.length === 0
          ? "no: internal, inlined into its callers"
          : `linked by ${l.linkedBy.join(", ")} (${int(l.deployedBytes)} bytes)`,
      ]),
    ),
    "",
    "Deployed unchanged from dependencies:",
    "",
    table(heads, contractRows(inv.dependencies, codeSizes)),
    "",
    ...(inv.otherSources.length === 0
      ? []
      : [
          `Sources defining no contract: ${inv.otherSources.map((o) => `${code(o.source)} (${lines(o.lines)})`).join(", ")}.`,
          "",
        ]),
    `Production Solidity in all: ${int(total.nonBlank)} non-blank lines, ${int(total.total)} in total, in ${sources.size} files.`,
  ].join("\n");
}

function roles(r: RolesReport): string {
  const mismatches = r.functionRoles.filter((fr) => fr.onChain !== fr.expected);
  const kept = [...r.deployer.managerRoles, ...r.deployer.timelockRoles.map((role) => `timelock ${role}`)];
  return [
    "## 2. Roles after deployment",
    "",
    "The production deployment (the Ignition modules, with the hand-over to the DAO) on the in-process network, read " +
      "back from chain state: holders are replayed from RoleGranted/RoleRevoked events and each confirmed with " +
      `${code("hasRole")}.`,
    "",
    "AccessManager roles:",
    "",
    table(
      ["role", "id", "admin role", "holders"],
      r.managerRoles.map((m) => [m.role, m.id, m.admin, holders(m.holders)]),
    ),
    "",
    `Restricted functions, as ${code("config/permissions.ts")} assigns them and as the deployed AccessManager's ` +
      `${code("getTargetFunctionRole")} returns them:`,
    "",
    table(
      ["contract", "function", "selector", "role (permissions.ts)", "role (on chain)", "match"],
      r.functionRoles.map((fr) => [
        fr.contract,
        code(fr.fn),
        code(fr.selector),
        fr.expected,
        fr.onChain,
        yesNo(fr.onChain === fr.expected),
      ]),
    ),
    "",
    mismatches.length === 0
      ? `All ${r.functionRoles.length} functions are mapped to the role permissions.ts assigns.`
      : `**${mismatches.length} of ${r.functionRoles.length} functions are mapped to another role than permissions.ts assigns.**`,
    "",
    "TimelockController roles:",
    "",
    table(
      ["role", "admin role", "holders"],
      r.timelockRoles.map((t) => [t.role, t.admin, holders(t.holders)]),
    ),
    "",
    `May mint WEFT (${code("AccessManager.canCall")} on ${code("ComputeToken.mint")}, over every contract, the ` +
      `deployer and every role holder): ${holders(r.minters)}.`,
    "",
    `The deployer (${code(r.deployer.address)}) keeps ${kept.length === 0 ? "no role" : `**${kept.join(", ")}**`} ` +
      `and ${int(Number(formatEther(r.deployer.weftBalance)))} WEFT of the genesis supply: its own operations ` +
      "allocation (below).",
    "",
    "Wiring:",
    "",
    table(
      ["read", "value"],
      r.wiring.map((w) => [code(w.what), w.value]),
    ),
  ].join("\n");
}

const weft = (wei: bigint) => `${int(Number(formatEther(wei)))} WEFT`;
const share = (wei: bigint, total: bigint) => `${(Number((wei * 10_000n) / total) / 100).toFixed(2)}%`;

function allocationRow(a: AllocationRow, supply: bigint): string[] {
  const schedule = (s: [bigint, bigint]) => `cliff ${duration(s[0])}, over ${duration(s[1])}`;
  const kind = a.kind === "vested" ? "vesting wallet (cannot vote)" : a.kind === "liquid" ? "liquid" : "treasury";
  return [
    a.name,
    kind,
    weft(a.amount),
    share(a.amount, supply),
    a.local,
    code(a.public),
    a.schedule === undefined ? "-" : schedule(a.schedule.local),
    a.schedule === undefined ? "-" : schedule(a.schedule.public),
    a.atCliff === undefined ? "-" : `${weft(a.atCliff)} (${share(a.atCliff, supply)})`,
  ];
}

function passingRow(label: string, r: PassingRule, supply: bigint): string[] {
  return [
    label,
    `${weft(r.quorum)} (${r.quorumPercent}% of ${weft(supply)})`,
    weft(r.proposalThreshold),
    `${duration(r.votingDelay)} / ${duration(r.votingPeriod)} (+${duration(r.lateQuorumExtension)} after a late quorum)`,
    duration(r.timelockDelay),
  ];
}

function launch(l: LaunchReport): string {
  const supply = l.genesisSupply;
  const { council: c } = l;
  return [
    "### The launch: who can vote",
    "",
    `The ${weft(supply)} genesis supply as ${code("config/parameters.ts")} ${code("launch")} shares it out at ` +
      "deployment (local: as deployed and read back; public: as configured, its accounts set with `hardhat vars`). " +
      "The treasury is the timelock, which votes only if a proposal makes it delegate; a vesting wallet cannot " +
      "delegate, so its tokens vote only once released.",
    "",
    table(
      [
        "allocation",
        "held as",
        "WEFT",
        "of genesis",
        "local holder",
        "public holder",
        "local vesting",
        "public vesting",
        "released at the public cliff",
      ],
      l.allocations.map((a) => allocationRow(a, supply)),
    ),
    "",
    `**Largest voting share of one account right after deployment** (its balance, which it could delegate to itself): ` +
      `local ${l.largestLocal.who}, ${weft(l.largestLocal.amount)} (${share(l.largestLocal.amount, supply)}); ` +
      `public ${code(l.largestPublic.who)}, ${weft(l.largestPublic.amount)} (${share(l.largestPublic.amount, supply)}). ` +
      `Quorum is ${weft(l.local.quorum)}: no account can pass a proposal alone at launch. With the founders' ` +
      `release at its cliff the deployer would hold ${weft(l.deployerAtFoundersCliff)} ` +
      `(${share(l.deployerAtFoundersCliff, supply)}), still below quorum (${code("test/security/Launch.test.ts")}).`,
    "",
    "What passing a proposal takes: for + abstain votes of at least the quorum (a fraction of the supply at the " +
      "proposal's snapshot), more for than against, then the timelock's delay:",
    "",
    table(
      ["network", "quorum", "proposal threshold", "voting delay / period", "timelock delay"],
      [passingRow("local (deployed)", l.local, supply), passingRow("public", l.public, supply)],
    ),
    "",
    `**Security council** (${code("SecurityCouncil")} at ${code(c.contract)}, its council the ${c.council} ` +
      `${code(c.councilAddress)}, a multisig on public networks): holds the ` +
      `timelock's CANCELLER_ROLE (${c.holdsCanceller ? "yes" : "**no**"}) and not PROPOSER_ROLE ` +
      `(${c.holdsProposer ? "**it does**" : "it does not"}); its only power is ${code("cancel(operationId)")} of a ` +
      `queued proposal, until the bootstrap ends: ${duration(c.bootstrapLocal)} after deployment locally, ` +
      `${duration(c.bootstrapPublic)} on public networks (bounds ${duration(c.minBootstrap)} .. ` +
      `${duration(c.maxBootstrap)}), or earlier when a proposal calls ${code("endBootstrap()")}. It cannot propose, ` +
      "execute, move funds or extend its term.",
  ].join("\n");
}

function parameters(p: ParametersReport): string {
  return [
    "## 3. Governed parameters",
    "",
    `Every parameter ${code("dao:propose --set")} names (${code("src/dao/governedParameters.ts")}). Defaults come from ` +
      `${code("config/parameters.ts")}; "deployed" is the getter on the system deployed with the local defaults. ` +
      "The bounds are the ones each deployed setter enforces: called as the timelock with 2^255 it reverts " +
      `${code("ParameterOutOfBounds(value, min, max)")}, named here by the contract's public constants of equal ` +
      'value. "At min"/"at max" call the setter with each bound: a revert there is a limit set by another parameter.',
    "",
    table(
      ["parameter", "setter", "config key", "local", "public", "deployed", "min", "max", "at min", "at max"],
      p.governed.map((g) => [
        g.name,
        code(`${g.contract}.${g.setter}`),
        code(g.configKey),
        formatValue(g.configKey, g.local),
        formatValue(g.configKey, g.public),
        formatValue(g.configKey, g.deployed),
        g.outOfRange === undefined ? bound(g.configKey, g.min) : `2^255 reverts ${g.outOfRange}`,
        g.outOfRange === undefined ? bound(g.configKey, g.max) : "",
        g.atMin ?? "",
        g.atMax ?? "",
      ]),
    ),
    "",
    `The other values in ${code("config/parameters.ts")} (set at deployment; a proposal changes them through their ` +
      `own setters where one exists, see ${code("config/permissions.ts")}):`,
    "",
    table(
      ["config key", "local", "public"],
      p.other.map((o) => [code(o.configKey), formatValue(o.configKey, o.local), formatValue(o.configKey, o.public)]),
    ),
  ].join("\n");
}

/** A section whose input file is absent: what to run to fill it. */
function missing(title: string, verdict: string, s: { readonly file: string; readonly command: string }): string {
  return [
    title,
    "",
    `> **${verdict}:** ${code(s.file)} does not exist. Run ${code(s.command)}, then this report again.`,
  ].join("\n");
}

function invariants(s: InvariantsSection): string {
  const title = "## 4. Invariants";
  if (!s.found) return missing(title, "Not run", s);
  const { run } = s;
  const passed = run.invariants.filter((i) => i.passed).length;
  return [
    title,
    "",
    `From ${code(s.file)}: ${code(run.command)} (profile ${run.profile}) on ${run.date}, ${run.wallSeconds} s, ` +
      `${int(run.runs)} runs of depth ${int(run.depth)}. ${passed} of ${run.invariants.length} invariants held.`,
    "",
    table(
      ["contract", "invariant", "runs", "calls", "reverts", "passed"],
      run.invariants.map((i) => [i.contract, code(i.name), int(i.runs), int(i.calls), int(i.reverts), yesNo(i.passed)]),
    ),
  ].join("\n");
}

function coverage(s: CoverageSection): string {
  const title = "## 5. Coverage";
  if (!s.found) return missing(title, "Not measured", s);
  const cell = (c: { covered: number; total: number; pct: number }) => `${pct(c.pct)} (${c.covered}/${c.total})`;
  const gate = Object.entries(COVERAGE_GATE)
    .map(([m, g]) => `${g}% ${m}`)
    .join(", ");
  return [
    title,
    "",
    `From ${code(s.file)} (${code("contracts/test/")} excluded). The gate (${gate}, over all contracts together) ` +
      `${s.gateHolds ? "holds" : "**does not hold**"}.`,
    "",
    table(
      ["metric", "covered", "gate", "holds"],
      s.totals.map((t) => [
        t.metric,
        cell(t),
        t.gate === undefined ? "-" : `${t.gate}%`,
        t.holds === undefined ? "-" : yesNo(t.holds),
      ]),
    ),
    "",
    table(
      ["file", ...METRICS],
      s.files.map((f) => [code(f.file), ...METRICS.map((m) => cell(f.counts[m]))]),
    ),
  ].join("\n");
}

function mutants(s: MutantsSection): string {
  const title = "## 6. Mutation testing";
  if (!s.found) return missing(title, "Not run", s);
  const { report } = s;
  const score = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rows = Object.entries(report.contracts)
    .filter(([, c]) => c.mutants > 0)
    .map(([file, c]) => [
      code(file),
      int(c.mutants),
      int(c.killed + c.timeout),
      int(c.survived),
      int(c.equivalent),
      int(c.noCompile),
      score(c.score),
    ]);
  const t = report.total;
  return [
    title,
    "",
    `From ${code(s.file)} (${code(report.command)}, finished ${report.finishedAt.slice(0, 16).replace("T", " ")} UTC). ` +
      `Each mutant is one small change to a production contract, run against the tests mapped to that contract ` +
      `(${code("apps/mutants/targets.ts")}) until one fails. The score is killed / (killed + survived): a mutant that ` +
      `cannot change behaviour (equivalent, listed in the known limitations with its reason, or compiled to the ` +
      `same code) and one that does not compile are left out. A test that hangs (timeout) counts as killed.`,
    "",
    `**${score(t.score)}** of ${int(t.killed + t.timeout + t.survived)} scored mutants killed (${int(t.mutants)} ` +
      `generated, ${int(t.equivalent)} equivalent, ${int(t.noCompile)} not compiling).`,
    "",
    table(
      ["operator", "what it changes"],
      Object.entries(MUTATION_OPERATORS).map(([name, what]) => [code(name), what]),
    ),
    "",
    table(
      ["contract", "mutants", "killed", "survived", "equivalent", "no compile", "score"],
      [
        ...rows,
        [
          "all",
          int(t.mutants),
          int(t.killed + t.timeout),
          int(t.survived),
          int(t.equivalent),
          int(t.noCompile),
          score(t.score),
        ],
      ],
    ),
    "",
    s.survivors.length === 0
      ? "No mutant survives."
      : [
          `${s.survivors.length} surviving mutants:`,
          "",
          ...s.survivors.flatMap((m) => [
            `- ${code(m.id)}`,
            "",
            "  ```diff",
            ...m.diff.split("\n").map((l) => `  ${l}`),
            "  ```",
          ]),
        ].join("\n"),
  ].join("\n");
}

function attacks(files: readonly string[], list: readonly Attack[]): string {
  const tests = list.reduce((n, a) => n + a.tests.length, 0);
  const pending = list.reduce((n, a) => n + a.tests.filter((t) => t.pending).length, 0);
  return [
    "## 7. Attack catalogue",
    "",
    `Every describe and test of ${files.map(code).join(", ")}, listed by Mocha's dry run: ${list.length} attacks, ` +
      `${tests} tests${pending > 0 ? `, **${pending} skipped**` : ""}.`,
    "",
    ...list.flatMap((a) => [
      `- **${a.path.at(-1) ?? "(top level)"}** (${[...a.path.slice(0, -1), code(a.file)].join(" > ")})`,
      ...a.tests.map((t) => `  - ${t.title}${t.pending ? " (skipped)" : ""}`),
    ]),
  ].join("\n");
}

export function renderAudit(f: AuditFacts): string {
  return (
    [
      header(f.header),
      contracts(f),
      [roles(f.roles), launch(f.launch)].join("\n\n"),
      parameters(f.parameters),
      invariants(f.invariants),
      coverage(f.coverage),
      mutants(f.mutants),
      attacks(f.attackFiles, f.attacks),
      ["## 8. Known limitations", "", `From ${code(f.limitationsFile)}.`, "", f.limitations.trim()].join("\n"),
    ].join("\n\n") + "\n"
  );
}

/**
 * BENCHMARKS.md from the three result files: every table, the bars and whether they hold, the command, the machine
 * and the date. Pure: it formats what the run measured and adds nothing that was not measured.
 */
import { int, table } from "../src/markdown";
import type { GasResult } from "./gas";
import { LIFECYCLE_OPS } from "./gas/lifecycle";
import type { RunInfo } from "./run-info";
import { SCALE_OPS, type ScaleResult } from "./scale";
import type { VerifierResult } from "./verifier";

export interface BenchResults {
  readonly gas: GasResult & { readonly run: RunInfo };
  readonly scale: ScaleResult & { readonly run: RunInfo };
  readonly verifier: VerifierResult & { readonly run: RunInfo };
}

/** The bars of issue 10, each with the figure that decides it. */
export interface Bar {
  readonly what: string;
  readonly bar: string;
  readonly figure: string;
  readonly holds: boolean | null;
}

const fixed = (x: number | null, digits = 2) => (x === null ? "-" : x.toFixed(digits));

export function bars(results: BenchResults): Bar[] {
  const { gas, scale, verifier } = results;
  const proof4096 = gas.fraudProof.find((p) => p.k === 4096);
  const freivalds2048 = verifier.freivalds.find((p) => p.n === 2048);
  const recompute2048 = verifier.recompute.find((p) => p.n === 2048 && p.workers === 1);
  return [
    {
      what: "job lifecycle gas / floor",
      bar: "<= 1.5 (aim 1.3)",
      figure: fixed(gas.lifecycle.ratio),
      holds: gas.lifecycle.ratio <= 1.5,
    },
    {
      what: "fraud proof gas at k = 4,096",
      bar: "< 2,000,000",
      figure: proof4096 ? int(proof4096.gas) : "not measured",
      holds: proof4096 ? proof4096.gas < 2_000_000 : null,
    },
    {
      what: "gas spread across protocol sizes",
      bar: "<= 1.05",
      figure: fixed(scale.maxSpread, 4),
      holds: scale.maxSpread <= 1.05,
    },
    {
      what: "Freivalds TypeScript / C at n = 2,048",
      bar: "<= 3 (aim 2)",
      figure: fixed(freivalds2048?.ratio ?? null),
      holds: freivalds2048?.ratio == null ? null : freivalds2048.ratio <= 3,
    },
    {
      what: "localizing the wrong element at n = 2,048",
      bar: "aim <= 100 ms",
      figure: `${fixed(verifier.localizeMs, 1)} ms`,
      holds: verifier.localizeMs <= 100,
    },
    {
      what: "TypeScript matmul per core / C, n = 2,048, one worker",
      bar: "aim >= 0.33",
      figure: fixed(recompute2048?.perCoreOfC ?? null, 3),
      holds: recompute2048?.perCoreOfC == null ? null : recompute2048.perCoreOfC >= 1 / 3,
    },
    {
      what: "check / recompute at n = 2,048",
      bar: "aim <= 1%",
      figure: `${(verifier.checkToCompute * 100).toFixed(2)}%`,
      holds: verifier.checkToCompute <= 0.01,
    },
  ];
}

const verdict = (holds: boolean | null) => (holds === null ? "n/a" : holds ? "yes" : "**no**");

/**
 * Why an operation costs more than its floor, from reading the contracts: shown for the operations with the largest
 * gaps in this run. Statements about code, not measurements; keep them in step with contracts/.
 */
const GAPS: Partial<Record<keyof GasResult["ops"], string>> = {
  createJob:
    "the pause flag and the payment-token entry are cold reads in slots of their own, the fee-on-transfer guard " +
    "makes two `balanceOf` calls, and the job's terms are ABI-encoded and hashed (the params too) before the one " +
    "fresh slot is written",
  createJobWithPermit: "as createJob (the permit's own signature check, nonce and allowance are in the floor)",
  acceptJob:
    "the terms come in as calldata and are hashed twice (checked, then rewritten with the provider and " +
    "collateral), a second registry call (`canAcceptJobs`) reads the provider's record, the pause flag is a cold " +
    "read, and `CollateralLocked` repeats `JobAccepted`",
  submitResult: "the terms are copied from calldata and hashed twice (checked, then rewritten with the result root)",
  finalize:
    "the receipt's record: the provider, payment and result root go into two fresh slots, and the payment token's " +
    "index is read, so that `tokenURI` can render the settled job from storage (the floor counts only the owner " +
    "slot); the registry bumps a reputation counter in a slot of its own, and two extra events " +
    "(`CollateralUnlocked`, `WorkRecorded`) repeat `JobFinalized`",
  claimTimeout: "the registry's timed-out counter, and `CollateralForfeited` repeating `JobTimedOut`",
  disputeWithProof:
    "mostly computation the floor leaves out: the checker hashes the k-byte row and column and three Merkle " +
    "proofs and recomputes the dot product; also the bond taken and returned in the same transaction (two " +
    "transfers) and a dispute record written for a dispute that is already settled",
  resolveTimeout:
    "`slashAmount` reads the provider's state through two registry views, the escrow hashes the terms again, the " +
    "registry counts the slash, and each of the three payouts has its own `SlashPaid` event",
  disputeWithheld:
    "the terms are checked twice (`verifiedStatus` first, for a clear error before the checker is asked, then " +
    "`markDisputed`), and the dispute record takes two fresh slots (the floor counts one)",
  disputeForArbitration:
    "the terms are checked twice (`verifiedStatus`, then `markDisputed`), and the dispute record takes two fresh " +
    "slots",
  queue:
    "OpenZeppelin's GovernorTimelockControl: it hashes the operation, stores its id in the governor and schedules " +
    "it in the timelock, which checks roles and predecessors",
  execute: "OpenZeppelin's timelock and governor bookkeeping around the one parameter write",
};

function gapNotes(gas: BenchResults["gas"]): string {
  const ops = (Object.keys(gas.ops) as (keyof GasResult["ops"])[])
    .filter((op) => GAPS[op] !== undefined)
    .sort((a, b) => gas.ops[b] - gas.floor[b] - (gas.ops[a] - gas.floor[a]))
    .slice(0, 8);
  return ops.map((op) => `- \`${op}\` (+${int(gas.ops[op] - gas.floor[op])}): ${GAPS[op]}.`).join("\n");
}

function gasSection(gas: BenchResults["gas"]): string {
  const ops = Object.keys(gas.ops) as (keyof GasResult["ops"])[];
  const opRows = ops.map((op) => [
    `\`${op}\``,
    int(gas.ops[op]),
    int(gas.floor[op]),
    fixed(gas.ratio[op]),
    int(gas.ops[op] - gas.floor[op]),
  ]);
  const baselineRows = Object.entries(gas.baselines).map(([name, m]) => [
    name,
    int(m.gas),
    int(m.floor),
    fixed(m.ratio),
  ]);
  const { lifecycle } = gas;
  return [
    "## Gas",
    "",
    "Each operation is measured in a steady state (an identical call first warms what a running protocol has warm),",
    "paid in a plain OpenZeppelin ERC20. The floor is the least any implementation could pay for what the operation",
    "must store, move, log and carry in calldata ([the model](bench/gas/floor.ts): 21,000 base, EIP-2028/7623",
    "calldata, 22,100 per fresh slot and 5,000 per cold update (EIP-2200/2929), EIP-3529 refunds, 375 + 375/topic +",
    "8/byte per log, 2,600 per other contract called, 2,100 per cold read it needs); computation is not in it.",
    "",
    table(["operation", "gas", "floor", "gas / floor", "gap"], opRows),
    "",
    `**Lifecycle** (${LIFECYCLE_OPS.map((op) => `\`${op}\``).join(" + ")}): ${int(lifecycle.gas)} gas against a`,
    `floor of ${int(lifecycle.floor)}: **${fixed(lifecycle.ratio)}x**. A hash-only escrow with the same lifecycle`,
    `(\`contracts/test/BaselineHashEscrow.sol\`, no staking, receipts or rewards) measures ${int(lifecycle.hashOnlyEscrow.gas)}`,
    `against its floor of ${int(lifecycle.hashOnlyEscrow.floor)}: ${fixed(lifecycle.hashOnlyEscrow.ratio)}x.`,
    "",
    "Where the largest gaps come from:",
    "",
    gapNotes(gas),
    "",
    "### Baselines, same model, same run",
    "",
    table(["baseline", "gas", "floor", "gas / floor"], baselineRows),
    "",
    "### Fraud proof",
    "",
    "One `disputeWithProof` transaction (bond in and out, the checker's recomputation of one element from",
    "Merkle-proven inputs, the refund, the slash split three ways), m = n = 64:",
    "",
    table(
      ["k", "gas", "proof bytes"],
      gas.fraudProof.map((p) => [int(p.k), int(p.gas), int(p.proofBytes)]),
    ),
  ].join("\n");
}

function scaleSection(scale: BenchResults["scale"]): string {
  const sizes = [...new Set(scale.points.map((p) => `${p.providers}/${p.jobs}`))];
  const rows = sizes.map((key) => {
    const [providers, jobs] = key.split("/").map(Number);
    const gasOf = (op: string) => scale.points.find((p) => p.providers === providers && p.jobs === jobs && p.op === op);
    return [int(providers), int(jobs), ...SCALE_OPS.map((op) => int(gasOf(op)?.gas ?? 0))];
  });
  return [
    "## Scale",
    "",
    "The same operations on a fresh, identically set-up provider while the protocol holds more providers and jobs",
    "(`slash` is `resolveTimeout` of an unanswered withheld-data dispute; `recordWork` is the escrow's call at",
    "finalize, sent alone):",
    "",
    table(["providers", "jobs", ...SCALE_OPS], rows),
    "",
    table(["", ...SCALE_OPS], [["max / min", ...SCALE_OPS.map((op) => fixed(scale.spread[op], 4))]]),
    "",
    `Largest spread: **${fixed(scale.maxSpread, 4)}** (the differences are calldata: larger job ids have more nonzero bytes).`,
  ].join("\n");
}

function verifierSection(verifier: BenchResults["verifier"]): string {
  const c = "compiler" in verifier.c ? `C: \`${verifier.c.compiler}\`, one core` : `C skipped: ${verifier.c.skipped}`;
  return [
    "## Verifier",
    "",
    `TypeScript (\`src/workloads/matmul-i8\`) against the same algorithms in C (\`bench/c/\`; ${c}), on the same`,
    "operands in the same run; medians of several runs. The C results are checked against the TypeScript ones.",
    "",
    "Freivalds' check (modulo 2^32 - 5, 2 rounds), n x n x n:",
    "",
    table(
      ["n", "TypeScript ms", "C ms", "TS / C"],
      verifier.freivalds.map((p) => [int(p.n), fixed(p.tsMs, 1), fixed(p.cMs, 1), fixed(p.ratio)]),
    ),
    "",
    `From a failed check to the wrong element at n = ${int(verifier.localizeN)}: **${fixed(verifier.localizeMs, 1)} ms**`,
    "(recomputing the flagged row).",
    "",
    "Full recompute (the reference int8 matmul; GOPS counts a multiply-add as two operations):",
    "",
    table(
      ["n", "workers", "TypeScript ms", "TypeScript GOPS", "C GOPS (one core)", "TS per core / C"],
      verifier.recompute.map((p) => [
        int(p.n),
        p.workers,
        fixed(p.tsMs, 0),
        fixed(p.tsGops),
        fixed(p.cGops),
        fixed(p.perCoreOfC, 3),
      ]),
    ),
    "",
    `Checking costs **${(verifier.checkToCompute * 100).toFixed(2)}%** of recomputing at n = 2,048 (Freivalds over a`,
    "single-worker recompute, both TypeScript).",
  ].join("\n");
}

export function renderReport(results: BenchResults): string {
  const { run } = results.gas;
  return [
    "# Benchmarks",
    "",
    "<!-- Generated by `npm run bench` (bench/report.ts) from bench/results/*.json: edit those modules, not this file. -->",
    "",
    `\`${run.command}\` on ${run.date.slice(0, 10)}, ${run.machine.cpus} x ${run.machine.model}, Node ${run.machine.node},`,
    `${run.machine.os}; the whole run took ${Math.round(run.wallSeconds)} s. Timings vary between runs on a shared`,
    "machine, so read the ratios, measured side by side in the same run (gas is exact).",
    "",
    table(
      ["measure", "bar", "figure", "holds"],
      bars(results).map((b) => [b.what, b.bar, b.figure, verdict(b.holds)]),
    ),
    "",
    gasSection(results.gas),
    "",
    scaleSection(results.scale),
    "",
    verifierSection(results.verifier),
    "",
  ].join("\n");
}

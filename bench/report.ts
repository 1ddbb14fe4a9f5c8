/**
 * BENCHMARKS.md from the four result files: every table, the bars and whether they hold, the command, the machine
 * and the date. Pure: it formats what the run measured and adds nothing that was not measured.
 */
import { int, table } from "../src/markdown";
import type { EndToEndResult } from "./end-to-end";
import type { GasResult } from "./gas";
import type { MlpResult } from "./mlp";
import { LIFECYCLE_OPS } from "./gas/lifecycle";
import { WITHHELD_STEPS, type WithheldPath, type WithheldStepName } from "./gas/withheld-path";
import type { RunInfo } from "./run-info";
import { SCALE_OPS, type ScaleResult } from "./scale";
import type { MatmulTiming, Ratio, Timing, VerifierResult } from "./verifier";

export interface BenchResults {
  readonly gas: GasResult & { readonly run: RunInfo };
  readonly scale: ScaleResult & { readonly run: RunInfo };
  readonly verifier: VerifierResult & { readonly run: RunInfo };
  readonly endToEnd: EndToEndResult & { readonly run: RunInfo };
  /** Absent from result files written before mlp-i8's bench. */
  readonly mlp?: MlpResult & { readonly run: RunInfo };
}

/** The bars of issue 10, each with the figure that decides it. */
export interface Bar {
  readonly what: string;
  readonly bar: string;
  readonly figure: string;
  readonly holds: boolean | null;
}

const fixed = (x: number | null, digits = 2) => (x === null ? "-" : x.toFixed(digits));
/** A ratio of medians, and of minimums in brackets. */
const ratioFigure = (r: Ratio | null, digits = 2) =>
  r === null ? "-" : `${fixed(r.median, digits)} (${fixed(r.min, digits)})`;

/** Issue 21's bars for the fraud proof at k = 4,096: the gas of the path, and each figure against its floor. */
const PROOF_PATH_BAR_GAS = 450_000;
const PROOF_BAR_RATIO = 1.1;

export function bars(results: BenchResults): Bar[] {
  const { gas, scale, verifier } = results;
  const proof4096 = gas.fraudProof.find((p) => p.k === 4096);
  const freivalds2048 = verifier.freivalds.find((p) => p.n === 2048);
  const perCoreOfC = (kernel: string) =>
    verifier.recompute.find((p) => p.n === 2048)?.perCoreOfC.find((r) => r.kernel === kernel) ?? null;
  const ofAvx2 = perCoreOfC("avx2");
  const ofVnni = perCoreOfC("vnni");
  return [
    {
      what: "job lifecycle gas / honest floor (/ floor of Weft's architecture)",
      bar: "<= 1.3",
      figure: `${fixed(gas.lifecycle.ratio)} (${fixed(gas.lifecycle.weftRatio)})`,
      holds: gas.lifecycle.ratio <= 1.3,
    },
    {
      what: "fraud proof path at k = 4,096 (commitProof + revealProof)",
      bar: `<= ${int(PROOF_PATH_BAR_GAS)} gas and <= ${fixed(PROOF_BAR_RATIO, 1)}x its floor`,
      figure: proof4096
        ? `${int(proof4096.gas)} gas, ${fixed(proof4096.gas / proof4096.floor.path)}x of ${int(proof4096.floor.path)}`
        : "not measured",
      holds: proof4096
        ? proof4096.gas <= PROOF_PATH_BAR_GAS && proof4096.gas / proof4096.floor.path <= PROOF_BAR_RATIO
        : null,
    },
    {
      what: "revealProof at k = 4,096",
      bar: `<= ${fixed(PROOF_BAR_RATIO, 1)}x its calldata floor`,
      figure: proof4096
        ? `${int(proof4096.revealGas)} gas, ${fixed(proof4096.revealGas / proof4096.floor.revealCalldata)}x of ` +
          int(proof4096.floor.revealCalldata)
        : "not measured",
      holds: proof4096 ? proof4096.revealGas / proof4096.floor.revealCalldata <= PROOF_BAR_RATIO : null,
    },
    {
      what: "gas spread across protocol sizes",
      bar: "<= 1.05",
      figure: fixed(scale.maxSpread, 4),
      holds: scale.maxSpread <= 1.05,
    },
    {
      what: `Freivalds TypeScript / best C (${freivalds2048?.bestC ?? "-"}) at n = 2,048`,
      bar: "<= 2",
      figure: ratioFigure(freivalds2048?.ratio ?? null),
      holds: freivalds2048?.ratio == null ? null : freivalds2048.ratio.median <= 2,
    },
    {
      what: "localizing the wrong element at n = 2,048",
      bar: "aim <= 100 ms",
      figure: `${fixed(verifier.localizeMs, 1)} ms`,
      holds: verifier.localizeMs <= 100,
    },
    {
      what: "TypeScript matmul per core / AVX2 C, n = 2,048, one worker",
      bar: ">= 0.5",
      figure: ratioFigure(ofAvx2),
      holds: ofAvx2 === null ? null : ofAvx2.median >= 0.5,
    },
    {
      what: "TypeScript matmul per core / AVX-512 VNNI C, n = 2,048, one worker",
      bar: "reported",
      figure: ratioFigure(ofVnni),
      holds: null,
    },
    {
      what: "check / recompute at n = 2,048",
      bar: "aim <= 1%",
      figure: `${(verifier.checkToCompute * 100).toFixed(2)}%`,
      holds: verifier.checkToCompute <= 0.01,
    },
    ...endToEndBars(results.endToEnd),
    ...(results.mlp === undefined ? [] : mlpBars(results.mlp)),
  ];
}

/** Issue 22's bars: the verifier's check within 10% of the reference inference, TypeScript within 2x of C. */
const MLP_CHECK_BAR = 0.1;
const MLP_TS_OF_C_BAR = 0.5;

export function mlpBars(mlp: NonNullable<BenchResults["mlp"]>): Bar[] {
  const largest = mlp.points[mlp.points.length - 1] as (typeof mlp.points)[number] | undefined;
  const ofKernel = (kernel: string) => largest?.tsOfC.find((r) => r.kernel === kernel) ?? null;
  const portable = ofKernel("portable");
  const vnni = ofKernel("vnni");
  return [
    ...mlp.points.map((p) => ({
      what: `mlp-i8 check (checkResult) / TypeScript inference, ${p.network}`,
      bar: `<= ${MLP_CHECK_BAR * 100}%`,
      figure: `${(p.checkShare * 100).toFixed(1)}% (without hashing ${(p.checkAloneShare * 100).toFixed(1)}%)`,
      holds: p.checkShare <= MLP_CHECK_BAR,
    })),
    {
      what: `mlp-i8 inference, TypeScript / portable C, ${largest?.network ?? "-"}`,
      bar: `>= ${MLP_TS_OF_C_BAR}`,
      figure: ratioFigure(portable),
      holds: portable === null ? null : portable.median >= MLP_TS_OF_C_BAR,
    },
    {
      what: `mlp-i8 inference, TypeScript / AVX-512 VNNI C, ${largest?.network ?? "-"}`,
      bar: "reported",
      figure: ratioFigure(vnni),
      holds: null,
    },
  ];
}

function endToEndBars(endToEnd: BenchResults["endToEnd"]): Bar[] {
  const at1024 = endToEnd.points.find((p) => p.n === 1024);
  const at256 = endToEnd.points.find((p) => p.n === 256);
  const { commitments } = endToEnd;
  return [
    {
      what: "verifier / provider per job, end to end, 1,024^3, one core",
      bar: "<= 10%",
      figure: at1024 ? `${(at1024.ratio * 100).toFixed(1)}%` : "not measured",
      holds: at1024 ? at1024.ratio <= 0.1 : null,
    },
    {
      what: "verifier jobs per minute, end to end, 256^3, one core",
      bar: ">= 1,000",
      figure: at256 ? int(at256.verifierJobsPerMinute) : "not measured",
      holds: at256 ? at256.verifierJobsPerMinute >= 1000 : null,
    },
    {
      what: "result tree build, TypeScript / best native",
      bar: ">= 50%",
      figure: `${(commitments.ofNative * 100).toFixed(0)}%`,
      holds: commitments.ofNative >= 0.5,
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
    "collateral); the registry's lock, which also checks eligibility, passes an AccessManager check (the " +
    "registry's authority and three permission slots); and the pause flag with the collateral ratio, the " +
    "collateral floor and the minimum provider stake are governed reads",
  submitResult: "the terms are copied from calldata and hashed twice (checked, then rewritten with the result root)",
  finalize:
    "the receipt's record: the provider, payment and result root go into two fresh slots, and the payment token's " +
    "index is read, so that `tokenURI` can render the settled job from storage (the floor counts only the owner " +
    "slot); the registry, receipt and rewards are separate contracts, and two of the calls pass AccessManager " +
    "checks (each contract's authority and the permission slots); and the treasury, the work recorder and the " +
    "epoch clock are governed reads",
  claimTimeout: "the registry's timed-out counter, and `CollateralForfeited` repeating `JobTimedOut`",
  commitProof:
    "the dispute record takes three fresh slots (the floor counts one hash), the job's count of open disputes a " +
    "fourth, and the dispute counter an update; the escrow hashes the terms to check them and the AccessManager " +
    "reads three slots to allow `markDisputed`; the bond's WEFT transfer reads both parties' delegates (ERC20Votes)",
  revealProof:
    "mostly computation the floor leaves out: the checker hashes the k-byte row and column and three Merkle " +
    "proofs and recomputes the dot product, and the commitment is recomputed from the proof; then as " +
    "`resolveFault`, without its status check",
  disputeWithheld:
    "as `commitProof` (four fresh slots where the floor counts one, the counter, the terms hashed), plus the params " +
    "hashed against the job's",
  revealChildren:
    "the provider is checked against the job's terms through the escrow (a call that hashes them), and the record's " +
    "turn, clocks and node hash sit in two slots (the floor counts one), the second rewritten only when the " +
    "provider's order of the pair is not the sorted one",
  chooseChild:
    "the challenger's address, the turn and clocks, and the node hash sit in three slots (the floor counts one)",
  revealChunk:
    "the provider is checked through the escrow as in `revealChildren`, and the chunk's 512 bytes are hashed to " +
    "its leaf",
  proveChunkWrong: "as `revealProof`: the checker's recomputation and then the settlement of `resolveFault`",
  resolveFault:
    "the escrow is asked first whether another dispute already slashed the job (a call that hashes the terms, " +
    "which `resolveDispute` hashes again), `slashAmount` reads the provider's state through two registry views, " +
    "the treasury is a further escrow call, the registry counts the slash, and each of the three payouts has its " +
    "own `SlashPaid` event",
  resolveNoFault:
    "the escrow call checking for a slash by another dispute, the job's count of open disputes in a slot of its " +
    "own, and the terms hashed twice",
  disputeForArbitration:
    "as `commitProof` (four fresh slots where the floor counts one, the counter, the terms hashed), and " +
    "`ArbitrationRequested` carries the evidence URI besides `DisputeOpened`",
  arbitrate:
    "the escrow is asked first whether another dispute already slashed the job (a call that hashes the terms, " +
    "which `resolveDispute` hashes again), the job's count of open disputes sits in a slot of its own, and the " +
    "AccessManager reads three slots for each of the arbiter's and the escrow's permissions",
  queue:
    "OpenZeppelin's GovernorTimelockControl: it hashes the operation, stores its id in the governor and schedules " +
    "it in the timelock, which checks roles and predecessors",
  execute: "OpenZeppelin's timelock and governor bookkeeping around the one parameter write",
};

function gapNotes(gas: BenchResults["gas"]): string {
  const ops = (Object.keys(gas.ops) as (keyof GasResult["ops"])[])
    .filter((op) => GAPS[op] !== undefined)
    .sort((a, b) => gas.ops[b] - gas.floor[b] - (gas.ops[a] - gas.floor[a]))
    .slice(0, 12);
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
    int(gas.weftFloor[op]),
    fixed(gas.weftRatio[op]),
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
    "8/byte per log, 2,600 per token called, 2,100 per cold read it needs); computation is not in it. Weft's own",
    "architecture is gap, not floor: the floor of Weft's architecture (the last two columns) also counts 2,600 per",
    "other Weft contract called, 2,100 per AccessManager permission read and 2,100 per governed parameter read after",
    "the job is created.",
    "",
    table(["operation", "gas", "floor", "gas / floor", "gap", "floor of Weft's architecture", "gas / it"], opRows),
    "",
    `**Lifecycle** (${LIFECYCLE_OPS.map((op) => `\`${op}\``).join(" + ")}): ${int(lifecycle.gas)} gas against a`,
    `floor of ${int(lifecycle.floor)}: **${fixed(lifecycle.ratio)}x** (against the floor of Weft's architecture,`,
    `${int(lifecycle.weftFloor)}: ${fixed(lifecycle.weftRatio)}x). A hash-only escrow with the same lifecycle`,
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
    fraudProofSection(gas.fraudProof),
    "",
    withheldSection(gas.withheldPath),
    "",
    settlementSection(gas.settlementDelay),
  ].join("\n");
}

const STEP_SIDE: Record<WithheldStepName, string> = {
  disputeWithheld: "challenger",
  revealChildren: "provider",
  chooseChild: "challenger",
  revealChunk: "provider",
  proveChunkWrong: "challenger (anyone)",
};

function fraudProofSection(points: BenchResults["gas"]["fraudProof"]): string {
  const largest = points.reduce<(typeof points)[number] | undefined>(
    (max, p) => (max === undefined || p.k > max.k ? p : max),
    undefined,
  );
  const lines = [
    "### Fraud proof",
    "",
    "Both transactions of the proof path: `commitProof` (the bond in, the dispute record, the job frozen) and, a",
    "block later, `revealProof` (the checker's recomputation of one element from Merkle-proven inputs, the refund,",
    "the slash split three ways, the bond out), m = n = 64, each on a fresh provider's first slash. Floors by the",
    "model above (`bench/gas/proof-floor.ts`): each transaction's from its calldata and required work, and at least",
    "its EIP-7623 calldata floor (21,000 + 10 per token, a nonzero byte 4 tokens), which decides the reveal's as k grows.",
    "The dot product is `MatmulI8Checker.dotI8` on random vectors, per element beyond an empty call.",
    "",
    table(
      [
        "k",
        "commitProof",
        "revealProof",
        "path",
        "commit floor",
        "reveal floor",
        "path floor",
        "path / floor",
        "reveal / floor",
        "proof bytes",
        "dot product gas / element",
      ],
      points.map((p) => [
        int(p.k),
        int(p.commitGas),
        int(p.revealGas),
        int(p.gas),
        int(p.floor.commit),
        int(p.floor.reveal),
        int(p.floor.path),
        fixed(p.gas / p.floor.path),
        fixed(p.revealGas / p.floor.reveal),
        int(p.proofBytes),
        fixed(p.dotGasPerElement),
      ]),
    ),
  ];
  if (largest !== undefined) {
    const { floor } = largest;
    const reachable = floor.path <= PROOF_PATH_BAR_GAS;
    lines.push(
      "",
      `At k = ${int(largest.k)} \`revealProof\` pays ${int(largest.revealGas)} gas against its calldata floor of ` +
        `${int(floor.revealCalldata)} (${fixed(largest.revealGas / floor.revealCalldata)}x): the proof's row and ` +
        "column are nearly all nonzero bytes at 40 gas each under EIP-7623, so below the floor further cuts of its " +
        `execution are free. The path pays ${int(largest.gas)} against a floor of ${int(floor.path)} ` +
        `(${fixed(largest.gas / floor.path)}x). ` +
        (reachable
          ? `${int(PROOF_PATH_BAR_GAS)} gas is within the floor.`
          : `${int(PROOF_PATH_BAR_GAS)} gas is below the floor and cannot be reached while the proof path is two ` +
            `transactions: the reveal's calldata floor alone is ${int(floor.revealCalldata)}, which leaves ` +
            `${int(PROOF_PATH_BAR_GAS - floor.revealCalldata)} for a commit whose own floor is ${int(floor.commit)} ` +
            "(21,000 base, its calldata, the job frozen in the escrow, a dispute record, the bond in, its log). The " +
            "commit is what the commit-reveal against mempool copiers costs; a proof settled in one transaction " +
            "would have no commit, and a copier could take its challenger's share."),
    );
  }
  return lines.join("\n");
}

function withheldSection(path: WithheldPath): string {
  const of = (name: WithheldStepName) => path.steps.filter((s) => s.step === name);
  const [reveals, choices] = [of("revealChildren"), of("chooseChild")];
  const levelRows = reveals.map((reveal, i) => [
    reveal.depth,
    int(reveal.node),
    int(reveal.gas),
    int(choices[i]?.gas ?? 0),
  ]);
  const stepRows = WITHHELD_STEPS.map((name) => {
    const { count, gas } = path.byStep[name];
    const range =
      count > 1
        ? `${int(Math.min(...of(name).map((s) => s.gas)))} to ${int(Math.max(...of(name).map((s) => s.gas)))}`
        : int(gas);
    return [`\`${name}\``, STEP_SIDE[name], count, range, int(gas), `${((gas / path.total) * 100).toFixed(1)}%`];
  });
  const paidBy = (side: "provider" | "challenger") =>
    WITHHELD_STEPS.filter((name) => STEP_SIDE[name].startsWith(side)).reduce(
      (sum, name) => sum + path.byStep[name].gas,
      0,
    );
  const transactions = path.steps.length;
  const revealSpread = Math.max(...reveals.map((s) => s.gas)) - Math.min(...reveals.map((s) => s.gas));
  return [
    `### Withheld data: the whole path at ${int(path.m)} x ${int(path.n)}`,
    "",
    `A matmul-i8 job with m = n = ${int(path.m)} and k = ${path.k}: ${int(path.words)} output words in ${int(path.chunks)}`,
    `chunks, a result tree ${path.depth} levels deep. The provider committed to one wrong word (${int(path.wrongWord)})`,
    "and withholds the output; the challenger, who recomputed it, opens the dispute at the root, and the bisection",
    `runs down to chunk ${int(path.chunkIndex)}, which the provider must reveal and in which the challenger proves`,
    "the word wrong (the slash, as in the proof path). Every transaction, in the steady state of the table above:",
    "",
    table(["step", "sent by", "transactions", "gas each", "gas", "share"], stepRows),
    "",
    `**Total: ${int(path.total)} gas in ${transactions} transactions** (the challenger's ${int(paidBy("challenger"))},`,
    `the provider's ${int(paidBy("provider"))}). Each level of the bisection, root first (node: its position in the`,
    `tree; \`revealChildren\` costs up to ${int(revealSpread)} more where the provider's order of the pair is not the`,
    "sorted one, as the pair's hash is then rewritten):",
    "",
    table(["level", "node", "revealChildren", "chooseChild"], levelRows),
  ].join("\n");
}

/** Seconds as the largest whole unit that divides them. */
function duration(seconds: number): string {
  for (const [unit, length] of [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ] as const) {
    if (seconds % length === 0) {
      const count = seconds / length;
      return `${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} s`;
}

function settlementSection(delay: GasResult["settlementDelay"]): string {
  const networks = Object.keys(delay) as (keyof typeof delay)[];
  const rows = networks.map((network) => {
    const d = delay[network];
    return [
      network,
      duration(d.challengeWindow),
      duration(d.responseWindow),
      duration(d.followUpWindow),
      duration(d.arbitrationWindow),
      duration(d.maxDisputeDuration),
      duration(d.disputeWindow),
      `**${duration(d.bound)}**`,
    ];
  });
  return [
    "### Settlement delay bound",
    "",
    "Every job can be finalized at most challengeWindow + `maxDisputeDuration()` after its result was submitted: a",
    "dispute opens before the challenge window closes and lasts at most max(2 x responseWindow + followUpWindow,",
    "arbitrationWindow), both clocks of the bisection and the follow-up, whatever the size of the output. Read from the",
    "contracts deployed with config/parameters.ts's values (governance keeps `maxDisputeDuration()` within the",
    "escrow's dispute window):",
    "",
    table(
      [
        "network",
        "challenge window",
        "response window (each clock)",
        "follow-up window",
        "arbitration window",
        "maxDisputeDuration",
        "dispute window",
        "bound",
      ],
      rows,
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
    "(`slash` is `resolve` of an unanswered withheld-data dispute; `recordWork` is the escrow's call at",
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
  const c =
    "compiler" in verifier.c
      ? `C: \`${verifier.c.compiler}\`, one core, every kernel this CPU runs`
      : `C skipped: ${verifier.c.skipped}`;
  const kernels = verifier.recompute[0]?.c.map((t) => t.kernel) ?? [];
  const freivaldsKernels = verifier.freivalds[0]?.c.map((t) => t.kernel) ?? [];
  const { rounds } = verifier;
  return [
    "## Verifier",
    "",
    `TypeScript (\`src/workloads/matmul-i8\`) against the same algorithms in C (\`bench/c/\`; ${c}), on the same`,
    `operands in the same run, TypeScript and C runs alternating over ${rounds.recompute} rounds (products) and`,
    `${rounds.check} rounds (checks) after untimed warm-up rounds: each figure is the median, and the minimum in`,
    "brackets. The C results are checked against the TypeScript ones (product checksums, flagged rows).",
    "",
    "Freivalds' check (modulo 2^32 - 5, 2 rounds), n x n x n, milliseconds:",
    "",
    table(
      ["n", "TypeScript", ...freivaldsKernels.map((k) => `C ${k}`), "TS / best C"],
      verifier.freivalds.map((p) => [
        int(p.n),
        timingFigure(p.ts),
        ...freivaldsKernels.map((k) => timingFigure(p.c.find((t) => t.kernel === k) ?? null)),
        ratioFigure(p.ratio),
      ]),
    ),
    "",
    `From a failed check to the wrong element at n = ${int(verifier.localizeN)}: **${fixed(verifier.localizeMs, 1)} ms**`,
    "(recomputing the flagged row).",
    "",
    "Full recompute (the reference int8 matmul), GOPS (a multiply-add counts as two operations) from the median run,",
    "from the fastest in brackets; C on one core:",
    "",
    table(
      [
        "n",
        ...verifier.recompute[0].ts.map((t) => `TypeScript, ${t.workers} worker${t.workers > 1 ? "s" : ""}`),
        ...kernels.map((k) => `C ${k}`),
      ],
      verifier.recompute.map((p) => [
        int(p.n),
        ...p.ts.map(gopsFigure),
        ...kernels.map((k) => gopsFigure(p.c.find((t) => t.kernel === k) ?? null)),
      ]),
    ),
    "",
    "TypeScript on one worker over each C kernel (GOPS per core; medians, minimums in brackets):",
    "",
    table(
      ["n", ...kernels.map((k) => `TS / C ${k}`)],
      verifier.recompute.map((p) => [
        int(p.n),
        ...kernels.map((k) => ratioFigure(p.perCoreOfC.find((r) => r.kernel === k) ?? null, 3)),
      ]),
    ),
    "",
    `Checking costs **${(verifier.checkToCompute * 100).toFixed(2)}%** of recomputing at n = 2,048 (Freivalds over a`,
    "single-worker recompute, both TypeScript medians).",
  ].join("\n");
}

function endToEndSection(endToEnd: BenchResults["endToEnd"]): string {
  const { commitments: t } = endToEnd;
  const c = "compiler" in endToEnd.c ? `\`${endToEnd.c.compiler}\`` : `skipped: ${endToEnd.c.skipped}`;
  const ms = (x: number) => fixed(x, 1);
  return [
    "## End to end: checking a job against computing it",
    "",
    "Everything each agent does for one matmul-i8 job (n x n x n), with the agents' own code, in one process on one",
    "core (one thread for the product), the two interleaved round by round ([bench/end-to-end.ts](bench/end-to-end.ts)).",
    "The verifier fetches the inputs and the output from the content store (SHA-256 checked), decodes the params and",
    "runs `checkResult`: it rebuilds the result tree and the input root, then Freivalds' check. The provider fetches",
    "the inputs and checks their root, computes the product, builds the result tree and publishes the output. Chain",
    "calls and the provider's fsynced copy of its output are left out of both.",
    "",
    table(
      [
        "n",
        "verifier ms (median / min)",
        "provider ms (median / min)",
        "verifier / provider",
        "verifier / product",
        "verifier jobs/min",
        "provider jobs/min",
      ],
      endToEnd.points.map((p) => [
        int(p.n),
        `${ms(p.verifier.medianMs)} / ${ms(p.verifier.minMs)}`,
        `${ms(p.provider.medianMs)} / ${ms(p.provider.minMs)}`,
        `${(p.ratio * 100).toFixed(1)}%`,
        `${(p.ratioToCompute * 100).toFixed(0)}%`,
        int(p.verifierJobsPerMinute),
        int(p.providerJobsPerMinute),
      ]),
    ),
    "",
    "The verifier's steps and the provider's, in ms (medians). Without its two commitments, the verifier's fetch and",
    "Freivalds' check alone take the last column's share of the provider's time:",
    "",
    table(
      [
        "n",
        "fetch",
        "result tree",
        "input root",
        "Freivalds",
        "provider: fetch + input root",
        "product",
        "publish",
        "(fetch + Freivalds) / provider",
      ],
      endToEnd.points.map((p) => [
        int(p.n),
        ms(p.verifier.steps.fetch),
        ms(p.verifier.steps.resultTree),
        ms(p.verifier.steps.inputRoot),
        ms(p.verifier.steps.freivalds),
        ms(p.provider.steps.fetchInputs),
        ms(p.provider.steps.compute),
        ms(p.provider.steps.publish),
        `${(((p.verifier.steps.fetch + p.verifier.steps.freivalds) / p.provider.medianMs) * 100).toFixed(1)}%`,
      ]),
    ),
    "",
    `The result tree of the ${int(t.bytes / 4)}-word output (${int(t.permutations)} Keccak-f[1600] permutations):`,
    `TypeScript (WebAssembly keccak, src/commitments/keccak.wat) **${fixed(t.tsMiBs, 1)} MiB/s**; the same tree in C`,
    `(bench/c/keccak.c, ${c}, same root) ${fixed(t.cMiBs, 1)} MiB/s; OpenSSL's SHA3-256 (the same permutation) hashes`,
    `${fixed(t.opensslBulkMiBs, 1)} MiB/s in bulk, ${fixed(t.opensslTreeMiBs, 1)} MiB/s scaled to the tree's permutations;`,
    `our kernel hashes ${fixed(t.wasmBulkMiBs, 1)} MiB/s in bulk. TypeScript over the best native tree:`,
    `**${(t.ofNative * 100).toFixed(0)}%**. The alternative, the same tree with SHA-256 through node's OpenSSL (SHA-NI,`,
    `one call per hash: node has no batched SHA-256), builds at ${fixed(t.sha256TreeMiBs, 1)} MiB/s.`,
  ].join("\n");
}

function mlpSection(mlp: NonNullable<BenchResults["mlp"]>): string {
  const c = "compiler" in mlp.c ? `\`${mlp.c.compiler}\`` : `skipped: ${mlp.c.skipped}`;
  const kernels = mlp.points[0]?.c.map((t) => t.kernel) ?? [];
  const ms = (x: number) => fixed(x, 1);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const gmacs = (t: { gmacs: number; bestGmacs: number } | undefined) =>
    t === undefined ? "-" : `${fixed(t.gmacs, 1)} (${fixed(t.bestGmacs, 1)})`;
  const { run } = mlp;
  return [
    "## mlp-i8: inference, check and fraud proof",
    "",
    `\`${run.command}\` on ${run.date.slice(0, 10)} ([bench/mlp.ts](bench/mlp.ts)). Generated networks (uniform int8`,
    "weights and inputs, ReLU hidden layers, identity logits), one core. Every round runs, in turn, the TypeScript",
    `reference (\`runMlp\`), the same arithmetic in C ([bench/c/mlp.c](bench/c/mlp.c), ${c}: \`portable\` is`,
    "unit-major dot products the compiler vectorizes, `vnni` is AVX-512 VNNI `vpdpbusd`; each C output is compared",
    "with the TypeScript one byte for byte every round), the provider's whole job (inference, output encoding, result",
    "tree, input root) and the verifier's check as it runs once inputs and output are fetched (`checkResult`: the",
    "result tree and the input root, then `checkMlp`: Freivalds per layer and the requantization of every activation),",
    "on the correct output, and `checkMlp` alone. Medians, minimums in brackets.",
    "",
    "Inference, billions of multiply-adds a second:",
    "",
    table(
      [
        "network x batch",
        "multiply-adds",
        "rounds",
        "TypeScript",
        ...kernels.map((k) => `C ${k}`),
        ...kernels.map((k) => `TS / C ${k}`),
      ],
      mlp.points.map((p) => [
        p.network,
        int(p.multiplyAdds),
        p.rounds,
        gmacs(p.ts),
        ...kernels.map((k) => gmacs(p.c.find((t) => t.kernel === k))),
        ...kernels.map((k) => ratioFigure(p.tsOfC.find((r) => r.kernel === k) ?? null, 3)),
      ]),
    ),
    "",
    "The verifier's check against the inference and the provider's job, in ms:",
    "",
    table(
      [
        "network x batch",
        "TS inference",
        "provider (whole job)",
        "check (checkResult)",
        "check / inference",
        "check / provider",
        "checkMlp alone",
        "checkMlp / inference",
      ],
      mlp.points.map((p) => [
        p.network,
        `${ms(p.ts.medianMs)} (${ms(p.ts.minMs)})`,
        `${ms(p.provider.medianMs)} (${ms(p.provider.minMs)})`,
        `${ms(p.check.medianMs)} (${ms(p.check.minMs)})`,
        `**${pct(p.checkShare)}**`,
        pct(p.checkOfProvider),
        `${ms(p.checkAlone.medianMs)} (${ms(p.checkAlone.minMs)})`,
        pct(p.checkAloneShare),
      ]),
    ),
    "",
    "Where the time goes, each step timed on its own in the same rounds (ms, medians): the provider's steps, then the",
    "check's (the result tree and input root are the same computations for both; the transposes are of each layer's",
    "batch-sized input, since `checkMlp` runs Freivalds on the transposed product with the weights as stored):",
    "",
    table(
      [
        "network x batch",
        "model bytes",
        "output bytes",
        "inference",
        "encode",
        "result tree",
        "input root",
        "decode",
        "transposes",
        "Freivalds",
        "requantization",
      ],
      mlp.points.map((p) => [
        p.network,
        int(p.modelBytes),
        int(p.outputBytes),
        ms(p.provider.steps.inference),
        ms(p.provider.steps.encode),
        ms(p.checkSteps.resultTree),
        ms(p.checkSteps.inputRoot),
        ms(p.checkSteps.decode),
        ms(p.checkSteps.transposes),
        ms(p.checkSteps.freivalds),
        ms(p.checkSteps.requantize),
      ]),
    ),
    "",
    "The fraud proof per layer width ([bench/gas/mlp-proof.ts](bench/gas/mlp-proof.ts)): a width-width-10 network on",
    "a batch of 4 with one wrong activation in the first layer (its input row a batch row, proven against the input",
    "root) or in the second (its input row the first layer's committed activations: the result chunks holding them,",
    "each proven against the result root). `check` is `MlpI8Checker.check`'s execution (traced), then the same call",
    "as a transaction of its own (21,000 + calldata + execution, or its EIP-7623 calldata floor if that is more); the",
    "path is `commitProof` + `revealProof` through the DisputeManager, beside the floors of the gas section's model:",
    "",
    table(
      [
        "width",
        "layer",
        "check executed",
        "check as a transaction",
        "its calldata floor",
        "commitProof",
        "revealProof",
        "path",
        "path floor",
        "path / floor",
        "reveal calldata floor",
        "reveal / calldata floor",
        "proof bytes",
      ],
      mlp.proofGas.map((p) => [
        int(p.width),
        p.layer,
        int(p.checkExecutionGas),
        int(p.checkGas),
        int(p.checkCalldataFloor),
        int(p.commitGas),
        int(p.revealGas),
        int(p.gas),
        int(p.floor.path),
        fixed(p.gas / p.floor.path),
        int(p.floor.revealCalldata),
        fixed(p.revealGas / p.floor.revealCalldata),
        int(p.proofBytes),
      ]),
    ),
  ].join("\n");
}

const timingFigure = (t: Timing | null) => (t === null ? "-" : `${fixed(t.medianMs)} (${fixed(t.minMs)})`);
const gopsFigure = (t: MatmulTiming | null) => (t === null ? "-" : `${fixed(t.gops, 1)} (${fixed(t.bestGops, 1)})`);

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
    endToEndSection(results.endToEnd),
    "",
    ...(results.mlp === undefined ? [] : [mlpSection(results.mlp), ""]),
  ].join("\n");
}

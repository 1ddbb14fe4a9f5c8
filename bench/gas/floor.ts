/**
 * The EVM floor of each operation: the gas that no implementation of the same protocol can avoid, given what the
 * operation must record, move and announce. Measured gas / floor says how far an implementation is from the best
 * possible one; the gap is overhead (extra slots, extra calls, computation, checks).
 *
 * The model, per transaction:
 * - 21,000 base (Yellow Paper G_transaction) plus calldata: the standard 4 per zero byte and 16 per nonzero byte
 *   (EIP-2028), or, if more, the EIP-7623 floor of 10 per token (a zero byte 1 token, a nonzero byte 4 tokens).
 *   The calldata is the transaction's own, as sent: the ABI encoding the interface asks for.
 * - The storage each operation must write, under the tightest packing its facts allow (every fact a contract needs
 *   in one slot where it fits, a job as one hash of its terms as in a hash-only escrow):
 *   a fresh slot 22,100 (SSTORE_SET 20,000 + cold access 2,100, EIP-2200/2929), an update of a cold slot 5,000
 *   (2,900 + 2,100), an update of a slot already read in the transaction 2,900, an update of a slot already written
 *   in it 100, a cleared slot 5,000 with 4,800 refunded (EIP-3529; refunds capped at a fifth of the gas used).
 * - Cold reads (2,100) of state the operation must consult and does not write (an allow-list entry, vote
 *   checkpoints, epoch totals), and the first call to each token it moves (2,600, EIP-2929).
 * - One log per operation with its facts (375 + 375 per topic + 8 per byte, Yellow Paper G_log), fixed fields as
 *   32-byte words and dynamic ones (URIs, params, chunks) at their raw length; plus the logs a standard requires of
 *   the tokens involved (ERC-20 and ERC-721 Transfer, ERC-2612 Approval, OpenZeppelin governance events).
 * - Signature checks: ecrecover, 3,000.
 * Left out on purpose: hashing, memory, arithmetic and the checkers' recomputation. A floor is a lower bound on what
 * storage, calls, logs and calldata cost, not an estimate of what the rest costs.
 *
 * Two floors come out of the same requirements. The floor (the primary one, `floorGas(..., "honest")`) counts only
 * what any implementation of the protocol must pay. Weft's own architecture is gap, not floor: each requirement it
 * adds is tagged with a {WeftCost} and counted only in the floor of Weft's architecture (`"weft"`), the figure the
 * benchmarks showed before, kept as a second column:
 * - the first call to each other Weft contract (2,600): the registry, receipt, rewards, escrow, checker, timelock and
 *   AccessManager that DESIGN.md makes separate contracts; one contract holding them would not pay it;
 * - AccessManager permission reads (2,100 each): every restricted hook between them (lockCollateral, recordWork,
 *   slash, ...) asks the AccessManager; a contract calling its own code, or trusting an immutable caller, does not;
 * - governed-parameter reads (2,100 each): collateral ratio and floor, windows, treasury, reward clock and rate, the
 *   checkers, dispute and governance settings. A design that fixes each job's parameters at createJob, where the job
 *   counter's slot is written anyway, and commits them in the job's hash reads none of them later; the payment
 *   token's allow-list entry, read at createJob, stays in the floor, as it values the payment in WEFT, a fact of the
 *   job itself.
 */

/** Gas constants, each from the Yellow Paper or the EIP named. */
export const EVM = {
  txBase: 21_000,
  calldataZeroByte: 4,
  calldataNonZeroByte: 16,
  /** EIP-7623 TOTAL_COST_FLOOR_PER_TOKEN; a zero byte is one token and a nonzero byte four. */
  floorPerToken: 10,
  coldSload: 2_100,
  coldAccount: 2_600,
  warmAccess: 100,
  sstoreSet: 20_000,
  sstoreReset: 2_900,
  /** EIP-3529 SSTORE_CLEARS_SCHEDULE. */
  clearRefund: 4_800,
  /** EIP-3529: refunds are capped at gas used / 5. */
  maxRefundQuotient: 5,
  log: 375,
  logTopic: 375,
  logDataByte: 8,
  ecrecover: 3_000,
} as const;

/** What Weft's architecture adds to the floor of any implementation (see the module's comment). */
export type WeftCost = "call between Weft's contracts" | "permission read" | "governed-parameter read";

/** Which floor to compute: what any implementation pays, or that plus Weft's architecture. */
export type FloorKind = "honest" | "weft";

/**
 * One thing an operation cannot avoid doing. `what` says which fact or which contract, for the report; `weft` marks
 * what only Weft's architecture needs.
 */
export type Requirement = { readonly what: string; readonly weft?: WeftCost } & (
  | { readonly kind: "new-slot" | "update" | "read-update" | "dirty-update" | "clear" }
  /** An allowance a permit sets and the same transaction spends back to zero. */
  | { readonly kind: "set-and-clear" }
  | { readonly kind: "read" }
  | { readonly kind: "call" }
  | { readonly kind: "ecrecover" }
  | { readonly kind: "log"; readonly topics: number; readonly dataBytes: number }
);

/** Gas and refund of one requirement. */
export function requirementGas(r: Requirement): { gas: number; refund: number } {
  switch (r.kind) {
    case "new-slot":
      return { gas: EVM.coldSload + EVM.sstoreSet, refund: 0 };
    case "update":
      return { gas: EVM.coldSload + EVM.sstoreReset, refund: 0 };
    case "read-update":
      return { gas: EVM.sstoreReset, refund: 0 };
    case "dirty-update":
      return { gas: EVM.warmAccess, refund: 0 };
    case "clear":
      return { gas: EVM.coldSload + EVM.sstoreReset, refund: EVM.clearRefund };
    case "set-and-clear":
      // 0 -> x cold, then x -> 0 on the dirty slot, which refunds the set (EIP-2200 with EIP-3529's values).
      return { gas: EVM.coldSload + EVM.sstoreSet + EVM.warmAccess, refund: EVM.sstoreSet - EVM.warmAccess };
    case "read":
      return { gas: EVM.coldSload, refund: 0 };
    case "call":
      return { gas: EVM.coldAccount, refund: 0 };
    case "ecrecover":
      return { gas: EVM.ecrecover, refund: 0 };
    case "log":
      return { gas: EVM.log + EVM.logTopic * r.topics + EVM.logDataByte * r.dataBytes, refund: 0 };
  }
}

/** Standard and EIP-7623 floor cost of `calldata` (0x-prefixed hex). */
export function calldataGas(calldata: string): { standard: number; floor: number } {
  let zeros = 0;
  let nonZeros = 0;
  for (let i = 2; i < calldata.length; i += 2) {
    if (calldata.slice(i, i + 2) === "00") zeros++;
    else nonZeros++;
  }
  return {
    standard: zeros * EVM.calldataZeroByte + nonZeros * EVM.calldataNonZeroByte,
    floor: (zeros + 4 * nonZeros) * EVM.floorPerToken,
  };
}

/** The floor of a transaction with `calldata` that must do `requirements`, with or without Weft's architecture. */
export function floorGas(calldata: string, requirements: readonly Requirement[], kind: FloorKind = "honest"): number {
  const { standard, floor } = calldataGas(calldata);
  let execution = 0;
  let refund = 0;
  for (const r of requirements) {
    if (kind === "honest" && r.weft !== undefined) continue;
    const cost = requirementGas(r);
    execution += cost.gas;
    refund += cost.refund;
  }
  const beforeRefund = EVM.txBase + standard + execution;
  const afterRefund = beforeRefund - Math.min(refund, Math.floor(beforeRefund / EVM.maxRefundQuotient));
  return Math.max(afterRefund, EVM.txBase + floor);
}

// ------------------------------------------------------------------ building blocks

const WORD = 32;
const slot = (kind: "new-slot" | "update" | "read-update" | "dirty-update" | "clear", what: string): Requirement => ({
  kind,
  what,
});
const read = (what: string): Requirement => ({ kind: "read", what });
const call = (what: string): Requirement => ({ kind: "call", what });
/** The first call to another of Weft's contracts. */
const weftCall = (contract: string): Requirement => ({
  kind: "call",
  what: contract,
  weft: "call between Weft's contracts",
});
/** A cold read of a governed parameter. */
const governed = (what: string): Requirement => ({ kind: "read", what, weft: "governed-parameter read" });
/** A cold read of one AccessManager permission. */
const permission = (what: string): Requirement => ({
  kind: "read",
  what: `permission for ${what}`,
  weft: "permission read",
});
const log = (what: string, topics: number, dataBytes: number): Requirement => ({
  kind: "log",
  what,
  topics,
  dataBytes,
});

interface TransferShape {
  /** The token was already called in this transaction. */
  readonly tokenWarm?: boolean;
  /** The sender's balance was already written in this transaction. */
  readonly fromDirty?: boolean;
  /** transferFrom under a standing allowance, which it decrements. */
  readonly spendsAllowance?: boolean;
}

/** An ERC-20 transfer between two holders with balances (steady state): two balance updates and its Transfer log. */
function transfer(token: string, from: string, to: string, shape: TransferShape = {}): Requirement[] {
  return [
    ...(shape.tokenWarm ? [] : [call(token)]),
    slot(shape.fromDirty ? "dirty-update" : "update", `${token} balance of ${from}`),
    slot("update", `${token} balance of ${to}`),
    ...(shape.spendsAllowance ? [slot("update", `${token} allowance of ${from}`)] : []),
    log(`${token} Transfer`, 3, WORD),
  ];
}

/** What a slash must do: the provider's stake and jail (one packed slot), and the split paid three ways in WEFT. */
function slashAndSplit(tokenWarm: boolean): Requirement[] {
  return [
    weftCall("ProviderRegistry"),
    slot("update", "provider's stake, lock and jail"),
    ...(tokenWarm ? [] : [call("WEFT")]),
    slot("update", "WEFT balance of the registry"),
    slot("update", "WEFT balance of the challenger"),
    log("WEFT Transfer", 3, WORD),
    slot("update", "WEFT balance of the client"),
    log("WEFT Transfer", 3, WORD),
    slot("update", "WEFT balance of the treasury"),
    log("WEFT Transfer", 3, WORD),
  ];
}

/** What ERC20Votes must do when a balance or delegation moves votes: a checkpoint appended to a history. */
function checkpoint(whose: string): Requirement[] {
  return [slot("new-slot", `checkpoint of ${whose}`), slot("update", `checkpoint count of ${whose}`)];
}

const accessCheck = (what: string): Requirement[] => [weftCall("AccessManager"), permission(what)];

/** Opening a dispute: the governed bond and window, and the job frozen in the escrow. */
function openDispute(): Requirement[] {
  return [
    governed("dispute parameters (governed)"),
    weftCall("JobEscrow"),
    ...accessCheck("markDisputed"),
    slot("update", "job record (disputed)"),
  ];
}

/** The challenger's bond, taken under its standing allowance. */
const bondIn = (): Requirement[] => transfer("WEFT", "challenger", "DisputeManager", { spendsAllowance: true });

/**
 * A dispute settled at fault: the client refunded through the escrow, the slash split three ways, the bond back to
 * the challenger (whose balance the split just wrote).
 */
function settleFault(): Requirement[] {
  return [
    governed("dispute parameters (governed: split and stake share)"),
    weftCall("JobEscrow"),
    ...accessCheck("resolveDispute"),
    permission("slash"),
    slot("update", "job record (slashed)"),
    ...transfer("tUSD", "escrow", "client"),
    ...slashAndSplit(false),
    slot("update", "WEFT balance of the DisputeManager"),
    slot("dirty-update", "WEFT balance of the challenger"),
    log("WEFT Transfer", 3, WORD),
  ];
}

/** A fraud proven by the workload's checker, which settles the dispute at fault (one log with the facts). */
function proveFraud(): Requirement[] {
  return [
    governed("workload's checker"),
    weftCall("checker"),
    ...settleFault(),
    // wordIndex, committed word, correct word.
    log("FraudProven", 2, 3 * WORD),
  ];
}

// ------------------------------------------------------------------ the required work of each operation

/** Sizes of an operation's dynamic arguments, in bytes, as the measurement sent them. */
export type DynamicSizes = Readonly<Record<string, number>>;

function size(sizes: DynamicSizes, key: string): number {
  const value = sizes[key];
  if (value === undefined) throw new Error(`the floor needs the size of "${key}"`);
  return value;
}

const createJob = (s: DynamicSizes): Requirement[] => [
  read("payment-token allow-list entry (with its value in WEFT)"),
  slot("update", "job counter and governed parameters"),
  slot("new-slot", "job record (one hash of its terms)"),
  ...transfer("tUSD", "client", "escrow", { spendsAllowance: true }),
  // workloadId, inputRoot, paymentToken, payment, its value, provider, submitDeadline; then params and inputURI raw.
  log("JobCreated", 3, 7 * WORD + size(s, "params") + size(s, "inputURI")),
];

const voteCast = (): Requirement[] => [
  slot("new-slot", "voter has voted"),
  slot("update", "proposal's tally"),
  read("proposal record"),
  read("voter's checkpoint count"),
  read("voter's checkpoint at the snapshot"),
  log("VoteCast", 2, 3 * WORD),
];

/** The required work of every measured operation, in the steady state the gas bench measures it in. */
export const REQUIRED = {
  stake: () => [
    slot("update", "provider's stake"),
    ...transfer("WEFT", "provider", "registry", { spendsAllowance: true }),
    log("Staked", 2, WORD),
  ],
  requestUnbond: () => [
    slot("update", "provider's stake"),
    slot("new-slot", "unbonding entry"),
    log("UnbondRequested", 2, 2 * WORD),
  ],
  withdraw: () => [
    slot("clear", "matured unbonding entry"),
    ...transfer("WEFT", "registry", "provider"),
    log("Withdrawn", 2, WORD),
  ],
  createJob,
  createJobWithPermit: (s: DynamicSizes) => [
    ...createJob(s).filter((r) => !(r.kind === "update" && r.what === "tUSD allowance of client")),
    { kind: "ecrecover", what: "permit signature" },
    slot("update", "client's permit nonce"),
    { kind: "set-and-clear", what: "tUSD allowance of client" },
    log("tUSD Approval", 3, WORD),
  ],
  acceptJob: () => [
    slot("update", "job record"),
    governed("collateral ratio and floor (governed)"),
    weftCall("ProviderRegistry"),
    governed("minimum provider stake (governed)"),
    ...accessCheck("lockCollateral"),
    slot("update", "provider's locked collateral"),
    log("JobAccepted", 3, WORD),
  ],
  submitResult: (s: DynamicSizes) => [
    slot("update", "job record (result root)"),
    governed("challenge window (governed)"),
    log("ResultSubmitted", 3, 2 * WORD + size(s, "resultURI")),
  ],
  finalize: () => [
    slot("update", "job record"),
    governed("treasury (governed)"),
    weftCall("ProviderRegistry"),
    ...accessCheck("unlockCollateral"),
    slot("update", "provider's locked collateral and jobs completed"),
    ...transfer("tUSD", "escrow", "provider"),
    ...transfer("tUSD", "escrow", "treasury", { tokenWarm: true, fromDirty: true }),
    weftCall("ComputeReceipt"),
    slot("new-slot", "receipt owner"),
    slot("update", "client's receipt count"),
    log("ERC-721 Transfer", 4, 0),
    weftCall("RewardDistributor"),
    permission("recordWork"),
    governed("epoch clock (governed)"),
    governed("payment-token rate (governed)"),
    slot("update", "provider's weight in the epoch"),
    slot("update", "epoch's total weight"),
    log("JobFinalized", 3, 2 * WORD),
  ],
  cancelJob: () => [
    slot("update", "job record"),
    ...transfer("tUSD", "escrow", "client"),
    log("JobCancelled", 2, WORD),
  ],
  claimTimeout: () => [
    slot("update", "job record"),
    governed("liveness penalty (governed)"),
    weftCall("ProviderRegistry"),
    ...accessCheck("forfeitCollateral"),
    slot("update", "provider's stake and locked collateral"),
    ...transfer("WEFT", "registry", "client"),
    ...transfer("tUSD", "escrow", "client"),
    log("JobTimedOut", 3, 2 * WORD),
  ],
  commitProof: () => [
    ...openDispute(),
    governed("workload's checker"),
    // The dispute record: challenger, bond, deadline and the commitment, as one hash.
    slot("new-slot", "dispute record"),
    ...bondIn(),
    log("DisputeOpened", 3, 3 * WORD),
  ],
  revealProof: () => [slot("update", "dispute record (the commitment checked, then settled)"), ...proveFraud()],
  disputeWithheld: () => [
    ...openDispute(),
    governed("workload's checker"),
    // The output's size, which fixes the tree the bisection walks.
    weftCall("checker"),
    // The dispute record: challenger, bond, deadline, both clocks, the node and its hash, as one hash.
    slot("new-slot", "dispute record"),
    ...bondIn(),
    log("DisputeOpened", 3, 3 * WORD),
  ],
  // A move reads and writes the dispute record, which holds the turn, both clocks and the disputed node (the
  // provider's address among the terms it commits to), and announces the move to the other side.
  revealChildren: () => [
    slot("update", "dispute record (the revealed pair, the provider's clock)"),
    // node, left, right, deadline.
    log("ChildrenRevealed", 2, 4 * WORD),
  ],
  chooseChild: () => [
    slot("update", "dispute record (the chosen node and its hash, the challenger's clock)"),
    // node, its hash, deadline.
    log("ChildChosen", 2, 3 * WORD),
  ],
  revealChunk: (s: DynamicSizes) => [
    slot("update", "dispute record (chunk revealed)"),
    governed("follow-up window (governed)"),
    // chunk index, follow-up deadline, then the chunk raw (its proof is the siblings already logged).
    log("ChunkRevealed", 2, 2 * WORD + size(s, "chunk")),
  ],
  proveChunkWrong: () => [slot("update", "dispute record (settled)"), ...proveFraud()],
  resolveFault: () => [
    slot("update", "dispute record (settled)"),
    ...settleFault(),
    log("DisputeSettled", 2, 3 * WORD),
  ],
  resolveNoFault: () => [
    slot("update", "dispute record (settled)"),
    weftCall("JobEscrow"),
    ...accessCheck("resolveDispute"),
    slot("update", "job record (dispute over)"),
    ...transfer("WEFT", "DisputeManager", "provider"),
    log("DisputeSettled", 2, 3 * WORD),
  ],
  disputeForArbitration: (s: DynamicSizes) => [
    ...openDispute(),
    governed("workload's checker (none)"),
    slot("new-slot", "dispute record"),
    ...bondIn(),
    log("DisputeOpened", 3, 3 * WORD + size(s, "evidenceURI")),
  ],
  arbitrate: () => [
    ...accessCheck("ARBITER"),
    slot("update", "dispute record"),
    weftCall("JobEscrow"),
    permission("resolveDispute"),
    slot("update", "job record"),
    ...transfer("WEFT", "DisputeManager", "provider"),
    log("DisputeSettled", 2, 3 * WORD),
  ],
  claim: () => [
    slot("update", "provider's epoch record (claimed)"),
    read("epoch totals"),
    governed("epoch clock and reward cap (governed)"),
    call("WEFT"),
    ...accessCheck("MINTER"),
    slot("update", "WEFT total supply"),
    slot("update", "WEFT balance of the provider"),
    ...checkpoint("the total supply"),
    log("WEFT Transfer", 3, WORD),
    log("RewardClaimed", 3, WORD),
  ],
  delegate: () => [
    read("holder's balance"),
    slot("new-slot", "holder's delegate"),
    ...checkpoint("the delegate"),
    log("DelegateChanged", 4, 0),
    log("DelegateVotesChanged", 2, 2 * WORD),
  ],
  propose: (s: DynamicSizes) => [
    governed("governor settings"),
    read("proposer's checkpoint count"),
    read("proposer's latest checkpoint"),
    slot("new-slot", "proposal record"),
    // proposalId, proposer, voteStart, voteEnd, then per action target and value, calldata and description raw.
    log("ProposalCreated", 1, 4 * WORD + size(s, "actions") * 2 * WORD + size(s, "calldatas") + size(s, "description")),
  ],
  castVote: voteCast,
  castVoteBySig: () => [
    ...voteCast(),
    { kind: "ecrecover", what: "ballot signature" },
    slot("update", "voter's ballot nonce"),
  ],
  queue: (s: DynamicSizes) => [
    read("proposal record"),
    read("proposal's tally"),
    slot("update", "proposal record (queued)"),
    weftCall("TimelockController"),
    permission("proposing"),
    governed("timelock delay"),
    slot("new-slot", "timelock operation"),
    log("ProposalQueued", 1, 2 * WORD),
    log("CallScheduled", 3, 4 * WORD + size(s, "calldatas")),
  ],
  execute: (s: DynamicSizes) => [
    slot("update", "proposal record (executed)"),
    weftCall("TimelockController"),
    permission("executing"),
    slot("update", "timelock operation (done)"),
    weftCall("JobEscrow"),
    ...accessCheck("PARAMETERS"),
    slot("update", "JobEscrow governed parameters"),
    log("ProtocolFeeSet", 1, 2 * WORD),
    log("CallExecuted", 3, 2 * WORD + size(s, "calldatas")),
    log("ProposalExecuted", 1, WORD),
  ],
} as const satisfies Record<string, (sizes: DynamicSizes) => Requirement[]>;

export type OpName = keyof typeof REQUIRED;

const hashEscrowJob = (what: string, dataBytes: number): Requirement[] => [
  slot("update", "job hash"),
  log(what, 3, dataBytes),
];

/** The same model applied to the baselines measured next to Weft's operations. */
export const BASELINE_REQUIRED = {
  erc20Transfer: () => [
    slot("update", "sender's balance"),
    slot("update", "recipient's balance"),
    log("Transfer", 3, WORD),
  ],
  erc721Mint: () => [slot("new-slot", "token owner"), slot("update", "recipient's count"), log("Transfer", 4, 0)],
  governorCastVote: voteCast,
  hashEscrowCreateJob: (s: DynamicSizes) => createJob(s).filter((r) => r.kind !== "read"),
  hashEscrowAcceptJob: () => hashEscrowJob("JobAccepted", 0),
  hashEscrowSubmitResult: (s: DynamicSizes) => hashEscrowJob("ResultSubmitted", WORD + size(s, "resultURI")),
  hashEscrowFinalize: () => [
    ...hashEscrowJob("JobFinalized", 2 * WORD),
    ...transfer("tUSD", "escrow", "provider"),
    ...transfer("tUSD", "escrow", "treasury", { tokenWarm: true, fromDirty: true }),
  ],
} as const satisfies Record<string, (sizes: DynamicSizes) => Requirement[]>;

export type BaselineName = keyof typeof BASELINE_REQUIRED;

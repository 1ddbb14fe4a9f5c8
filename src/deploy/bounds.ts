/**
 * The bounds the contracts enforce on every parameter a deployment passes them, checked before anything is sent: a
 * value out of bounds would otherwise stop the deployment halfway, with the contract's revert buried in Ignition's
 * report. test/integration/DeployTasks.test.ts reads each named constant from the deployed contracts and probes each
 * governed setter, so these figures cannot drift from the Solidity.
 */
import { ethers } from "ethers";

import { VESTED_ALLOCATIONS, type WeftParameters } from "../../config/parameters";
import { span } from "../markdown";
import { UserError } from "../errors";

/** How a parameter's value reads to people. */
export type ParameterUnit = "seconds" | "weft" | "bps" | "percent";

/** The contracts whose constructor or setter bounds a deployment parameter. */
export type BoundingContract =
  | "ComputeToken"
  | "CliffVestingWallet"
  | "SecurityCouncil"
  | "ProviderRegistry"
  | "JobEscrow"
  | "DisputeManager"
  | "RewardDistributor"
  | "ComputeGovernor";

export interface ParameterBound {
  readonly unit: ParameterUnit;
  readonly min: bigint;
  readonly max: bigint;
  /** The contract that refuses a value out of bounds. */
  readonly contract: BoundingContract;
  /** The contract's public constants holding `min` and `max`; a bound without one is a literal or a type's range. */
  readonly constants?: { readonly min?: string; readonly max?: string };
}

const MINUTE = 60n;
const DAY = 86_400n;
const WEFT = 10n ** 18n;
const BPS = 10_000n;
/** Parameters the contracts take as uint48, uint32, uint64 or uint96 (OpenZeppelin's governor, vesting wallet). */
const UINT = (bits: bigint) => 2n ** bits - 1n;

const windows = (contract: BoundingContract): ParameterBound => ({
  unit: "seconds",
  min: 1n * MINUTE,
  max: 30n * DAY,
  contract,
  constants: { min: "MIN_WINDOW", max: "MAX_WINDOW" },
});
const shareOfBps = (contract: BoundingContract): ParameterBound => ({ unit: "bps", min: 0n, max: BPS, contract });
const vesting: ParameterBound = { unit: "seconds", min: 0n, max: UINT(64n), contract: "CliffVestingWallet" };

/** Every numeric deployment parameter with a bound, by its path in config/parameters.ts. */
export const PARAMETER_BOUNDS: Readonly<Record<string, ParameterBound>> = {
  // ERC20Capped refuses a zero cap.
  "token.cap": { unit: "weft", min: 1n, max: UINT(256n), contract: "ComputeToken" },
  "launch.bootstrapDuration": {
    unit: "seconds",
    min: 1n * DAY,
    max: 730n * DAY,
    contract: "SecurityCouncil",
    constants: { min: "MIN_BOOTSTRAP_DURATION", max: "MAX_BOOTSTRAP_DURATION" },
  },
  ...Object.fromEntries(
    VESTED_ALLOCATIONS.flatMap((name) =>
      ["startOffset", "cliff", "duration"].map((field) => [`launch.vested.${name}.${field}`, vesting]),
    ),
  ),
  "registry.unbondingPeriod": {
    unit: "seconds",
    min: 1n * MINUTE,
    max: 90n * DAY,
    contract: "ProviderRegistry",
    constants: { min: "MIN_UNBONDING_PERIOD", max: "MAX_UNBONDING_PERIOD" },
  },
  "registry.jailDuration": {
    unit: "seconds",
    min: 1n * MINUTE,
    max: 365n * DAY,
    contract: "ProviderRegistry",
    constants: { min: "MIN_JAIL_DURATION", max: "MAX_JAIL_DURATION" },
  },
  "registry.minProviderStake": {
    unit: "weft",
    min: 0n,
    max: 1_000_000n * WEFT,
    contract: "ProviderRegistry",
    constants: { max: "MAX_MIN_PROVIDER_STAKE" },
  },
  "escrow.protocolFeeBps": {
    unit: "bps",
    min: 0n,
    max: 1_000n,
    contract: "JobEscrow",
    constants: { max: "MAX_PROTOCOL_FEE_BPS" },
  },
  "escrow.collateralRatioBps": {
    unit: "bps",
    min: 1_000n,
    max: 200_000n,
    contract: "JobEscrow",
    constants: { min: "MIN_COLLATERAL_RATIO_BPS", max: "MAX_COLLATERAL_RATIO_BPS" },
  },
  "escrow.minCollateral": {
    unit: "weft",
    min: 0n,
    max: 1_000_000n * WEFT,
    contract: "JobEscrow",
    constants: { max: "MAX_MIN_COLLATERAL" },
  },
  "escrow.challengeWindow": windows("JobEscrow"),
  "escrow.disputeWindow": windows("JobEscrow"),
  "escrow.livenessPenaltyBps": {
    unit: "bps",
    min: 0n,
    max: BPS,
    contract: "JobEscrow",
    constants: { max: "MAX_LIVENESS_PENALTY_BPS" },
  },
  // setPaymentToken takes the minimum payment as a uint96.
  "escrow.minPaymentWeft": { unit: "weft", min: 0n, max: UINT(96n), contract: "JobEscrow" },
  "disputes.bond": {
    unit: "weft",
    min: 1n * WEFT,
    max: 1_000_000n * WEFT,
    contract: "DisputeManager",
    constants: { min: "MIN_BOND", max: "MAX_BOND" },
  },
  "disputes.responseWindow": windows("DisputeManager"),
  "disputes.followUpWindow": windows("DisputeManager"),
  "disputes.arbitrationWindow": windows("DisputeManager"),
  "disputes.slashSplit.challengerBps": shareOfBps("DisputeManager"),
  "disputes.slashSplit.clientBps": shareOfBps("DisputeManager"),
  "disputes.slashSplit.treasuryBps": shareOfBps("DisputeManager"),
  "disputes.stakeShareBps": shareOfBps("DisputeManager"),
  "rewards.epochLength": {
    unit: "seconds",
    min: 1n * MINUTE,
    max: 90n * DAY,
    contract: "RewardDistributor",
    constants: { min: "MIN_EPOCH_LENGTH", max: "MAX_EPOCH_LENGTH" },
  },
  "rewards.initialEmission": {
    unit: "weft",
    min: 0n,
    max: 10_000_000n * WEFT,
    contract: "RewardDistributor",
    constants: { max: "MAX_EPOCH_EMISSION" },
  },
  "rewards.decayBps": {
    unit: "bps",
    min: 0n,
    max: 5_000n,
    contract: "RewardDistributor",
    constants: { max: "MAX_DECAY_BPS" },
  },
  "rewards.rewardCapBps": {
    unit: "bps",
    min: 0n,
    max: 9_000n,
    contract: "RewardDistributor",
    constants: { max: "MAX_REWARD_CAP_BPS" },
  },
  // OpenZeppelin's GovernorSettings (a uint48 delay, a non-zero uint32 period), GovernorVotesQuorumFraction (out of
  // 100) and GovernorPreventLateQuorum (a uint48 extension).
  "governor.votingDelay": { unit: "seconds", min: 0n, max: UINT(48n), contract: "ComputeGovernor" },
  "governor.votingPeriod": { unit: "seconds", min: 1n, max: UINT(32n), contract: "ComputeGovernor" },
  "governor.quorumPercent": { unit: "percent", min: 0n, max: 100n, contract: "ComputeGovernor" },
  "governor.lateQuorumExtension": { unit: "seconds", min: 0n, max: UINT(48n), contract: "ComputeGovernor" },
};

/** A value as people read it: "10 min", "1000.0 WEFT", "2.5%". */
function formatParameter(value: bigint, unit: ParameterUnit): string {
  switch (unit) {
    case "seconds":
      return span(value);
    case "weft":
      return `${ethers.formatEther(value)} WEFT`;
    case "bps":
      return `${ethers.formatUnits(value, 2).replace(/\.0$/, "")}%`;
    case "percent":
      return `${value}%`;
  }
}

/** Every numeric leaf of a parameter set, by its dotted path. */
export function parameterLeaves(parameters: WeftParameters): Map<string, bigint> {
  const leaves = new Map<string, bigint>();
  const walk = (value: unknown, prefix: string) => {
    if (typeof value === "bigint") leaves.set(prefix, value);
    // Strings are the launch's accounts, not numbers.
    else if (typeof value === "object" && value !== null) {
      for (const [key, child] of Object.entries(value)) walk(child, prefix === "" ? key : `${prefix}.${key}`);
    }
  };
  walk(parameters, "");
  return leaves;
}

/**
 * Refuses, in one line naming `source` (where the values came from), the first parameter outside the bounds its
 * contract enforces; then every broken rule between parameters that a constructor or the deployment's wiring checks.
 */
export function checkParameterBounds(parameters: WeftParameters, source: string): void {
  for (const [name, value] of parameterLeaves(parameters)) {
    const bound = PARAMETER_BOUNDS[name];
    if (bound === undefined || (value >= bound.min && value <= bound.max)) continue;
    const show = (v: bigint) => formatParameter(v, bound.unit);
    // The value as the file holds it, when people read it otherwise: "1 h 30 min (5400 s)", "15% (1500 bps)".
    const written = bound.unit === "bps" ? `${value} bps` : bound.unit === "seconds" ? `${value} s` : show(value);
    const raw = written === show(value) ? "" : ` (${written})`;
    throw new UserError(
      `${source}: ${name} is ${show(value)}${raw}; ${bound.contract} accepts ${show(bound.min)} to ${show(bound.max)}.`,
    );
  }
  const broken = brokenRelations(parameters);
  if (broken.length > 0) throw new UserError(`${source}: ${broken.join("; ")}.`);
}

/** The rules between parameters that the contracts check when they are deployed and wired, as broken. */
function brokenRelations(p: WeftParameters): string[] {
  const broken: string[] = [];
  const time = (v: bigint) => formatParameter(v, "seconds");
  if (p.token.genesisSupply > p.token.cap) {
    broken.push(
      `token.genesisSupply (${formatParameter(p.token.genesisSupply, "weft")}) exceeds token.cap ` +
        `(${formatParameter(p.token.cap, "weft")})`,
    );
  }
  const exposure = p.escrow.challengeWindow + p.escrow.disputeWindow;
  if (exposure > p.registry.unbondingPeriod) {
    broken.push(
      `escrow.challengeWindow + escrow.disputeWindow (${time(exposure)}) exceed registry.unbondingPeriod ` +
        `(${time(p.registry.unbondingPeriod)}): stake could leave before a dispute ends`,
    );
  }
  const d = p.disputes;
  const withheld = 2n * d.responseWindow + d.followUpWindow;
  const longest = withheld > d.arbitrationWindow ? withheld : d.arbitrationWindow;
  if (longest > p.escrow.disputeWindow) {
    broken.push(
      `the longest dispute (2 x disputes.responseWindow + disputes.followUpWindow, or disputes.arbitrationWindow: ` +
        `${time(longest)}) exceeds escrow.disputeWindow (${time(p.escrow.disputeWindow)})`,
    );
  }
  const split = d.slashSplit.challengerBps + d.slashSplit.clientBps + d.slashSplit.treasuryBps;
  if (split !== BPS) {
    broken.push(`disputes.slashSplit adds up to ${formatParameter(split, "bps")}; it must add up to 100%`);
  }
  return broken;
}

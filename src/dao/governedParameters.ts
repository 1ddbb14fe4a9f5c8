import type { Interface } from "ethers";

import { UserError } from "../errors";
import { formatWeft } from "../jobs/amounts";
import { formatBps, span } from "../markdown";
import type { WeftSystem } from "../deploy/system";

/** A parameter the DAO sets with a single call: where it lives and its setter and getter. */
export interface GovernedParameter {
  contract: "JobEscrow" | "ProviderRegistry" | "DisputeManager" | "RewardDistributor";
  setter: string;
  getter: string;
  /** What the value counts: WEFT base units, basis points or seconds. */
  unit: ParameterUnit;
}

export type ParameterUnit = "weft" | "bps" | "seconds";

/** A governed value in its unit, for people: "150 WEFT", "2.50%", "2 d". */
export function formatParameterValue(unit: ParameterUnit, value: bigint): string {
  if (unit === "weft") return formatWeft(value);
  if (unit === "bps") return formatBps(value);
  return span(value);
}

/** Every named parameter `dao:propose --set name=value` understands. */
export const GOVERNED_PARAMETERS: Record<string, GovernedParameter> = {
  protocolFeeBps: { contract: "JobEscrow", setter: "setProtocolFeeBps", getter: "protocolFeeBps", unit: "bps" },
  collateralRatioBps: {
    contract: "JobEscrow",
    setter: "setCollateralRatioBps",
    getter: "collateralRatioBps",
    unit: "bps",
  },
  minCollateral: { contract: "JobEscrow", setter: "setMinCollateral", getter: "minCollateral", unit: "weft" },
  challengeWindow: { contract: "JobEscrow", setter: "setChallengeWindow", getter: "challengeWindow", unit: "seconds" },
  disputeWindow: { contract: "JobEscrow", setter: "setDisputeWindow", getter: "disputeWindow", unit: "seconds" },
  livenessPenaltyBps: {
    contract: "JobEscrow",
    setter: "setLivenessPenaltyBps",
    getter: "livenessPenaltyBps",
    unit: "bps",
  },
  unbondingPeriod: {
    contract: "ProviderRegistry",
    setter: "setUnbondingPeriod",
    getter: "unbondingPeriod",
    unit: "seconds",
  },
  jailDuration: { contract: "ProviderRegistry", setter: "setJailDuration", getter: "jailDuration", unit: "seconds" },
  minProviderStake: {
    contract: "ProviderRegistry",
    setter: "setMinProviderStake",
    getter: "minProviderStake",
    unit: "weft",
  },
  disputeBond: { contract: "DisputeManager", setter: "setBond", getter: "bond", unit: "weft" },
  responseWindow: {
    contract: "DisputeManager",
    setter: "setResponseWindow",
    getter: "responseWindow",
    unit: "seconds",
  },
  followUpWindow: {
    contract: "DisputeManager",
    setter: "setFollowUpWindow",
    getter: "followUpWindow",
    unit: "seconds",
  },
  arbitrationWindow: {
    contract: "DisputeManager",
    setter: "setArbitrationWindow",
    getter: "arbitrationWindow",
    unit: "seconds",
  },
  stakeShareBps: { contract: "DisputeManager", setter: "setStakeShareBps", getter: "stakeShareBps", unit: "bps" },
  epochLength: { contract: "RewardDistributor", setter: "setEpochLength", getter: "epochLength", unit: "seconds" },
  rewardCapBps: { contract: "RewardDistributor", setter: "setRewardCapBps", getter: "rewardCapBps", unit: "bps" },
};

/** One call a proposal makes. */
export interface ProposalAction {
  target: string;
  value: bigint;
  calldata: string;
}

/** Parses `name=value` into the call that sets it. */
export async function parameterChange(system: WeftSystem, assignment: string): Promise<ProposalAction> {
  const match = /^(\w+)=(\d+)$/.exec(assignment.trim());
  if (!match)
    throw new UserError(`--set expects name=value with a whole number, e.g. protocolFeeBps=250; got "${assignment}".`);
  const [, name, value] = match;
  const parameter = GOVERNED_PARAMETERS[name];
  if (!parameter) {
    throw new UserError(`Unknown parameter ${name}. Known: ${Object.keys(GOVERNED_PARAMETERS).join(", ")}.`);
  }
  const contract = system[parameter.contract];
  return {
    target: await contract.getAddress(),
    value: 0n,
    calldata: (contract.interface as Interface).encodeFunctionData(parameter.setter, [BigInt(value)]),
  };
}

/** Reads every named parameter's current value. */
export async function currentParameters(system: WeftSystem): Promise<Record<string, bigint>> {
  const values: Record<string, bigint> = {};
  for (const [name, { contract, getter }] of Object.entries(GOVERNED_PARAMETERS)) {
    const fn = system[contract].getFunction(getter);
    values[name] = (await fn.staticCall()) as bigint;
  }
  return values;
}

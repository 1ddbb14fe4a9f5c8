import type { Interface } from "ethers";

import { UserError } from "../errors";
import type { WeftSystem } from "../deploy/system";

/** A parameter the DAO sets with a single call: where it lives and its setter and getter. */
export interface GovernedParameter {
  contract: "JobEscrow" | "ProviderRegistry" | "DisputeManager" | "RewardDistributor";
  setter: string;
  getter: string;
}

/** Every named parameter `dao:propose --set name=value` understands. */
export const GOVERNED_PARAMETERS: Record<string, GovernedParameter> = {
  protocolFeeBps: { contract: "JobEscrow", setter: "setProtocolFeeBps", getter: "protocolFeeBps" },
  collateralRatioBps: { contract: "JobEscrow", setter: "setCollateralRatioBps", getter: "collateralRatioBps" },
  minCollateral: { contract: "JobEscrow", setter: "setMinCollateral", getter: "minCollateral" },
  challengeWindow: { contract: "JobEscrow", setter: "setChallengeWindow", getter: "challengeWindow" },
  disputeWindow: { contract: "JobEscrow", setter: "setDisputeWindow", getter: "disputeWindow" },
  livenessPenaltyBps: { contract: "JobEscrow", setter: "setLivenessPenaltyBps", getter: "livenessPenaltyBps" },
  unbondingPeriod: { contract: "ProviderRegistry", setter: "setUnbondingPeriod", getter: "unbondingPeriod" },
  jailDuration: { contract: "ProviderRegistry", setter: "setJailDuration", getter: "jailDuration" },
  minProviderStake: { contract: "ProviderRegistry", setter: "setMinProviderStake", getter: "minProviderStake" },
  disputeBond: { contract: "DisputeManager", setter: "setBond", getter: "bond" },
  responseWindow: { contract: "DisputeManager", setter: "setResponseWindow", getter: "responseWindow" },
  followUpWindow: { contract: "DisputeManager", setter: "setFollowUpWindow", getter: "followUpWindow" },
  arbitrationWindow: { contract: "DisputeManager", setter: "setArbitrationWindow", getter: "arbitrationWindow" },
  stakeShareBps: { contract: "DisputeManager", setter: "setStakeShareBps", getter: "stakeShareBps" },
  epochLength: { contract: "RewardDistributor", setter: "setEpochLength", getter: "epochLength" },
  rewardCapBps: { contract: "RewardDistributor", setter: "setRewardCapBps", getter: "rewardCapBps" },
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

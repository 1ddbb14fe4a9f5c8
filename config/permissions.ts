import { Interface } from "ethers";

import { ComputeToken__factory } from "../typechain-types/factories/contracts/token/ComputeToken__factory";
import { DisputeManager__factory } from "../typechain-types/factories/contracts/disputes/DisputeManager__factory";
import { JobEscrow__factory } from "../typechain-types/factories/contracts/market/JobEscrow__factory";
import { ProviderRegistry__factory } from "../typechain-types/factories/contracts/staking/ProviderRegistry__factory";
import { RewardDistributor__factory } from "../typechain-types/factories/contracts/rewards/RewardDistributor__factory";
import { Roles, type RoleName } from "./roles";

/** Which role may call which restricted function, per contract: the single permission table of Weft. */
export const PERMISSIONS = {
  ComputeToken: { MINTER: ["mint"] },
  ProviderRegistry: {
    ESCROW: ["lockCollateral", "unlockCollateral", "forfeitCollateral"],
    DISPUTES: ["slash"],
    PARAMETERS: ["setUnbondingPeriod", "setJailDuration", "setMinProviderStake", "setDisputeWindowsSource"],
  },
  JobEscrow: {
    DISPUTES: ["markDisputed", "resolveDispute"],
    GUARDIAN: ["pause"],
    PARAMETERS: [
      "unpause",
      "setProtocolFeeBps",
      "setCollateralRatioBps",
      "setMinCollateral",
      "setChallengeWindow",
      "setDisputeWindow",
      "setLivenessPenaltyBps",
      "setPaymentToken",
      "setTreasury",
      "setWorkRecorder",
    ],
  },
  DisputeManager: {
    ARBITER: ["arbitrate"],
    PARAMETERS: [
      "setChecker",
      "setBond",
      "setResponseWindow",
      "setFollowUpWindow",
      "setArbitrationWindow",
      "setSlashSplit",
      "setStakeShareBps",
    ],
  },
  RewardDistributor: {
    ESCROW: ["recordWork"],
    PARAMETERS: ["setEpochLength", "setEmissionSchedule", "setRewardCapBps"],
  },
} as const satisfies Record<string, Partial<Record<RoleName, readonly string[]>>>;

export type ManagedContractName = keyof typeof PERMISSIONS;

const INTERFACES: Record<ManagedContractName, Interface> = {
  ComputeToken: ComputeToken__factory.createInterface(),
  ProviderRegistry: ProviderRegistry__factory.createInterface(),
  JobEscrow: JobEscrow__factory.createInterface(),
  DisputeManager: DisputeManager__factory.createInterface(),
  RewardDistributor: RewardDistributor__factory.createInterface(),
};

/** One `setTargetFunctionRole` call's worth: a role and the selectors it guards on one contract. */
export interface RoleAssignment {
  role: bigint;
  roleName: RoleName;
  functions: readonly string[];
  selectors: string[];
}

/** The role assignments of one contract, with selectors computed from its ABI. */
export function roleAssignments(contract: ManagedContractName): RoleAssignment[] {
  const iface = INTERFACES[contract];
  const table: Partial<Record<RoleName, readonly string[]>> = PERMISSIONS[contract];
  return Object.entries(table).map(([roleName, functions]) => ({
    role: Roles[roleName as RoleName],
    roleName: roleName as RoleName,
    functions,
    selectors: functions.map((name: string) => iface.getFunction(name)!.selector),
  }));
}

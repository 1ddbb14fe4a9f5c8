import type { ContractRunner } from "ethers";

import {
  AccessManager__factory,
  ComputeGovernor__factory,
  ComputeReceipt__factory,
  ComputeToken__factory,
  DisputeManager__factory,
  JobEscrow__factory,
  MandelbrotChecker__factory,
  MatmulI8Checker__factory,
  ProviderRegistry__factory,
  RewardDistributor__factory,
  TimelockController__factory,
  type AccessManager,
  type ComputeGovernor,
  type ComputeReceipt,
  type ComputeToken,
  type DisputeManager,
  type JobEscrow,
  type MandelbrotChecker,
  type MatmulI8Checker,
  type ProviderRegistry,
  type RewardDistributor,
  type TimelockController,
} from "../../typechain-types";

/** Every deployed Weft contract, typed. Keys are the contract names used in deployments/<network>.json. */
export interface WeftSystem {
  AccessManager: AccessManager;
  TimelockController: TimelockController;
  ComputeToken: ComputeToken;
  ProviderRegistry: ProviderRegistry;
  JobEscrow: JobEscrow;
  ComputeReceipt: ComputeReceipt;
  ComputeGovernor: ComputeGovernor;
  DisputeManager: DisputeManager;
  MatmulI8Checker: MatmulI8Checker;
  MandelbrotChecker: MandelbrotChecker;
  RewardDistributor: RewardDistributor;
}

export type WeftContractName = keyof WeftSystem;
export type WeftAddresses = Record<WeftContractName, string>;

export const WEFT_CONTRACT_NAMES: readonly WeftContractName[] = [
  "AccessManager",
  "TimelockController",
  "ComputeToken",
  "ProviderRegistry",
  "JobEscrow",
  "ComputeReceipt",
  "ComputeGovernor",
  "DisputeManager",
  "MatmulI8Checker",
  "MandelbrotChecker",
  "RewardDistributor",
];

/** Typed handles on a deployed system, connected to `runner` (a signer to send, a provider to read). */
export function connectSystem(addresses: WeftAddresses, runner: ContractRunner): WeftSystem {
  return {
    AccessManager: AccessManager__factory.connect(addresses.AccessManager, runner),
    TimelockController: TimelockController__factory.connect(addresses.TimelockController, runner),
    ComputeToken: ComputeToken__factory.connect(addresses.ComputeToken, runner),
    ProviderRegistry: ProviderRegistry__factory.connect(addresses.ProviderRegistry, runner),
    JobEscrow: JobEscrow__factory.connect(addresses.JobEscrow, runner),
    ComputeReceipt: ComputeReceipt__factory.connect(addresses.ComputeReceipt, runner),
    ComputeGovernor: ComputeGovernor__factory.connect(addresses.ComputeGovernor, runner),
    DisputeManager: DisputeManager__factory.connect(addresses.DisputeManager, runner),
    MatmulI8Checker: MatmulI8Checker__factory.connect(addresses.MatmulI8Checker, runner),
    MandelbrotChecker: MandelbrotChecker__factory.connect(addresses.MandelbrotChecker, runner),
    RewardDistributor: RewardDistributor__factory.connect(addresses.RewardDistributor, runner),
  };
}

import type { ContractRunner } from "ethers";

import {
  AccessManager__factory,
  ComputeGovernor__factory,
  ComputeReceipt__factory,
  ComputeToken__factory,
  JobEscrow__factory,
  ProviderRegistry__factory,
  TimelockController__factory,
  type AccessManager,
  type ComputeGovernor,
  type ComputeReceipt,
  type ComputeToken,
  type JobEscrow,
  type ProviderRegistry,
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
  };
}

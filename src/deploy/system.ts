import type { ContractRunner } from "ethers";

import type {
  AccessManager,
  CliffVestingWallet,
  ComputeGovernor,
  ComputeReceipt,
  ComputeToken,
  DisputeManager,
  JobEscrow,
  MandelbrotChecker,
  MatmulI8Checker,
  MlpI8Checker,
  ProviderRegistry,
  RewardDistributor,
  SecurityCouncil,
  TimelockController,
} from "../../typechain-types";
// Each factory by its own path: the typechain-types index loads every contract's ABI and bytecode, which costs
// every agent and task start about a second of transpiling.
import { AccessManager__factory } from "../../typechain-types/factories/@openzeppelin/contracts/access/manager/AccessManager__factory";
import { ComputeGovernor__factory } from "../../typechain-types/factories/contracts/governance/ComputeGovernor__factory";
import { ComputeReceipt__factory } from "../../typechain-types/factories/contracts/market/ComputeReceipt__factory";
import { ComputeToken__factory } from "../../typechain-types/factories/contracts/token/ComputeToken__factory";
import { DisputeManager__factory } from "../../typechain-types/factories/contracts/disputes/DisputeManager__factory";
import { JobEscrow__factory } from "../../typechain-types/factories/contracts/market/JobEscrow__factory";
import { MandelbrotChecker__factory } from "../../typechain-types/factories/contracts/disputes/checkers/MandelbrotChecker__factory";
import { MatmulI8Checker__factory } from "../../typechain-types/factories/contracts/disputes/checkers/MatmulI8Checker__factory";
import { MlpI8Checker__factory } from "../../typechain-types/factories/contracts/disputes/checkers/MlpI8Checker__factory";
import { ProviderRegistry__factory } from "../../typechain-types/factories/contracts/staking/ProviderRegistry__factory";
import { RewardDistributor__factory } from "../../typechain-types/factories/contracts/rewards/RewardDistributor__factory";
import { CliffVestingWallet__factory } from "../../typechain-types/factories/contracts/token/CliffVestingWallet__factory";
import { SecurityCouncil__factory } from "../../typechain-types/factories/contracts/governance/SecurityCouncil__factory";
import { TimelockController__factory } from "../../typechain-types/factories/@openzeppelin/contracts/governance/TimelockController__factory";

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
  /** Deployed with the system, registered with the DisputeManager by a DAO proposal (src/dao/checkers.ts). */
  MlpI8Checker: MlpI8Checker;
  RewardDistributor: RewardDistributor;
  SecurityCouncil: SecurityCouncil;
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
  "MlpI8Checker",
  "RewardDistributor",
  "SecurityCouncil",
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
    MlpI8Checker: MlpI8Checker__factory.connect(addresses.MlpI8Checker, runner),
    RewardDistributor: RewardDistributor__factory.connect(addresses.RewardDistributor, runner),
    SecurityCouncil: SecurityCouncil__factory.connect(addresses.SecurityCouncil, runner),
  };
}

/** A launch allocation's vesting wallet (the address book's `vestingWallets`), connected to `runner`. */
export function connectVestingWallet(address: string, runner: ContractRunner): CliffVestingWallet {
  return CliffVestingWallet__factory.connect(address, runner);
}

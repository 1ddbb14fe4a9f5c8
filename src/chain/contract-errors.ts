/**
 * Any custom error a Weft contract (or an OpenZeppelin contract it deploys) can revert with, decoded from whatever
 * error object reached the caller. A call through one contract often reverts in another (the governor executes
 * through the timelock into the escrow), so no single contract's interface knows every error a task can meet.
 */
import { ErrorFragment, Interface, isHexString, type Result } from "ethers";

import { AccessManager__factory } from "../../typechain-types/factories/@openzeppelin/contracts/access/manager/AccessManager__factory";
import { TimelockController__factory } from "../../typechain-types/factories/@openzeppelin/contracts/governance/TimelockController__factory";
import { ComputeGovernor__factory } from "../../typechain-types/factories/contracts/governance/ComputeGovernor__factory";
import { SecurityCouncil__factory } from "../../typechain-types/factories/contracts/governance/SecurityCouncil__factory";
import { DisputeManager__factory } from "../../typechain-types/factories/contracts/disputes/DisputeManager__factory";
import { MandelbrotChecker__factory } from "../../typechain-types/factories/contracts/disputes/checkers/MandelbrotChecker__factory";
import { MatmulI8Checker__factory } from "../../typechain-types/factories/contracts/disputes/checkers/MatmulI8Checker__factory";
import { MlpI8Checker__factory } from "../../typechain-types/factories/contracts/disputes/checkers/MlpI8Checker__factory";
import { ComputeReceipt__factory } from "../../typechain-types/factories/contracts/market/ComputeReceipt__factory";
import { JobEscrow__factory } from "../../typechain-types/factories/contracts/market/JobEscrow__factory";
import { RewardDistributor__factory } from "../../typechain-types/factories/contracts/rewards/RewardDistributor__factory";
import { ProviderRegistry__factory } from "../../typechain-types/factories/contracts/staking/ProviderRegistry__factory";
import { CliffVestingWallet__factory } from "../../typechain-types/factories/contracts/token/CliffVestingWallet__factory";
import { ComputeToken__factory } from "../../typechain-types/factories/contracts/token/ComputeToken__factory";

const ABIS = [
  AccessManager__factory.abi,
  TimelockController__factory.abi,
  ComputeGovernor__factory.abi,
  SecurityCouncil__factory.abi,
  DisputeManager__factory.abi,
  MandelbrotChecker__factory.abi,
  MatmulI8Checker__factory.abi,
  MlpI8Checker__factory.abi,
  ComputeReceipt__factory.abi,
  JobEscrow__factory.abi,
  RewardDistributor__factory.abi,
  ProviderRegistry__factory.abi,
  CliffVestingWallet__factory.abi,
  ComputeToken__factory.abi,
];

let cached: Interface | undefined;

/** One interface with every error of every contract, each selector once (shared OpenZeppelin errors recur). */
function allErrors(): Interface {
  if (cached !== undefined) return cached;
  const bySelector = new Map<string, ErrorFragment>();
  for (const abi of ABIS) {
    for (const fragment of new Interface(abi).fragments) {
      if (ErrorFragment.isFragment(fragment)) bySelector.set(fragment.selector, fragment);
    }
  }
  cached = new Interface([...bySelector.values()]);
  return cached;
}

/** A decoded custom error: its name, its arguments in order, and their names. */
export interface ContractError {
  readonly name: string;
  readonly args: Result;
  readonly params: readonly string[];
}

/** How deep to look through wrapped errors: ethers, Hardhat and the JSON-RPC layer nest one in another. */
const MAX_DEPTH = 5;
// Not `payload` or `transaction`: they hold the call's own data, whose selector is a function's, not an error's.
const NESTED_KEYS = ["data", "error", "info", "cause", "revert"] as const;

/** The revert data an error carries, wherever the library that threw it put it. */
export function revertData(error: unknown, depth = 0): string | undefined {
  if (typeof error === "string") return isHexString(error) && error.length >= 10 ? error : undefined;
  if (error === null || typeof error !== "object" || depth > MAX_DEPTH) return undefined;
  for (const key of NESTED_KEYS) {
    const found = revertData((error as Record<string, unknown>)[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The custom error `error` carries, if it is one of the Weft contracts' errors. */
export function decodeContractError(error: unknown): ContractError | undefined {
  const data = revertData(error);
  if (data === undefined) return undefined;
  try {
    const parsed = allErrors().parseError(data);
    if (parsed === null) return undefined;
    return { name: parsed.name, args: parsed.args, params: parsed.fragment.inputs.map((input) => input.name) };
  } catch {
    return undefined;
  }
}

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { VESTED_ALLOCATIONS, isLocalNetwork, type WeftParameters } from "../../config/parameters";
import WeftModule from "../../ignition/modules/Weft";
import { checkParameterBounds } from "./bounds";
import { deployIgnitionModule } from "./ignition";
import {
  environmentOrHardhatVar,
  launchIgnitionParameters,
  resolveLaunch,
  type ResolvedLaunch,
  type VarReader,
  type VestingWalletAddresses,
} from "./launch";
import { toIgnitionParameters } from "./parameters";
import type { WeftAddresses } from "./system";

export interface DeployOptions {
  /** Ignition's deployment id: the same id resumes a deployment instead of starting another. */
  deploymentId?: string;
  /** Receives a line as each step of the deployment completes (none by default). */
  progress?: (line: string) => void;
  /** Where `var:NAME` accounts of the launch are read (default: the environment, then `hardhat vars`). */
  readVar?: VarReader;
}

/** A deployment: every contract, the vesting wallet of each vested allocation, and the launch as carried out. */
export interface WeftDeployment {
  contracts: WeftAddresses;
  vestingWallets: VestingWalletAddresses;
  launch: ResolvedLaunch;
}

/**
 * Deploys (or resumes deploying) the whole system through Ignition, shares out the genesis supply, wires every
 * permission and hands control to the timelock. Returns the address of every contract.
 */
export async function deployWeft(
  hre: HardhatRuntimeEnvironment,
  parameters: WeftParameters,
  options: DeployOptions = {},
): Promise<WeftAddresses> {
  return (await deployWeftSystem(hre, parameters, options)).contracts;
}

/** {@link deployWeft}, also returning the launch: its vesting wallets and resolved allocations. */
export async function deployWeftSystem(
  hre: HardhatRuntimeEnvironment,
  parameters: WeftParameters,
  options: DeployOptions = {},
): Promise<WeftDeployment> {
  // `deploy` checks first, naming where each value came from; this guards every other caller.
  checkParameterBounds(parameters, "the deployment's parameters");
  const [deployer] = await hre.ethers.getSigners();
  // Locally no launch account comes from a variable, so a developer's own vars never change a test's deployment.
  const readVar = options.readVar ?? (isLocalNetwork(hre.network.name) ? () => undefined : environmentOrHardhatVar);
  const context = { deployer: deployer.address, readVar, network: hre.network.name };
  const resolved = resolveLaunch(parameters, context);
  const deployed = await deployIgnitionModule(hre, WeftModule, {
    parameters: { ...toIgnitionParameters(parameters), ...launchIgnitionParameters(resolved) },
    deploymentId: options.deploymentId,
    progress: options.progress,
  });
  const timelock = deployed.timelock;
  const vestingWallets = {} as VestingWalletAddresses;
  for (const name of VESTED_ALLOCATIONS) vestingWallets[name] = deployed[`${name}Vesting`];
  return {
    contracts: {
      AccessManager: deployed.manager,
      TimelockController: timelock,
      ComputeToken: deployed.token,
      ProviderRegistry: deployed.registry,
      JobEscrow: deployed.escrow,
      ComputeReceipt: deployed.receipt,
      ComputeGovernor: deployed.governor,
      DisputeManager: deployed.disputes,
      MatmulI8Checker: deployed.matmulChecker,
      MandelbrotChecker: deployed.mandelbrotChecker,
      MlpI8Checker: deployed.mlpChecker,
      RewardDistributor: deployed.rewards,
      SecurityCouncil: deployed.securityCouncil,
    },
    vestingWallets,
    launch: resolveLaunch(parameters, { ...context, timelock }),
  };
}

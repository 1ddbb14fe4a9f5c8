import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { WeftParameters } from "../../config/parameters";
import WeftModule from "../../ignition/modules/Weft";
import { toIgnitionParameters } from "./parameters";
import type { WeftAddresses } from "./system";

export interface DeployOptions {
  /** Ignition's deployment id: the same id resumes a deployment instead of starting another. */
  deploymentId?: string;
  /** Print Ignition's progress. */
  displayUi?: boolean;
}

/**
 * Deploys (or resumes deploying) the whole system through Ignition, wires every permission and hands control to
 * the timelock. Returns the address of every contract.
 */
export async function deployWeft(
  hre: HardhatRuntimeEnvironment,
  parameters: WeftParameters,
  options: DeployOptions = {},
): Promise<WeftAddresses> {
  const deployed = await hre.ignition.deploy(WeftModule, {
    parameters: toIgnitionParameters(parameters),
    deploymentId: options.deploymentId,
    displayUi: options.displayUi ?? false,
  });
  return {
    AccessManager: await deployed.manager.getAddress(),
    TimelockController: await deployed.timelock.getAddress(),
    ComputeToken: await deployed.token.getAddress(),
    ProviderRegistry: await deployed.registry.getAddress(),
    JobEscrow: await deployed.escrow.getAddress(),
    ComputeReceipt: await deployed.receipt.getAddress(),
    ComputeGovernor: await deployed.governor.getAddress(),
    DisputeManager: await deployed.disputes.getAddress(),
    MatmulI8Checker: await deployed.matmulChecker.getAddress(),
    MandelbrotChecker: await deployed.mandelbrotChecker.getAddress(),
    RewardDistributor: await deployed.rewards.getAddress(),
  };
}

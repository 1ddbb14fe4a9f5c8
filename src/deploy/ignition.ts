/**
 * Runs an Ignition module as `hre.ignition.deploy` does, except that on a local chain Ignition gets no build info.
 *
 * Ignition reads the build info (every source, AST and compiler output: over 20 MB for Weft) once for each contract it
 * deploys, and writes it into the deployment's journal again each time, for source verification only. A local chain
 * has no block explorer to verify on, and those reads and writes were most of a local deploy's work: without them it
 * takes 1.5 s of CPU instead of 9.5 in process, and `deploy --network localhost` 6.5 s instead of 33 with a journal of
 * 1.4 MB instead of 52. `hre.ignition.deploy` takes no artifact resolver, so this calls ignition-core's `deploy` with
 * the one it needs, passing the same settings.
 */
import path from "node:path";

import {
  deploy,
  DeploymentResultType,
  type DeploymentParameters,
  type IgnitionModule,
  type IgnitionModuleResult,
} from "@nomicfoundation/ignition-core";
import { HardhatArtifactResolver, resolveDeploymentId } from "@nomicfoundation/hardhat-ignition/helpers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { isLocalNetwork } from "../../config/parameters";
import { deploymentFailure } from "./failure";
import { ProgressLines } from "./progress";

/** Hardhat's artifact resolver without build info, which Ignition accepts: it then keeps none in its journal. */
class ArtifactResolverWithoutBuildInfo extends HardhatArtifactResolver {
  override async getBuildInfo(): Promise<undefined> {
    return undefined;
  }
}

export interface IgnitionDeployOptions {
  parameters: DeploymentParameters;
  /** The journal that makes a re-run resume (default `chain-<chainId>`); none on the in-process network. */
  deploymentId?: string;
  /** Receives a line as each step of the deployment completes (none by default). */
  progress?: (line: string) => void;
}

/**
 * The directory of the Ignition journal that makes a re-run of `deploymentId` resume; none on the in-process network,
 * whose chain ends with the process (as hre.ignition.deploy).
 */
export function ignitionJournalDir(hre: HardhatRuntimeEnvironment, deploymentId: string): string | undefined {
  return hre.network.name === "hardhat" ? undefined : path.join(hre.config.paths.ignition, "deployments", deploymentId);
}

/** Deploys (or resumes deploying) `module` and returns the address of each of its results, by result name. */
export async function deployIgnitionModule<Results extends IgnitionModuleResult<string>>(
  hre: HardhatRuntimeEnvironment,
  module: IgnitionModule<string, string, Results>,
  options: IgnitionDeployOptions,
): Promise<Record<keyof Results, string>> {
  const provider = hre.network.provider;
  const accounts = (await provider.request({ method: "eth_accounts" })) as string[];
  const deploymentId = resolveDeploymentId(
    options.deploymentId,
    Number(await provider.request({ method: "eth_chainId" })),
  );
  const journal = ignitionJournalDir(hre, deploymentId);
  const network = hre.config.networks[hre.network.name]?.ignition;
  const result = await deploy({
    config: hre.config.ignition,
    provider,
    artifactResolver: isLocalNetwork(hre.network.name)
      ? new ArtifactResolverWithoutBuildInfo(hre)
      : new HardhatArtifactResolver(hre),
    deploymentDir: journal,
    executionEventListener: options.progress ? new ProgressLines(options.progress) : undefined,
    ignitionModule: module,
    deploymentParameters: options.parameters,
    accounts,
    maxFeePerGasLimit: network?.maxFeePerGasLimit,
    maxFeePerGas: network?.maxFeePerGas,
    maxPriorityFeePerGas: network?.maxPriorityFeePerGas,
    gasPrice: network?.gasPrice,
    disableFeeBumping: hre.config.ignition.disableFeeBumping ?? network?.disableFeeBumping,
    maxRetries: hre.config.ignition.maxRetries ?? network?.maxRetries,
    retryInterval: hre.config.ignition.retryInterval ?? network?.retryInterval,
  });
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
    throw deploymentFailure(result, {
      deploymentId,
      journal: journal === undefined ? undefined : path.relative(process.cwd(), journal),
    });
  }
  const addresses = {} as Record<keyof Results, string>;
  for (const name of Object.keys(module.results) as (keyof Results)[]) {
    addresses[name] = result.contracts[module.results[name].id].address;
  }
  return addresses;
}

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { isLocalNetwork, parametersFor, type WeftParameters } from "../../config/parameters";
import { UserError } from "../errors";
import {
  addressBookPath,
  stringifyParameters,
  writeAddressBook,
  type AddressBook,
  DEPLOYMENTS_DIR,
} from "./addressBook";
import { deployWeftSystem } from "./deploy";
import { applyParameterOverrides } from "./overrides";

export interface DeployRunOptions {
  /** A JSON file overriding some of the network's parameters. */
  paramsFile?: string;
  /** Verify every source on the network's block explorer afterwards. */
  verify?: boolean;
  /** Where the address book goes (tests point this elsewhere). */
  deploymentsDir?: string;
  /** Ignition's deployment id (default `chain-<chainId>`): the journal that makes a re-run resume. */
  deploymentId?: string;
  /** Local networks only: forget an earlier deployment's journal (a restarted node has lost its contracts). */
  reset?: boolean;
  log?: (line: string) => void;
}

const IGNITION_DEPLOYMENTS_DIR = path.resolve(__dirname, "..", "..", "ignition", "deployments");

function resetLocalJournal(deploymentId: string): void {
  fs.rmSync(path.join(IGNITION_DEPLOYMENTS_DIR, deploymentId), { recursive: true, force: true });
}

function currentCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

/** The block to start watching from: kept from an earlier run of the same deployment, else the current block. */
function deploymentBlock(file: string, accessManager: string, current: number): number {
  if (!fs.existsSync(file)) return current;
  const earlier = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<AddressBook>;
  return earlier.contracts?.AccessManager === accessManager && typeof earlier.deploymentBlock === "number"
    ? earlier.deploymentBlock
    : current;
}

/**
 * The whole `deploy` command: Ignition deployment (resumable: a re-run continues, never deploys twice), wiring,
 * hand-over to the timelock, the address book, and optional source verification.
 */
export async function runDeploy(hre: HardhatRuntimeEnvironment, options: DeployRunOptions = {}): Promise<AddressBook> {
  const log = options.log ?? console.log;
  const network = hre.network.name;
  if (options.verify && isLocalNetwork(network)) {
    throw new UserError(`--verify needs a public network with a block explorer; ${network} has none.`);
  }
  if (options.reset && !isLocalNetwork(network)) {
    throw new UserError(`--reset only applies to local networks; ${network}'s journal is what makes a re-run safe.`);
  }
  let parameters: WeftParameters = parametersFor(network);
  if (options.paramsFile) parameters = applyParameterOverrides(parameters, options.paramsFile);

  const startBlock = await hre.ethers.provider.getBlockNumber();
  const { chainId } = await hre.ethers.provider.getNetwork();
  log(`Deploying Weft to ${network} (chain ${chainId})...`);
  const deploymentId = options.deploymentId ?? `chain-${chainId}`;
  if (options.reset) resetLocalJournal(deploymentId);
  const { contracts, vestingWallets } = await deployWeftSystem(hre, parameters, {
    deploymentId,
    displayUi: !isLocalNetwork(network),
  });

  const dir = options.deploymentsDir ?? DEPLOYMENTS_DIR;
  const book: AddressBook = {
    network,
    chainId: Number(chainId),
    contracts,
    vestingWallets,
    deploymentBlock: deploymentBlock(addressBookPath(network, dir), contracts.AccessManager, startBlock),
    commit: currentCommit(),
    deployedAt: new Date().toISOString(),
    parameters: stringifyParameters(parameters),
  };
  const file = writeAddressBook(book, dir);
  log(`Address book written to ${file}`);

  if (options.verify) {
    log("Verifying sources...");
    await hre.run({ scope: "ignition", task: "verify" }, { deploymentId });
    // The escrow creates the receipt contract itself, so Ignition does not know its constructor arguments.
    await hre.run("verify:verify", {
      address: contracts.ComputeReceipt,
      constructorArguments: [contracts.JobEscrow],
    });
  }
  return book;
}

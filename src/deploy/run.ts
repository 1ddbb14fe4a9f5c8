import { execFileSync } from "node:child_process";
import fs from "node:fs";
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
import { checkParameterBounds } from "./bounds";
import { deployWeftSystem } from "./deploy";
import { ignitionJournalDir } from "./ignition";
import { applyParameterOverrides } from "./overrides";
import { assertRecordOnChain, journalRecord } from "./stale";

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
  /** The result's lines (default stdout). */
  log?: (line: string) => void;
  /** The deployment's progress, a line per step (default stderr, so that stdout holds only the result). */
  progress?: (line: string) => void;
}

/**
 * Whether this run resumes the deployment recorded in Ignition's journal. Refuses a journal whose contracts are not
 * on the chain (a restarted local node), on which Ignition would find every step done and deploy nothing.
 */
async function resumesJournal(
  hre: HardhatRuntimeEnvironment,
  journal: string,
  deploymentId?: string,
): Promise<boolean> {
  const record = journalRecord(journal);
  if (record === undefined) return false;
  const network = hre.network.name;
  const elsewhere = `Move ${journal} away, then run: npx hardhat deploy --network ${network}`;
  await assertRecordOnChain(hre.ethers.provider, network, record, { elsewhere, deploymentId });
  return true;
}

function currentCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

/** The block a resumed deployment began at: kept from an earlier run of the same deployment, else the current block. */
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
  const progress = options.progress ?? ((line: string) => console.error(line));
  const network = hre.network.name;
  if (options.verify && isLocalNetwork(network)) {
    throw new UserError(`--verify needs a public network with a block explorer; ${network} has none.`);
  }
  if (options.reset && !isLocalNetwork(network)) {
    throw new UserError(`--reset only applies to local networks; ${network}'s journal is what makes a re-run safe.`);
  }
  // Every value within the bounds its contract enforces before anything is sent: the defaults, then the overrides.
  let parameters: WeftParameters = parametersFor(network);
  checkParameterBounds(parameters, `config/parameters.ts (${network})`);
  if (options.paramsFile) {
    parameters = applyParameterOverrides(parameters, options.paramsFile);
    checkParameterBounds(parameters, `--params ${options.paramsFile}`);
  }

  const startBlock = await hre.ethers.provider.getBlockNumber();
  const { chainId } = await hre.ethers.provider.getNetwork();
  const deploymentId = options.deploymentId ?? `chain-${chainId}`;
  const journal = ignitionJournalDir(hre, deploymentId);
  if (journal !== undefined && options.reset) fs.rmSync(journal, { recursive: true, force: true });
  const resuming = journal !== undefined && (await resumesJournal(hre, journal, options.deploymentId));
  progress(`Deploying Weft to ${network} (chain ${chainId})...`);
  const { contracts, vestingWallets } = await deployWeftSystem(hre, parameters, { deploymentId, progress });

  const dir = options.deploymentsDir ?? DEPLOYMENTS_DIR;
  const book: AddressBook = {
    network,
    chainId: Number(chainId),
    contracts,
    vestingWallets,
    // A fresh deployment starts here; on a chain started over (--reset), the earlier book's block is another chain's.
    deploymentBlock: resuming
      ? deploymentBlock(addressBookPath(network, dir), contracts.AccessManager, startBlock)
      : startBlock,
    commit: currentCommit(),
    deployedAt: new Date().toISOString(),
    parameters: stringifyParameters(parameters),
  };
  const file = writeAddressBook(book, dir);
  log(`Address book written to ${file}`);

  if (options.verify) {
    progress("Verifying sources...");
    await hre.run({ scope: "ignition", task: "verify" }, { deploymentId });
    // The escrow creates the receipt contract itself, so Ignition does not know its constructor arguments.
    await hre.run("verify:verify", {
      address: contracts.ComputeReceipt,
      constructorArguments: [contracts.JobEscrow],
    });
  }
  return book;
}

import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";

import { readAddressBook, type AddressBook } from "../deploy/addressBook";
import { type EventHistory, LogScanner, ScannedHistory } from "../chain/logs";
import { withRetry } from "../chain/retry";
import { assertRecordOnChain } from "../deploy/stale";
import { connectSystem, type WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { resolveSigner, type SignerChoice } from "./signer";

/** What every task against a deployed system starts from: its address book, a signer and typed contracts. */
export interface SystemContext {
  book: AddressBook;
  signer: Signer;
  system: WeftSystem;
  /** The deployment's past events, read back from the head in bounded ranges. */
  history: EventHistory;
}

/** A scan of more ranges than this says how far it got, so a long walk through history is not silent. */
const QUIET_RANGES = 10;

/**
 * How a task reads past events: in bounded ranges from the head back to `deploymentBlock` (a lookup of one job stops
 * at its creation), printing its progress to stderr when it takes more than a few ranges.
 */
export function taskHistory(hre: HardhatRuntimeEnvironment, deploymentBlock: number): EventHistory {
  let reported = 0;
  const scanner = new LogScanner(hre.ethers.provider, {
    onProgress: ({ scannedBlocks, totalBlocks }) => {
      const ranges = Math.ceil(scannedBlocks / scanner.maxBlockRange);
      if (ranges < QUIET_RANGES || ranges - reported < QUIET_RANGES) return;
      reported = ranges;
      console.error(`reading events: ${scannedBlocks} of ${totalBlocks} blocks`);
    },
  });
  return new ScannedHistory(scanner, deploymentBlock);
}

/**
 * Loads deployments/<network>.json and connects the signer `choice` names (see src/cli/signer.ts; without one,
 * account 0) to every contract.
 */
export async function loadSystem(hre: HardhatRuntimeEnvironment, choice?: SignerChoice): Promise<SystemContext> {
  const book = await readCheckedBook(hre);
  const signer = await resolveSigner(hre, choice ?? { account: "0", role: "deployer" });
  return {
    book,
    signer,
    system: connectSystem(book.contracts, signer),
    history: taskHistory(hre, book.deploymentBlock),
  };
}

/** The deployment connected to the network's node for reading only: no key is needed or used. */
export async function readSystem(hre: HardhatRuntimeEnvironment): Promise<Omit<SystemContext, "signer">> {
  const book = await readCheckedBook(hre);
  return {
    book,
    system: connectSystem(book.contracts, hre.ethers.provider),
    history: taskHistory(hre, book.deploymentBlock),
  };
}

/** deployments/<network>.json, once the node is checked to be its chain and to hold its contracts. */
async function readCheckedBook(hre: HardhatRuntimeEnvironment): Promise<AddressBook> {
  const book = readAddressBook(hre.network.name);
  // A node that is still starting (or a load balancer in front of it) may fail the first calls: retry them as the
  // agents retry every later call.
  const { chainId } = await withRetry("reading the chain id", () => hre.ethers.provider.getNetwork());
  if (Number(chainId) !== book.chainId) {
    throw new UserError(
      `deployments/${hre.network.name}.json is for chain ${book.chainId} but the node is chain ${chainId}. ` +
        `Redeploy: npx hardhat deploy --network ${hre.network.name}`,
    );
  }
  // A restarted local node has the same chain id and none of the contracts: say so rather than let the first call
  // fail with "could not decode result data". One contract stands for all: a deployment records them together.
  const escrow = {
    file: `deployments/${hre.network.name}.json`,
    contract: "JobEscrow",
    address: book.contracts.JobEscrow,
  };
  const provider = {
    getCode: (address: string) => withRetry("reading code", () => hre.ethers.provider.getCode(address)),
  };
  const elsewhere = `Redeploy: npx hardhat deploy --network ${hre.network.name}`;
  await assertRecordOnChain(provider, hre.network.name, escrow, { elsewhere });
  return book;
}

/** Parses a proposal id given on the command line. */
export function parseProposalId(id: string): bigint {
  if (!/^\d+$/.test(id)) throw new UserError(`--id must be a proposal id (a decimal number); got "${id}".`);
  return BigInt(id);
}

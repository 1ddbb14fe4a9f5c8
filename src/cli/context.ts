import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";

import { readAddressBook, type AddressBook } from "../deploy/addressBook";
import { withRetry } from "../chain/retry";
import { connectSystem, type WeftSystem } from "../deploy/system";
import { UserError } from "../errors";

/** What every task against a deployed system starts from: its address book, a signer and typed contracts. */
export interface SystemContext {
  book: AddressBook;
  signer: Signer;
  system: WeftSystem;
}

/** Loads deployments/<network>.json and connects configured account `account` (default the first) to every contract. */
export async function loadSystem(hre: HardhatRuntimeEnvironment, account = 0): Promise<SystemContext> {
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
  const signers = await withRetry("listing the accounts", () => hre.ethers.getSigners());
  const signer = signers[account];
  if (signer === undefined) {
    throw new UserError(
      `Account ${account} is not configured for ${hre.network.name} (it has ${signers.length}); ` +
        `use --account 0..${Math.max(0, signers.length - 1)}.`,
    );
  }
  return { book, signer, system: connectSystem(book.contracts, signer) };
}

/** Parses a proposal id given on the command line. */
export function parseProposalId(id: string): bigint {
  if (!/^\d+$/.test(id)) throw new UserError(`--id must be a proposal id (a decimal number); got "${id}".`);
  return BigInt(id);
}

import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";

import { readAddressBook, type AddressBook } from "../deploy/addressBook";
import { connectSystem, type WeftSystem } from "../deploy/system";
import { UserError } from "../errors";

/** What every task against a deployed system starts from: its address book, a signer and typed contracts. */
export interface SystemContext {
  book: AddressBook;
  signer: Signer;
  system: WeftSystem;
}

/** Loads deployments/<network>.json and connects the first configured account to every contract. */
export async function loadSystem(hre: HardhatRuntimeEnvironment): Promise<SystemContext> {
  const book = readAddressBook(hre.network.name);
  const { chainId } = await hre.ethers.provider.getNetwork();
  if (Number(chainId) !== book.chainId) {
    throw new UserError(
      `deployments/${hre.network.name}.json is for chain ${book.chainId} but the node is chain ${chainId}. ` +
        `Redeploy: npx hardhat deploy --network ${hre.network.name}`,
    );
  }
  const [signer] = await hre.ethers.getSigners();
  if (signer === undefined) throw new UserError(`No account is configured for ${hre.network.name}.`);
  return { book, signer, system: connectSystem(book.contracts, signer) };
}

/** Parses a proposal id given on the command line. */
export function parseProposalId(id: string): bigint {
  if (!/^\d+$/.test(id)) throw new UserError(`--id must be a proposal id (a decimal number); got "${id}".`);
  return BigInt(id);
}

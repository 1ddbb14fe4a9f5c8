import type { Signer } from "ethers";

import type { AddressBook } from "../deploy/addressBook";
import { connectVestingWallet } from "../deploy/system";
import { UserError } from "../errors";

/** A launch allocation's vesting wallet from the address book, or an error naming the allocations there are. */
export function vestingWalletOf(book: AddressBook, allocation: string, runner: Signer) {
  const address = (book.vestingWallets as Record<string, string>)[allocation];
  if (address === undefined) {
    const names = Object.keys(book.vestingWallets).join(", ");
    throw new UserError(`No vested allocation "${allocation}" in this deployment; --allocation is one of ${names}.`);
  }
  return connectVestingWallet(address, runner);
}

/** When `allocation`'s wallet first releases anything: its cliff (a timestamp). */
export async function cliffOf(book: AddressBook, allocation: string, runner: Signer): Promise<bigint> {
  return vestingWalletOf(book, allocation, runner).cliff();
}

/**
 * Releases what `allocation`'s wallet has vested to its beneficiary (anyone may send it; the tokens always go to the
 * beneficiary, who must then delegate them to vote).
 */
export async function releaseVested(book: AddressBook, allocation: string, sender: Signer, token: string) {
  const wallet = vestingWalletOf(book, allocation, sender);
  const amount = await wallet["releasable(address)"](token);
  if (amount === 0n) {
    throw new UserError(
      `The ${allocation} wallet has nothing to release yet: its cliff is at ${await wallet.cliff()}. ` +
        "Wait for it (on a local network: add --advance).",
    );
  }
  const tx = await wallet["release(address)"](token);
  await tx.wait();
  return { beneficiary: await wallet.owner(), amount, txHash: tx.hash };
}

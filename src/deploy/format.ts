import { textTable } from "../table";

import type { AddressBook } from "./addressBook";

/** The address book as a table for people. */
export function formatAddressBook(book: AddressBook): string {
  const table = textTable({ head: ["contract", "address"] });
  for (const [name, address] of Object.entries(book.contracts)) table.push([name, address]);
  return `${book.network} (chain ${book.chainId}), from block ${book.deploymentBlock}\n${table.toString()}`;
}

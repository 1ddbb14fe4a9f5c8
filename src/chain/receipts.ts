/**
 * What a sent transaction did, read from its receipt: the event a contract emitted in it. Every command that sends a
 * transaction reads its outcome this way, so one helper filters by the emitter's address and parses.
 */
import type { BaseContract, ContractTransactionReceipt, LogDescription } from "ethers";

/** The receipt `tx.wait()` gave for the `sent` transaction; null only for a transaction the node dropped. */
export function requireReceipt(receipt: ContractTransactionReceipt | null, sent: string): ContractTransactionReceipt {
  if (receipt === null) throw new Error(`${sent}: the node returned no receipt`);
  return receipt;
}

/**
 * The event `name` that `contract` emitted in `receipt`. Throws when it emitted none: the transaction succeeded
 * without doing what it was sent for, a bug rather than a user error.
 */
export async function emittedEvent(
  contract: BaseContract,
  receipt: ContractTransactionReceipt,
  name: string,
  sent: string,
): Promise<LogDescription> {
  const address = await contract.getAddress();
  const event = receipt.logs
    .filter((log) => log.address === address)
    .map((log) => contract.interface.parseLog(log))
    .find((parsed) => parsed?.name === name);
  if (event == null) throw new Error(`${sent} transaction ${receipt.hash} emitted no ${name} event`);
  return event;
}

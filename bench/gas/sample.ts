import type { ContractTransactionResponse, Provider } from "ethers";

import type { DynamicSizes } from "./floor";

/** One measured transaction: its gas and the calldata it carried (which the floor charges for). */
export interface Sample {
  readonly gas: number;
  readonly calldata: string;
  /** Byte sizes of the dynamic arguments, for the floor's logs. */
  readonly sizes: DynamicSizes;
}

/** Waits for `sent` and samples its gas. */
export async function sample(
  sent: Promise<ContractTransactionResponse> | ContractTransactionResponse,
  sizes: DynamicSizes = {},
): Promise<Sample> {
  const tx = await sent;
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
  return { gas: Number(receipt.gasUsed), calldata: tx.data, sizes };
}

/** Samples a transaction another module already sent and awaited, by its hash. */
export async function sampleByHash(provider: Provider, hash: string, sizes: DynamicSizes = {}): Promise<Sample> {
  const [tx, receipt] = await Promise.all([provider.getTransaction(hash), provider.getTransactionReceipt(hash)]);
  if (tx === null || receipt === null) throw new Error(`transaction ${hash} not found`);
  return { gas: Number(receipt.gasUsed), calldata: tx.data, sizes };
}

/** Byte length of a hex string or of a UTF-8 string. */
export const hexBytes = (hex: string): number => (hex.length - 2) / 2;
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, "utf8");

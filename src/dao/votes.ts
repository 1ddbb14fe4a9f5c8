import { ethers, type Signer } from "ethers";

import { UserError } from "../errors";
import type { ComputeToken } from "../../typechain-types";

/** Delegates `signer`'s voting power to `to` (itself by default). */
export async function delegate(token: ComputeToken, signer: Signer, to?: string) {
  const from = await signer.getAddress();
  const delegatee = to ?? from;
  if (!ethers.isAddress(delegatee)) throw new UserError(`--to must be an address; got "${delegatee}".`);
  const balance = await token.balanceOf(from);
  if (balance === 0n) throw new UserError(`${from} holds no WEFT: there is no voting power to delegate.`);
  const tx = await token.connect(signer).delegate(delegatee);
  await tx.wait();
  return { from, to: delegatee, votes: balance, txHash: tx.hash };
}

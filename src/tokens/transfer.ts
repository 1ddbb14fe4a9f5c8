/** Moving WEFT or an allow-listed payment token from one account to another: funding a client, paying a provider. */
import type { Signer } from "ethers";

import { parseAmount } from "../cli/flags";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { formatAmount, type TokenInfo } from "../jobs/amounts";
import { IERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import { resolveToken } from "./tokens";

export interface TransferRequest {
  /** WEFT, or an allow-listed token's symbol or address. */
  readonly token: string;
  readonly to: string;
  /** In token units as typed, e.g. "12.5". */
  readonly amount: string;
}

export interface Transfer {
  readonly txHash: string;
  readonly token: TokenInfo;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly senderBalance: bigint;
  readonly recipientBalance: bigint;
}

/** Sends `amount` of the token from `signer` to `to`; refuses before sending when the balance is short. */
export async function transferToken(system: WeftSystem, signer: Signer, request: TransferRequest): Promise<Transfer> {
  const token = await resolveToken(system, request.token);
  const amount = parseAmount("--amount", request.amount, token);
  const erc20 = IERC20__factory.connect(token.address, signer);
  const from = await signer.getAddress();
  const balance = await erc20.balanceOf(from);
  if (balance < amount) {
    throw new UserError(
      `${from} holds ${formatAmount(balance, token)}; the transfer needs ${formatAmount(amount, token)}.`,
    );
  }
  const tx = await erc20.transfer(request.to, amount);
  await tx.wait();
  const [senderBalance, recipientBalance] = await Promise.all([erc20.balanceOf(from), erc20.balanceOf(request.to)]);
  return { txHash: tx.hash, token, from, to: request.to, amount, senderBalance, recipientBalance };
}

/** Moving WEFT or an allow-listed payment token from one account to another: funding a client, paying a provider. */
import { ethers, type Signer } from "ethers";

import { parseAmount } from "../cli/flags";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { formatAmount, type TokenInfo } from "../jobs/amounts";
import { IERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import { resolveToken } from "./tokens";

/** An account as typed: an address, or the index of one of the network's configured `accounts` (e.g. 1). */
export function parseAccountOrAddress(flag: string, text: string, accounts: readonly string[]): string {
  if (/^\d+$/.test(text)) {
    const account = accounts[Number(text)];
    if (account === undefined) {
      throw new UserError(
        `${flag} ${text}: the network has ${accounts.length} configured accounts (0..${accounts.length - 1}).`,
      );
    }
    return account;
  }
  if (!ethers.isAddress(text) || BigInt(text) === 0n) {
    throw new UserError(
      `${flag} must be an address (0x and 40 hex digits, not zero) or an account index; got "${text}".`,
    );
  }
  return ethers.getAddress(text);
}

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

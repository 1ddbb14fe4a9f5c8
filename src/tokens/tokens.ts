/**
 * The tokens a client handles: WEFT and the escrow's allow-listed payment tokens, named on the command line by
 * symbol or address, and what an account holds of each.
 */
import { textTable } from "../table";
import { ethers } from "ethers";

import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { type AmountJson, amountJson, formatAmount, readTokenInfo, type TokenInfo, WEFT_SYMBOL } from "../jobs/amounts";
import { IERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";

/**
 * WEFT and every token the escrow allows now, WEFT first. The allow list numbers its tokens from 1 without gaps and
 * a disallowed token keeps its number, so the walk stops at the first empty index; governance bounds its length.
 */
export async function listTokens(system: WeftSystem): Promise<TokenInfo[]> {
  const escrow = system.JobEscrow;
  const runner = escrow.runner!;
  const weft = await system.ComputeToken.getAddress();
  const addresses = [weft];
  for (let index = 1n; ; index++) {
    const address = await escrow.paymentTokenAt(index);
    if (address === ethers.ZeroAddress) break;
    if (address !== weft && (await escrow.paymentTokenConfig(address)).allowed) addresses.push(address);
  }
  return Promise.all(addresses.map((address) => readTokenInfo(address, runner)));
}

/** `--token` as typed: WEFT, or the symbol or address of an allow-listed payment token. */
export async function resolveToken(system: WeftSystem, text: string): Promise<TokenInfo> {
  const tokens = await listTokens(system);
  const wanted = text.trim();
  const matches = tokens.filter(
    (token) =>
      token.symbol.toUpperCase() === wanted.toUpperCase() || token.address.toLowerCase() === wanted.toLowerCase(),
  );
  if (matches.length > 1) {
    throw new UserError(`--token ${wanted} names ${matches.length} allow-listed tokens; give its address instead.`);
  }
  const [token] = matches;
  if (token === undefined) {
    const known = tokens.map((t) => `${t.symbol} (${t.address})`).join(", ");
    throw new UserError(`--token must be ${WEFT_SYMBOL} or an allow-listed token: ${known}; got "${text}".`);
  }
  return token;
}

/** What `holder` has of one token, and what the escrow may take from it (job:create's payment). */
export interface TokenBalance {
  readonly token: TokenInfo;
  readonly balance: bigint;
  readonly escrowAllowance: bigint;
}

/** `holder`'s balance and escrow allowance of each of `tokens`. */
export async function readBalances(
  system: WeftSystem,
  holder: string,
  tokens: readonly TokenInfo[],
): Promise<TokenBalance[]> {
  const escrow = await system.JobEscrow.getAddress();
  const runner = system.JobEscrow.runner!;
  return Promise.all(
    tokens.map(async (token) => {
      const erc20 = IERC20__factory.connect(token.address, runner);
      const [balance, escrowAllowance] = await Promise.all([erc20.balanceOf(holder), erc20.allowance(holder, escrow)]);
      return { token, balance, escrowAllowance };
    }),
  );
}

/** A table of `holder`'s balances: one row per token, no colour (it is read in logs and pipes as often as on a TTY). */
export function formatBalances(holder: string, balances: readonly TokenBalance[]): string {
  const table = textTable({
    head: ["token", "balance", "escrow allowance", "address"],
    style: { head: [], border: [] },
  });
  for (const { token, balance, escrowAllowance } of balances) {
    table.push([token.symbol, formatAmount(balance, token), formatAmount(escrowAllowance, token), token.address]);
  }
  return `Balances of ${holder}\n${table.toString()}`;
}

/** The balances as --json prints them. */
export interface BalancesJson {
  readonly holder: string;
  readonly tokens: readonly {
    readonly symbol: string;
    readonly address: string;
    readonly decimals: number;
    readonly balance: AmountJson;
    readonly escrowAllowance: AmountJson;
  }[];
}

export function balancesJson(holder: string, balances: readonly TokenBalance[]): BalancesJson {
  return {
    holder,
    tokens: balances.map(({ token, balance, escrowAllowance }) => ({
      symbol: token.symbol,
      address: token.address,
      decimals: token.decimals,
      balance: amountJson(balance, token),
      escrowAllowance: amountJson(escrowAllowance, token),
    })),
  };
}

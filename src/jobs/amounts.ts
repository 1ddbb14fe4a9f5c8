/** Payment tokens as a person reads and types them: "12.5 tUSD", not 12500000000000000000 wei. */
import { ethers, type ContractRunner } from "ethers";

import { type TokenUnits, WEFT_UNITS } from "../cli/flags";
import { UserError } from "../errors";
import type { WeftSystem } from "../deploy/system";
import { IERC20Metadata__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata__factory";

export interface TokenInfo {
  readonly address: string;
  readonly symbol: string;
  readonly decimals: number;
}

/** The symbol that names the protocol's own token on the command line. */
export const WEFT_SYMBOL = "WEFT";

/** `--token` as typed: WEFT (the ComputeToken) or a token's address. */
export async function resolveTokenAddress(system: WeftSystem, text: string): Promise<string> {
  if (text.toUpperCase() === WEFT_SYMBOL) return system.ComputeToken.getAddress();
  if (!ethers.isAddress(text)) {
    throw new UserError(`--token must be ${WEFT_SYMBOL} or a token address (0x and 40 hex digits); got "${text}".`);
  }
  return ethers.getAddress(text);
}

/** The token's symbol and decimals; a UserError if `address` is not an ERC-20 with metadata on this network. */
export async function readTokenInfo(address: string, runner: ContractRunner): Promise<TokenInfo> {
  if ((await runner.provider?.getCode(address)) === "0x") {
    throw new UserError(`${address} is not a contract on this network; --token must be an ERC-20 token.`);
  }
  const token = IERC20Metadata__factory.connect(address, runner);
  try {
    const [symbol, decimals] = await Promise.all([token.symbol(), token.decimals()]);
    return { address, symbol, decimals: Number(decimals) };
  } catch (error) {
    // How a missing function shows differs by node (ethers' CALL_EXCEPTION, Hardhat's own SolidityError), so any
    // failure is reported, with its reason.
    const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
    throw new UserError(`${address} does not answer symbol() and decimals() like an ERC-20 token (${reason}).`);
  }
}

/** An amount as people read it: "16,000,000 WEFT", "12.5 tUSD" (thousands grouped, no trailing ".0"). */
export function formatAmount(amount: bigint, token: TokenUnits): string {
  const [whole, fraction] = ethers.formatUnits(amount, token.decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${fraction === "0" ? grouped : `${grouped}.${fraction}`} ${token.symbol}`;
}

/** A WEFT amount as people read it: "16,000,000 WEFT", "150.5 WEFT". */
export function formatWeft(amount: bigint): string {
  return formatAmount(amount, WEFT_UNITS);
}

/** An amount for --json: exact base units as a decimal string (JSON numbers lose precision), and as people read it. */
export interface AmountJson {
  readonly wei: string;
  readonly formatted: string;
}

export function amountJson(amount: bigint, token: TokenUnits): AmountJson {
  return { wei: amount.toString(), formatted: formatAmount(amount, token) };
}

/** A WEFT amount for --json. */
export function weftJson(amount: bigint): AmountJson {
  return amountJson(amount, WEFT_UNITS);
}

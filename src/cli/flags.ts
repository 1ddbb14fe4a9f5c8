/**
 * Command-line values, parsed the same way by every task: each parser takes the flag as typed (e.g. "--limit")
 * and its text, and either returns the value or throws a UserError that names the flag, what it accepts and what
 * it got.
 */
import { ethers } from "ethers";
import ms from "ms";

import { UserError } from "../errors";

export interface IntegerBounds {
  readonly min?: number;
  readonly max?: number;
}

/** A whole number in [min, max] (counts, limits, ports, block numbers); min defaults to 0. */
export function parseInteger(flag: string, text: string, { min = 0, max }: IntegerBounds = {}): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  const upper = max ?? Number.MAX_SAFE_INTEGER;
  if (Number.isSafeInteger(value) && value >= min && value <= upper) return value;
  if (max !== undefined) throw new UserError(`${flag} must be an integer from ${min} to ${max}; got "${text}".`);
  const range = min === 0 ? "(0, 1, 2, ...)" : `of at least ${min}`;
  throw new UserError(`${flag} must be a whole number ${range}; got "${text}".`);
}

/** One of a fixed set of words (e.g. --log-format json). */
export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  const choice = choices.find((candidate) => candidate === text);
  if (choice !== undefined) return choice;
  const listed = `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
  throw new UserError(`${flag} must be ${listed}; got "${text}".`);
}

/** The highest TCP port. */
const MAX_PORT = 65_535;

/** A TCP port to listen on; 0 lets the system pick a free one. */
export function parsePort(flag: string, text: string): number {
  return parseInteger(flag, text, { min: 0, max: MAX_PORT });
}

/** The units a bare number may count, named as `ms` names them. */
export type DurationUnit = "ms" | "s" | "m" | "h" | "d" | "w";

const UNIT_NAMES: Readonly<Record<DurationUnit, string>> = {
  ms: "milliseconds",
  s: "seconds",
  m: "minutes",
  h: "hours",
  d: "days",
  w: "weeks",
};

/**
 * A positive duration in milliseconds, read by `ms` (Vercel's, which `debug` uses): a number and a unit such as
 * 1500ms, 2.5s, 90m, 2h, 7d, 2w or 1y (365.25 days), or spelled out ("2 hours", "1 week"); a number without a unit
 * counts `bareUnit`s (the unit the flag has always been documented in).
 */
export function parseDuration(flag: string, text: string, bareUnit: DurationUnit = "s"): number {
  const trimmed = text.trim();
  const withUnit = /^\d+(\.\d+)?$/.test(trimmed) ? `${trimmed}${bareUnit}` : trimmed;
  // ms answers undefined for a string it cannot read (its type admits only those it can) and throws for "".
  const millis = withUnit === "" ? undefined : (ms(withUnit as ms.StringValue) as number | undefined);
  if (millis === undefined || !(millis > 0) || !Number.isSafeInteger(Math.round(millis))) {
    throw new UserError(
      `${flag} must be a positive duration: ${UNIT_NAMES[bareUnit]}, or a number with ms, s, m, h, d, w or y ` +
        `(e.g. 2h or "90 minutes"); got "${text}".`,
    );
  }
  return Math.round(millis);
}

/** A positive duration in whole seconds, as contracts take it (e.g. 3600, 90m, 2h or 7d). */
export function parseSeconds(flag: string, text: string): bigint {
  const ms = parseDuration(flag, text);
  if (ms % 1000 !== 0) throw new UserError(`${flag} must be a whole number of seconds; got "${text}".`);
  return BigInt(ms / 1000);
}

/** What parsing an amount needs of its token. */
export interface TokenUnits {
  readonly symbol: string;
  readonly decimals: number;
}

/** WEFT: stakes, bonds and collateral. */
export const WEFT_UNITS: TokenUnits = { symbol: "WEFT", decimals: 18 };

/** A positive decimal amount of `token` (e.g. 12.5), in the token's smallest unit. */
export function parseAmount(flag: string, text: string, token: TokenUnits): bigint {
  const invalid = new UserError(
    `${flag} must be a positive decimal amount of ${token.symbol} with at most ${token.decimals} decimals ` +
      `(e.g. 12.5); got "${text}".`,
  );
  if (!/^\d+(\.\d+)?$/.test(text.trim())) throw invalid;
  let amount: bigint;
  try {
    amount = ethers.parseUnits(text.trim(), token.decimals);
  } catch {
    throw invalid; // more decimals than the token has
  }
  if (amount === 0n) throw invalid;
  return amount;
}

/** A non-zero address (e.g. --address 0x...), checksummed. */
export function parseAddress(flag: string, text: string): string {
  if (!ethers.isAddress(text) || BigInt(text) === 0n) {
    throw new UserError(`${flag} must be an address (0x and 40 hex digits); got "${text}".`);
  }
  return ethers.getAddress(text);
}

/** An account as typed: an address, or the index of one of the network's configured `accounts` (e.g. 1). */
export function parseAccountOrAddress(flag: string, text: string, accounts: readonly string[]): string {
  if (/^\d+$/.test(text)) {
    const account = accounts[Number(text)];
    if (account === undefined) {
      throw new UserError(
        `${flag} ${text}: the network has ${accounts.length} configured accounts (0..${Math.max(0, accounts.length - 1)}).`,
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

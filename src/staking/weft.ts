/** WEFT amounts as people read them, and the machine-readable form --json prints them in. */
import { formatUnits } from "ethers";

import { WEFT_UNITS } from "../cli/flags";

/** "1000.0 WEFT" */
export function formatWeft(amount: bigint): string {
  return `${formatUnits(amount, WEFT_UNITS.decimals)} ${WEFT_UNITS.symbol}`;
}

/** An amount for --json: exact base units as a decimal string (JSON numbers lose precision), and as shown. */
export interface JsonAmount {
  readonly wei: string;
  readonly formatted: string;
}

export function jsonWeft(amount: bigint): JsonAmount {
  return { wei: amount.toString(), formatted: formatWeft(amount) };
}

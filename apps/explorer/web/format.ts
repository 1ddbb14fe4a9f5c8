/** Text helpers shared by the pages: short hex strings, durations and countdowns, WEFT amounts as numbers. */

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** 0x1234…abcd for an address or a hash; anything short enough is returned whole. */
export function shortHex(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 6)}…${hex.slice(-4)}` : hex;
}

export const isZeroAddress = (address: string): boolean => address.toLowerCase() === ZERO_ADDRESS;

const UNITS: readonly (readonly [string, number])[] = [
  ["d", 86_400],
  ["h", 3_600],
  ["min", 60],
  ["s", 1],
];

/** Whole seconds in the largest unit that fits and the next one: "4 min 10 s", "2 h 5 min", "3 d", "0 s". */
function duration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  const first = UNITS.findIndex(([, size]) => rest >= size);
  if (first < 0) return "0 s";
  const parts: string[] = [];
  for (const [unit, size] of UNITS.slice(first, first + 2)) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${unit}`);
  }
  return parts.join(" ");
}

/** "in 4 min 10 s" before `at`, "ended 2 min ago" after it (or "2 min ago" when `pastWord` is empty). */
export function relative(at: number, now: number, pastWord = "ended"): string {
  const seconds = Math.round(at - now);
  if (seconds > 0) return `in ${duration(seconds)}`;
  if (seconds === 0) return "now";
  return `${pastWord === "" ? "" : `${pastWord} `}${duration(-seconds)} ago`;
}

/** ISO 8601 for a `<time datetime>`. */
export const isoOf = (unix: number): string => new Date(unix * 1000).toISOString();

const WEI_PER_MICRO_WEFT = 10n ** 12n;

/** Base units of an 18-decimal token as a number of whole tokens, precise enough for a chart's axis. */
export function tokens(raw: string): number {
  try {
    return Number(BigInt(raw) / WEI_PER_MICRO_WEFT) / 1e6;
  } catch {
    return 0;
  }
}

/** A number of whole WEFT as text, "1,260.5 WEFT", for figures the page computes itself (a running total). */
export const weftText = (amount: number): string =>
  `${amount.toLocaleString("en-US", { maximumFractionDigits: 4 })} WEFT`;

/** `value` compared with `query` as an address filter: case-insensitive, a part of the address matches. */
export const addressMatches = (value: string, query: string): boolean =>
  query.trim() === "" || value.toLowerCase().includes(query.trim().toLowerCase());

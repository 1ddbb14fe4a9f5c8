/** A GitHub-flavoured markdown table; cells may not break the table (pipes and newlines are escaped). */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number) => String(value).replace(/\|/g, "\\|").replace(/\n/g, " ");
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** An integer with thousands separators. */
export const int = (value: number | bigint): string => value.toLocaleString("en-US");

/** 0x1234…abcd: enough of an address to tell the parties of a list apart within 100 columns. */
export const shortAddress = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** Inline code. */
export const code = (text: string): string => `\`${text}\``;

const DURATION_UNITS: [bigint, string][] = [
  [86_400n, "d"],
  [3_600n, "h"],
  [60n, "min"],
];

/** Seconds in the largest unit that divides them exactly: 172800 -> "2 d", 90 -> "90 s". */
export function duration(seconds: bigint): string {
  const [unit, label] = DURATION_UNITS.find(([u]) => seconds >= u && seconds % u === 0n) ?? [1n, "s"];
  return `${int(seconds / unit)} ${label}`;
}

/**
 * Seconds in their largest unit and the next one when it is not zero, rounded down: 7500 -> "2 h 5 min",
 * 90 -> "1 min 30 s", 7201 -> "2 h", 0 -> "0 s" (a second past the hour is noise in "matures in 2 h").
 */
export function span(seconds: bigint): string {
  const units: [bigint, string][] = [...DURATION_UNITS, [1n, "s"]];
  const first = units.findIndex(([unit]) => seconds >= unit);
  if (first === -1) return "0 s";
  const [unit, label] = units[first];
  const parts = [`${int(seconds / unit)} ${label}`];
  const next = units[first + 1];
  if (next !== undefined && (seconds % unit) / next[0] > 0n)
    parts.push(`${int((seconds % unit) / next[0])} ${next[1]}`);
  return parts.join(" ");
}

/** When `timestamp` is seen from `now`: "in 2 h 5 min", "3 d 1 h ago" or "now". */
export function relative(timestamp: bigint, now: bigint): string {
  if (timestamp === now) return "now";
  return timestamp > now ? `in ${span(timestamp - now)}` : `${span(now - timestamp)} ago`;
}

/** A unix time as a UTC date and time to the second: "2026-12-03 15:20:07 UTC". */
export function formatUtc(timestamp: bigint): string {
  return new Date(Number(timestamp) * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

/** A unix time for --json: its seconds as a decimal string, and in UTC. */
export function momentJson(timestamp: bigint): { readonly unix: string; readonly utc: string } {
  return { unix: timestamp.toString(), utc: formatUtc(timestamp) };
}

/** A unix time and how far it is from `now`: "2026-12-03 15:20:07 UTC (in 2 h 5 min)". */
export function formatMoment(timestamp: bigint, now: bigint): string {
  return `${formatUtc(timestamp)} (${relative(timestamp, now)})`;
}

/** Basis points as a percentage: 250 -> "2.50%". */
export function formatBps(bps: bigint): string {
  return `${(Number(bps) / 100).toFixed(2)}%`;
}

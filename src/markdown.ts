/** A GitHub-flavoured markdown table; cells may not break the table (pipes and newlines are escaped). */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number) => String(value).replace(/\|/g, "\\|").replace(/\n/g, " ");
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** An integer with thousands separators. */
export const int = (value: number | bigint): string => value.toLocaleString("en-US");

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

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

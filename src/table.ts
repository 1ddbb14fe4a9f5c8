/**
 * Every table a command prints. cli-table3 colours heads and borders with ANSI codes; written to a file, a pipe or a
 * CI log they are noise, so a table is plain unless stdout is a terminal (and NO_COLOR, https://no-color.org, is
 * unset).
 */
import Table from "cli-table3";

type TableOptions = NonNullable<ConstructorParameters<typeof Table>[0]>;

/** Whether output may carry colour: a terminal, and no NO_COLOR. */
export const colourAllowed = (): boolean => process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

/** A cli-table3 table, coloured only where colour is allowed. */
export function textTable(options: TableOptions = {}): InstanceType<typeof Table> {
  if (colourAllowed()) return new Table(options);
  return new Table({ ...options, style: { ...options.style, head: [], border: [] } });
}

/** A table that scrolls sideways inside its own box on a narrow screen, captioned, with column headers. */
import type { ComponentChildren } from "preact";

interface TableProps {
  readonly caption: ComponentChildren;
  readonly columns: readonly string[];
  readonly children: ComponentChildren;
  /** Hide the caption visually when a heading above already says it (screen readers still read it). */
  readonly hideCaption?: boolean;
}

export const Table = ({ caption, columns, children, hideCaption = false }: TableProps) => (
  <div class="table-wrap">
    <table class="striped">
      <caption class={hideCaption ? "visually-hidden" : undefined}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  </div>
);

/** The caption props of the tables of jobs, disputes and slashes. */
export interface CaptionProps {
  readonly caption: string;
  /** Hide the caption visually when a heading above already says it (screen readers still read it). */
  readonly hideCaption?: boolean;
}

/** A table of plain values: a chart's numbers for screen readers. */
export const DataTable = ({
  caption,
  columns,
  rows,
}: {
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}) => (
  <Table caption={caption} columns={columns}>
    {rows.map((row, index) => (
      <tr key={index}>{row.map((cell, column) => (column === 0 ? <th scope="row">{cell}</th> : <td>{cell}</td>))}</tr>
    ))}
  </Table>
);

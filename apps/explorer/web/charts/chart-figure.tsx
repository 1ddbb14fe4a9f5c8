/** A chart in a `<figure>`: its caption, the plot or a line saying there is no data, and its numbers as a table. */
import type uPlot from "uplot";

import { DataTable } from "../components/table";
import { Plot, type PlotOptions } from "./plot";

interface ChartFigureProps {
  readonly testid: string;
  readonly caption: string;
  /** Shown instead of the plot when `rows` is empty. */
  readonly emptyText: string;
  readonly options: PlotOptions;
  readonly data: uPlot.AlignedData;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

export const ChartFigure = ({ testid, caption, emptyText, options, data, columns, rows }: ChartFigureProps) => (
  <figure class="chart" data-testid={testid}>
    <figcaption>{caption}</figcaption>
    {rows.length === 0 ? (
      <p class="empty">{emptyText}</p>
    ) : (
      <>
        <Plot options={options} data={data} />
        <details>
          <summary>Data</summary>
          <DataTable caption={caption} columns={columns} rows={rows} />
        </details>
      </>
    )}
  </figure>
);

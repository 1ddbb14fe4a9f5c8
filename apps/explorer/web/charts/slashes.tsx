/** The stake and collateral slashed so far, as a running total that steps up at each slash. */
import uPlot from "uplot";

import type { Overview } from "../../../../src/explorer/api";
import { shortHex, tokens, weftText } from "../format";
import { ChartFigure } from "./chart-figure";
import type { PlotOptions } from "./plot";
import { SERIES_COLORS, translucent } from "./theme";

const DAY = 86_400;

/** Axis ticks in UTC, as every time on the page: hours and minutes within two days, the date beyond. */
const utcTicks = (u: uPlot, splits: number[]): string[] => {
  const [min = 0, max = 0] = [u.scales.x?.min, u.scales.x?.max];
  return splits.map((seconds) => {
    const iso = new Date(seconds * 1000).toISOString();
    return max - min > 2 * DAY ? iso.slice(5, 10) : iso.slice(11, 16);
  });
};

/** Indexes of the points that are slashes: all but the line's last, which is the indexed block's time. */
const slashIndexes = (points: number): number[] => Array.from({ length: Math.max(0, points - 1) }, (_x, i) => i);

const options: PlotOptions = (narrow) => ({
  legend: { show: !narrow },
  scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
  axes: [
    { label: "UTC", values: utcTicks, space: 60 },
    { label: "WEFT", size: narrow ? 48 : 64 },
  ],
  series: [
    {
      label: "Time",
      value: (_u, seconds) =>
        seconds === null ? "–" : new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " "),
    },
    {
      label: "Slashed in total",
      stroke: SERIES_COLORS.red,
      fill: translucent(SERIES_COLORS.red, 0.12),
      width: 2,
      paths: uPlot.paths.stepped?.({ align: 1 }),
      points: { show: true, size: 6, fill: SERIES_COLORS.red, filter: (u) => slashIndexes(u.data[0].length) },
      value: (_u, value) => (value === null ? "–" : weftText(value)),
    },
  ],
});

export function SlashesChart({ overview }: { readonly overview: Overview }) {
  const slashes = [...overview.slashes].sort((a, b) => a.at.unix - b.at.unix || a.block - b.block);
  let total = 0;
  const totals = slashes.map((slash) => (total += tokens(slash.taken.raw)));
  // The line runs on, flat, to the indexed block's time (one second on if that is the last slash's), so the last
  // step has a length.
  const end = Math.max(overview.chain.now.unix, (slashes.at(-1)?.at.unix ?? 0) + 1);
  return (
    <ChartFigure
      testid="chart-slashes"
      caption="Stake and collateral slashed over time (running total)"
      emptyText="No provider has been slashed."
      options={options}
      data={[
        [...slashes.map((slash) => slash.at.unix), end],
        [...totals, total],
      ]}
      columns={["Time (UTC)", "Provider", "Job", "Taken", "Running total"]}
      rows={slashes.map((slash, index) => [
        slash.at.utc,
        shortHex(slash.provider),
        `#${slash.jobId}`,
        slash.taken.text,
        weftText(totals[index] ?? 0),
      ])}
    />
  );
}

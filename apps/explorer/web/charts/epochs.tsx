/** Per reward epoch: the protocol fees of its finalized jobs, the emission and the rewards claimed, in WEFT. */
import { useMemo } from "preact/hooks";
import uPlot from "uplot";

import type { Overview } from "../../../../src/explorer/api";
import { tokens } from "../format";
import { ChartFigure } from "./chart-figure";
import type { PlotOptions } from "./plot";
import { SERIES_COLORS, translucent } from "./theme";

const weft = (_u: unknown, value: number | null) => (value === null ? "–" : `${value.toLocaleString("en-US")} WEFT`);

/** A bar beside its neighbour in the epoch's slot: fees to the left (-1), claims to the right (1). */
const bars = (label: string, color: string, align: -1 | 1) => ({
  label,
  stroke: color,
  fill: translucent(color, 0.6),
  paths: uPlot.paths.bars?.({ size: [0.35, 40], align }),
  points: { show: false },
  value: weft,
});

const fromZero = { range: (_u: unknown, _min: number, max: number): [number, number] => [0, max > 0 ? max * 1.15 : 1] };

// The charted epochs are those with fees or claims (and the current one), not a continuous range: each gets a slot of
// its own, named by its number. The emission is set by the schedule and is orders of magnitude above the fees and
// claims it is capped by: it gets its own axis on the right, or the fees would lie flat on zero.
const optionsFor =
  (epochs: readonly number[]): PlotOptions =>
  (narrow) => ({
    scales: { x: { time: false, range: [-0.5, epochs.length - 0.5] }, y: fromZero, emission: fromZero },
    axes: [
      {
        label: "epoch",
        splits: () => epochs.map((_epoch, index) => index),
        values: (_u, splits) => splits.map((index) => String(epochs[index] ?? "")),
        grid: { show: false },
      },
      { label: "fees and claims, WEFT", size: narrow ? 48 : 64 },
      { label: "emission, WEFT", scale: "emission", side: 1, size: narrow ? 56 : 72, grid: { show: false } },
    ],
    series: [
      { label: "Epoch", value: (_u, index) => (index === null ? "–" : String(epochs[index] ?? "")) },
      bars("Fees", SERIES_COLORS.orange, -1),
      {
        label: "Emission",
        scale: "emission",
        stroke: SERIES_COLORS.blue,
        width: 2,
        dash: [8, 4],
        points: { show: true, size: 6, fill: SERIES_COLORS.blue },
        value: weft,
      },
      bars("Claimed", SERIES_COLORS.green, 1),
    ],
  });

export function EpochsChart({ overview }: { readonly overview: Overview }) {
  const epochs = [...overview.epochs].sort((a, b) => a.epoch - b.epoch);
  const numbers = epochs.map((epoch) => epoch.epoch);
  // The plot is rebuilt when its options change: only a new set of epochs does that.
  const options = useMemo(() => optionsFor(numbers), [numbers.join()]);
  return (
    <ChartFigure
      testid="chart-epochs"
      caption="Fees, emission and claimed rewards per epoch"
      emptyText="No reward epochs yet."
      options={options}
      data={[
        epochs.map((_epoch, index) => index),
        epochs.map((epoch) => tokens(epoch.fees.raw)),
        epochs.map((epoch) => tokens(epoch.emission.raw)),
        epochs.map((epoch) => tokens(epoch.claimed.raw)),
      ]}
      columns={["Epoch", "Ends (UTC)", "Fees", "Emission", "Claimed"]}
      rows={epochs.map((epoch) => [
        epoch.epoch,
        epoch.end.utc,
        epoch.fees.text,
        epoch.emission.text,
        epoch.claimed.text,
      ])}
    />
  );
}

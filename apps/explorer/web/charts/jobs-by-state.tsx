/** How many jobs are in each state, as bars. */
import uPlot from "uplot";

import { JOB_STATES } from "../../../../src/explorer/api";
import type { Overview } from "../../../../src/explorer/api";
import { ChartFigure } from "./chart-figure";
import type { PlotOptions } from "./plot";
import { SERIES_COLORS, translucent } from "./theme";

const options: PlotOptions = (narrow) => ({
  legend: { show: false },
  cursor: { points: { show: false } },
  scales: {
    x: { time: false, range: [-0.5, JOB_STATES.length - 0.5] },
    y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.15))] },
  },
  axes: [
    {
      splits: () => JOB_STATES.map((_state, index) => index),
      values: (_u, splits) => splits.map((index) => JOB_STATES[index] ?? ""),
      rotate: narrow ? -50 : 0,
      size: narrow ? 84 : 40,
      grid: { show: false },
    },
    { label: "jobs", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] },
  ],
  series: [
    {},
    {
      label: "Jobs",
      stroke: SERIES_COLORS.blue,
      fill: translucent(SERIES_COLORS.blue, 0.6),
      paths: uPlot.paths.bars?.({ size: [0.6, 64] }),
      points: { show: false },
    },
  ],
});

export function JobsByStateChart({ overview }: { readonly overview: Overview }) {
  const counts = JOB_STATES.map((state) => overview.jobsByState[state] ?? 0);
  return (
    <ChartFigure
      testid="chart-jobs-by-state"
      caption="Jobs by state"
      emptyText="No jobs yet."
      options={options}
      data={[JOB_STATES.map((_state, index) => index), counts]}
      columns={["State", "Jobs"]}
      rows={overview.jobs === 0 ? [] : JOB_STATES.map((state, index) => [state, counts[index] ?? 0])}
    />
  );
}

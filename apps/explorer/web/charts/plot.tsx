/**
 * A uPlot chart as wide as its container: it follows the container's width (a phone turned, a window resized) and is
 * built again when the data changes or when the width crosses the narrow breakpoint, where the axes lay out otherwise.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

import { axisColors } from "./theme";

/** The chart's options for a width class, without the size the container gives. */
export type PlotOptions = (narrow: boolean) => Omit<uPlot.Options, "width" | "height">;

const NARROW = 560;
const heightFor = (narrow: boolean): number => (narrow ? 240 : 300);

/** Axes drawn in the theme's colours, keeping what `options` sets. */
function themed(options: Omit<uPlot.Options, "width" | "height">): Omit<uPlot.Options, "width" | "height"> {
  const colors = axisColors();
  return {
    ...options,
    axes: (options.axes ?? [{}, {}]).map((axis) => ({
      stroke: colors.text,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      ...axis,
    })),
  };
}

export function Plot({ options, data }: { readonly options: PlotOptions; readonly data: uPlot.AlignedData }) {
  const container = useRef<HTMLDivElement>(null);
  // Refetched data equal to the last is not a change: the chart stays as it is.
  const dataKey = JSON.stringify(data);
  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const width = () => Math.max(240, Math.floor(element.clientWidth));
    let narrow = width() < NARROW;
    const create = () => {
      const size = { width: width(), height: heightFor(narrow) };
      return new uPlot({ ...themed(options(narrow)), ...size }, data, element);
    };
    let plot = create();
    const observer = new ResizeObserver(() => {
      const nowNarrow = width() < NARROW;
      if (nowNarrow !== narrow) {
        narrow = nowNarrow;
        plot.destroy();
        plot = create();
      } else if (plot.width !== width()) {
        plot.setSize({ width: width(), height: heightFor(narrow) });
      }
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [dataKey, options]);
  return <div class="plot" ref={container} aria-hidden="true" />;
}

/** Chart colours: the text and grid colours follow Pico's light or dark theme; series colours read on both. */
export const SERIES_COLORS = { blue: "#1c7ed6", orange: "#e8590c", green: "#2f9e44", red: "#e03131" } as const;

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === "" ? fallback : value;
}

/** The axis colours of the theme shown now. */
export function axisColors(): { readonly text: string; readonly grid: string } {
  return { text: cssVar("--pico-muted-color", "#646b79"), grid: cssVar("--pico-muted-border-color", "#e7eaf0") };
}

/** `color` with an alpha channel, for a bar's or an area's fill ("#1c7ed6" → "#1c7ed64d"). */
export const translucent = (color: string, alpha = 0.3): string =>
  `${color}${Math.round(alpha * 255)
    .toString(16)
    .padStart(2, "0")}`;

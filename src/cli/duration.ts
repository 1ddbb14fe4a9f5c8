/**
 * Durations as people read them ("2 h 5 min"). Own code: the one duration formatter installed (ms, a transitive
 * dependency) rounds to a single unit, and "7 d" for 7 d 23 h would misstate when stake matures.
 */

const UNITS: readonly (readonly [name: string, seconds: bigint])[] = [
  ["d", 86_400n],
  ["h", 3_600n],
  ["min", 60n],
  ["s", 1n],
];

/** The two largest non-zero units of `seconds` (e.g. "7 d 2 h", "5 min 3 s", "0 s"); exact below a minute. */
export function formatDuration(seconds: bigint): string {
  const parts: string[] = [];
  let left = seconds < 0n ? -seconds : seconds;
  for (const [name, size] of UNITS) {
    const count = left / size;
    left %= size;
    if (count > 0n || parts.length > 0) parts.push(`${count} ${name}`);
    if (parts.length === 2) break;
  }
  return parts.filter((part) => !part.startsWith("0 ")).join(" ") || "0 s";
}

/** "in 2 h 5 min", "3 min ago" or "now", from the chain's clock `now`. */
export function formatRelative(timestamp: bigint, now: bigint): string {
  if (timestamp === now) return "now";
  return timestamp > now ? `in ${formatDuration(timestamp - now)}` : `${formatDuration(now - timestamp)} ago`;
}

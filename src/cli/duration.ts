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

/** The largest unit of `seconds` and the next one when not zero (e.g. "7 d 2 h", "2 h", "5 min 3 s", "0 s"). */
export function formatDuration(seconds: bigint): string {
  let left = seconds < 0n ? -seconds : seconds;
  const first = UNITS.findIndex(([, size]) => left >= size);
  if (first === -1) return "0 s";
  const [name, size] = UNITS[first];
  const parts = [`${left / size} ${name}`];
  left %= size;
  const next = UNITS[first + 1];
  if (next !== undefined && left >= next[1]) parts.push(`${left / next[1]} ${next[0]}`);
  return parts.join(" ");
}

/** "in 2 h 5 min", "3 min ago" or "now", from the chain's clock `now`. */
export function formatRelative(timestamp: bigint, now: bigint): string {
  if (timestamp === now) return "now";
  return timestamp > now ? `in ${formatDuration(timestamp - now)}` : `${formatDuration(now - timestamp)} ago`;
}

/**
 * The chain's clock in the browser: the server's `chain.now` (the time of the indexed block, which on a test chain
 * can be far from the wall clock) plus the seconds the browser has counted since it arrived. Countdowns read it.
 */
import { useEffect, useState } from "preact/hooks";

let base: { readonly chain: number; readonly at: number } | undefined;

/** Sets the clock from a `chain.now.unix` just received. */
export function setChainNow(unix: number): void {
  base = { chain: unix, at: performance.now() };
}

/** The chain's time now in unix seconds, or undefined before the server has told it. */
const chainNow = (): number | undefined =>
  base === undefined ? undefined : base.chain + (performance.now() - base.at) / 1000;

/** One timer for every countdown on the page, running while one is shown. */
const ticking = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick(listener: () => void): () => void {
  ticking.add(listener);
  timer ??= setInterval(() => ticking.forEach((each) => each()), 1000);
  return () => {
    ticking.delete(listener);
    if (ticking.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The chain's time, re-rendering the caller every second. */
export function useChainNow(): number | undefined {
  const [, setTicks] = useState(0);
  useEffect(() => tick(() => setTicks((count) => count + 1)), []);
  return chainNow();
}

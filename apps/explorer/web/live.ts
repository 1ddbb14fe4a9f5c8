/**
 * Live updates: one EventSource for the whole app. Each "indexed" event carries the new chain head; the header shows
 * it, the clock resets to it and every view using `useData` fetches its data again.
 */
import { useEffect, useState } from "preact/hooks";

import { EVENTS_ROUTE, UPDATE_EVENT } from "../../../src/explorer/api";
import type { ChainHead } from "../../../src/explorer/api";
import { getRoute } from "./api";
import { setChainNow } from "./clock";

/** The stream's state; "closed" once the browser gave up reconnecting (the server refused the stream). */
export type Connection = "connecting" | "live" | "reconnecting" | "closed";

interface LiveState {
  readonly head?: ChainHead;
  /** How many updates have arrived: views refetch when it changes. */
  readonly updates: number;
  readonly connection: Connection;
}

let state: LiveState = { updates: 0, connection: "connecting" };
const listeners = new Set<(next: LiveState) => void>();
let source: EventSource | undefined;

function publish(next: LiveState): void {
  state = next;
  listeners.forEach((listener) => listener(state));
}

/**
 * Takes a head unless it is older than the one held (a slow first fetch after a quick event). The views fetch again
 * when an event brings a newer block, or the first head at all (they may have read before it); the server also sends
 * its head as it stands whenever the stream (re)connects, which is no news when that block is the one held.
 */
function acceptHead(head: ChainHead, fromEvent: boolean): void {
  const held = state.head?.indexed;
  if (held !== undefined && head.indexed < held) return;
  const newer = held === undefined || head.indexed > held;
  // The same block again keeps the clock running from when its time first arrived.
  if (newer) setChainNow(head.now.unix);
  publish({ ...state, head, updates: state.updates + (fromEvent && newer ? 1 : 0) });
}

function connect(): void {
  source = new EventSource(EVENTS_ROUTE);
  source.addEventListener("open", () => publish({ ...state, connection: "live" }));
  source.addEventListener("error", () =>
    publish({ ...state, connection: source?.readyState === EventSource.CLOSED ? "closed" : "reconnecting" }),
  );
  source.addEventListener(UPDATE_EVENT, (event: MessageEvent<string>) => {
    try {
      acceptHead(JSON.parse(event.data) as ChainHead, true);
    } catch {
      // A malformed event is skipped: the next one brings the head again.
    }
  });
  // The head as it is now, until the first event arrives.
  getRoute("/api/overview").then(
    (overview) => acceptHead(overview.chain, false),
    () => undefined,
  );
}

/** The chain head, the number of updates so far and the stream's state; opens the stream on first use. */
export function useLive(): LiveState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    listeners.add(setCurrent);
    if (source === undefined) connect();
    setCurrent(state);
    return () => {
      listeners.delete(setCurrent);
    };
  }, []);
  return current;
}

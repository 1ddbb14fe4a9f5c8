/** Data for a view: fetched when the view opens and again on each live update, the last answer kept meanwhile. */
import { useEffect, useState } from "preact/hooks";

import { useLive } from "./live";

export interface Loaded<T> {
  readonly data?: T;
  /** The server's message when the last request failed. */
  readonly error?: string;
}

/** `load()` for the view named `key` (its path): a new key starts from nothing, an update keeps the data shown. */
export function useData<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const { updates } = useLive();
  const [state, setState] = useState<Loaded<T> & { readonly key: string }>({ key });
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ key, data }),
      (error: unknown) =>
        current &&
        setState((previous) => ({
          key,
          data: previous.key === key ? previous.data : undefined,
          error: error instanceof Error ? error.message : String(error),
        })),
    );
    return () => {
      current = false;
    };
  }, [key, updates]);
  return state.key === key ? state : {};
}

/** What a view shows while its data loads or when the server answered an error. */
import type { ComponentChildren } from "preact";

import type { Loaded } from "../use-data";

const Loading = () => <p aria-busy="true">Loading…</p>;

const ErrorAlert = ({ message }: { readonly message: string }) => (
  <p role="alert" class="error">
    {message}
  </p>
);

interface LoadProps<T> {
  readonly loaded: Loaded<T>;
  readonly children: (data: T) => ComponentChildren;
  /** Names the view's content once loaded, so a test can wait for the view to be ready. */
  readonly testid?: string;
}

/** The error, if any, then `children(data)` once there is data, or "Loading…". */
export function Load<T>({ loaded, children, testid }: LoadProps<T>) {
  return (
    <>
      {loaded.error !== undefined && <ErrorAlert message={loaded.error} />}
      {loaded.data !== undefined ? (
        <div data-testid={testid}>{children(loaded.data)}</div>
      ) : (
        loaded.error === undefined && <Loading />
      )}
    </>
  );
}

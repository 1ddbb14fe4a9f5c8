/** The explorer server's JSON, fetched and typed by the contract in src/explorer/api.ts. */
import { JOB_ROUTE, PROVIDER_ROUTE } from "../../../src/explorer/api";
import type { ExplorerRoutes, JobPage, ProviderPage } from "../../../src/explorer/api";

/** Requests under way by path, so two views asking for the same thing at once share one request. */
const inFlight = new Map<string, Promise<unknown>>();

function errorOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  return typeof body.error === "string" ? body.error : undefined;
}

async function request(path: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: "application/json" } });
  } catch (error) {
    throw new Error(`Cannot reach the explorer server (${error instanceof Error ? error.message : String(error)}).`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(errorOf(body) ?? `The server answered ${response.status} ${response.statusText}.`);
  if (body === undefined) throw new Error(`The server's answer to ${path} is not JSON.`);
  return body;
}

function getJson<T>(path: string): Promise<T> {
  let pending = inFlight.get(path);
  if (pending === undefined) {
    pending = request(path).finally(() => inFlight.delete(path));
    inFlight.set(path, pending);
  }
  return pending as Promise<T>;
}

export const getRoute = <P extends keyof ExplorerRoutes>(path: P): Promise<ExplorerRoutes[P]> =>
  getJson<ExplorerRoutes[P]>(path);

export const getJob = (id: string): Promise<JobPage> => getJson<JobPage>(JOB_ROUTE + encodeURIComponent(id));

export const getProvider = (address: string): Promise<ProviderPage> =>
  getJson<ProviderPage>(PROVIDER_ROUTE + encodeURIComponent(address));

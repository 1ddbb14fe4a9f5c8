/** The jobs page's filters, read from and written to the hash's query so a filtered view can be linked. */
import type { JobRow } from "../../../../src/explorer/api";
import { addressMatches } from "../format";

export interface JobFilters {
  readonly client: string;
  readonly provider: string;
  readonly workload: string;
  readonly state: string;
}

export const filtersOf = (query: URLSearchParams): JobFilters => ({
  client: query.get("client") ?? "",
  provider: query.get("provider") ?? "",
  workload: query.get("workload") ?? "",
  state: query.get("state") ?? "",
});

/** The jobs the filters let through: addresses match case-insensitively (a part of one will do), the rest exactly. */
export const applyFilters = (jobs: readonly JobRow[], filters: JobFilters): JobRow[] =>
  jobs.filter(
    (job) =>
      addressMatches(job.client, filters.client) &&
      addressMatches(job.provider, filters.provider) &&
      (filters.workload === "" || job.workload === filters.workload) &&
      (filters.state === "" || job.state === filters.state),
  );

/** The distinct values in `order` (or first-seen order), with `selected` kept even when no job has it now. */
export function choices(values: readonly string[], selected: string, order?: readonly string[]): string[] {
  const present = new Set(values);
  if (selected !== "") present.add(selected);
  return order === undefined ? [...present] : order.filter((value) => present.has(value));
}

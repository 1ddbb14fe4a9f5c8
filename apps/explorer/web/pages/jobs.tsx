/** `#/jobs`: every job, filtered by client, provider, workload and state from the hash's query. */
import { JOB_STATES } from "../../../../src/explorer/api";
import type { JobRow } from "../../../../src/explorer/api";
import { getRoute } from "../api";
import { JobsTable } from "../components/jobs-table";
import { Load } from "../components/status";
import { hrefWith, replaceHash } from "../router";
import { useData } from "../use-data";
import { applyFilters, choices, filtersOf, type JobFilters } from "./job-filters";

type Setter = (name: keyof JobFilters) => (event: Event) => void;

function AddressFilter(props: {
  readonly label: string;
  readonly name: "client" | "provider";
  readonly value: string;
  readonly set: Setter;
}) {
  return (
    <label>
      {props.label}
      <input
        type="text"
        name={props.name}
        value={props.value}
        onInput={props.set(props.name)}
        placeholder="0x…"
        spellcheck={false}
        autocomplete="off"
      />
    </label>
  );
}

function ChoiceFilter(props: {
  readonly label: string;
  readonly name: "workload" | "state";
  readonly value: string;
  readonly all: string;
  readonly choices: readonly string[];
  readonly set: Setter;
}) {
  return (
    <label>
      {props.label}
      <select name={props.name} value={props.value} onChange={props.set(props.name)}>
        <option value="">{props.all}</option>
        {props.choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    </label>
  );
}

function Filters({ jobs, filters }: { readonly jobs: readonly JobRow[]; readonly filters: JobFilters }) {
  const set: Setter = (name) => (event) =>
    replaceHash(
      hrefWith("/jobs", { ...filters, [name]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value }),
    );
  const workloads = choices(
    jobs.map((job) => job.workload),
    filters.workload,
  ).sort();
  const states = choices(
    jobs.map((job) => job.state),
    filters.state,
    JOB_STATES,
  );
  return (
    <form class="filters" role="search" aria-label="Filter jobs" onSubmit={(event) => event.preventDefault()}>
      <AddressFilter label="Client" name="client" value={filters.client} set={set} />
      <AddressFilter label="Provider" name="provider" value={filters.provider} set={set} />
      <ChoiceFilter
        label="Workload"
        name="workload"
        value={filters.workload}
        all="All workloads"
        choices={workloads}
        set={set}
      />
      <ChoiceFilter label="State" name="state" value={filters.state} all="All states" choices={states} set={set} />
    </form>
  );
}

export function JobsPage({ query }: { readonly query: URLSearchParams }) {
  const loaded = useData("/api/jobs", () => getRoute("/api/jobs"));
  const filters = filtersOf(query);
  const filtered = Object.values(filters).some((value) => value !== "");
  return (
    <>
      <h1 tabIndex={-1}>Jobs</h1>
      <Load loaded={loaded} testid="jobs">
        {(jobs) => {
          const shown = applyFilters(jobs, filters);
          return (
            <>
              <Filters jobs={jobs} filters={filters} />
              <p class="muted" aria-live="polite">
                {filtered
                  ? `${shown.length} of ${jobs.length} jobs match. `
                  : `${jobs.length} ${jobs.length === 1 ? "job" : "jobs"}.`}
                {filtered && <a href="#/jobs">Clear the filters</a>}
              </p>
              <JobsTable jobs={shown} caption={filtered ? "Jobs matching the filters" : "All jobs"} hideCaption />
            </>
          );
        }}
      </Load>
    </>
  );
}

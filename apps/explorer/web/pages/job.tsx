/** `#/jobs/<id>`: one job's state, terms, timeline, disputes and receipt. */
import type { JobPage as JobData, TimelineEntry } from "../../../../src/explorer/api";
import { getJob } from "../api";
import { Countdown, Utc } from "../components/countdown";
import { DisputesTable } from "../components/disputes-table";
import { Hex, ProviderLink } from "../components/hex";
import { StateBadge } from "../components/state-badge";
import { Stat, Stats } from "../components/stats";
import { Load } from "../components/status";
import { useData } from "../use-data";

const Timeline = ({ entries }: { readonly entries: readonly TimelineEntry[] }) =>
  entries.length === 0 ? (
    <p class="empty">No events yet.</p>
  ) : (
    <ol class="timeline" data-testid="timeline">
      {entries.map((entry, index) => (
        <li key={`${entry.tx}-${index}`}>
          <strong>{entry.event}</strong> <span>{entry.summary}</span>
          <small class="muted">
            <Utc at={entry.at} /> · block {entry.block} · tx <Hex value={entry.tx} />
          </small>
        </li>
      ))}
    </ol>
  );

function JobDetails({ page }: { readonly page: JobData }) {
  const { job } = page;
  return (
    <>
      <Stats label="The job">
        <Stat label="State" value={job.state} testid="job-state" />
        <Stat label="Payment" value={job.payment.text} testid="job-payment" />
        <div class={job.phaseEnds === undefined ? "stat" : "stat wide"}>
          <dt>Phase ends</dt>
          <dd>{job.phaseEnds === undefined ? "closed" : <Countdown at={job.phaseEnds} withUtc />}</dd>
        </div>
      </Stats>
      <p>
        <StateBadge state={job.state} /> {job.workload} for <Hex value={job.client} />, provider{" "}
        <ProviderLink address={job.provider} />, created <Utc at={job.created} />.
      </p>
      <section aria-labelledby="terms">
        <h2 id="terms">Terms</h2>
        <dl class="terms">
          {page.terms.map((term) => (
            <div key={term.label}>
              <dt>{term.label}</dt>
              <dd>{term.value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        <Timeline entries={page.timeline} />
      </section>
      <section aria-labelledby="disputes">
        <h2 id="disputes">Disputes</h2>
        <DisputesTable disputes={page.disputes} caption={`Disputes of job #${job.id}`} hideCaption />
      </section>
      {page.receipt !== undefined && (
        <section aria-labelledby="receipt">
          <h2 id="receipt">Receipt</h2>
          <figure class="receipt">
            <img src={page.receipt.image} alt={`Receipt of job ${job.id}`} />
            <figcaption>
              {page.receipt.name}, owned by <Hex value={page.receipt.owner} />
            </figcaption>
          </figure>
        </section>
      )}
    </>
  );
}

export function JobPage({ id }: { readonly id: string }) {
  const loaded = useData(`/api/jobs/${id}`, () => getJob(id));
  return (
    <>
      <p class="crumbs">
        <a href="#/jobs">← All jobs</a>
      </p>
      <h1 tabIndex={-1}>Job #{id}</h1>
      <Load loaded={loaded}>{(page) => <JobDetails page={page} />}</Load>
    </>
  );
}

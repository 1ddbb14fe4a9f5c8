/** Jobs as a table: the jobs page and a provider's page show the same one. */
import type { JobRow } from "../../../../src/explorer/api";
import { Countdown, Utc } from "./countdown";
import { Hex, ProviderLink } from "./hex";
import { StateBadge } from "./state-badge";
import { Table, type CaptionProps } from "./table";

const COLUMNS = ["Job", "State", "Workload", "Client", "Provider", "Payment", "Created", "Phase ends"];

export const JobsTable = ({
  jobs,
  caption,
  hideCaption = false,
}: { readonly jobs: readonly JobRow[] } & CaptionProps) =>
  jobs.length === 0 ? (
    <p class="empty">No jobs to show.</p>
  ) : (
    <Table caption={caption} hideCaption={hideCaption} columns={COLUMNS}>
      {jobs.map((job) => (
        <tr key={job.id} data-testid={`job-row-${job.id}`}>
          <th scope="row">
            <a href={`#/jobs/${job.id}`}>#{job.id}</a>
          </th>
          <td>
            <StateBadge state={job.state} />
          </td>
          <td>{job.workload}</td>
          <td>
            <Hex value={job.client} />
          </td>
          <td>
            <ProviderLink address={job.provider} />
          </td>
          <td class="amount">{job.payment.text}</td>
          <td>
            <Utc at={job.created} />
          </td>
          <td>{job.phaseEnds === undefined ? <span class="muted">closed</span> : <Countdown at={job.phaseEnds} />}</td>
        </tr>
      ))}
    </Table>
  );

/** Disputes as a table, open ones with their window counting down: the disputes page and a job's page. */
import type { DisputeRow } from "../../../../src/explorer/api";
import { Countdown, Utc } from "./countdown";
import { Hex, ProviderLink } from "./hex";
import { StateBadge } from "./state-badge";
import { Table, type CaptionProps } from "./table";

const COLUMNS = ["Dispute", "Job", "Kind", "Status", "Challenger", "Provider", "Bond", "Opened", "Window / outcome"];

export const DisputesTable = ({
  disputes,
  caption,
  hideCaption = false,
}: { readonly disputes: readonly DisputeRow[] } & CaptionProps) =>
  disputes.length === 0 ? (
    <p class="empty">No disputes.</p>
  ) : (
    <Table caption={caption} hideCaption={hideCaption} columns={COLUMNS}>
      {disputes.map((dispute) => (
        <tr key={dispute.id} data-testid={`dispute-row-${dispute.id}`}>
          <th scope="row">#{dispute.id}</th>
          <td>
            <a href={`#/jobs/${dispute.jobId}`}>job #{dispute.jobId}</a>
          </td>
          <td>{dispute.kind}</td>
          <td>
            <StateBadge state={dispute.status} />
          </td>
          <td>
            <Hex value={dispute.challenger} />
          </td>
          <td>
            <ProviderLink address={dispute.provider} />
          </td>
          <td class="amount">{dispute.bond.text}</td>
          <td>
            <Utc at={dispute.opened} />
          </td>
          <td class="prose">
            {dispute.deadline !== undefined ? (
              <Countdown at={dispute.deadline} />
            ) : (
              (dispute.outcome ?? <span class="muted">settled</span>)
            )}
          </td>
        </tr>
      ))}
    </Table>
  );

/** Slashes as a table: what was taken from whom, for which job, when. */
import type { SlashRow } from "../../../../src/explorer/api";
import { Utc } from "./countdown";
import { Hex } from "./hex";
import { Table, type CaptionProps } from "./table";

export const SlashesTable = ({
  slashes,
  caption,
  hideCaption = false,
}: { readonly slashes: readonly SlashRow[] } & CaptionProps) =>
  slashes.length === 0 ? (
    <p class="empty">No slashes.</p>
  ) : (
    <Table caption={caption} hideCaption={hideCaption} columns={["Job", "Taken", "Time (UTC)", "Block", "Transaction"]}>
      {slashes.map((slash) => (
        <tr key={slash.tx + slash.jobId}>
          <th scope="row">
            <a href={`#/jobs/${slash.jobId}`}>job #{slash.jobId}</a>
          </th>
          <td class="amount">{slash.taken.text}</td>
          <td>
            <Utc at={slash.at} />
          </td>
          <td>{slash.block}</td>
          <td>
            <Hex value={slash.tx} />
          </td>
        </tr>
      ))}
    </Table>
  );

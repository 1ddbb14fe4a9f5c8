/** `#/disputes`: every dispute, the open ones counting down their window. */
import { getRoute } from "../api";
import { DisputesTable } from "../components/disputes-table";
import { Load } from "../components/status";
import { useData } from "../use-data";

export function DisputesPage() {
  const loaded = useData("/api/disputes", () => getRoute("/api/disputes"));
  return (
    <>
      <h1 tabIndex={-1}>Disputes</h1>
      <Load loaded={loaded} testid="disputes">
        {(disputes) => (
          <>
            <p class="muted">
              {disputes.filter((dispute) => dispute.deadline !== undefined).length} open, {disputes.length} in all.
            </p>
            <DisputesTable disputes={disputes} caption="Disputes" hideCaption />
          </>
        )}
      </Load>
    </>
  );
}

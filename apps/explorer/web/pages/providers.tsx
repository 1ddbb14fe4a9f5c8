/** `#/providers`: every registered provider. */
import { getRoute } from "../api";
import { Utc } from "../components/countdown";
import { ProviderLink } from "../components/hex";
import { Load } from "../components/status";
import { Table } from "../components/table";
import { useData } from "../use-data";

const COLUMNS = ["Provider", "GPU", "VRAM", "Staked", "Jobs completed", "Jobs slashed", "Jailed"];

export function ProvidersPage() {
  const loaded = useData("/api/providers", () => getRoute("/api/providers"));
  return (
    <>
      <h1 tabIndex={-1}>Providers</h1>
      <Load loaded={loaded} testid="providers">
        {(providers) =>
          providers.length === 0 ? (
            <p class="empty">No provider has registered yet.</p>
          ) : (
            <Table caption="Registered providers" columns={COLUMNS}>
              {providers.map((provider) => (
                <tr key={provider.address} data-testid={`provider-row-${provider.address.toLowerCase()}`}>
                  <th scope="row">
                    <ProviderLink address={provider.address} />
                  </th>
                  <td>{provider.gpuModel}</td>
                  <td>{provider.vramGb} GB</td>
                  <td class="amount">{provider.staked.text}</td>
                  <td>{provider.jobsCompleted}</td>
                  <td>{provider.jobsSlashed}</td>
                  <td>
                    {provider.jailedUntil === undefined ? (
                      "no"
                    ) : (
                      <>
                        until <Utc at={provider.jailedUntil} />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </Table>
          )
        }
      </Load>
    </>
  );
}

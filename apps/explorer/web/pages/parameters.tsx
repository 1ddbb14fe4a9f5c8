/** `#/parameters`: the governed parameters, their values now and the bounds their contracts enforce. */
import { getRoute } from "../api";
import { Load } from "../components/status";
import { Table } from "../components/table";
import { useData } from "../use-data";

export function ParametersPage() {
  const loaded = useData("/api/parameters", () => getRoute("/api/parameters"));
  return (
    <>
      <h1 tabIndex={-1}>Parameters</h1>
      <Load loaded={loaded} testid="parameters">
        {(parameters) => (
          <Table
            caption="Governed parameters: a DAO proposal can set each within its bounds"
            columns={["Parameter", "Value", "Min", "Max", "Contract"]}
          >
            {parameters.map((parameter) => (
              <tr key={parameter.name} data-testid={`parameter-row-${parameter.name}`}>
                <th scope="row">
                  <code>{parameter.name}</code>
                </th>
                <td class="amount">{parameter.value.text}</td>
                <td class="amount">{parameter.min.text}</td>
                <td class="amount">{parameter.max.text}</td>
                <td>{parameter.contract}</td>
              </tr>
            ))}
          </Table>
        )}
      </Load>
    </>
  );
}

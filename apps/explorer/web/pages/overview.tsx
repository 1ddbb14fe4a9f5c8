/** `#/`: the protocol's key figures, the jobs by state and the charts of epochs and slashes. */
import { JOB_STATES } from "../../../../src/explorer/api";
import { getRoute } from "../api";
import { EpochsChart } from "../charts/epochs";
import { JobsByStateChart } from "../charts/jobs-by-state";
import { SlashesChart } from "../charts/slashes";
import { Stat, Stats } from "../components/stats";
import { Load } from "../components/status";
import { useData } from "../use-data";

export function OverviewPage() {
  const loaded = useData("/api/overview", () => getRoute("/api/overview"));
  return (
    <>
      <h1 tabIndex={-1}>Overview</h1>
      <Load loaded={loaded}>
        {(overview) => (
          <>
            <Stats label="Protocol figures">
              <Stat label="Total stake" value={overview.totalStake.text} testid="total-stake" />
              <Stat label="Providers" value={overview.providers} testid="providers-count" />
              <Stat label="Jobs" value={overview.jobs} testid="jobs-count" />
              <Stat label="Open disputes" value={overview.openDisputes} testid="open-disputes" />
              <Stat label="Active proposals" value={overview.activeProposals} testid="active-proposals" />
            </Stats>
            <h2>Jobs by state</h2>
            <Stats label="Jobs by state">
              {JOB_STATES.map((state) => (
                <Stat
                  key={state}
                  label={state}
                  value={overview.jobsByState[state] ?? 0}
                  testid={`job-state-${state}`}
                />
              ))}
            </Stats>
            <h2>Charts</h2>
            <div class="charts">
              <JobsByStateChart overview={overview} />
              <EpochsChart overview={overview} />
              <SlashesChart overview={overview} />
            </div>
          </>
        )}
      </Load>
    </>
  );
}

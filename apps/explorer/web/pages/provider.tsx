/** `#/providers/<address>`: a provider's stake, jail, whether it can take jobs, its jobs, slashes and rewards. */
import type { ComponentChildren } from "preact";

import type { ProviderPage as ProviderData } from "../../../../src/explorer/api";
import { getProvider } from "../api";
import { Countdown, Utc } from "../components/countdown";
import { JobsTable } from "../components/jobs-table";
import { SlashesTable } from "../components/slashes-table";
import { Stat, Stats } from "../components/stats";
import { Load } from "../components/status";
import { Table } from "../components/table";
import { hrefWith } from "../router";
import { useData } from "../use-data";

function Section({
  id,
  title,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly children: ComponentChildren;
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function ProviderDetails({ page }: { readonly page: ProviderData }) {
  const { provider } = page;
  const jailed = provider.jailedUntil;
  return (
    <>
      <Stats label="Stake">
        <Stat label="Staked" value={provider.staked.text} testid="provider-staked" />
        <Stat label="Free" value={page.free.text} testid="provider-free" />
        <Stat label="Locked in jobs" value={page.locked.text} testid="provider-locked" />
        <Stat label="Debt" value={page.debt.text} testid="provider-debt" />
        <Stat
          label="Jailed"
          value={jailed === undefined ? "no" : `until ${jailed.utc}`}
          testid="provider-jailed"
          wide={jailed !== undefined}
          extra={jailed === undefined ? undefined : <Countdown at={jailed} />}
        />
        <Stat label="Can accept jobs" value={page.canAcceptJobs ? "yes" : "no"} testid="provider-can-accept" />
      </Stats>
      {page.blockers.length > 0 && (
        <div class="blockers" role="note">
          <p>Why it cannot accept jobs:</p>
          <ul data-testid="provider-blockers">
            {page.blockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </ul>
        </div>
      )}
      <dl class="terms">
        <div>
          <dt>GPU</dt>
          <dd>
            {provider.gpuModel}, {provider.vramGb} GB VRAM
          </dd>
        </div>
        <div>
          <dt>Jobs</dt>
          <dd>
            {provider.jobsCompleted} completed, {provider.jobsSlashed} slashed, {page.jobsTimedOut} timed out
          </dd>
        </div>
        <div>
          <dt>Metadata</dt>
          <dd>{page.metadataURI === "" ? <span class="muted">none</span> : page.metadataURI}</dd>
        </div>
      </dl>
      <Section id="unbonding" title="Unbonding">
        {page.unbonding.length === 0 ? (
          <p class="empty">Nothing unbonding.</p>
        ) : (
          <Table caption="Stake unbonding" columns={["Amount", "Matures", "Time (UTC)"]} hideCaption>
            {page.unbonding.map((entry, index) => (
              <tr key={index}>
                <td class="amount">{entry.amount.text}</td>
                <td>
                  <Countdown at={entry.maturesAt} pastWord="matured" />
                </td>
                <td>
                  <Utc at={entry.maturesAt} />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
      <Section id="jobs" title="Jobs">
        <p>
          <a href={hrefWith("/jobs", { provider: provider.address })}>Its jobs on the jobs page, with filters</a>
        </p>
        <JobsTable jobs={page.jobs} caption="The provider's jobs" hideCaption />
      </Section>
      <Section id="slashes" title="Slashes">
        <SlashesTable slashes={page.slashes} caption="The provider's slashes" hideCaption />
      </Section>
      <Section id="rewards" title="Rewards per epoch">
        {page.rewards.length === 0 ? (
          <p class="empty">No rewards yet.</p>
        ) : (
          <Table caption="Rewards per epoch" columns={["Epoch", "Reward", "Claimed"]} hideCaption>
            {page.rewards.map((reward) => (
              <tr key={reward.epoch}>
                <th scope="row">{reward.epoch}</th>
                <td class="amount">{reward.amount.text}</td>
                <td>{reward.claimed ? "yes" : "no"}</td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
    </>
  );
}

export function ProviderPage({ address }: { readonly address: string }) {
  const loaded = useData(`/api/providers/${address}`, () => getProvider(address));
  return (
    <>
      <p class="crumbs">
        <a href="#/providers">← All providers</a>
      </p>
      <h1 tabIndex={-1}>
        Provider <span class="hex full">{address}</span>
      </h1>
      <Load loaded={loaded}>{(page) => <ProviderDetails page={page} />}</Load>
    </>
  );
}

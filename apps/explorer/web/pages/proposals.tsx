/** `#/proposals`: each DAO proposal with its decoded actions, votes against the quorum, clock and next command. */
import { useRef } from "preact/hooks";

import type { ProposalAction, ProposalRow } from "../../../../src/explorer/api";
import { getRoute } from "../api";
import { CopyButton } from "../components/copy-button";
import { Countdown } from "../components/countdown";
import { Hex } from "../components/hex";
import { StateBadge } from "../components/state-badge";
import { Load } from "../components/status";
import { tokens } from "../format";
import { useData } from "../use-data";

const Action = ({ action }: { readonly action: ProposalAction }) => (
  <li>
    <code class="call">{action.call}</code>
    {action.parameter !== undefined && (
      <dl class="terms compact">
        <div>
          <dt>Parameter</dt>
          <dd>
            <code>{action.parameter.name}</code>
          </dd>
        </div>
        <div>
          <dt>Now</dt>
          <dd>{action.parameter.current.text}</dd>
        </div>
        <div>
          <dt>Proposed</dt>
          <dd>
            <strong>{action.parameter.proposed.text}</strong>
          </dd>
        </div>
        <div>
          <dt>Bounds</dt>
          <dd>
            {action.parameter.min.text} to {action.parameter.max.text}
          </dd>
        </div>
      </dl>
    )}
  </li>
);

/** The votes that count toward the quorum (for and abstain, as the governor counts them) as a bar. */
function Votes({ proposal }: { readonly proposal: ProposalRow }) {
  const { votes } = proposal;
  const counted = tokens(votes.for.raw) + tokens(votes.abstain.raw);
  const quorum = tokens(proposal.quorum.raw);
  const barId = `quorum-${proposal.shortId}`;
  return (
    <div class="votes">
      <dl class="tally">
        <div>
          <dt>For</dt>
          <dd data-testid="votes-for">{votes.for.text}</dd>
        </div>
        <div>
          <dt>Against</dt>
          <dd data-testid="votes-against">{votes.against.text}</dd>
        </div>
        <div>
          <dt>Abstain</dt>
          <dd data-testid="votes-abstain">{votes.abstain.text}</dd>
        </div>
        <div>
          <dt>Quorum</dt>
          <dd data-testid="quorum">{proposal.quorum.text}</dd>
        </div>
      </dl>
      <label for={barId} class="muted">
        For and abstain toward the quorum: {quorum > 0 ? Math.min(100, Math.floor((counted / quorum) * 100)) : 100}%
      </label>
      <progress id={barId} value={quorum > 0 ? Math.min(counted, quorum) : 1} max={quorum > 0 ? quorum : 1} />
    </div>
  );
}

function Proposal({ proposal }: { readonly proposal: ProposalRow }) {
  const command = useRef<HTMLElement>(null);
  return (
    <article data-testid={`proposal-${proposal.shortId}`} class="proposal">
      <header>
        <h2>
          <span class="muted">{proposal.shortId}</span> {proposal.description}
        </h2>
        <p>
          <StateBadge state={proposal.state} testid="proposal-state" /> proposed by <Hex value={proposal.proposer} />
          {proposal.clock !== undefined && (
            <>
              {" · "}
              <span data-testid="proposal-clock">
                {proposal.clock.label} <Countdown at={proposal.clock.at} pastWord="" withUtc />
              </span>
            </>
          )}
        </p>
      </header>
      <h3>Actions</h3>
      <ol class="actions">
        {proposal.actions.map((action, index) => (
          <Action key={index} action={action} />
        ))}
      </ol>
      <h3>Votes</h3>
      <Votes proposal={proposal} />
      {proposal.command !== undefined && (
        <footer>
          <p class="command-label">Next step from the command line:</p>
          <div class="command">
            <code data-testid="proposal-command" ref={command}>
              {proposal.command}
            </code>
            <CopyButton text={proposal.command} target={() => command.current} />
          </div>
        </footer>
      )}
    </article>
  );
}

export function ProposalsPage() {
  const loaded = useData("/api/proposals", () => getRoute("/api/proposals"));
  return (
    <>
      <h1 tabIndex={-1}>Proposals</h1>
      <Load loaded={loaded} testid="proposals">
        {(proposals) =>
          proposals.length === 0 ? (
            <p class="empty">No proposal yet.</p>
          ) : (
            proposals.map((proposal) => <Proposal key={proposal.id} proposal={proposal} />)
          )
        }
      </Load>
    </>
  );
}

/**
 * `dao:proposals`: every proposal on the network, read from the governor's ProposalCreated events, with its state,
 * decoded calls, votes, quorum, what comes next and when, and how the member asking voted.
 */
import { textTable } from "../table";
import { ethers } from "ethers";

import type { ComputeGovernor } from "../../typechain-types";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { formatWeft as weft, weftJson } from "../jobs/amounts";
import { formatMoment, formatUtc } from "../markdown";
import { parseProposalId } from "../cli/context";
import { contractDirectory, describeAction } from "./decode";
import { eventsSince } from "./events";
import {
  findProposal,
  type Proposal,
  type ProposalStateName,
  proposalStatus,
  type ProposalStatus,
  VOTE_SUPPORT,
} from "./governor";

/** Hex digits of a proposal id that name it on the command line. */
const SHORT_ID_DIGITS = 8;

/** The first hex digits of a proposal id, which dao:vote, dao:queue, dao:execute and dao:status accept back. */
export function shortProposalId(id: bigint): string {
  return fullHex(id).slice(0, SHORT_ID_DIGITS);
}

/** A proposal id (a uint256 hash) as 64 hex digits. */
const fullHex = (id: bigint) => id.toString(16).padStart(64, "0");

/** Every proposal's ProposalCreated event, oldest first. */
export async function allProposals(governor: ComputeGovernor, fromBlock: number): Promise<Proposal[]> {
  const events = await eventsSince(governor, governor.filters.ProposalCreated(), fromBlock);
  return events.map((args) => ({
    id: args.proposalId,
    proposer: args.proposer,
    // args[3] is `values`, which ethers shadows with Result.values().
    actions: args.targets.map((target, i) => ({ target, value: args[3][i], calldata: args.calldatas[i] })),
    description: args.description,
    descriptionHash: ethers.id(args.description),
    voteStart: args.voteStart,
    voteEnd: args.voteEnd,
  }));
}

/**
 * The proposal `text` names: its full decimal id, or a unique prefix of up to 16 hex digits of its id (the short id
 * dao:proposals prints, with or without 0x). A real id is a hash of some 77 decimal digits, so a text that short is
 * never one.
 */
export async function resolveProposal(governor: ComputeGovernor, text: string, fromBlock: number): Promise<Proposal> {
  const prefix = /^(?:0x)?([0-9a-f]{1,16})$/i.exec(text.trim());
  if (prefix === null) return findProposal(governor, parseProposalId(text), fromBlock);
  const hex = prefix[1].toLowerCase();
  const matches = (await allProposals(governor, fromBlock)).filter((p) => fullHex(p.id).startsWith(hex));
  if (matches.length === 0) {
    throw new UserError(`No proposal ${text} on this network. List proposals with npx hardhat dao:proposals.`);
  }
  if (matches.length > 1) {
    const ids = matches.map((p) => shortProposalId(p.id)).join(", ");
    throw new UserError(`${text} starts ${matches.length} proposal ids (${ids}); give more hex digits.`);
  }
  return matches[0];
}

export type VoteChoiceName = keyof typeof VOTE_SUPPORT;

/** A proposal as dao:proposals reports it. */
export interface ProposalSummary extends ProposalStatus {
  readonly proposal: Proposal;
  readonly shortId: string;
  /** Each action decoded, e.g. `DisputeManager.setBond(newBond: 150 WEFT)`. */
  readonly calls: readonly string[];
  /** How `voter` voted, with its weight; undefined if it did not vote. */
  readonly ownVote?: { readonly support: VoteChoiceName; readonly weight: bigint };
}

/** States in which nothing more can happen to a proposal: dao:proposals leaves them out unless asked for --all. */
const SETTLED_STATES: ReadonlySet<ProposalStateName> = new Set(["Canceled", "Defeated", "Expired", "Executed"]);

export function isSettledProposal(state: ProposalStateName): boolean {
  return SETTLED_STATES.has(state);
}

const SUPPORT_NAMES = Object.fromEntries(Object.entries(VOTE_SUPPORT).map(([name, n]) => [n, name])) as Record<
  number,
  VoteChoiceName
>;

/** Every proposal with its status, newest first, and how `voter` voted on each. */
export async function listProposals(system: WeftSystem, fromBlock: number, voter: string): Promise<ProposalSummary[]> {
  const proposals = await allProposals(system.ComputeGovernor, fromBlock);
  return (await summarize(system, proposals, fromBlock, voter)).reverse();
}

/** One proposal with its status and how `voter` voted on it. */
export async function proposalSummary(
  system: WeftSystem,
  proposal: Proposal,
  fromBlock: number,
  voter: string,
): Promise<ProposalSummary> {
  return (await summarize(system, [proposal], fromBlock, voter))[0];
}

async function summarize(
  system: WeftSystem,
  proposals: readonly Proposal[],
  fromBlock: number,
  voter: string,
): Promise<ProposalSummary[]> {
  const governor = system.ComputeGovernor;
  const [directory, votes] = await Promise.all([
    contractDirectory(system),
    eventsSince(governor, governor.filters.VoteCast(voter), fromBlock),
  ]);
  const ownVotes = new Map(
    votes.map((v) => [v.proposalId, { support: SUPPORT_NAMES[Number(v.support)], weight: v.weight }]),
  );
  return Promise.all(
    proposals.map(async (proposal) => ({
      ...(await proposalStatus(governor, proposal.id)),
      proposal,
      shortId: shortProposalId(proposal.id),
      calls: proposal.actions.map((action) => describeAction(directory, action)),
      ownVote: ownVotes.get(proposal.id),
    })),
  );
}

/** What happens next to a proposal in `state`, and when. */
function nextStep(s: ProposalSummary, now: bigint): string {
  const id = s.shortId;
  switch (s.state) {
    case "Pending":
      return `voting starts ${formatMoment(s.snapshot + 1n, now)}`;
    case "Active":
      return `voting ends ${formatMoment(s.deadline, now)}; npx hardhat dao:vote --id ${id} --support for`;
    case "Succeeded":
      return `passed; npx hardhat dao:queue --id ${id}`;
    case "Queued":
      return now < s.eta
        ? `queued until ${formatMoment(s.eta, now)}; then npx hardhat dao:execute --id ${id}`
        : `executable since ${formatMoment(s.eta, now)}; npx hardhat dao:execute --id ${id}`;
    default:
      return `voting ended ${formatMoment(s.deadline, now)}`;
  }
}

/** The proposals as one table for people, at most 100 columns wide; `hidden` settled ones were left out. */
export function formatProposals(summaries: readonly ProposalSummary[], now: bigint, hidden = 0): string {
  if (summaries.length === 0) {
    const settled = hidden === 0 ? "" : ` (${hidden} settled: --all lists them)`;
    return `No proposal in play${settled}. Propose one with npx hardhat dao:propose.`;
  }
  // No colours: the output is as often piped or logged as read on a terminal.
  const table = textTable({
    colWidths: [12, 84],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const s of summaries) {
    const quorum = s.quorum === 0n ? "(counted at the snapshot)" : weft(s.quorum);
    const own = s.ownVote === undefined ? "not voted" : `${s.ownVote.support} with ${weft(s.ownVote.weight)}`;
    table.push(
      [{ colSpan: 2, content: `${s.shortId}  ${s.state}  ${s.proposal.description}` }],
      ["calls", s.calls.join("\n")],
      ["votes", `for ${weft(s.forVotes)}, against ${weft(s.againstVotes)}, abstain ${weft(s.abstainVotes)}`],
      ["quorum", `${quorum} (for + abstain)`],
      ["next", nextStep(s, now)],
      ["your vote", own],
    );
  }
  return table.toString();
}

/** A proposal for programs: amounts as decimal strings of base units, and formatted; times in UTC. */
export function proposalRecord(s: ProposalSummary) {
  return {
    id: s.proposal.id.toString(),
    shortId: s.shortId,
    state: s.state,
    description: s.proposal.description,
    proposer: s.proposal.proposer,
    actions: s.proposal.actions.map((a, i) => ({ ...a, value: a.value.toString(), decoded: s.calls[i] })),
    votes: { for: weftJson(s.forVotes), against: weftJson(s.againstVotes), abstain: weftJson(s.abstainVotes) },
    quorum: weftJson(s.quorum),
    voteStart: formatUtc(s.snapshot),
    voteEnd: formatUtc(s.deadline),
    eta: s.eta === 0n ? null : formatUtc(s.eta),
    ownVote: s.ownVote === undefined ? null : { support: s.ownVote.support, weight: weftJson(s.ownVote.weight) },
  };
}

/** The proposals for programs, as a JSON array of {@link proposalRecord}s. */
export function proposalsJson(summaries: readonly ProposalSummary[]): string {
  return JSON.stringify(summaries.map(proposalRecord), null, 2);
}

import { ethers, type Signer } from "ethers";

import { UserError } from "../errors";
import { formatWeft } from "../jobs/amounts";
import type { ComputeGovernor } from "../../typechain-types";
import { IVotes__factory } from "../../typechain-types/factories/@openzeppelin/contracts/governance/utils/IVotes__factory";
import { eventsSince } from "./events";
import type { ProposalAction } from "./governedParameters";
import { chainTime } from "../chain/clock";
import { providerOf } from "../chain/provider";

/** OpenZeppelin Governor's ProposalState, by index. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];

export const VOTE_SUPPORT = { against: 0, for: 1, abstain: 2 } as const;
export type VoteChoice = keyof typeof VOTE_SUPPORT;

/** A proposal as its ProposalCreated event describes it: everything queue and execute need. */
export interface Proposal {
  id: bigint;
  proposer: string;
  actions: ProposalAction[];
  description: string;
  descriptionHash: string;
  voteStart: bigint;
  voteEnd: bigint;
}

export interface ProposalStatus {
  state: ProposalStateName;
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
  quorum: bigint;
  snapshot: bigint;
  deadline: bigint;
  eta: bigint;
}

export function parseSupport(choice: string): number {
  if (!(choice in VOTE_SUPPORT)) throw new UserError(`--support must be for, against or abstain; got "${choice}".`);
  return VOTE_SUPPORT[choice as VoteChoice];
}

export async function stateOf(governor: ComputeGovernor, id: bigint): Promise<ProposalStateName> {
  return PROPOSAL_STATES[Number(await governor.state(id))];
}

/** Submits a proposal after checking the proposer's votes against the threshold. */
export async function propose(
  governor: ComputeGovernor,
  proposer: Signer,
  actions: ProposalAction[],
  description: string,
): Promise<{ id: bigint; descriptionHash: string; txHash: string }> {
  if (actions.length === 0) throw new UserError("A proposal needs at least one action (--set or --calls).");
  const address = await proposer.getAddress();
  // The governor counts votes one second before the proposing block; current votes are what that will see.
  const token = IVotes__factory.connect(await governor.token(), governor.runner);
  const votes = await token.getVotes(address);
  const threshold = await governor.proposalThreshold();
  if (votes < threshold) {
    throw new UserError(
      `${address} has ${formatWeft(votes)} of votes; proposing needs ${formatWeft(threshold)}. ` +
        "Delegate to yourself first (npx hardhat dao:delegate) and wait one block.",
    );
  }
  const targets = actions.map((a) => a.target);
  const values = actions.map((a) => a.value);
  const calldatas = actions.map((a) => a.calldata);
  const descriptionHash = ethers.id(description);
  const id = await governor.hashProposal(targets, values, calldatas, descriptionHash);
  if ((await governor.proposalSnapshot(id)) !== 0n) {
    throw new UserError(`Proposal ${id} already exists: change the description to propose the same calls again.`);
  }
  const tx = await governor.connect(proposer).propose(targets, values, calldatas, description);
  await tx.wait();
  return { id, descriptionHash, txHash: tx.hash };
}

/**
 * The transaction that proposes `actions`, for a multisig or another wallet to send: the governor's address, the
 * `propose` calldata, and the id the proposal will have.
 */
export async function proposeTransaction(
  governor: ComputeGovernor,
  actions: readonly ProposalAction[],
  description: string,
): Promise<{ to: string; value: bigint; data: string; proposalId: bigint }> {
  if (actions.length === 0) throw new UserError("A proposal needs at least one action (--set or --calls).");
  const targets = actions.map((a) => a.target);
  const values = actions.map((a) => a.value);
  const calldatas = actions.map((a) => a.calldata);
  return {
    to: await governor.getAddress(),
    value: 0n,
    data: governor.interface.encodeFunctionData("propose", [targets, values, calldatas, description]),
    proposalId: await governor.hashProposal(targets, values, calldatas, ethers.id(description)),
  };
}

/**
 * Finds a proposal's actions from its ProposalCreated event, searching back from the head to the deployment block
 * (`fromBlock`) and stopping at the event: its id is not indexed, so every ProposalCreated is read on the way.
 */
export async function findProposal(governor: ComputeGovernor, id: bigint, fromBlock: number): Promise<Proposal> {
  const isIt = (args: { proposalId: bigint }) => args.proposalId === id;
  const events = await eventsSince(governor, governor.filters.ProposalCreated(), fromBlock, (found) =>
    found.some(isIt),
  );
  const args = events.find(isIt);
  if (!args) throw new UserError(`No proposal ${id} on this network. List proposals with npx hardhat dao:proposals.`);
  const { proposer, targets, calldatas, description, voteStart, voteEnd } = args;
  return {
    id,
    proposer,
    // args[3] is `values`, which ethers shadows with Result.values().
    actions: targets.map((target, i) => ({ target, value: args[3][i], calldata: calldatas[i] })),
    description,
    descriptionHash: ethers.id(description),
    voteStart,
    voteEnd,
  };
}

async function requireState(governor: ComputeGovernor, id: bigint, expected: ProposalStateName, hint: string) {
  const state = await stateOf(governor, id);
  if (state !== expected) throw new UserError(`Proposal ${id} is ${state}, not ${expected}. ${hint}`);
}

async function requireNotVoted(governor: ComputeGovernor, id: bigint, voter: string) {
  if (await governor.hasVoted(id, voter)) {
    throw new UserError(`${voter} has already voted on proposal ${id}; a vote cannot be changed.`);
  }
}

/** Casts a vote from `voter`, checking the proposal is open and the voter has voting power at its snapshot. */
export async function castVote(
  governor: ComputeGovernor,
  voter: Signer,
  id: bigint,
  support: number,
  reason?: string,
): Promise<string> {
  await requireState(governor, id, "Active", "Voting opens after the voting delay and closes at the deadline.");
  const address = await voter.getAddress();
  await requireNotVoted(governor, id, address);
  if ((await governor.getVotes(address, await governor.proposalSnapshot(id))) === 0n) {
    throw new UserError(`${address} had no voting power at the proposal's snapshot; delegate before proposals start.`);
  }
  const tx = reason
    ? await governor.connect(voter).castVoteWithReason(id, support, reason)
    : await governor.connect(voter).castVote(id, support);
  await tx.wait();
  return tx.hash;
}

/** Signs an EIP-712 ballot that anyone can relay with {relayVote}. */
export async function signBallot(governor: ComputeGovernor, voter: Signer, id: bigint, support: number) {
  const address = await voter.getAddress();
  const { chainId } = await providerOf(governor).getNetwork();
  const domain = {
    name: await governor.name(),
    version: await governor.version(),
    chainId,
    verifyingContract: await governor.getAddress(),
  };
  const types = {
    Ballot: [
      { name: "proposalId", type: "uint256" },
      { name: "support", type: "uint8" },
      { name: "voter", type: "address" },
      { name: "nonce", type: "uint256" },
    ],
  };
  const nonce = await governor.nonces(address);
  const signature = await voter.signTypedData(domain, types, { proposalId: id, support, voter: address, nonce });
  return { proposalId: id, support, voter: address, nonce, signature };
}

/** Relays a signed ballot; the relayer pays the gas, the vote counts for the signer. */
export async function relayVote(
  governor: ComputeGovernor,
  relayer: Signer,
  ballot: { proposalId: bigint; support: number; voter: string; signature: string },
): Promise<string> {
  await requireState(governor, ballot.proposalId, "Active", "Ballots can only be relayed while voting is open.");
  await requireNotVoted(governor, ballot.proposalId, ballot.voter);
  const tx = await governor
    .connect(relayer)
    .castVoteBySig(ballot.proposalId, ballot.support, ballot.voter, ballot.signature);
  await tx.wait();
  return tx.hash;
}

/** A proposal's calls as the governor's queue, execute and cancel take them. */
export function proposalCalls(proposal: Proposal) {
  return [
    proposal.actions.map((a) => a.target),
    proposal.actions.map((a) => a.value),
    proposal.actions.map((a) => a.calldata),
    proposal.descriptionHash,
  ] as const;
}

/** Queues a succeeded proposal in the timelock. */
export async function queue(governor: ComputeGovernor, sender: Signer, proposal: Proposal): Promise<string> {
  await requireState(governor, proposal.id, "Succeeded", "Only a proposal that passed can be queued.");
  const tx = await governor.connect(sender).queue(...proposalCalls(proposal));
  await tx.wait();
  return tx.hash;
}

/** Executes a queued proposal whose timelock delay has passed. */
export async function execute(governor: ComputeGovernor, sender: Signer, proposal: Proposal): Promise<string> {
  await requireState(governor, proposal.id, "Queued", "Queue it first (npx hardhat dao:queue).");
  const eta = await governor.proposalEta(proposal.id);
  const now = await chainTime(providerOf(governor));
  if (now < eta) throw new UserError(`Proposal ${proposal.id} can execute at ${eta} (chain time is ${now}).`);
  const tx = await governor.connect(sender).execute(...proposalCalls(proposal));
  await tx.wait();
  return tx.hash;
}

export async function proposalStatus(governor: ComputeGovernor, id: bigint): Promise<ProposalStatus> {
  const state = await stateOf(governor, id);
  const [againstVotes, forVotes, abstainVotes] = await governor.proposalVotes(id);
  const snapshot = await governor.proposalSnapshot(id);
  const clock = await governor.clock();
  const quorum = snapshot < clock ? await governor.quorum(snapshot) : 0n;
  return {
    state,
    forVotes,
    againstVotes,
    abstainVotes,
    quorum,
    snapshot,
    deadline: await governor.proposalDeadline(id),
    eta: await governor.proposalEta(id),
  };
}

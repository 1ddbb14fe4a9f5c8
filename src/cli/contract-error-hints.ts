/**
 * A contract's refusal as one line a person can act on: the rule it broke with its values, then what to do. Tasks
 * check what they can before sending; this is the net under them, for the refusals only the chain can see (another
 * transaction got there first, the clock moved, a parameter changed).
 */
import type { Result } from "ethers";

import { type ContractError, decodeContractError } from "../chain/contract-errors";
import { disputeStatusName } from "../chain/disputes";
import { jobStatusName } from "../chain/jobs";
import { formatUtc } from "../markdown";

type Hint = (args: Result) => string;

const utc = (seconds: unknown) => formatUtc(BigInt(seconds as bigint));
const jobStatus = "Check it with npx hardhat job:status --id";
const disputes = "List disputes with npx hardhat dispute:list.";

/** What to do about each error a task can meet, by the error's name. */
const HINTS: Readonly<Record<string, Hint>> = {
  // Governance
  ParameterOutOfBounds: (a) => `the value ${a.value} is outside the bounds ${a.min}..${a.max} the contract accepts.`,
  GovernorNonexistentProposal: () => "no such proposal on this network. List them with npx hardhat dao:proposals.",
  GovernorAlreadyCastVote: (a) => `${a.voter} has already voted on this proposal; a vote cannot be changed.`,
  GovernorInsufficientProposerVotes: (a) =>
    `${a.proposer} has ${a.votes} votes (base units) and proposing needs ${a.threshold}. ` +
    "Delegate to yourself (npx hardhat dao:delegate) and wait one block.",
  GovernorUnexpectedProposalState: (a) =>
    `the proposal is not in a state that allows this. See npx hardhat dao:status --id ${a.proposalId}.`,
  GovernorAlreadyQueuedProposal: () => "the proposal is already queued; execute it after the timelock's delay.",
  GovernorInvalidSignature: (a) => `the ballot's signature is not ${a.voter}'s for this proposal and nonce.`,
  InvalidAccountNonce: (a) => `the signature was made for another nonce; ${a.account}'s is now ${a.currentNonce}.`,
  TimelockUnexpectedOperationState: () =>
    "the timelock operation is not ready (its delay has not passed) or was already executed or cancelled.",
  AccessManagedUnauthorized: (a) => `${a.caller} may not call this function; only its role's holders may.`,
  AccessManagerUnauthorizedAccount: (a) => `${a.msgsender} does not hold role ${a.roleId}.`,
  // Tokens
  ERC20InsufficientBalance: (a) =>
    `${a.sender} holds ${a.balance} base units and needs ${a.needed}. Fund it with npx hardhat token:transfer.`,
  ERC20InsufficientAllowance: (a) => `${a.spender} may spend ${a.allowance} base units and needs ${a.needed}.`,
  ERC2612ExpiredSignature: (a) => `the permit expired at ${utc(a.deadline)}; sign a new one.`,
  // Jobs
  JobNotInStatus: (a) =>
    `job ${a.jobId} is ${jobStatusName(Number(a.actual))}, not ${jobStatusName(Number(a.expected))}. ${jobStatus} ${a.jobId}.`,
  NotJobClient: (a) => `${a.caller} is not job ${a.jobId}'s client; sign with the account that created it (--account).`,
  NotJobProvider: (a) => `${a.caller} is not job ${a.jobId}'s provider.`,
  NotDirectedProvider: (a) => `job ${a.jobId} is reserved for ${a.directed}.`,
  ChallengeWindowOpen: (a) => `job ${a.jobId}'s challenge window is open until ${utc(a.endsAt)}.`,
  ChallengeWindowClosed: (a) => `job ${a.jobId}'s challenge window closed at ${utc(a.endedAt)}.`,
  SubmitDeadlinePassed: (a) => `job ${a.jobId}'s deadline passed at ${utc(a.deadline)}.`,
  SubmitDeadlineNotReached: (a) => `job ${a.jobId} can be reclaimed after its deadline, ${utc(a.deadline)}.`,
  PaymentBelowMinimum: (a) => `the payment ${a.payment} is below the minimum ${a.minimum} (base units).`,
  PaymentTokenNotAllowed: (a) => `${a.token} is not an allowed payment token.`,
  EnforcedPause: () => "the escrow is paused: no new jobs until the DAO unpauses it.",
  // Providers
  ProviderNotRegistered: (a) =>
    `${a.provider} is not a registered provider. Register with npx hardhat provider:register.`,
  ProviderAlreadyRegistered: (a) => `${a.provider} is already registered; change its profile with provider:update.`,
  ProviderNotEligible: (a) =>
    `${a.provider} cannot take work now (jailed or staked below the minimum): see provider:status.`,
  InsufficientFreeStake: (a) => `${a.provider} has ${a.free} free stake (base units) and needs ${a.needed}.`,
  NothingToWithdraw: (a) => `${a.provider} has no unbonded stake ready to withdraw: see provider:status.`,
  TooManyUnbondingEntries: (a) => `${a.provider} has ${a.max} unbondings pending; withdraw the ready ones first.`,
  // Rewards
  AlreadyClaimed: (a) => `${a.provider} has already claimed epoch ${a.epoch}.`,
  EpochNotEnded: (a) => `epoch ${a.epoch} has not ended (the current epoch is ${a.currentEpoch}).`,
  NoWorkInEpoch: (a) => `${a.provider} did no rewarded work in epoch ${a.epoch}.`,
  // Disputes
  JobNotDisputable: (a) =>
    `job ${a.jobId} is ${jobStatusName(Number(a.status))}: only a submitted job can be disputed.`,
  DisputeNotInStatus: (a) =>
    `dispute ${a.disputeId} is ${disputeStatusName(Number(a.actual))}, not ${disputeStatusName(Number(a.expected))}. ${disputes}`,
  DisputeEnded: (a) => `dispute ${a.disputeId} is over (${disputeStatusName(Number(a.status))}).`,
  DisputeDeadlinePassed: (a) => `dispute ${a.disputeId}'s deadline passed at ${utc(a.deadline)}.`,
  DisputeDeadlineNotReached: (a) => `dispute ${a.disputeId} can be resolved after ${utc(a.deadline)}.`,
  NotChallenger: (a) => `${a.caller} did not open dispute ${a.disputeId}; ${a.challenger} did.`,
  NotProvider: (a) => `${a.caller} is not dispute ${a.disputeId}'s provider (${a.provider}).`,
  UnknownDispute: (a) => `there is no dispute ${a.disputeId}. ${disputes}`,
  RevealTooEarly: (a) => `dispute ${a.disputeId}'s proof can be revealed from the block after its commit.`,
  ResultChecksOut: (a) => `job ${a.jobId}'s result element ${a.wordIndex} is correct: there is nothing to prove.`,
  ERC721NonexistentToken: (a) => `there is no receipt ${a.tokenId}.`,
};

function formatArgs(error: ContractError): string {
  return error.params.map((_, i) => String(error.args[i])).join(", ");
}

/** A decoded contract error as one line: `Name(args): what it means and what to do.` */
export function describeContractError(error: ContractError): string {
  const hint = HINTS[error.name];
  const call = `${error.name}(${formatArgs(error)})`;
  return hint === undefined ? `the contract refused: ${call}.` : `${call}: ${hint(error.args)}`;
}

/** The one line for `error` if it is a Weft contract's custom error, else undefined. */
export function contractErrorLine(error: unknown): string | undefined {
  const decoded = decodeContractError(error);
  return decoded === undefined ? undefined : describeContractError(decoded);
}

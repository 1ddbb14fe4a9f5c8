/**
 * Who can vote, read from the chain: every account that ever held WEFT or votes (from the token's Transfer and
 * DelegateVotesChanged logs), their balances and votes now, the treasury's and vesting wallets' shares, and what it
 * takes to pass a proposal.
 */
import type { AddressBook } from "../deploy/addressBook";
import { connectVestingWallet, type WeftSystem } from "../deploy/system";
import { eventsSince } from "./events";

export interface Holding {
  readonly address: string;
  /** The system's name for the account (a contract, a vesting wallet), or undefined. */
  readonly name?: string;
  readonly amount: bigint;
  /** amount / total supply, in basis points. */
  readonly bps: bigint;
}

export interface VestingHolding extends Holding {
  readonly allocation: string;
  readonly beneficiary: string;
  readonly releasable: bigint;
}

/** What passing a proposal takes. */
export interface PassingRule {
  /** for + abstain votes needed, at the current supply. */
  readonly quorum: bigint;
  readonly quorumPercent: bigint;
  readonly proposalThreshold: bigint;
  readonly votingDelay: bigint;
  readonly votingPeriod: bigint;
  /** How much longer voting lasts when quorum is reached late. */
  readonly lateQuorumExtension: bigint;
  readonly timelockDelay: bigint;
}

/** The passing rule of a deployed governor and timelock. */
export async function readPassingRule(system: Pick<WeftSystem, "ComputeGovernor" | "TimelockController">) {
  const governor = system.ComputeGovernor;
  // Quorum is a fraction of the supply at a past timepoint: the last second is the latest the governor can read.
  const rule: PassingRule = {
    quorum: await governor.quorum((await governor.clock()) - 1n),
    quorumPercent: await governor["quorumNumerator()"](),
    proposalThreshold: await governor.proposalThreshold(),
    votingDelay: await governor.votingDelay(),
    votingPeriod: await governor.votingPeriod(),
    lateQuorumExtension: await governor.lateQuorumVoteExtension(),
    timelockDelay: await system.TimelockController.getMinDelay(),
  };
  return rule;
}

export interface CouncilStatus {
  readonly contract: string;
  readonly council: string;
  readonly bootstrapEnd: bigint;
  readonly active: boolean;
}

export interface VotingPower {
  readonly totalSupply: bigint;
  /** Votes held by delegates: the supply that can vote now. */
  readonly delegated: Holding;
  readonly topByVotes: readonly Holding[];
  /** Balances, which their holders could self-delegate (vesting wallets and the treasury cannot). */
  readonly topByBalance: readonly Holding[];
  readonly treasury: Holding;
  /** Whom the treasury's votes go to: the zero address unless a proposal made the timelock delegate. */
  readonly treasuryDelegate: string;
  readonly vesting: readonly VestingHolding[];
  readonly rule: PassingRule;
  readonly council: CouncilStatus;
}

/** The accounts the token's logs name: every recipient of WEFT and every delegate whose votes changed. */
export interface TokenAccounts {
  readonly holders: ReadonlySet<string>;
  readonly delegates: ReadonlySet<string>;
}

/** Reads the token's Transfer and DelegateVotesChanged logs from `fromBlock`, in bounded ranges. */
export async function readTokenAccounts(token: WeftSystem["ComputeToken"], fromBlock: number): Promise<TokenAccounts> {
  const transfers = await eventsSince(token, token.filters.Transfer(), fromBlock);
  const votes = await eventsSince(token, token.filters.DelegateVotesChanged(), fromBlock);
  return {
    holders: new Set(transfers.map((args) => args.to)),
    delegates: new Set(votes.map((args) => args.delegate)),
  };
}

const bpsOf = (amount: bigint, total: bigint) => (total === 0n ? 0n : (amount * 10_000n) / total);

/** The voting power report; `top` bounds each ranking. */
export async function readVotingPower(system: WeftSystem, book: AddressBook, top = 5): Promise<VotingPower> {
  const { ComputeToken: token, TimelockController: timelock } = system;
  const totalSupply = await token.totalSupply();
  const names = new Map<string, string>(Object.entries(book.contracts).map(([name, address]) => [address, name]));
  for (const [allocation, address] of Object.entries(book.vestingWallets)) names.set(address, `${allocation} vesting`);
  const holding = (address: string, amount: bigint): Holding => ({
    address,
    name: names.get(address),
    amount,
    bps: bpsOf(amount, totalSupply),
  });

  const wallets = Object.entries(book.vestingWallets).map(([allocation, address]) => ({
    allocation,
    address,
    wallet: connectVestingWallet(address, token.runner!),
  }));
  for (const { allocation, wallet } of wallets) {
    const owner = await wallet.owner();
    if (!names.has(owner)) names.set(owner, `${allocation} beneficiary`);
  }
  const accounts = await readTokenAccounts(token, book.deploymentBlock);
  const balances = await Promise.all([...accounts.holders].map(async (a) => holding(a, await token.balanceOf(a))));
  const votes = await Promise.all([...accounts.delegates].map(async (a) => holding(a, await token.getVotes(a))));
  const ranked = (list: Holding[]) => list.filter((h) => h.amount > 0n).sort((a, b) => (b.amount > a.amount ? 1 : -1));
  const delegated = votes.reduce((sum, h) => sum + h.amount, 0n);

  const vesting: VestingHolding[] = [];
  for (const { allocation, address, wallet } of wallets) {
    vesting.push({
      ...holding(address, await token.balanceOf(address)),
      allocation,
      beneficiary: await wallet.owner(),
      releasable: await wallet["releasable(address)"](await token.getAddress()),
    });
  }

  const council = system.SecurityCouncil;
  return {
    totalSupply,
    delegated: { address: "", amount: delegated, bps: bpsOf(delegated, totalSupply) },
    topByVotes: ranked(votes).slice(0, top),
    topByBalance: ranked(balances).slice(0, top),
    treasury: holding(await timelock.getAddress(), await token.balanceOf(await timelock.getAddress())),
    treasuryDelegate: await token.delegates(await timelock.getAddress()),
    vesting,
    rule: await readPassingRule(system),
    council: {
      contract: await council.getAddress(),
      council: await council.council(),
      bootstrapEnd: await council.bootstrapEnd(),
      active: await council.isBootstrapActive(),
    },
  };
}

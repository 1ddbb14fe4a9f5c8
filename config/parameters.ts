import { ethers } from "ethers";

/**
 * Every network's protocol parameters in one place. Public networks get real-world periods; local networks get
 * short ones so that tests, the demo and a developer's node move fast. Each value lies within the on-chain bounds
 * that the contracts enforce (named constants there); a test deploys both sets.
 */
export interface WeftParameters {
  token: {
    /** Hard cap on WEFT supply. */
    cap: bigint;
    /** Minted to the deployer at deployment, to distribute to the first holders and providers. */
    genesisSupply: bigint;
    /** Part of the genesis supply the deployer hands to the treasury (the timelock). */
    treasuryAllocation: bigint;
  };
  registry: {
    unbondingPeriod: bigint;
    jailDuration: bigint;
    /** The least stake (free plus locked) a provider needs to accept jobs: a jailed provider's fresh address must
     * put up at least this much again. */
    minProviderStake: bigint;
  };
  escrow: {
    protocolFeeBps: bigint;
    /** Collateral a provider locks, in bps of the payment's value in WEFT (the token's rate when the job was created). */
    collateralRatioBps: bigint;
    /** The least collateral any job locks, in WEFT: a fault on a tiny job still costs this much. */
    minCollateral: bigint;
    challengeWindow: bigint;
    disputeWindow: bigint;
    livenessPenaltyBps: bigint;
    /** Smallest payment accepted in WEFT (always an allowed payment token). */
    minPaymentWeft: bigint;
  };
  disputes: {
    /** ComputeToken a challenger puts up; on no fault it goes to the provider. */
    bond: bigint;
    /** Withheld data: how long the provider has to reveal the named chunk. */
    responseWindow: bigint;
    /** Withheld data: how long the challenger has, after a reveal, to prove fraud. */
    followUpWindow: bigint;
    /** Arbitration: how long the arbiter has to rule (silence: no fault). */
    arbitrationWindow: bigint;
    /** How a slash is split, in bps adding up to 10,000. */
    slashSplit: { challengerBps: bigint; clientBps: bigint; treasuryBps: bigint };
    /** Share of the provider's other unlocked stake slashed at fault, on top of the job's collateral. */
    stakeShareBps: bigint;
  };
  rewards: {
    /** Length of a reward epoch. */
    epochLength: bigint;
    /** WEFT emitted in the first epoch. */
    initialEmission: bigint;
    /** How much the emission shrinks each epoch, in bps. */
    decayBps: bigint;
    /** The most a provider earns per unit of fee weight, in bps (below 10,000: wash trading loses). */
    rewardCapBps: bigint;
  };
  governor: {
    votingDelay: bigint;
    votingPeriod: bigint;
    proposalThreshold: bigint;
    quorumPercent: bigint;
    lateQuorumExtension: bigint;
  };
  timelock: {
    minDelay: bigint;
  };
}

const MINUTE = 60n;
const HOUR = 60n * MINUTE;
const DAY = 24n * HOUR;
const WEFT = (amount: string): bigint => ethers.parseEther(amount);

/** Shared by all networks: supply and economics do not depend on block times. */
const TOKEN = { cap: WEFT("1000000000"), genesisSupply: WEFT("400000000"), treasuryAllocation: WEFT("200000000") };
/** How a slash is split: the challenger is paid for watching, the client for its trouble, the treasury for the rest. */
const SLASH_SPLIT = { challengerBps: 5_000n, clientBps: 3_000n, treasuryBps: 2_000n };
const DISPUTE_ECONOMICS = { bond: WEFT("100"), slashSplit: SLASH_SPLIT, stakeShareBps: 5_000n };

/**
 * 100,000 WEFT in the first epoch, 2% less each epoch after (about 5 million WEFT in all, 0.5% of the cap); a
 * provider earns at most 80% of the fees its jobs paid, so paying fees to oneself loses at least 20% of them.
 */
const REWARD_ECONOMICS = { initialEmission: WEFT("100000"), decayBps: 200n, rewardCapBps: 8_000n };

/**
 * A provider locks 10x the payment's value in WEFT, and at least 1,000 WEFT (ten bonds: a proven fault on the
 * smallest job still pays its challenger five times the bond it risked). A proven fault thus always costs at least ten
 * times what skipping the work could earn, whatever token paid and however the provider arranged its stake
 * (test/security/Economics.test.ts checks every combination). A missed deadline costs a tenth of the collateral, paid
 * to the client: one more payment's worth.
 */
const ECONOMICS = {
  protocolFeeBps: 300n,
  collateralRatioBps: 100_000n,
  minCollateral: WEFT("1000"),
  livenessPenaltyBps: 1_000n,
  minPaymentWeft: WEFT("0.01"),
};

/** A provider needs at least the collateral of the smallest job staked to accept any (local) or ten of them (public). */
const MIN_PROVIDER_STAKE = { local: WEFT("1000"), public: WEFT("10000") };

export const LOCAL_PARAMETERS: WeftParameters = {
  token: TOKEN,
  registry: { unbondingPeriod: 2n * HOUR, jailDuration: 1n * DAY, minProviderStake: MIN_PROVIDER_STAKE.local },
  escrow: { ...ECONOMICS, challengeWindow: 10n * MINUTE, disputeWindow: 30n * MINUTE },
  disputes: {
    ...DISPUTE_ECONOMICS,
    responseWindow: 10n * MINUTE,
    followUpWindow: 10n * MINUTE,
    arbitrationWindow: 20n * MINUTE,
  },
  rewards: { ...REWARD_ECONOMICS, epochLength: 1n * HOUR },
  governor: {
    votingDelay: 1n * MINUTE,
    votingPeriod: 10n * MINUTE,
    proposalThreshold: WEFT("1000"),
    quorumPercent: 4n,
    lateQuorumExtension: 2n * MINUTE,
  },
  timelock: { minDelay: 5n * MINUTE },
};

export const PUBLIC_PARAMETERS: WeftParameters = {
  token: TOKEN,
  registry: { unbondingPeriod: 7n * DAY, jailDuration: 30n * DAY, minProviderStake: MIN_PROVIDER_STAKE.public },
  escrow: { ...ECONOMICS, challengeWindow: 1n * DAY, disputeWindow: 3n * DAY },
  disputes: { ...DISPUTE_ECONOMICS, responseWindow: 1n * DAY, followUpWindow: 1n * DAY, arbitrationWindow: 2n * DAY },
  rewards: { ...REWARD_ECONOMICS, epochLength: 7n * DAY },
  governor: {
    votingDelay: 1n * DAY,
    votingPeriod: 7n * DAY,
    proposalThreshold: WEFT("100000"),
    quorumPercent: 4n,
    lateQuorumExtension: 2n * DAY,
  },
  timelock: { minDelay: 2n * DAY },
};

const LOCAL_NETWORKS = new Set(["hardhat", "localhost"]);

export function isLocalNetwork(networkName: string): boolean {
  return LOCAL_NETWORKS.has(networkName);
}

/** The parameters a network deploys with. */
export function parametersFor(networkName: string): WeftParameters {
  return isLocalNetwork(networkName) ? LOCAL_PARAMETERS : PUBLIC_PARAMETERS;
}

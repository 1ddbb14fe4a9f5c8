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
    /** Minted at deployment and shared out at once by the `launch` allocations (the rest to the treasury). */
    genesisSupply: bigint;
  };
  launch: LaunchParameters;
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

// ---------------------------------------------------------------- launch
// The launch is the one part of the parameters that names accounts. Its shape (which allocations exist, which vest)
// is the same on every network, because ignition/modules/Weft.ts builds one vesting wallet per vested allocation.

/**
 * Who receives an allocation or sits on the council: `"deployer"` (account 0 of the network), an address, or
 * `"var:NAME"`, an address read at deployment from the environment variable NAME or else `npx hardhat vars get NAME`
 * (src/deploy/launch.ts; a missing one stops the deployment with the command to set it).
 */
export type AccountSpec = "deployer" | `0x${string}` | `var:${string}`;

/** Paid out at deployment: its holder can vote with it at once, so it must stay below quorum. */
export interface LiquidAllocation {
  beneficiary: AccountSpec;
  amount: bigint;
}

/**
 * Held by a CliffVestingWallet (OpenZeppelin's VestingWalletCliff): linear from `startOffset` seconds after
 * deployment over `duration` seconds, nothing before `cliff` seconds from the start. A wallet cannot delegate, so
 * these tokens carry no votes until released.
 */
export interface VestedAllocation {
  beneficiary: AccountSpec;
  amount: bigint;
  startOffset: bigint;
  cliff: bigint;
  duration: bigint;
}

export const LIQUID_ALLOCATIONS = ["operations"] as const;
export const VESTED_ALLOCATIONS = ["founders", "contributors", "ecosystem"] as const;
export type LiquidAllocationName = (typeof LIQUID_ALLOCATIONS)[number];
export type VestedAllocationName = (typeof VESTED_ALLOCATIONS)[number];

export interface LaunchParameters {
  /** Genesis WEFT paid out at deployment. Whatever no allocation takes goes to the treasury (the timelock). */
  liquid: Record<LiquidAllocationName, LiquidAllocation>;
  vested: Record<VestedAllocationName, VestedAllocation>;
  /** The security council: may cancel proposals queued in the timelock until the bootstrap ends. */
  council: AccountSpec;
  /** Seconds from deployment until the council's veto ends (a DAO vote may end it earlier). */
  bootstrapDuration: bigint;
}

const MINUTE = 60n;
const HOUR = 60n * MINUTE;
const DAY = 24n * HOUR;
const WEFT = (amount: string): bigint => ethers.parseEther(amount);

/** Shared by all networks: supply and economics do not depend on block times. */
const TOKEN = { cap: WEFT("1000000000"), genesisSupply: WEFT("400000000") };

/**
 * The genesis split, the same amounts on every network (quorum is 4% = 16,000,000 WEFT of the genesis supply):
 * treasury 260M (65%, the remainder), operations 10M liquid (2.5%), founders 20M (5%), contributors 50M (12.5%) and
 * ecosystem 60M (15%) vesting. The only liquid allocation is below quorum, and so is what each vested allocation
 * releases at its cliff (5M, 12.5M, 10M), also when the founders' tokens join the operations' in one hand.
 */
const LAUNCH_AMOUNTS = {
  operations: WEFT("10000000"),
  founders: WEFT("20000000"),
  contributors: WEFT("50000000"),
  ecosystem: WEFT("60000000"),
};
const YEAR = 365n * DAY;
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

/** A vesting allocation starting at deployment. */
function vestingFrom(beneficiary: AccountSpec, amount: bigint, cliff: bigint, duration: bigint): VestedAllocation {
  return { beneficiary, amount, startOffset: 0n, cliff, duration };
}

/**
 * Well-known Hardhat accounts (of the public test mnemonic): the local contributors' and ecosystem beneficiaries and
 * the council, apart from the accounts that test fixtures and the demo give roles (0 to 7).
 */
const HARDHAT_ACCOUNT_8 = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";
const HARDHAT_ACCOUNT_9 = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
const HARDHAT_ACCOUNT_10 = "0xBcd4042DE499D14e55001CcbB24a551F3b954096";

/**
 * Local networks: the public split with a day standing for a year, so tests and the demo reach cliffs by moving the
 * clock. The deployer plays the operations desk and the founders: its 10M liquid WEFT fund the test fixtures and the
 * demo (about 0.6M between them).
 */
const LOCAL_LAUNCH: LaunchParameters = {
  liquid: { operations: { beneficiary: "deployer", amount: LAUNCH_AMOUNTS.operations } },
  vested: {
    founders: vestingFrom("deployer", LAUNCH_AMOUNTS.founders, DAY, 4n * DAY),
    contributors: vestingFrom(HARDHAT_ACCOUNT_8, LAUNCH_AMOUNTS.contributors, DAY, 4n * DAY),
    ecosystem: vestingFrom(HARDHAT_ACCOUNT_9, LAUNCH_AMOUNTS.ecosystem, 12n * HOUR, 3n * DAY),
  },
  council: HARDHAT_ACCOUNT_10,
  bootstrapDuration: 2n * DAY,
};

/**
 * Public networks: founders and contributors vest over 4 years after a 1-year cliff, the ecosystem fund over 3 years
 * after 6 months; the council's veto lasts a year. Every account but the deployer comes from a `hardhat vars` key
 * (README, "Deploying"); on a testnet the deployer's 10M operations WEFT fund testers and providers.
 */
const PUBLIC_LAUNCH: LaunchParameters = {
  liquid: { operations: { beneficiary: "deployer", amount: LAUNCH_AMOUNTS.operations } },
  vested: {
    founders: vestingFrom("var:WEFT_FOUNDERS", LAUNCH_AMOUNTS.founders, YEAR, 4n * YEAR),
    contributors: vestingFrom("var:WEFT_CONTRIBUTORS", LAUNCH_AMOUNTS.contributors, YEAR, 4n * YEAR),
    ecosystem: vestingFrom("var:WEFT_ECOSYSTEM", LAUNCH_AMOUNTS.ecosystem, 180n * DAY, 3n * YEAR),
  },
  council: "var:WEFT_SECURITY_COUNCIL",
  bootstrapDuration: YEAR,
};

export const LOCAL_PARAMETERS: WeftParameters = {
  token: TOKEN,
  launch: LOCAL_LAUNCH,
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
  launch: PUBLIC_LAUNCH,
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

/**
 * The launch and who can vote after it: every allocation of the genesis supply (local as deployed, public from
 * config/parameters.ts), the largest share any one account could vote with right after deployment, what passing a
 * proposal takes, and the security council's powers and end.
 */
import { PUBLIC_PARAMETERS, type WeftParameters } from "../../config/parameters";
import { launchQuorum } from "../../src/deploy/launch";
import { readPassingRule, readTokenAccounts, type PassingRule } from "../../src/dao/distribution";
import type { AuditedDeployment } from "./deployment";

export interface AllocationRow {
  readonly name: string;
  readonly kind: "treasury" | "liquid" | "vested";
  readonly amount: bigint;
  /** Local: the deployed beneficiary, named; public: the config's spec (deployer, timelock, var:NAME). */
  readonly local: string;
  readonly public: string;
  /** Vested: cliff and duration, local and public, in seconds. */
  readonly schedule?: { readonly local: [bigint, bigint]; readonly public: [bigint, bigint] };
  /** Vested: what it releases at its cliff (public schedule; the local one keeps the proportions). */
  readonly atCliff?: bigint;
}

export interface LargestVoter {
  readonly who: string;
  readonly amount: bigint;
}

export interface LaunchReport {
  readonly genesisSupply: bigint;
  readonly allocations: readonly AllocationRow[];
  /** On the local deployment: the largest balance of any account that can delegate (all but timelock and wallets). */
  readonly largestLocal: LargestVoter;
  /** From the public parameters: the largest liquid allocation of one account. */
  readonly largestPublic: LargestVoter;
  /** The deployer's liquid allocation with the founders' release at the cliff, if the deployer is their beneficiary. */
  readonly deployerAtFoundersCliff: bigint;
  readonly local: PassingRule;
  readonly public: PassingRule;
  readonly council: {
    readonly contract: string;
    readonly council: string;
    readonly councilAddress: string;
    readonly holdsCanceller: boolean;
    readonly holdsProposer: boolean;
    readonly bootstrapLocal: bigint;
    readonly bootstrapPublic: bigint;
    readonly minBootstrap: bigint;
    readonly maxBootstrap: bigint;
  };
}

function configRule(p: WeftParameters): PassingRule {
  return {
    quorum: launchQuorum(p),
    quorumPercent: p.governor.quorumPercent,
    proposalThreshold: p.governor.proposalThreshold,
    votingDelay: p.governor.votingDelay,
    votingPeriod: p.governor.votingPeriod,
    lateQuorumExtension: p.governor.lateQuorumExtension,
    timelockDelay: p.timelock.minDelay,
  };
}

/** Every account that received WEFT and could delegate it, with its balance; the largest. */
async function largestOnChain(d: AuditedDeployment): Promise<LargestVoter> {
  const token = d.system.ComputeToken;
  const cannotVote = new Set([d.addresses.TimelockController, ...Object.values(d.vestingWallets)]);
  const { holders } = await readTokenAccounts(token, 0);
  let largest: LargestVoter = { who: "nobody", amount: 0n };
  for (const account of holders) {
    if (cannotVote.has(account)) continue;
    const amount = await token.balanceOf(account);
    if (amount > largest.amount) largest = { who: d.nameOf(account), amount };
  }
  return largest;
}

function largestPublicLiquid(p: WeftParameters): LargestVoter {
  const bySpec = new Map<string, bigint>();
  for (const [, a] of Object.entries(p.launch.liquid))
    bySpec.set(a.beneficiary, (bySpec.get(a.beneficiary) ?? 0n) + a.amount);
  const [who, amount] = [...bySpec].sort(([, a], [, b]) => (b > a ? 1 : -1))[0];
  return { who, amount };
}

export async function readLaunch(d: AuditedDeployment, local: WeftParameters): Promise<LaunchReport> {
  const pub = PUBLIC_PARAMETERS;
  const allocations: AllocationRow[] = d.launch.allocations.map((a) => {
    const localName = d.nameOf(a.kind === "treasury" ? d.addresses.TimelockController : a.beneficiary);
    if (a.kind === "treasury")
      return { name: a.name, kind: a.kind, amount: a.amount, local: localName, public: "timelock" };
    if (a.kind === "liquid") {
      const spec = pub.launch.liquid[a.name as keyof typeof pub.launch.liquid];
      return { name: a.name, kind: a.kind, amount: a.amount, local: localName, public: spec.beneficiary };
    }
    const spec = pub.launch.vested[a.name as keyof typeof pub.launch.vested];
    return {
      name: a.name,
      kind: a.kind,
      amount: a.amount,
      local: localName,
      public: spec.beneficiary,
      schedule: { local: [a.schedule!.cliff, a.schedule!.duration], public: [spec.cliff, spec.duration] },
      atCliff: (spec.amount * spec.cliff) / spec.duration,
    };
  });
  const { founders } = local.launch.vested;
  const foundersAtCliff =
    founders.beneficiary === "deployer" ? (founders.amount * founders.cliff) / founders.duration : 0n;
  const council = d.system.SecurityCouncil;
  const timelock = d.system.TimelockController;
  return {
    genesisSupply: local.token.genesisSupply,
    allocations,
    largestLocal: await largestOnChain(d),
    largestPublic: largestPublicLiquid(pub),
    deployerAtFoundersCliff: (await d.system.ComputeToken.balanceOf(d.deployerAddress)) + foundersAtCliff,
    local: await readPassingRule(d.system),
    public: configRule(pub),
    council: {
      contract: d.addresses.SecurityCouncil,
      council: d.nameOf(await council.council()),
      councilAddress: await council.council(),
      holdsCanceller: await timelock.hasRole(await timelock.CANCELLER_ROLE(), d.addresses.SecurityCouncil),
      holdsProposer: await timelock.hasRole(await timelock.PROPOSER_ROLE(), d.addresses.SecurityCouncil),
      bootstrapLocal: local.launch.bootstrapDuration,
      bootstrapPublic: pub.launch.bootstrapDuration,
      minBootstrap: await council.MIN_BOOTSTRAP_DURATION(),
      maxBootstrap: await council.MAX_BOOTSTRAP_DURATION(),
    },
  };
}

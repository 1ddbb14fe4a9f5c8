/**
 * The launch as a deployment carries it out: every allocation's beneficiary resolved to an address, the treasury's
 * share (what the allocations leave of the genesis supply), and the checks that no account can vote alone at launch.
 */
import { ethers } from "ethers";
import { vars } from "hardhat/config";

import {
  LIQUID_ALLOCATIONS,
  LOCAL_PARAMETERS,
  VESTED_ALLOCATIONS,
  type AccountSpec,
  type VestedAllocationName,
  type WeftParameters,
} from "../../config/parameters";
import { UserError } from "../errors";

export interface ResolvedAllocation {
  readonly name: string;
  readonly kind: "treasury" | "liquid" | "vested";
  /** Who ends up with the tokens (for a vested allocation, once released). */
  readonly beneficiary: string;
  /** How config/parameters.ts named the beneficiary: "deployer", "timelock", "var:NAME" or the address. */
  readonly spec: string;
  readonly amount: bigint;
  /** Vested allocations only. */
  readonly schedule?: { readonly startOffset: bigint; readonly cliff: bigint; readonly duration: bigint };
}

export interface ResolvedLaunch {
  /** The treasury first, then the liquid and the vested allocations in config order. */
  readonly allocations: readonly ResolvedAllocation[];
  readonly treasury: bigint;
  readonly council: string;
  readonly councilSpec: string;
  readonly bootstrapDuration: bigint;
}

/** Reads an account variable: the environment first, then `hardhat vars`. */
export type VarReader = (name: string) => string | undefined;

/** What resolving needs beside the parameters. */
export interface LaunchContext {
  readonly deployer: string;
  /** The timelock, when known (the address book's record); the treasury's beneficiary reads "timelock" until then. */
  readonly timelock?: string;
  readonly readVar: VarReader;
  /** For error messages: which network's launch this is. */
  readonly network: string;
}

/** Environment variable NAME, else `npx hardhat vars get NAME`. */
export function environmentOrHardhatVar(name: string): string | undefined {
  const fromEnv = process.env[name];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return vars.has(name) ? vars.get(name) : undefined;
}

/**
 * Resolves every beneficiary and the council, and checks the launch: the allocations fit the genesis supply, and
 * no account's liquid allocations reach quorum. Every unset variable is named in one error, with the command to set
 * it.
 */
export function resolveLaunch(parameters: WeftParameters, context: LaunchContext): ResolvedLaunch {
  const { launch, token } = parameters;
  const missing: string[] = [];
  const resolve = (spec: AccountSpec, role: string): string => {
    if (spec === "deployer") return context.deployer;
    if (spec.startsWith("var:")) {
      const name = spec.slice("var:".length);
      const value = context.readVar(name);
      if (value === undefined) {
        missing.push(`  npx hardhat vars set ${name}    # ${role}`);
        return ethers.ZeroAddress;
      }
      return checkedAddress(value, `${name} (${role})`);
    }
    return checkedAddress(spec, role);
  };

  const liquid = LIQUID_ALLOCATIONS.map((name): ResolvedAllocation => {
    const { beneficiary, amount } = launch.liquid[name];
    return {
      name,
      kind: "liquid",
      beneficiary: resolve(beneficiary, `the ${name} allocation`),
      spec: beneficiary,
      amount,
    };
  });
  const vested = VESTED_ALLOCATIONS.map((name): ResolvedAllocation => {
    const { beneficiary, amount, startOffset, cliff, duration } = launch.vested[name];
    const resolved = resolve(beneficiary, `beneficiary of the ${name} vesting`);
    if (cliff > duration) {
      throw new UserError(`launch.vested.${name}: the cliff (${cliff} s) is longer than the vesting (${duration} s).`);
    }
    return {
      name,
      kind: "vested",
      beneficiary: resolved,
      spec: beneficiary,
      amount,
      schedule: { startOffset, cliff, duration },
    };
  });
  const council = resolve(launch.council, "the security council, a multisig");
  if (missing.length > 0) {
    throw new UserError(
      `The launch on ${context.network} names accounts that are not set. Set each (or export it as an environment ` +
        `variable of that name):\n${missing.join("\n")}`,
    );
  }

  const allocated = [...liquid, ...vested].reduce((sum, a) => sum + a.amount, 0n);
  if ([...liquid, ...vested].some((a) => a.amount <= 0n) || allocated > token.genesisSupply) {
    throw new UserError(
      `The launch allocations (${ethers.formatEther(allocated)} WEFT) must each be positive and fit the genesis ` +
        `supply (${ethers.formatEther(token.genesisSupply)} WEFT).`,
    );
  }
  checkLiquidBelowQuorum(liquid, parameters);
  const treasury: ResolvedAllocation = {
    name: "treasury",
    kind: "treasury",
    beneficiary: context.timelock ?? "timelock",
    spec: "timelock",
    amount: token.genesisSupply - allocated,
  };
  return {
    allocations: [treasury, ...liquid, ...vested],
    treasury: treasury.amount,
    council,
    councilSpec: launch.council,
    bootstrapDuration: launch.bootstrapDuration,
  };
}

/** Quorum at launch: the governor's fraction of the genesis supply. */
export function launchQuorum(parameters: WeftParameters): bigint {
  return (parameters.token.genesisSupply * parameters.governor.quorumPercent) / 100n;
}

/** An account could self-delegate its liquid WEFT at once: what one account receives must stay below quorum. */
function checkLiquidBelowQuorum(liquid: readonly ResolvedAllocation[], parameters: WeftParameters): void {
  const quorum = launchQuorum(parameters);
  const byAccount = new Map<string, bigint>();
  for (const a of liquid) byAccount.set(a.beneficiary, (byAccount.get(a.beneficiary) ?? 0n) + a.amount);
  for (const [account, amount] of byAccount) {
    if (amount >= quorum) {
      throw new UserError(
        `${account} would receive ${ethers.formatEther(amount)} liquid WEFT at launch, at least the quorum ` +
          `(${ethers.formatEther(quorum)}): it could pass proposals alone. Lower its liquid allocations or vest them.`,
      );
    }
  }
}

function checkedAddress(value: string, what: string): string {
  if (!ethers.isAddress(value) || value === ethers.ZeroAddress) {
    throw new UserError(`${what} must be a non-zero address; got "${value}".`);
  }
  return ethers.getAddress(value);
}

/** The Launch and Council modules' Ignition parameters (ignition/modules/Weft.ts). */
export function launchIgnitionParameters(launch: ResolvedLaunch) {
  const allocations: Record<string, string | bigint> = { treasuryAmount: launch.treasury };
  for (const a of launch.allocations) {
    if (a.kind === "treasury") continue;
    allocations[`${a.name}Beneficiary`] = a.beneficiary;
    allocations[`${a.name}Amount`] = a.amount;
    if (a.schedule !== undefined) {
      allocations[`${a.name}StartOffset`] = a.schedule.startOffset;
      allocations[`${a.name}Cliff`] = a.schedule.cliff;
      allocations[`${a.name}Duration`] = a.schedule.duration;
    }
  }
  return {
    Launch: allocations,
    Council: { council: launch.council, bootstrapDuration: launch.bootstrapDuration },
  };
}

/** A vested allocation's wallet, as the address book records it. */
export type VestingWalletAddresses = Record<VestedAllocationName, string>;

/**
 * `parameters` with the local launch's accounts: for deploying public parameters on a local chain (benchmarks,
 * tests), where no `var:` account is set. Amounts and schedules are kept.
 */
export function withLocalLaunchAccounts(parameters: WeftParameters): WeftParameters {
  const local = LOCAL_PARAMETERS.launch;
  const launch = structuredClone(parameters.launch);
  for (const name of LIQUID_ALLOCATIONS) launch.liquid[name].beneficiary = local.liquid[name].beneficiary;
  for (const name of VESTED_ALLOCATIONS) launch.vested[name].beneficiary = local.vested[name].beneficiary;
  launch.council = local.council;
  return { ...parameters, launch };
}

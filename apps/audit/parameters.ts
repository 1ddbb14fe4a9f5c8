/**
 * Every governed parameter with its defaults (config/parameters.ts), its value on the deployed system, and its
 * bounds as the deployed contract enforces them: each setter is called (statically, as the timelock) with 2^255,
 * and the bounds are those of the ParameterOutOfBounds(value, min, max) it reverts with, named by the contract's
 * public MIN_/MAX_ constants of equal value. Calls at the bounds themselves show limits that depend on other
 * parameters.
 */
import type { BaseContract, Interface } from "ethers";

import { LOCAL_PARAMETERS, PUBLIC_PARAMETERS, type WeftParameters } from "../../config/parameters";
import { GOVERNED_PARAMETERS, type GovernedParameter } from "../../src/dao/governedParameters";
import { parameterLeaves } from "../../src/deploy/bounds";
import type { AuditedDeployment } from "./deployment";

export interface Bound {
  readonly value: bigint;
  /** The contract's public MIN_/MAX_ constants holding this value (empty: a literal or an internal constant). */
  readonly constants: readonly string[];
}

export interface GovernedParameterRow {
  readonly name: string;
  readonly contract: GovernedParameter["contract"];
  readonly setter: string;
  /** Where config/parameters.ts holds its defaults, e.g. escrow.protocolFeeBps. */
  readonly configKey: string;
  readonly local: bigint;
  readonly public: bigint;
  /** The getter's value on the system deployed with the local parameters. */
  readonly deployed: bigint;
  /** Undefined when the setter accepted PROBE_VALUE: no bound. */
  readonly min?: Bound;
  readonly max?: Bound;
  /** The setter's revert at PROBE_VALUE when it is not ParameterOutOfBounds. */
  readonly outOfRange?: string;
  /** The setter's outcome at min and at max: "accepted", or the error it reverts with. */
  readonly atMin?: string;
  readonly atMax?: string;
}

export interface OtherParameterRow {
  readonly configKey: string;
  readonly local: bigint;
  readonly public: bigint;
}

export interface ParametersReport {
  readonly governed: readonly GovernedParameterRow[];
  /** config/parameters.ts values that `dao:propose --set` does not name. */
  readonly other: readonly OtherParameterRow[];
}

/** The config/parameters.ts group holding each contract's parameters. */
const CONFIG_GROUP = {
  JobEscrow: "escrow",
  ProviderRegistry: "registry",
  DisputeManager: "disputes",
  RewardDistributor: "rewards",
} as const satisfies Record<GovernedParameter["contract"], keyof WeftParameters>;

const BOUND_ERROR = "ParameterOutOfBounds";
/**
 * Above every bound, yet not 2^256-1: some setters add the value to another window before checking its bounds, and
 * would revert with an overflow panic instead of telling their bounds.
 */
export const PROBE_VALUE = 2n ** 255n;

/** Every leaf of a parameter set, keyed by its dotted path (the launch's accounts, strings, left out). */
export const flattenParameters = parameterLeaves;

type Outcome = { accepted: true } | { accepted: false; name: string; args: readonly unknown[] };

/** The setter called statically as the timelock (which holds PARAMETERS): accepted, or the decoded revert. */
async function trySetter(contract: BaseContract, setter: string, value: bigint, from: string): Promise<Outcome> {
  try {
    await contract.getFunction(setter).staticCall(value, { from });
    return { accepted: true };
  } catch (error) {
    const data = (error as { data?: string }).data;
    const parsed = data ? (contract.interface as Interface).parseError(data) : null;
    if (parsed === null) throw error;
    return { accepted: false, name: parsed.name, args: [...parsed.args] };
  }
}

const describeOutcome = (o: Outcome): string =>
  o.accepted ? "accepted" : `${o.name}(${o.args.map((a) => String(a)).join(", ")})`;

/** The contract's public uint256 constants whose names start with `prefix`, with their values. */
async function namedConstants(contract: BaseContract, prefix: "MIN_" | "MAX_"): Promise<Map<string, bigint>> {
  const names: string[] = [];
  (contract.interface as Interface).forEachFunction((f) => {
    const constantLike = f.inputs.length === 0 && f.outputs.length === 1 && f.outputs[0].type === "uint256";
    if (f.name.startsWith(prefix) && constantLike) names.push(f.name);
  });
  const found = new Map<string, bigint>();
  for (const name of names) found.set(name, (await contract.getFunction(name).staticCall()) as bigint);
  return found;
}

/** GETTER_NAME for getterName: how the contracts name a parameter's constants. */
const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/**
 * The bound with the constants that hold its value; when several do, those named after the parameter's getter
 * (MIN_UNBONDING_PERIOD for unbondingPeriod, not MIN_JAIL_DURATION of equal value).
 */
async function bound(contract: BaseContract, prefix: "MIN_" | "MAX_", value: bigint, getter: string): Promise<Bound> {
  const equal = [...(await namedConstants(contract, prefix))].filter(([, v]) => v === value).map(([n]) => n);
  const named = equal.filter((name) => name.includes(snakeCase(getter)));
  return { value, constants: equal.length > 1 && named.length > 0 ? named : equal };
}

async function governedRow(d: AuditedDeployment, name: string, p: GovernedParameter): Promise<GovernedParameterRow> {
  const group = CONFIG_GROUP[p.contract];
  const configKey = `${group}.${p.getter}`;
  const local = flattenParameters(LOCAL_PARAMETERS).get(configKey);
  const publicValue = flattenParameters(PUBLIC_PARAMETERS).get(configKey);
  if (local === undefined || publicValue === undefined) {
    throw new Error(
      `Governed parameter ${name} has no default at ${configKey} in config/parameters.ts: name the config key after its getter ${p.getter}.`,
    );
  }
  const contract = (d.system[p.contract] as BaseContract).connect(d.provider);
  const timelock = d.addresses.TimelockController;
  const deployed = (await contract.getFunction(p.getter).staticCall()) as bigint;
  const base = { name, contract: p.contract, setter: p.setter, configKey, local, public: publicValue, deployed };

  const probe = await trySetter(contract, p.setter, PROBE_VALUE, timelock);
  if (probe.accepted) return base;
  if (probe.name !== BOUND_ERROR) return { ...base, outOfRange: describeOutcome(probe) };
  const [, min, max] = probe.args as [bigint, bigint, bigint];
  return {
    ...base,
    min: await bound(contract, "MIN_", min, p.getter),
    max: await bound(contract, "MAX_", max, p.getter),
    atMin: describeOutcome(await trySetter(contract, p.setter, min, timelock)),
    atMax: describeOutcome(await trySetter(contract, p.setter, max, timelock)),
  };
}

export async function readParameters(d: AuditedDeployment): Promise<ParametersReport> {
  const governed: GovernedParameterRow[] = [];
  for (const [name, parameter] of Object.entries(GOVERNED_PARAMETERS))
    governed.push(await governedRow(d, name, parameter));
  const named = new Set(governed.map((row) => row.configKey));
  const publicLeaves = flattenParameters(PUBLIC_PARAMETERS);
  const other = [...flattenParameters(LOCAL_PARAMETERS)]
    // The launch has its own section (apps/audit/launch.ts).
    .filter(([key]) => !named.has(key) && !key.startsWith("launch."))
    .map(([configKey, local]) => ({ configKey, local, public: publicLeaves.get(configKey)! }));
  return { governed, other };
}

/**
 * The governed parameters with their values now and the bounds their contracts enforce, read from each contract's
 * public constants where it has them (a bound the Solidity writes as a literal or a type's range comes from
 * src/deploy/bounds.ts, whose figures a test checks against the contracts).
 */
import { ethers, type Interface } from "ethers";

import { PARAMETER_BOUNDS } from "../deploy/bounds";
import type { WeftSystem } from "../deploy/system";
import { formatParameterValue, GOVERNED_PARAMETERS, type GovernedParameter } from "../dao/governedParameters";
import type { Amount, ParameterRow } from "./api";

/** Where each governing contract's parameters sit in config/parameters.ts, which names their bounds. */
const CONFIG_SECTION: Readonly<Record<GovernedParameter["contract"], string>> = {
  JobEscrow: "escrow",
  ProviderRegistry: "registry",
  DisputeManager: "disputes",
  RewardDistributor: "rewards",
};

export interface GovernedValue {
  readonly name: string;
  readonly parameter: GovernedParameter;
  /** The contract's address, checksummed. */
  readonly target: string;
  readonly selector: string;
  readonly value: bigint;
  readonly min: bigint;
  readonly max: bigint;
}

export const amountOf = (parameter: GovernedParameter, value: bigint): Amount => ({
  raw: value.toString(),
  text: formatParameterValue(parameter.unit, value),
});

/** Every governed parameter's value and bounds, read from the chain. */
export async function readGovernedValues(system: WeftSystem): Promise<GovernedValue[]> {
  return Promise.all(
    Object.entries(GOVERNED_PARAMETERS).map(async ([name, parameter]) => {
      const contract = system[parameter.contract];
      const key = `${CONFIG_SECTION[parameter.contract]}.${parameter.getter}`;
      const bound = PARAMETER_BOUNDS[key];
      if (bound === undefined) throw new Error(`No bound for ${name} (${key}) in src/deploy/bounds.ts`);
      const constant = async (constantName: string | undefined, fallback: bigint) =>
        constantName === undefined ? fallback : ((await contract.getFunction(constantName).staticCall()) as bigint);
      const [value, min, max] = await Promise.all([
        contract.getFunction(parameter.getter).staticCall() as Promise<bigint>,
        constant(bound.constants?.min, bound.min),
        constant(bound.constants?.max, bound.max),
      ]);
      const selector = (contract.interface as Interface).getFunction(parameter.setter)?.selector;
      if (selector === undefined) throw new Error(`${parameter.contract} has no ${parameter.setter}`);
      return { name, parameter, target: ethers.getAddress(await contract.getAddress()), selector, value, min, max };
    }),
  );
}

export function parameterRows(values: readonly GovernedValue[]): ParameterRow[] {
  return values.map(({ name, parameter, value, min, max }) => ({
    name,
    contract: parameter.contract,
    value: amountOf(parameter, value),
    min: amountOf(parameter, min),
    max: amountOf(parameter, max),
  }));
}

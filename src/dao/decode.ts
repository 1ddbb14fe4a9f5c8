/**
 * A proposal's calls as a DAO member reads them: `DisputeManager.setBond(newBond: 150 WEFT)`, decoded against the ABI
 * of the Weft contract each call targets, with amounts, shares and durations in human units.
 */
import { ethers, type Interface, type ParamType, type TransactionDescription } from "ethers";

import { WEFT_CONTRACT_NAMES, type WeftSystem } from "../deploy/system";
import { formatWeft } from "../jobs/amounts";
import { duration, formatBps } from "../markdown";
import type { ProposalAction } from "./governedParameters";

/** The Weft contracts' interfaces by (checksummed) address. */
export type ContractDirectory = ReadonlyMap<string, { readonly name: string; readonly abi: Interface }>;

export async function contractDirectory(system: WeftSystem): Promise<ContractDirectory> {
  const entries = await Promise.all(
    WEFT_CONTRACT_NAMES.map(async (name) => {
      const contract = system[name];
      return [ethers.getAddress(await contract.getAddress()), { name, abi: contract.interface as Interface }] as const;
    }),
  );
  return new Map(entries);
}

/**
 * Parameter names that hold WEFT base units across the setters (stakes, bonds, collateral and emissions are WEFT),
 * matched by name: the ABI does not say which token an amount is in, and these names are the contracts' own.
 */
const WEFT_AMOUNT_PARAMS = new Set(["bond", "minCollateral", "minStake", "emission"]);
/** Parameter names that hold seconds. */
const SECONDS_PARAMS = new Set(["window", "period", "duration", "length"]);

/** A parameter's name without the decorations the contracts use: newBond, emission_ -> bond, emission. */
function baseName(name: string): string {
  const bare = name.replace(/_$/, "").replace(/^new(?=[A-Z])/, "");
  return bare.charAt(0).toLowerCase() + bare.slice(1);
}

/** A call argument in human units, by its contract and parameter name (WEFT amounts, percentages, durations). */
export function formatArgument(contract: string, param: ParamType, value: unknown): string {
  const name = baseName(param.name);
  if (param.baseType === "uint256" && typeof value === "bigint") {
    if (WEFT_AMOUNT_PARAMS.has(name) || contract === "ComputeToken") return formatWeft(value);
    if (name.endsWith("Bps")) return formatBps(value);
    if (SECONDS_PARAMS.has(name)) return duration(value);
  }
  // Structs and arrays as JSON (numbers as decimal strings), addresses, booleans and the rest as they decode.
  return typeof value === "object" && value !== null
    ? JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v))
    : String(value);
}

/** One action, e.g. `JobEscrow.setProtocolFeeBps(feeBps: 2.50%)`; an unknown target or selector stays raw. */
export function describeAction(directory: ContractDirectory, action: ProposalAction): string {
  const value = action.value === 0n ? "" : ` with ${ethers.formatEther(action.value)} ETH`;
  const decoded = decodeAction(directory, action);
  if (decoded === undefined) {
    const name = directory.get(ethers.getAddress(action.target))?.name ?? action.target;
    return `${name}: calldata ${action.calldata}${value}`;
  }
  const { contract, call } = decoded;
  const args = call.fragment.inputs.map(
    (param, i) => `${param.name === "" ? "" : `${param.name}: `}${formatArgument(contract, param, call.args[i])}`,
  );
  return `${contract}.${call.name}(${args.join(", ")})${value}`;
}

/** The Weft function `action` calls, with its contract's name, if the directory knows it. */
export function decodeAction(
  directory: ContractDirectory,
  action: ProposalAction,
): { readonly contract: string; readonly call: TransactionDescription } | undefined {
  const target = directory.get(ethers.getAddress(action.target));
  const call = target?.abi.parseTransaction({ data: action.calldata, value: action.value }) ?? null;
  return target === undefined || call === null ? undefined : { contract: target.name, call };
}

import fs from "node:fs";
import { ethers } from "ethers";

import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { parameterChange, type ProposalAction } from "./governedParameters";

/** The calls a `dao:propose` invocation asks for: exactly one of a named change or a JSON file of calls. */
export async function proposalActions(
  system: WeftSystem,
  options: { set?: string; calls?: string },
): Promise<ProposalAction[]> {
  if ((options.set === undefined) === (options.calls === undefined)) {
    throw new UserError("Give exactly one of --set name=value or --calls <json file>.");
  }
  if (options.set !== undefined) return [await parameterChange(system, options.set)];
  return readCallsFile(options.calls!);
}

function readCallsFile(file: string): ProposalAction[] {
  if (!fs.existsSync(file)) throw new UserError(`Calls file ${file} does not exist.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`Calls file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new UserError(`Calls file ${file} must hold a non-empty array of {target, value, calldata}.`);
  }
  return parsed.map((call: unknown, i) => {
    const { target, value, calldata } = (call ?? {}) as Record<string, unknown>;
    if (typeof target !== "string" || !ethers.isAddress(target)) {
      throw new UserError(`${file}[${i}].target must be an address.`);
    }
    if (typeof calldata !== "string" || !ethers.isHexString(calldata)) {
      throw new UserError(`${file}[${i}].calldata must be a 0x-prefixed hex string.`);
    }
    const wei = value === undefined ? "0" : String(value);
    if (!/^\d+$/.test(wei)) throw new UserError(`${file}[${i}].value must be a whole number of wei.`);
    return { target, value: BigInt(wei), calldata };
  });
}

import fs from "node:fs";

import type { WeftParameters } from "../../config/parameters";
import { UserError } from "../errors";

/**
 * Applies a JSON file of parameter overrides (any subset of config/parameters.ts's shape, numbers or decimal
 * strings) on top of a network's defaults. Unknown keys are refused: a typo must not deploy a default silently.
 */
export function applyParameterOverrides(base: WeftParameters, file: string): WeftParameters {
  if (!fs.existsSync(file)) throw new UserError(`Parameter file ${file} does not exist.`);
  let overrides: unknown;
  try {
    overrides = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`Parameter file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const merged = structuredClone(base);
  applyGroup(merged as unknown as Record<string, unknown>, asRecord(overrides, file), file, "");
  return merged;
}

/**
 * Overrides the leaves of `target` named in `values`, descending into nested groups (e.g. `launch.vested.ecosystem`):
 * a bigint leaf takes a whole number, a string leaf (an account of the launch) a string.
 */
function applyGroup(target: Record<string, unknown>, values: Record<string, unknown>, file: string, path: string) {
  for (const [key, value] of Object.entries(values)) {
    const name = path === "" ? key : `${path}.${key}`;
    if (!(key in target)) {
      const what = path === "" ? `group "${name}"` : `parameter ${name}`;
      throw new UserError(`${file}: unknown ${what} (known: ${Object.keys(target).join(", ")}).`);
    }
    const current = target[key];
    if (typeof current === "bigint") target[key] = toBigInt(value, name, file);
    else if (typeof current === "string") target[key] = toText(value, name, file);
    else applyGroup(current as Record<string, unknown>, asRecord(value, `${file}: ${name}`), file, name);
  }
}

function toText(value: unknown, name: string, file: string): string {
  if (typeof value === "string") return value;
  throw new UserError(`${file}: ${name} must be a string (an address, "deployer" or "var:NAME").`);
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(`${where} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function toBigInt(value: unknown, name: string, file: string): bigint {
  if (
    (typeof value === "number" && Number.isSafeInteger(value)) ||
    (typeof value === "string" && /^\d+$/.test(value))
  ) {
    return BigInt(value);
  }
  throw new UserError(`${file}: ${name} must be a whole number (or a decimal string), got ${JSON.stringify(value)}.`);
}

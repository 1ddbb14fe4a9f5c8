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
  const groups = merged as unknown as Record<string, Record<string, bigint>>;
  for (const [group, values] of Object.entries(asRecord(overrides, file))) {
    if (!(group in groups)) {
      throw new UserError(`${file}: unknown group "${group}" (known: ${Object.keys(groups).join(", ")}).`);
    }
    for (const [key, value] of Object.entries(asRecord(values, `${file}: ${group}`))) {
      if (!(key in groups[group])) {
        throw new UserError(
          `${file}: unknown parameter ${group}.${key} (known: ${Object.keys(groups[group]).join(", ")}).`,
        );
      }
      groups[group][key] = toBigInt(value, `${group}.${key}`, file);
    }
  }
  return merged;
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

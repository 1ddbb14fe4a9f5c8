/** The last invariant run, from the file `npm run test:invariant` writes. */
import fs from "node:fs";
import path from "node:path";

import { UserError } from "../../src/errors";

export const INVARIANTS_COMMAND = "npm run test:invariant";
/**
 * Where INVARIANTS_COMMAND writes the full run (default profile) and the audit report reads it, relative to the
 * project root; one constant for both, so the writer and the reader cannot drift apart.
 */
export const INVARIANTS_FILE = path.join("reports", "invariants.json");

export interface InvariantResult {
  readonly contract: string;
  readonly name: string;
  readonly runs: number;
  readonly calls: number;
  readonly reverts: number;
  readonly passed: boolean;
}

export interface InvariantsRun {
  readonly command: string;
  readonly profile: string;
  readonly date: string;
  readonly wallSeconds: number;
  readonly runs: number;
  readonly depth: number;
  readonly invariants: readonly InvariantResult[];
}

export type InvariantsSection =
  | { readonly found: true; readonly file: string; readonly run: InvariantsRun }
  | { readonly found: false; readonly file: string; readonly command: string };

const RESULT_FIELDS: Record<keyof InvariantResult, "string" | "number" | "boolean"> = {
  contract: "string",
  name: "string",
  runs: "number",
  calls: "number",
  reverts: "number",
  passed: "boolean",
};

function isInvariantsRun(value: unknown): value is InvariantsRun {
  const run = value as Partial<Record<keyof InvariantsRun, unknown>> | null;
  return (
    typeof run === "object" &&
    run !== null &&
    typeof run.date === "string" &&
    typeof run.runs === "number" &&
    typeof run.depth === "number" &&
    Array.isArray(run.invariants) &&
    run.invariants.every((r: Record<string, unknown>) =>
      Object.entries(RESULT_FIELDS).every(([field, type]) => typeof r?.[field] === type),
    )
  );
}

/** The invariants file (`file` relative to `root`, or absolute), or where it should be and the command that writes it. */
export function readInvariants(root: string, file: string): InvariantsSection {
  const absolute = path.resolve(root, file);
  if (!fs.existsSync(absolute)) return { found: false, file, command: INVARIANTS_COMMAND };
  const run: unknown = JSON.parse(fs.readFileSync(absolute, "utf8"));
  if (!isInvariantsRun(run)) {
    throw new UserError(`${file} does not have the invariant report's shape; regenerate it: ${INVARIANTS_COMMAND}`);
  }
  return { found: true, file, run };
}

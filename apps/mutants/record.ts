/**
 * reports/mutants.json: every mutant with its result, the score per contract and overall. It is also the cache of
 * incremental runs: a mutant whose key (the contract, its tests and the mutant) is recorded is not run again.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import type { Mutant, MutationOperator } from "./operators";
import type { MutantStatus } from "./protocol";

export const MUTANTS_REPORT = path.join("reports", "mutants.json");
export const FULL_RUN_COMMAND = "npm run audit:mutants -- --full";
/** Raised when the operators or the way a mutant is run change, so that no result of the old runner is reused. */
export const RUNNER_VERSION = 1;
/** The score a contract seen for the first time must reach. */
export const SCORE_GOAL = 0.95;

export interface MutantRecord {
  readonly id: string;
  readonly file: string;
  readonly operator: MutationOperator;
  readonly line: number;
  readonly diff: string;
  readonly key: string;
  readonly status: MutantStatus;
  /** Why a mutant that cannot change behaviour is left out of the score (docs/known-limitations.md). */
  readonly equivalent?: string;
  readonly killedBy?: string;
  /** Deployments of the mutated code in the run: a survivor with none is a contract its tests never deploy. */
  readonly deployments: number;
  readonly ms: number;
}

export interface Tally {
  readonly mutants: number;
  readonly killed: number;
  readonly survived: number;
  readonly timeout: number;
  readonly noCompile: number;
  /** Compiled to the same code as the original. */
  readonly identical: number;
  /** Listed as equivalent in docs/known-limitations.md. */
  readonly equivalent: number;
  /** (killed + timeout) / (killed + timeout + survived); 1 when nothing counts. */
  readonly score: number;
}

export interface ContractRecord extends Tally {
  /** The hash of the contract's source and of its tests' sources: a change to either runs its mutants again. */
  readonly key: string;
  readonly tests: readonly string[];
}

export interface MutantsReport {
  readonly runner: number;
  readonly command: string;
  readonly finishedAt: string;
  readonly run: {
    readonly wallSeconds: number;
    readonly workers: number;
    readonly ran: number;
    readonly reused: number;
  };
  readonly total: Tally;
  readonly contracts: Readonly<Record<string, ContractRecord>>;
  readonly mutants: readonly MutantRecord[];
}

export function readReport(root: string): MutantsReport | undefined {
  const file = path.join(root, MUTANTS_REPORT);
  if (!fs.existsSync(file)) return undefined;
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as MutantsReport;
  return report.runner === RUNNER_VERSION ? report : undefined;
}

export function writeReport(root: string, report: MutantsReport): string {
  const file = path.join(root, MUTANTS_REPORT);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** The key of a contract: its source, the sources of its tests and of the fixtures beside them. */
export function contractKey(root: string, contract: string, tests: readonly string[]): string {
  const hash = createHash("sha256").update(`runner ${RUNNER_VERSION}\n`);
  const files = new Set([contract, ...tests]);
  for (const test of tests) {
    const fixture = path.posix.join(path.posix.dirname(test), "fixture.ts");
    if (fs.existsSync(path.join(root, fixture))) files.add(fixture);
  }
  for (const file of [...files].sort()) hash.update(`${file}\n`).update(fs.readFileSync(path.join(root, file)));
  return hash.digest("hex");
}

export function mutantKey(contract: string, mutant: Mutant): string {
  return createHash("sha256")
    .update(`${contract}\n${mutant.id}\n${mutant.start}:${mutant.end}\n${mutant.replacement}`)
    .digest("hex");
}

/** Counts `records` by status; equivalent and identical mutants are listed but not scored. */
export function tally(records: readonly MutantRecord[]): Tally {
  const count = (predicate: (record: MutantRecord) => boolean): number => records.filter(predicate).length;
  const scored = (status: MutantStatus) =>
    count((record) => record.status === status && record.equivalent === undefined);
  const killed = scored("killed");
  const timeout = scored("timeout");
  const survived = scored("survived");
  const counted = killed + timeout + survived;
  return {
    mutants: records.length,
    killed,
    survived,
    timeout,
    noCompile: count((record) => record.status === "no-compile"),
    identical: count((record) => record.status === "identical"),
    equivalent: count((record) => record.equivalent !== undefined),
    score: counted === 0 ? 1 : (killed + timeout) / counted,
  };
}

/**
 * The equivalent mutants of docs/known-limitations.md: under its "Equivalent mutants" heading, one list item per
 * mutant, its id in backticks first, then the reason.
 */
export function readEquivalents(limitations: string): Map<string, string> {
  const equivalents = new Map<string, string>();
  const section = limitations.split(/^#+ Equivalent mutants\s*$/m)[1];
  if (section === undefined) return equivalents;
  for (const line of section.split(/^#+ /m)[0].split("\n")) {
    const match = /^- `([^`]+)`:?\s*(.*)$/.exec(line.trim());
    if (match !== null) equivalents.set(match[1], match[2]);
  }
  return equivalents;
}

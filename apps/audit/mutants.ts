/**
 * The mutation score of reports/mutants.json (written by `npm run audit:mutants`), for AUDIT.md: how many small bugs
 * in each contract the tests catch, and every one they do not.
 */
import path from "node:path";

import { MUTANTS_REPORT, readReport, type MutantRecord, type MutantsReport } from "../mutants/record";

export const MUTANTS_COMMAND = "npm run audit:mutants";

export type MutantsSection =
  | {
      readonly found: true;
      readonly file: string;
      readonly report: MutantsReport;
      readonly survivors: readonly MutantRecord[];
    }
  | { readonly found: false; readonly file: string; readonly command: string };

export function readMutants(root: string): MutantsSection {
  const report = readReport(root);
  if (report === undefined) return { found: false, file: MUTANTS_REPORT, command: MUTANTS_COMMAND };
  const survivors = report.mutants.filter((mutant) => mutant.status === "survived" && mutant.equivalent === undefined);
  return { found: true, file: path.normalize(MUTANTS_REPORT), report, survivors };
}

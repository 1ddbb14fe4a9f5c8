/** The mutation score as a table: one row per contract and the total, then every survivor with its diff. */
import { textTable } from "../../src/table";
import type { MutantsReport, Tally } from "./record";

export function formatMutationSummary(report: MutantsReport): string {
  const table = textTable({
    head: ["contract", "mutants", "killed", "survived", "timeout", "no compile", "equivalent", "score"],
  });
  const row = (name: string, tally: Tally): string[] => [
    name,
    String(tally.mutants),
    String(tally.killed),
    String(tally.survived),
    String(tally.timeout),
    String(tally.noCompile),
    String(tally.equivalent),
    formatScore(tally.score),
  ];
  for (const [contract, tally] of Object.entries(report.contracts)) {
    if (tally.mutants > 0) table.push(row(contract.replace(/^contracts\//, ""), tally));
  }
  table.push(row("all", report.total));
  const survivors = report.mutants.filter((mutant) => mutant.status === "survived" && mutant.equivalent === undefined);
  const lines = [table.toString()];
  if (survivors.length > 0) {
    lines.push(`${survivors.length} surviving mutants:`);
    for (const survivor of survivors) lines.push(`${survivor.id}\n${survivor.diff}`);
  }
  return lines.join("\n");
}

export function formatScore(score: number): string {
  return `${(score * 100).toFixed(1)}%`;
}

/** `npm run audit:report`: collects every figure of AUDIT.md and writes it. */
import fs from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { WEFT_CONTRACT_NAMES } from "../../src/deploy/system";
import { attackCatalogue, securityFiles } from "./attacks";
import { BuildInfos } from "./build-info";
import { contractInventory } from "./contracts";
import { COVERAGE_SUMMARY, readCoverage } from "./coverage";
import { codeSizes, deployForAudit, type AuditedDeployment } from "./deployment";
import { reportHeader } from "./header";
import { INVARIANTS_FILE, readInvariants } from "./invariants";
import { readLaunch } from "./launch";
import { readMutants } from "./mutants";
import { readParameters } from "./parameters";
import { renderAudit, type AuditFacts } from "./render";
import { readRoles } from "./roles";

export const AUDIT_COMMAND = "npm run audit:report";

/** Where the report reads from and writes to, relative to the project root unless absolute. */
export interface AuditPaths {
  readonly output: string;
  readonly invariants: string;
  readonly coverage: string;
  readonly limitations: string;
}

export const AUDIT_PATHS: AuditPaths = {
  output: "AUDIT.md",
  invariants: INVARIANTS_FILE,
  coverage: COVERAGE_SUMMARY,
  limitations: path.join("docs", "known-limitations.md"),
};

/** A contract whose build gives the compiler and settings shown in the header. */
const HEADER_CONTRACT = "contracts/market/JobEscrow.sol:JobEscrow";

/**
 * Every fact of the report, read from `deployment` (by default, the production system deployed now on the
 * in-process network). The contracts must be compiled.
 */
export async function collectAudit(
  hre: HardhatRuntimeEnvironment,
  paths: AuditPaths = AUDIT_PATHS,
  deployment?: AuditedDeployment,
): Promise<AuditFacts> {
  const root = hre.config.paths.root;
  deployment ??= await deployForAudit(hre);
  const files = securityFiles(root);
  const builds = new BuildInfos(hre.artifacts);
  return {
    header: await reportHeader(builds, root, AUDIT_COMMAND, paths.output, HEADER_CONTRACT),
    inventory: await contractInventory(hre.artifacts, builds, root, WEFT_CONTRACT_NAMES),
    codeSizes: await codeSizes(deployment),
    roles: await readRoles(deployment),
    launch: await readLaunch(deployment, LOCAL_PARAMETERS),
    parameters: await readParameters(deployment),
    invariants: readInvariants(root, paths.invariants),
    coverage: readCoverage(root, paths.coverage),
    mutants: readMutants(root),
    attackFiles: files,
    attacks: await attackCatalogue(root, files),
    limitationsFile: paths.limitations,
    limitations: fs.readFileSync(path.resolve(root, paths.limitations), "utf8"),
  };
}

/** What an auditor should know before trusting the report: a section that could not be filled. */
export function auditWarnings(facts: AuditFacts): string[] {
  const warnings: string[] = [];
  if (!facts.invariants.found) {
    warnings.push(`No invariant results (${facts.invariants.file}): run ${facts.invariants.command} first.`);
  }
  if (!facts.coverage.found) {
    warnings.push(`No coverage summary (${facts.coverage.file}): run ${facts.coverage.command} first.`);
  }
  if (!facts.mutants.found) {
    warnings.push(`No mutation report (${facts.mutants.file}): run ${facts.mutants.command} first.`);
  }
  return warnings;
}

/** Writes the report; returns the file written and the warnings to print. */
export async function writeAuditReport(
  hre: HardhatRuntimeEnvironment,
  paths: AuditPaths = AUDIT_PATHS,
): Promise<{ file: string; warnings: string[] }> {
  const facts = await collectAudit(hre, paths);
  const file = path.resolve(hre.config.paths.root, paths.output);
  fs.writeFileSync(file, renderAudit(facts));
  return { file, warnings: auditWarnings(facts) };
}

/** What the report says about the run that wrote it: command, date, commit, compiler and machine. */
import { execFileSync } from "node:child_process";
import { describeMachine, type Machine } from "../../src/machine";
import type { BuildInfos } from "./build-info";

export interface Compiler {
  readonly longVersion: string;
  readonly evmVersion: string;
  readonly optimizerRuns: number | null;
}

export interface ReportHeader {
  readonly command: string;
  readonly date: string;
  /** Short hash of HEAD. */
  readonly commit: string;
  /** Whether the working tree differs from HEAD (the report file itself aside). */
  readonly dirty: boolean;
  readonly compiler: Compiler;
  readonly machine: Machine;
}

function git(root: string, args: readonly string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The compiler and settings of the build that produced `fullyQualifiedName`. */
async function compiler(builds: BuildInfos, fullyQualifiedName: string): Promise<Compiler> {
  const buildInfo = await builds.of(fullyQualifiedName);
  const { optimizer, evmVersion } = buildInfo.input.settings;
  return {
    longVersion: buildInfo.solcLongVersion,
    evmVersion: evmVersion ?? "default",
    optimizerRuns: optimizer.enabled ? (optimizer.runs ?? 200) : null,
  };
}

export async function reportHeader(
  builds: BuildInfos,
  root: string,
  command: string,
  reportFile: string,
  compiledContract: string,
): Promise<ReportHeader> {
  return {
    command,
    date: new Date().toISOString(),
    commit: git(root, ["rev-parse", "--short", "HEAD"]),
    dirty: git(root, ["status", "--porcelain", "--", ".", `:(exclude)${reportFile}`]) !== "",
    compiler: await compiler(builds, compiledContract),
    machine: describeMachine(),
  };
}

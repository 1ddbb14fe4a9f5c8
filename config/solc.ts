import { subtask } from "hardhat/config";
import {
  TASK_COMPILE_SOLIDITY_CHECK_ERRORS,
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
} from "hardhat/builtin-tasks/task-names";
import { HardhatPluginError } from "hardhat/plugins";

/** The Solidity version every contract is compiled with; the npm `solc` package is pinned to it. */
export const SOLIDITY_VERSION = "0.8.30";

interface SolcJsModule {
  version(): string;
}

/**
 * Serve the compiler from the npm `solc` package instead of downloading it: no machine this
 * project runs on can reach binaries.soliditylang.org, and solcjs gives byte-identical output.
 */
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async ({ solcVersion }: { solcVersion: string }) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as SolcJsModule;
  const longVersion = solc.version().replace(/\.Emscripten\.clang$/, "");
  const installed = longVersion.split("+")[0];
  if (installed !== solcVersion) {
    throw new Error(
      `hardhat.config.ts asks for solc ${solcVersion} but the npm package solc is ${installed}. ` +
        `Pin them together: npm install --save-dev --save-exact solc@${solcVersion} ` +
        `(or set the config's version to ${installed}).`,
    );
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: solcVersion,
    longVersion,
  };
});

/** One diagnostic of solc's standard-JSON output. */
export interface SolcDiagnostic {
  readonly severity: "error" | "warning" | "info";
  readonly errorCode?: string;
  readonly message: string;
  readonly formattedMessage?: string;
  readonly sourceLocation?: { readonly file: string; readonly start: number; readonly end: number };
}

/** A known warning let through: solc's code for it and the one source file it may point at. */
export interface AllowedWarning {
  readonly errorCode: string;
  readonly file: string;
  readonly reason: string;
}

/**
 * The only warnings a compile may print nothing about. Each names one solc error code in one dependency file: the same
 * warning anywhere else (our contracts, another dependency, another OpenZeppelin file) still fails the compile.
 * Add an entry only for a warning in code we do not own, understood and explained here; fix every other one.
 */
export const ALLOWED_WARNINGS: readonly AllowedWarning[] = [
  {
    // "Transient storage as defined by EIP-1153 can break the composability of smart contracts ...": since 0.8.24
    // solc prints it for every `tstore` in inline assembly, whatever the code around it does. OpenZeppelin's
    // TransientSlot is where ReentrancyGuardTransient's tstore lives (JobEscrow, ProviderRegistry, DisputeManager);
    // that guard sets its slot on entry and clears it on exit of every guarded call, within the call frame, which is
    // the use the warning itself calls safe. The guard is OpenZeppelin's standard piece (DESIGN.md), so the warning
    // is allowed there and nowhere else: a tstore of our own still fails the compile.
    errorCode: "2394",
    file: "@openzeppelin/contracts/utils/TransientSlot.sol",
    reason: "EIP-1153 notice on OpenZeppelin's TransientSlot (ReentrancyGuardTransient), cleared within each call",
  },
];

export function isAllowedWarning(diagnostic: SolcDiagnostic): boolean {
  return (
    diagnostic.severity === "warning" &&
    ALLOWED_WARNINGS.some(
      (allowed) => diagnostic.errorCode === allowed.errorCode && diagnostic.sourceLocation?.file === allowed.file,
    )
  );
}

/**
 * Warnings fail the compile. Hardhat's own check throws on errors only and prints warnings, which scroll past in a
 * long compile and pile up; here the allowed warnings above are dropped, Hardhat's check runs on the rest (printing
 * every diagnostic, throwing on errors), and then any warning left fails the compile, naming how many there were.
 * Info diagnostics are printed and pass. The build info keeps solc's complete output.
 * `npm run coverage` compiles solidity-coverage's instrumented copy of the sources, unoptimized, which always warns
 * (the unused parameters of its injected probes, code sizes past 24 KiB): that build is not ours to hold to this rule,
 * and the same sources have passed it in the ordinary compile.
 */
subtask(TASK_COMPILE_SOLIDITY_CHECK_ERRORS).setAction(
  async ({ output, quiet }: { output: { errors?: SolcDiagnostic[] }; quiet: boolean }, hre, runSuper) => {
    const reported = (output?.errors ?? []).filter((diagnostic) => !isAllowedWarning(diagnostic));
    await runSuper({ output: { ...output, errors: reported }, quiet });
    const instrumented = (hre as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
    const warnings = reported.filter((diagnostic) => diagnostic.severity === "warning");
    if (warnings.length > 0 && !instrumented) {
      throw new HardhatPluginError(
        "weft",
        `${warnings.length} compiler warning${warnings.length === 1 ? "" : "s"} (printed above): warnings fail ` +
          `the compile. Fix the code, or, for a warning in a dependency that is understood, add a rule naming its ` +
          `error code and file to ALLOWED_WARNINGS in config/solc.ts, with the reason.`,
      );
    }
  },
);

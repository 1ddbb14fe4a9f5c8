import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";

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

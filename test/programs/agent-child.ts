/**
 * An agent task (`verifier:run`, `provider:run`) in a process of its own, for tests that kill and restart it. Hardhat
 * is loaded as a library, which takes the network from HARDHAT_NETWORK and the address book from
 * WEFT_DEPLOYMENTS_DIR; argv[2] names the task and argv[3] holds its arguments as JSON. WEFT_RPC_TIMEOUT_MS shortens
 * the HTTP client's timeout (20 s by default), so a test sees a stalled endpoint time out in a second or two.
 *
 * Start it with `node -r test/programs/register-ts-cached.js test/programs/agent-child.ts <task> '<json>'`.
 */
import hre from "hardhat";
import { HardhatPluginError } from "hardhat/plugins";
import type { HttpNetworkConfig } from "hardhat/types";

const TASKS = ["verifier:run", "provider:run"];

async function main(): Promise<void> {
  const [task, args] = process.argv.slice(2);
  if (!TASKS.includes(task ?? "")) throw new Error(`agent-child runs ${TASKS.join(" or ")}, not ${task}`);
  const timeout = process.env.WEFT_RPC_TIMEOUT_MS;
  // The provider is created on its first request, from this config object.
  if (timeout !== undefined) (hre.network.config as HttpNetworkConfig).timeout = Number(timeout);
  await hre.run(task, JSON.parse(args ?? "{}") as Record<string, unknown>);
}

// Mocha loads every .ts file under test/: run only as a program.
if (require.main === module) {
  main().catch((error: unknown) => {
    // As the hardhat command line reports errors: a plugin error by its message alone, anything else with its stack.
    console.error(
      error instanceof HardhatPluginError ? `Error in plugin ${error.pluginName}: ${error.message}` : error,
    );
    process.exit(1);
  });
}

/**
 * A program of test/programs in a process of its own that loads Hardhat as a library against the `localhost`
 * network at a URL the test chooses, with the address book in a directory the test chooses. TypeScript is loaded
 * through register-ts-cached.js, so that a test starting many processes transpiles each file once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const LOADER = path.join(ROOT, "test", "programs", "register-ts-cached.js");

export interface LocalhostTarget {
  /** The node's JSON-RPC URL, served as the `localhost` network. */
  readonly rpcUrl: string;
  /** Holds localhost.json, the address book. */
  readonly deploymentsDir: string;
}

/** Starts test/programs/`program` with `args`; its stdout and stderr are piped, and its stdin if `stdin` is set. */
export function spawnProgram(
  program: string,
  args: readonly string[],
  target: LocalhostTarget,
  options: { readonly env?: NodeJS.ProcessEnv; readonly stdin?: boolean } = {},
): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HARDHAT_NETWORK: "localhost",
    LOCALHOST_RPC_URL: target.rpcUrl,
    WEFT_DEPLOYMENTS_DIR: target.deploymentsDir,
    ...options.env,
  };
  return spawn(process.execPath, ["-r", LOADER, path.join(ROOT, "test", "programs", program), ...args], {
    cwd: ROOT,
    env,
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
}

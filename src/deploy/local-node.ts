/**
 * A `hardhat node` of this repository on a free port of 127.0.0.1, started and stopped by a test or a check that must
 * not touch a developer's own node on 8545.
 */
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";

export interface LocalNode {
  /** http://127.0.0.1:<port>, what LOCALHOST_RPC_URL gives the `localhost` network. */
  readonly url: string;
  /** Stops the node; resolves once it has exited. */
  stop(): Promise<void>;
}

/** How long a node may take to serve: Hardhat starts in seconds, but a loaded machine can stretch that. */
const START_TIMEOUT_MS = 60_000;
/** The node's last output kept for an error message: enough for a stack trace, bounded however long the node runs. */
const OUTPUT_TAIL_CHARS = 4_000;

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `npx hardhat node` in `root` on a free port; resolves once it serves JSON-RPC. */
export async function startLocalNode(root: string): Promise<LocalNode> {
  const port = await freePort();
  const hardhat = path.join(root, "node_modules", ".bin", "hardhat");
  const node = spawn(hardhat, ["node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: root });
  // A process that could not be spawned reports an error and may never report an exit.
  const exited = new Promise<void>((resolve) => {
    node.once("exit", () => resolve());
    node.once("error", () => resolve());
  });
  let output = "";
  // Reading the output for as long as the node runs keeps its pipe from filling up and blocking it.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS));
  node.stdout.on("data", keep);
  node.stderr.on("data", keep);
  const stop = async () => {
    if (node.exitCode === null && node.signalCode === null) node.kill();
    await exited;
  };
  const serving = new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(new Error(`hardhat node did not serve on port ${port} within ${START_TIMEOUT_MS / 1000} s:\n${output}`)),
      START_TIMEOUT_MS,
    );
    node.once("error", (error) => fail(new Error(`${hardhat} did not start (${error.message}): run npm ci first.`)));
    node.once("exit", (code) => fail(new Error(`hardhat node exited with code ${code}:\n${output}`)));
    node.stdout.on("data", () => {
      if (!output.includes("Started HTTP")) return;
      clearTimeout(timer);
      resolve();
    });
  });
  try {
    await serving;
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}

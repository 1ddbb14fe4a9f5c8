/**
 * Deploys Weft with the real `deploy` command to a fresh `hardhat node` on a free port, from the build in artifacts/
 * as it is (nothing is compiled first). CI runs it right after `npm run coverage`: a build that coverage left
 * instrumented is above EIP-170's contract size limit and fails here. The address book and Ignition journal go to
 * temporary places and are removed, so a developer's deployments/localhost.json and own node are left alone.
 * Run: npm run deploy:check
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { addressBookPath } from "../src/deploy/addressBook";
import { startLocalNode } from "../src/deploy/local-node";

const ROOT = path.resolve(__dirname, "..");
const HARDHAT = path.join(ROOT, "node_modules", ".bin", "hardhat");

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: "inherit" });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const node = await startLocalNode(ROOT);
  const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-deploy-check-"));
  const deploymentId = `deploy-check-${process.pid}`;
  try {
    const env = { ...process.env, LOCALHOST_RPC_URL: node.url, WEFT_DEPLOYMENTS_DIR: deploymentsDir };
    const code = await run(HARDHAT, ["deploy", "--network", "localhost", "--deployment-id", deploymentId], env);
    if (code !== 0 || !fs.existsSync(addressBookPath("localhost", deploymentsDir))) {
      console.error(
        `Deploying to a fresh node failed (exit ${code}). If the error says the contract is too large or the ` +
          "transaction reverted without reason, artifacts/ holds an instrumented coverage build: run " +
          "`npx hardhat clean && npx hardhat compile`.",
      );
      return 1;
    }
    console.log(`Deployed to a fresh node in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  } finally {
    await node.stop();
    fs.rmSync(deploymentsDir, { recursive: true, force: true });
    fs.rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));

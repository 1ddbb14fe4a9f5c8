/**
 * Every command README shows in a ```sh block, run as written, in README's order, against a fresh `hardhat node`:
 * README's examples are one tour of a local deployment (deploy, the DAO's proposal cycle, a client's jobs, a
 * provider's lifecycle and agent, a verifier's pass), each command depending on those before it. A ```text block is
 * a synopsis (options in brackets, placeholders in angle brackets) and is not run; a placeholder in an ```sh block
 * fails this test.
 *
 * How a line is run: `npx hardhat ...` lines through bash from the repository's root, with LOCALHOST_RPC_URL naming
 * this test's node. `npx hardhat node` ("terminal 1") starts that node afresh, on a free port, as a user's new
 * terminal 1 would. A line whose comment names another terminal (`# terminal 3: ...`) is a service: it is started
 * and left running, must still be running when the tour is over, and must exit 0 on Ctrl-C (SIGINT). Every other line must exit 0. `npm` lines are the CI's own steps
 * (`npm ci`, `npm test`) or covered by the demo's test.
 *
 * It takes a few minutes (every line starts Hardhat), so `npm test` skips it; `npm run test:cli` and `.ci/run` run
 * it. The tour writes where README's commands write (deployments/localhost.json, Ignition's journal of chain
 * 31337, .weft/localhost): whatever a developer had there is moved aside and put back.
 */
import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { startLocalNode, type LocalNode } from "../../src/deploy/local-node";
import { onlyWithCliTests, ROOT } from "../helpers/cli";

const README = path.join(ROOT, "README.md");
/** What README's commands write on a local network, moved aside for the tour and restored after it. */
const WRITTEN = ["deployments/localhost.json", "ignition/deployments/chain-31337", ".weft/localhost", "ballot.json"];
/** The longest one command may take (the demo and the deploy are the slowest, at well under a minute). */
const COMMAND_TIMEOUT_MS = 180_000;
/** The whole tour: some 50 commands, each starting Hardhat (seconds), the deploys and the demo the longest. */
const TOUR_TIMEOUT_MS = 20 * 60_000;
/** How long a service must stay up after it starts before the tour goes on (it has printed its first lines). */
const SERVICE_SETTLE_MS = 8_000;

export interface ReadmeCommand {
  /** The line as README writes it, its comment removed. */
  readonly command: string;
  /** README's line number, for messages. */
  readonly line: number;
  /** Whether README runs it in a terminal of its own (a service left running). */
  readonly service: boolean;
}

/** The `npx hardhat` commands of README's ```sh blocks, in order. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let inShell = false;
  for (const [index, text] of markdown.split("\n").entries()) {
    const fence = /^```(\w*)/.exec(text);
    if (fence !== null) {
      inShell = !inShell && fence[1] === "sh";
      continue;
    }
    if (!inShell) continue;
    const [code, comment = ""] = splitComment(text);
    if (!code.startsWith("npx hardhat ")) continue;
    const terminal = /^terminal (\d+)/.exec(comment.trim());
    commands.push({ command: code, line: index + 1, service: terminal !== null && terminal[1] !== "2" });
  }
  return commands;
}

/** A shell line and its comment: the first `#` outside quotes that follows a space. */
function splitComment(text: string): [string, string?] {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) quote = c === quote ? undefined : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || text[i - 1] === " ")) return [text.slice(0, i).trim(), text.slice(i + 1)];
  }
  return [text.trim()];
}

interface Finished {
  readonly code: number | null;
  /** The signal that ended the process, if one did (npx ends by the Ctrl-C its service stops on). */
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

function run(command: string, env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn("bash", ["-c", command], { cwd: ROOT, env, detached: true });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const done = new Promise<Finished>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, output })),
  );
  return { child, done };
}

describe("README examples", function () {
  let node: LocalNode | undefined;
  let aside: string;
  const services: { example: ReadmeCommand; child: ChildProcess; done: Promise<Finished> }[] = [];

  before(async function () {
    onlyWithCliTests(this);
    aside = fs.mkdtempSync(path.join(os.tmpdir(), "weft-readme-aside-"));
    for (const [i, file] of WRITTEN.entries()) {
      if (fs.existsSync(path.join(ROOT, file))) fs.renameSync(path.join(ROOT, file), path.join(aside, `${i}`));
    }
  });

  after(async function () {
    for (const { child } of services) {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
    }
    await node?.stop();
    if (aside === undefined) return;
    for (const [i, file] of WRITTEN.entries()) {
      fs.rmSync(path.join(ROOT, file), { recursive: true, force: true });
      if (fs.existsSync(path.join(aside, `${i}`))) fs.renameSync(path.join(aside, `${i}`), path.join(ROOT, file));
    }
    fs.rmSync(aside, { recursive: true, force: true });
  });

  it("show no placeholder in a ```sh block: templates are ```text synopses", function () {
    const placeholders = readmeCommands(fs.readFileSync(README, "utf8")).filter((c) => /<[^>]*>|\[--/.test(c.command));
    expect(placeholders.map((c) => `README.md:${c.line}: ${c.command}`)).to.deep.equal([]);
  });

  it("run as written, in order, on a fresh local deployment", async function () {
    this.timeout(TOUR_TIMEOUT_MS);
    const examples = readmeCommands(fs.readFileSync(README, "utf8"));
    expect(examples.length).to.be.greaterThan(30);
    let env = process.env;
    for (const example of examples) {
      const where = `README.md:${example.line}: ${example.command}`;
      if (example.command === "npx hardhat node") {
        await node?.stop();
        node = await startLocalNode(ROOT);
        env = { ...process.env, LOCALHOST_RPC_URL: node.url };
        continue;
      }
      const { child, done } = run(example.command, env);
      if (example.service) {
        services.push({ example, child, done });
        await new Promise((resolve) => setTimeout(resolve, SERVICE_SETTLE_MS));
        if (child.exitCode !== null || child.signalCode !== null)
          expect.fail(`${where} stopped:\n${(await done).output}`);
        continue;
      }
      const timeout = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), COMMAND_TIMEOUT_MS);
      const { code, output } = await done;
      clearTimeout(timeout);
      if (process.env.WEFT_README_VERBOSE === "1") console.log(`${where}\n${output}`);
      expect(code, `${where} exited with ${code}:\n${output}`).to.equal(0);
    }
    for (const { example, child, done } of services) {
      const where = `README.md:${example.line}: ${example.command}`;
      if (child.exitCode !== null || child.signalCode !== null)
        expect.fail(`${where} stopped before the tour ended:\n${(await done).output}`);
      process.kill(-child.pid!, "SIGINT");
      const { code, signal, output } = await done;
      // Ctrl-C reaches every process of the terminal's group: npx ends by the signal, the agent stops cleanly.
      expect(code === 0 || signal === "SIGINT", `${where} ended with ${code ?? signal} on Ctrl-C:\n${output}`).to.equal(
        true,
      );
      expect(output, `${where} logged an error:\n${output}`).not.to.match(/ error +\[/);
    }
  });
});

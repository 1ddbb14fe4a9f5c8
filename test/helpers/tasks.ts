/**
 * Running Hardhat tasks in this process against a fixture deployed on the in-process network.
 *
 * The tasks read deployments/<network>.json from DEPLOYMENTS_DIR, which is fixed when src/deploy/addressBook first
 * loads: a test file sets WEFT_DEPLOYMENTS_DIR before it imports this module (or anything else that loads the
 * address book). If another test file loaded it first, the address book goes to the directory that one fixed;
 * `preserveAddressBook` puts back whatever was there.
 */
import fs from "node:fs";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { HardhatPluginError } from "hardhat/plugins";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { addressBookPath, stringifyParameters, writeAddressBook } from "../../src/deploy/addressBook";
import type { VestingWalletAddresses } from "../../src/deploy/launch";
import { WEFT_CONTRACT_NAMES, type WeftAddresses, type WeftSystem } from "../../src/deploy/system";

/** Runs a task in this process and returns what it printed, without colours; `lines` receives each line as printed. */
export async function runTask(name: string, args: Record<string, unknown>, lines: string[] = []): Promise<string> {
  const log = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(" ").replace(/\x1b\[[0-9;]*m/g, ""));
  try {
    await hre.run(name, args);
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

/** Asserts the task failed the way a user sees it: one line (no stack) matching `pattern`. */
export async function expectTaskError(name: string, args: Record<string, unknown>, pattern: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await runTask(name, args);
  } catch (error) {
    caught = error;
  }
  expect(caught, `${name} succeeded`).to.be.instanceOf(HardhatPluginError);
  const message = (caught as HardhatPluginError).message;
  expect(message).to.match(pattern);
  expect(message).not.to.include("\n");
}

/**
 * Writes the address book of `system`, deployed on this network from block 0 with the local parameters, as
 * `network` (default this network's name) into `dir` (default deployments/).
 */
export async function writeFixtureAddressBook(
  system: WeftSystem & { readonly vestingWallets: VestingWalletAddresses },
  { network = hre.network.name, dir }: { readonly network?: string; readonly dir?: string } = {},
): Promise<void> {
  const contracts = Object.fromEntries(
    await Promise.all(WEFT_CONTRACT_NAMES.map(async (name) => [name, await system[name].getAddress()])),
  ) as WeftAddresses;
  const book = {
    network,
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    contracts,
    vestingWallets: system.vestingWallets,
    deploymentBlock: 0,
    commit: "test",
    deployedAt: new Date().toISOString(),
    parameters: stringifyParameters(LOCAL_PARAMETERS),
  };
  writeAddressBook(book, dir);
}

/**
 * Mocha hooks for the enclosing describe: the address book found before its tests is put back after them, and
 * `deploymentsDir` (the test file's own WEFT_DEPLOYMENTS_DIR) is removed and the variable restored.
 */
export function preserveAddressBook(deploymentsDir: string, previousDeploymentsDir: string | undefined): void {
  let bookFile: string;
  let previousBook: Buffer | undefined;
  before(function () {
    bookFile = addressBookPath(hre.network.name);
    previousBook = fs.existsSync(bookFile) ? fs.readFileSync(bookFile) : undefined;
  });
  after(function () {
    if (previousBook === undefined) fs.rmSync(bookFile, { force: true });
    else fs.writeFileSync(bookFile, previousBook);
    fs.rmSync(deploymentsDir, { recursive: true, force: true });
    if (previousDeploymentsDir === undefined) delete process.env.WEFT_DEPLOYMENTS_DIR;
    else process.env.WEFT_DEPLOYMENTS_DIR = previousDeploymentsDir;
  });
}
